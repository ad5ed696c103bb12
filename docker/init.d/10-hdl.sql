-- Runs once when the container's database is first initialised.
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
