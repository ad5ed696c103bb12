-- Every function of the extension, called with NULL arguments, refuses cleanly or answers, and
-- never crashes the backend or stores anything (issue 13 item 1, style guide 8.4). The functions
-- come from pg_depend, so a function added later is swept too. Each call runs in a subtransaction
-- that is rolled back whatever the call did; the test runs last in the schedule, alone, so the
-- row counts of the lake, the vault, the audit trail and the bookkeeping tables must not move.
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
SET statement_timeout = '120s';
DO $$ BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'regress_null_feed') THEN
		CREATE ROLE regress_null_feed LOGIN IN ROLE hdl_provider;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'regress_null_analyst') THEN
		CREATE ROLE regress_null_analyst LOGIN IN ROLE hdl_analyst;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'regress_null_engineer') THEN
		CREATE ROLE regress_null_engineer LOGIN IN ROLE hdl_engineer;
	END IF;
END $$;
SELECT hdl.register_source('regress_null_feed', 'RNULL1', 'Regress null feed') > 0 AS registered;
CREATE SCHEMA regress_null;
GRANT USAGE ON SCHEMA regress_null TO PUBLIC;

-- Calls the sweep does not make, each with its reason. A variant is 'all' (every argument NULL)
-- or the 1-based position of the one NULL argument (the others get sample values).
CREATE TABLE regress_null.exclusion (proc regprocedure, arg text, reason text, PRIMARY KEY (proc, arg));
INSERT INTO regress_null.exclusion VALUES
	-- A durable audit entry commits in a worker's own transaction: a rollback cannot take it back.
	-- With the event NULL the call is refused before the worker starts (swept); with an event it is
	-- written, by design.
	('hdl._audit_durable(text,text,jsonb)', '2', 'writes a durable audit entry (by design)'),
	('hdl._audit_durable(text,text,jsonb)', '3', 'writes a durable audit entry (by design)'),
	-- A refused re-identification is audited durably too: only the all-NULL call is swept.
	('hdl.reidentify(text,text)', 'all', 'every refused release of identity is audited durably (by design)'),
	('hdl.reidentify(text,text)', '1', 'every refused release of identity is audited durably (by design)'),
	('hdl.reidentify(text,text)', '2', 'every refused release of identity is audited durably (by design)'),
	-- hdl._refuse writes its durable refusal entry, then raises: a refusal must outlive its rollback.
	('hdl._refuse(text,text,jsonb,text,text,text)', '2', 'writes a durable refusal entry (by design)'),
	('hdl._refuse(text,text,jsonb,text,text,text)', '3', 'writes a durable refusal entry (by design)'),
	('hdl._refuse(text,text,jsonb,text,text,text)', '4', 'writes a durable refusal entry (by design)'),
	('hdl._refuse(text,text,jsonb,text,text,text)', '5', 'writes a durable refusal entry (by design)'),
	('hdl._refuse(text,text,jsonb,text,text,text)', '6', 'writes a durable refusal entry (by design)'),
	-- No reason is needed to remove an exemption: with the other arguments' samples the call goes on
	-- to look the mart "x" up, which does not exist.
	('hdl.mart_set_opt_out_exempt(text,boolean,text)', '3', 'a NULL reason is valid when exempt is false (the sample mart does not exist)');
GRANT SELECT ON regress_null.exclusion TO PUBLIC;

-- A non-NULL SQL literal of a type, for the arguments that are not the NULL one.
CREATE FUNCTION regress_null.sample(t regtype) RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE t
		WHEN 'text'::regtype THEN $q$'x'::text$q$
		WHEN 'name'::regtype THEN $q$'x'::name$q$
		WHEN 'jsonb'::regtype THEN $q$'{}'::jsonb$q$
		WHEN 'boolean'::regtype THEN 'false'
		WHEN 'integer'::regtype THEN '1'
		WHEN 'bigint'::regtype THEN '1::bigint'
		WHEN 'interval'::regtype THEN $q$'1 second'::interval$q$
		WHEN 'timestamp with time zone'::regtype THEN $q$'2026-01-01 00:00:00+00'::timestamptz$q$
		WHEN 'text[]'::regtype THEN $q$'{}'::text[]$q$
		WHEN 'bigint[]'::regtype THEN $q$'{}'::bigint[]$q$
		WHEN 'bytea'::regtype THEN $q$'\x00'::bytea$q$
		WHEN 'oid'::regtype THEN '0::oid'
		WHEN 'regclass'::regtype THEN $q$'pg_class'::regclass$q$
		WHEN 'inet'::regtype THEN $q$'127.0.0.1'::inet$q$
		WHEN 'xid8'::regtype THEN $q$'1'::xid8$q$
		WHEN 'pg_snapshot'::regtype THEN $q$'1:1:'::pg_snapshot$q$
	END
$$;

-- The functions of the extension (all its schemas), with their argument types.
CREATE VIEW regress_null.functions AS
	SELECT p.oid::regprocedure AS proc, p.prokind, p.proargtypes::regtype[] AS types, p.pronargs
	FROM pg_proc p
	JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
	JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'hdl';
GRANT SELECT ON regress_null.functions TO PUBLIC;

