-- the Prefect server's own database, beside tradewatch's (POSTGRES_DB)
CREATE DATABASE prefect;
