"""Plain functions from raw input to articles, signals and messages.

No database and no prefect here: fetching takes an injected client, parsing and
signal extraction are pure functions.
"""
