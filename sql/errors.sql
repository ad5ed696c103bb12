-- The C++/Postgres boundary: every error kind thrown in C++ reaches the client as a clean ERROR
-- with its SQLSTATE, and the backend survives (each statement after an error still works).
\getenv abs_srcdir PG_ABS_SRCDIR
\set ECHO none
\i :abs_srcdir/test/sql/try.sql
\set ECHO all
-- test functions are refused until a superuser enables them
SELECT pg_temp.regress_try($$SELECT hdl._test_throw('internal')$$);  -- ERROR
SET hdl.enable_test_functions = on;
CREATE ROLE regress_plain LOGIN;
GRANT USAGE ON SCHEMA hdl TO regress_plain;
GRANT EXECUTE ON FUNCTION hdl._test_live_objects() TO regress_plain;
SET ROLE regress_plain;
SET hdl.enable_test_functions = off;  -- ERROR: superuser-only setting
RESET ROLE;
REVOKE USAGE ON SCHEMA hdl FROM regress_plain;
REVOKE EXECUTE ON FUNCTION hdl._test_live_objects() FROM regress_plain;
DROP ROLE regress_plain;
SELECT pg_temp.regress_try($$SELECT hdl._test_throw('invalid_parameter')$$);  -- ERROR 22023
SELECT pg_temp.regress_try($$SELECT hdl._test_throw('invalid_json')$$);       -- ERROR 22032
SELECT pg_temp.regress_try($$SELECT hdl._test_throw('fhir_invalid')$$);       -- ERROR 22Z01
SELECT pg_temp.regress_try($$SELECT hdl._test_throw('not_found')$$);          -- ERROR 42704
SELECT pg_temp.regress_try($$SELECT hdl._test_throw('version_conflict')$$);   -- ERROR 55000
SELECT pg_temp.regress_try($$SELECT hdl._test_throw('duplicate')$$);          -- ERROR 42710
SELECT pg_temp.regress_try($$SELECT hdl._test_throw('permission_denied')$$);  -- ERROR 42501
SELECT pg_temp.regress_try($$SELECT hdl._test_throw('not_supported')$$);      -- ERROR 0A000
SELECT pg_temp.regress_try($$SELECT hdl._test_throw('external_service')$$);   -- ERROR 58030
SELECT pg_temp.regress_try($$SELECT hdl._test_throw('config_limit')$$);       -- ERROR 53400
SELECT pg_temp.regress_try($$SELECT hdl._test_throw('not_configured')$$);     -- ERROR 55000
SELECT pg_temp.regress_try($$SELECT hdl._test_throw('config_file')$$);        -- ERROR F0000
SELECT pg_temp.regress_try($$SELECT hdl._test_throw('internal')$$);           -- ERROR XX000
SELECT pg_temp.regress_try($$SELECT hdl._test_throw('std')$$);                -- ERROR XX000, a std::exception
SELECT pg_temp.regress_try($$SELECT hdl._test_throw('bad_alloc')$$);          -- ERROR 53200
SELECT pg_temp.regress_try($$SELECT hdl._test_throw('nonstd')$$);             -- ERROR XX000, not a std::exception
SELECT pg_temp.regress_try($$SELECT hdl._test_throw('no_such_kind')$$);       -- ERROR 22023, raised before any C++ object exists
-- a Postgres error raised inside pg::Guard comes back with its own SQLSTATE
SELECT pg_temp.regress_try($$SELECT hdl._test_guarded_pg_error()$$);          -- ERROR 22012
-- ... with each caller's context line once: the PL/pgSQL frames above the hdl call are not
-- captured with the error and then added again when it is raised
CREATE FUNCTION pg_temp.guarded_context() RETURNS text LANGUAGE plpgsql AS $f$
DECLARE ctx text;
BEGIN
	PERFORM hdl._test_guarded_pg_error();
	RETURN 'no error';
EXCEPTION WHEN division_by_zero THEN
	GET STACKED DIAGNOSTICS ctx = PG_EXCEPTION_CONTEXT;
	RETURN regexp_replace(ctx, 'pg_temp_\d+', 'pg_temp', 'g');
END $f$;
CREATE FUNCTION pg_temp.outer_context() RETURNS text LANGUAGE plpgsql AS $f$
BEGIN RETURN pg_temp.guarded_context(); END $f$;
SELECT pg_temp.outer_context() AS context;
-- destructors ran on every unwinding path above
SELECT hdl._test_live_objects() AS live_cpp_objects;
-- a failing step inside a subtransaction is recorded and the transaction goes on
BEGIN;
CREATE TEMP TABLE after_step(x int);
SELECT hdl._test_subxact(false) AS postgres_error_step;
SELECT hdl._test_subxact(true) AS cpp_exception_step;
INSERT INTO after_step VALUES (1);
COMMIT;
SELECT * FROM after_step;
SELECT 'backend alive' AS status;
