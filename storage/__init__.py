"""All database I/O of tradewatch. Never imports prefect."""
