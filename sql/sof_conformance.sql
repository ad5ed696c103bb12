-- The SQL-on-FHIR v2 test suite through Postgres: every test of every file in the shared
-- sof-tests directory runs through hdl.sof_evaluate on this cluster. Rows compare as multisets
-- (a null and an empty collection both mean "no value"); expectColumns checks column order,
-- expectCount the row count, expectError that the view is refused. Prints per-file results and
-- "N passed, N failed", and writes the official test report to results/sof_test_report.json.
-- Needs ../shared (or $HDL_SHARED_DIR); without it the test says so (sof_conformance_1.out).
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\getenv abs_builddir PG_ABS_BUILDDIR
\getenv shared HDL_SHARED_DIR
\if :{?shared}
\else
\set shared :abs_srcdir/../shared
\endif
SELECT :'shared' || '/sof-tests' AS dir \gset
SELECT coalesce((pg_stat_file(:'dir', true)).isdir, false) AS present \gset
\set ECHO all
\if :present
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
-- a row without its "no value" columns
CREATE FUNCTION pg_temp.sof_norm(r jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(jsonb_object_agg(k, v), '{}') FROM jsonb_each(r) e(k, v) WHERE v <> 'null' AND v <> '[]'
$$;
CREATE FUNCTION pg_temp.sof_run(test jsonb, resources jsonb, OUT passed boolean, OUT why text) LANGUAGE plpgsql AS $$
DECLARE
	actual jsonb;
	cols text[];
	missing bigint;
	extra bigint;
BEGIN
	BEGIN
		SELECT coalesce(jsonb_agg(pg_temp.sof_norm(r)), '[]') INTO actual FROM hdl.sof_evaluate(test -> 'view', resources) r;
		SELECT array_agg(c.name ORDER BY c.ordinal) INTO cols FROM hdl._sof_columns(test -> 'view') c;
	EXCEPTION WHEN OTHERS THEN
		passed := coalesce((test ->> 'expectError')::boolean, false);
		why := CASE WHEN NOT passed THEN 'error: ' || SQLERRM END;
		RETURN;
	END;
	IF coalesce((test ->> 'expectError')::boolean, false) THEN
		passed := false;
		why := 'expected an error, got ' || jsonb_array_length(actual) || ' rows';
		RETURN;
	END IF;
	IF test ? 'expectColumns' AND cols IS DISTINCT FROM ARRAY(SELECT jsonb_array_elements_text(test -> 'expectColumns')) THEN
		passed := false;
		why := 'columns ' || cols::text;
		RETURN;
	END IF;
	IF test ? 'expectCount' THEN
		passed := jsonb_array_length(actual) = (test ->> 'expectCount')::int;
		why := CASE WHEN NOT passed THEN 'got ' || jsonb_array_length(actual) || ' rows' END;
		RETURN;
	END IF;
	SELECT count(*) INTO missing FROM (SELECT pg_temp.sof_norm(e) FROM jsonb_array_elements(test -> 'expect') e
		EXCEPT ALL SELECT a FROM jsonb_array_elements(actual) a) d;
	SELECT count(*) INTO extra FROM (SELECT a FROM jsonb_array_elements(actual) a
		EXCEPT ALL SELECT pg_temp.sof_norm(e) FROM jsonb_array_elements(test -> 'expect') e) d;
	passed := missing = 0 AND extra = 0;
	why := CASE WHEN NOT passed THEN missing || ' expected rows missing, ' || extra || ' unexpected rows: ' || actual::text END;
END
$$;
CREATE TEMP TABLE sof_results AS
SELECT f.file, t.ord, t.test ->> 'title' AS title, r.passed, r.why
FROM (SELECT f AS file, pg_read_file(:'dir' || '/' || f)::jsonb AS suite FROM pg_ls_dir(:'dir') f
      WHERE f LIKE '%.json' AND f <> 'tests.schema.json') f,
     LATERAL jsonb_array_elements(f.suite -> 'tests') WITH ORDINALITY t(test, ord),
     LATERAL pg_temp.sof_run(t.test, f.suite -> 'resources') r;
-- per file
SELECT file, count(*) FILTER (WHERE passed) AS passed, count(*) FILTER (WHERE NOT passed) AS failed
FROM sof_results GROUP BY file ORDER BY file;
-- failures, if any
SELECT file, title, why FROM sof_results WHERE NOT passed ORDER BY file, ord;
SELECT count(*) FILTER (WHERE passed) || ' passed, ' || count(*) FILTER (WHERE NOT passed) || ' failed' AS summary FROM sof_results;
-- the official report: {file: {tests: [{name, result: {passed}}]}}
\set ECHO none
SELECT :'abs_builddir' || '/results/sof_test_report.json' AS report \gset
COPY (SELECT jsonb_object_agg(file, jsonb_build_object('tests', tests))::text FROM (
	SELECT file, jsonb_agg(jsonb_build_object('name', title, 'result', jsonb_build_object('passed', passed)) ORDER BY ord) AS tests
	FROM sof_results GROUP BY file) s) TO :'report' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02');
\set ECHO all
SELECT (SELECT count(*) FROM jsonb_object_keys(pg_read_file(:'report')::jsonb)) AS report_files;
\else
\echo skipped: the SQL-on-FHIR tests are not here (set HDL_SHARED_DIR to the shared directory)
\endif
