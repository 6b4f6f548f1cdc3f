"""Prefect flows and the ``tradewatch`` CLI that runs them.

Importing this package does not import prefect: the CLI's read-only commands
start fast, and prefect is loaded by the commands that run flows.
"""
