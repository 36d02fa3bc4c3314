-- The PostgreSQL the rongcuo scheduler (and the case workers' CLI) expect.
-- Run as a superuser:  psql -h DBHOST -U postgres -f ops/postgres/setup.sql
-- Then migrate once, from one machine:  rongcuo db upgrade --db postgresql+psycopg://rongcuo@DBHOST/rongcuo
CREATE ROLE rongcuo LOGIN;                       -- add PASSWORD '…' unless pg_hba uses cert/peer
CREATE DATABASE rongcuo OWNER rongcuo ENCODING 'UTF8' TEMPLATE template0;
\connect rongcuo
ALTER DATABASE rongcuo SET timezone TO 'UTC';    -- instants are stored in UTC; legal dates are CST in code
-- sweepers hold their row locks only for one short batch; a stuck session should not hold them for ever
ALTER ROLE rongcuo SET idle_in_transaction_session_timeout = '5min';
ALTER ROLE rongcuo SET lock_timeout = '30s';
