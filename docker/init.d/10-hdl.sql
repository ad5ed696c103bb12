-- Runs once, when the container's database is first initialised (the official image runs
-- docker-entrypoint-initdb.d/* in name order with psql, as POSTGRES_USER, in POSTGRES_DB).
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