-- Rows in every table of the extension's schemas (leaf tables; the superuser counts).
CREATE FUNCTION regress_null.stored() RETURNS TABLE (tbl text, n bigint) LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
	FOR r IN SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
	         WHERE c.relkind = 'r' AND ns.nspname IN ('hdl', 'hdl_lake', 'hdl_vault', 'hdl_audit', 'hdl_api', 'mart')
	         ORDER BY 1::text LOOP
		tbl := r.rel::text;
		EXECUTE format('SELECT count(*) FROM %s', r.rel) INTO n;
		RETURN NEXT;
	END LOOP;
END $$;

-- Calls every function the current role may execute (aggregates, procedures and set-returning
-- functions included), once with every argument NULL and once per argument with that one NULL
-- (functions without arguments have no NULL to get and are not called); returns one row per call: its SQLSTATE ('00000' when it
-- answered) and message. Each call is undone by the exception its block raises afterwards.
CREATE FUNCTION regress_null.sweep() RETURNS TABLE (fn text, variant text, state text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	f record; i int; j int; t regtype; args text[]; call text;
BEGIN
	FOR f IN SELECT * FROM regress_null.functions WHERE pronargs > 0
	         AND has_function_privilege(current_user, proc, 'EXECUTE') ORDER BY proc::text LOOP
		FOR i IN 0 .. CASE WHEN f.pronargs > 1 THEN f.pronargs ELSE 0 END LOOP
			variant := CASE WHEN i = 0 THEN 'all' ELSE i::text END;
			fn := f.proc::text;
			CONTINUE WHEN EXISTS (SELECT 1 FROM regress_null.exclusion x WHERE x.proc = f.proc AND x.arg = sweep.variant);
			args := '{}';
			FOR j IN 1 .. f.pronargs LOOP
				-- a polymorphic argument is given as text
				t := CASE WHEN f.types[j - 1]::text ~ '^any' THEN 'text'::regtype ELSE f.types[j - 1] END;
				args := args || CASE WHEN i = 0 OR i = j OR regress_null.sample(t) IS NULL
				                     THEN format('NULL::%s', t) ELSE regress_null.sample(t) END;
			END LOOP;
			call := format('%s(%s)', regexp_replace(f.proc::text, '\(.*$', ''), array_to_string(args, ', '));
			call := CASE f.prokind WHEN 'p' THEN 'CALL ' || call WHEN 'w' THEN 'SELECT ' || call || ' OVER ()'
			             ELSE 'SELECT ' || call END;
			BEGIN
				EXECUTE call;
				state := '00000'; message := '';
				RAISE EXCEPTION USING ERRCODE = 'P0H01', MESSAGE = 'undo';
			EXCEPTION WHEN OTHERS THEN
				IF SQLSTATE <> 'P0H01' THEN
					GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT;
				END IF;
			END;
			RETURN NEXT;
		END LOOP;
	END LOOP;
END $$;
GRANT EXECUTE ON FUNCTION regress_null.sweep() TO PUBLIC;

CREATE TEMP TABLE stored_before AS SELECT * FROM regress_null.stored();
-- the sweep covers the whole extension
SELECT count(*) > 100 AS many_functions FROM regress_null.functions;

CREATE TEMP TABLE outcome AS SELECT 'superuser'::text AS caller, * FROM regress_null.sweep();
GRANT INSERT ON outcome TO PUBLIC;
SET ROLE regress_null_feed;
INSERT INTO outcome SELECT 'provider', * FROM regress_null.sweep();
RESET ROLE;
SET ROLE regress_null_analyst;
INSERT INTO outcome SELECT 'analyst', * FROM regress_null.sweep();
RESET ROLE;
SET ROLE regress_null_engineer;
INSERT INTO outcome SELECT 'engineer', * FROM regress_null.sweep();
RESET ROLE;

-- every role called something (the provider, analyst and engineer what they are granted)
SELECT caller, count(*) > 0 AS swept FROM outcome GROUP BY 1 ORDER BY 1;
-- Unclear outcomes (none expected): an internal error (XX), a NULL that reached a table
-- constraint (23) or a PL/pgSQL statement (P0002, P0003, 42xxx syntax and type errors), or a
-- message that shows the NULL as if it were a value. A clear refusal names the argument (22004).
SELECT caller, fn, variant, state, message FROM outcome
WHERE state ~ '^(XX|23|P0002|P0003|42601|42703|42804|42883|42P18|22P02|2202E|22012)'
   OR message ~ '(<NULL>|"NULL"|: NULL$|cache lookup failed|unexpected)'
ORDER BY fn, variant, caller;
-- the refusals of NULL name the argument
SELECT DISTINCT fn, message FROM outcome WHERE caller = 'superuser' AND state = '22004' AND variant = 'all'
	AND fn ~ '^hdl(_api)?\.(ingest|ingest_bundle|validate|import_s3|_mart_rows|create_mart|refresh_mart|schedule_job|register_source)\('
ORDER BY 1;
-- the excluded calls, with their reasons
SELECT proc, arg, reason FROM regress_null.exclusion ORDER BY proc::text, arg;
-- nothing was stored anywhere
SELECT b.tbl, b.n AS before, a.n AS after FROM stored_before b FULL JOIN regress_null.stored() a USING (tbl)
WHERE b.n IS DISTINCT FROM a.n;

DROP SCHEMA regress_null CASCADE;
