-- Recursion budgets (issue 13 item 2, core/depth.hpp): an expression or a document nested deeper
-- than hdl accepts is refused with SQLSTATE 54001 (or a validation error naming the problem),
-- never a stack overflow that restarts the server; nothing of it is stored. The build is -O3,
-- as always. Only SQLSTATE and message are shown: which budget stops a walk first (the level
-- count or max_stack_depth) depends on the compiler's frame sizes.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/catalog_check.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
CREATE FUNCTION pg_temp.refusal(stmt text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE stmt;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || left(SQLERRM, 110);
END $$;
-- What a statement answers (one text value), or its SQLSTATE and message.
CREATE FUNCTION pg_temp.answer(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
	EXECUTE stmt INTO r;
	RETURN r;
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || left(SQLERRM, 110);
END $$;
-- hdl.validate answers with an OperationOutcome: its error issues' codes, or the SQLSTATE.
CREATE FUNCTION pg_temp.validated(doc text, level text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE o jsonb;
BEGIN
	o := hdl.validate(doc::jsonb, level);
	RETURN coalesce((SELECT string_agg(DISTINCT i ->> 'code', ', ') FROM jsonb_array_elements(o -> 'issue') i
	                 WHERE i ->> 'severity' = 'error'), 'valid');
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || left(SQLERRM, 110);
END $$;
DO $$ BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'regress_depth_feed') THEN
		CREATE ROLE regress_depth_feed LOGIN IN ROLE hdl_provider;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'regress_depth_analyst') THEN
		CREATE ROLE regress_depth_analyst LOGIN IN ROLE hdl_analyst;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'regress_depth_engineer') THEN
		CREATE ROLE regress_depth_engineer LOGIN IN ROLE hdl_engineer;
	END IF;
END $$;
SELECT hdl.register_source('regress_depth_feed', 'RDEEP1', 'Regress depth feed') > 0 AS registered;
-- (this feed's rows only: other tests ingest in parallel)
CREATE TEMP VIEW feed_rows AS SELECT
	(SELECT count(*) FROM hdl_lake.resource_history h JOIN hdl.source s USING (source_id) WHERE s.role_name = 'regress_depth_feed') AS versions,
	(SELECT count(*) FROM hdl.ingest_batch b JOIN hdl.source s USING (source_id) WHERE s.role_name = 'regress_depth_feed') AS batches,
	(SELECT count(*) FROM hdl.mart WHERE name LIKE 'depth%') AS marts;
CREATE TEMP TABLE rows_before AS SELECT * FROM feed_rows;

-- A ViewDefinition whose one column has the given FHIRPath.
CREATE FUNCTION pg_temp.view_of(path text) RETURNS jsonb LANGUAGE sql AS $$
	SELECT jsonb_build_object('resourceType', 'ViewDefinition', 'resource', 'Patient', 'status', 'active',
		'select', jsonb_build_array(jsonb_build_object('column', jsonb_build_array(jsonb_build_object('name', 'x', 'path', path)))))
$$;
GRANT EXECUTE ON FUNCTION pg_temp.view_of(text), pg_temp.refusal(text), pg_temp.validated(text, text), pg_temp.answer(text) TO PUBLIC;

-- FHIRPath: the analyst's hdl.sof_evaluate, at 10,000 levels (20 kB) and just within the budget
SET ROLE regress_depth_analyst;
SELECT pg_temp.refusal(format($q$SELECT hdl.sof_evaluate(%L, '[{"resourceType":"Patient","id":"a"}]')$q$,
	pg_temp.view_of(repeat('(', 10000) || 'id' || repeat(')', 10000))));
SELECT hdl.sof_evaluate(pg_temp.view_of(repeat('(', 100) || 'id' || repeat(')', 100)),
	'[{"resourceType":"Patient","id":"a"}]') AS within_budget;
-- unary minus, a 5,000-step path and a 5,000-term sum parse without recursing deeply, but their
-- trees are as high: refused too
SELECT pg_temp.refusal(format($q$SELECT hdl.sof_evaluate(%L, '[{"resourceType":"Patient","id":"a"}]')$q$,
	pg_temp.view_of(repeat('-', 10000) || '1')));
SELECT pg_temp.refusal(format($q$SELECT hdl.sof_evaluate(%L, '[{"resourceType":"Patient","id":"a"}]')$q$,
	pg_temp.view_of('id' || repeat('.id', 5000))));
SELECT pg_temp.refusal(format($q$SELECT hdl.sof_evaluate(%L, '[{"resourceType":"Patient","id":"a"}]')$q$,
	pg_temp.view_of('1' || repeat(' + 1', 5000))));
-- selects nested 5,000 deep in the ViewDefinition itself
SELECT pg_temp.refusal(format($q$SELECT hdl.sof_evaluate(%L, '[{"resourceType":"Patient","id":"a"}]')$q$,
	jsonb_build_object('resourceType', 'ViewDefinition', 'resource', 'Patient', 'status', 'active',
		'select', (repeat('[{"select":', 5000) || '[{"column":[{"name":"x","path":"id"}]}]' || repeat('}]', 5000))::jsonb)));
-- a resource nested 5,000 deep, walked by repeat() and by a column of the whole element
SELECT pg_temp.refusal($q$SELECT hdl.sof_evaluate('{"resourceType":"ViewDefinition","resource":"Patient","status":"active",
	"select":[{"repeat":["item"],"column":[{"name":"x","path":"linkId"}]}]}',
	jsonb_build_array(('{"resourceType":"Patient","id":"a","item":' || repeat('{"linkId":"l","item":', 5000) || '{}' || repeat('}', 5000) || '}')::jsonb))$q$);
SELECT pg_temp.refusal($q$SELECT hdl.sof_evaluate('{"resourceType":"ViewDefinition","resource":"Patient","status":"active",
	"select":[{"column":[{"name":"x","path":"extension","collection":true}]}]}',
	jsonb_build_array(('{"resourceType":"Patient","id":"a","extension":' || repeat('[', 5000) || repeat(']', 5000) || '}')::jsonb))$q$);
RESET ROLE;

-- a mart of such a view is refused when it is created, and no mart is left
SET ROLE regress_depth_engineer;
SELECT pg_temp.refusal(format($q$SELECT hdl.create_mart('depth_parens', %L)$q$,
	pg_temp.view_of(repeat('(', 10000) || 'id' || repeat(')', 10000))));
SELECT pg_temp.refusal(format($q$SELECT hdl.create_mart('depth_path', %L)$q$, pg_temp.view_of('id' || repeat('.id', 5000))));
RESET ROLE;

-- Documents: 5,000 levels (within what Postgres's own parser takes), and 100,000 (which
-- Postgres's jsonb input refuses with the same SQLSTATE before hdl sees it).
CREATE TEMP TABLE deep (name text, doc text);
INSERT INTO deep VALUES
	('arrays', '{"resourceType":"Patient","extension":' || repeat('[', 5000) || repeat(']', 5000) || '}'),
	('objects', '{"resourceType":"Patient","extension":[' || repeat('{"url":"http://x","extension":[', 5000) || repeat(']}', 5000) || ']}'),
	('unknown', '{"resourceType":"Patient","x":' || repeat('{"a":', 5000) || '1' || repeat('}', 5000) || '}'),
	('arrays_100k', '{"resourceType":"Patient","extension":' || repeat('[', 100000) || repeat(']', 100000) || '}'),
	('bundle', '{"resourceType":"Bundle","type":"batch","entry":[{"request":{"method":"POST","url":"Patient"},"resource":'
		|| '{"resourceType":"Patient","extension":[' || repeat('{"url":"http://x","extension":[', 5000) || repeat(']}', 5000) || ']}}]}');
GRANT SELECT ON deep TO PUBLIC;
SET ROLE regress_depth_feed;
SELECT name, level, pg_temp.refusal(format('SELECT hdl.ingest(%L::jsonb, %L)', doc, level)) AS ingest
FROM deep, (VALUES ('strict'), ('minimal')) l(level) WHERE name <> 'bundle' ORDER BY 1, 2;
SELECT name, level, pg_temp.validated(doc, level) AS validate
FROM deep, (VALUES ('strict'), ('minimal')) l(level) WHERE name <> 'bundle' ORDER BY 1, 2;
-- (a batch answers 200 with the entry's refusal in its response)
SELECT name, level, pg_temp.answer(format($q$SELECT hdl.ingest_bundle(%L::jsonb, %L) -> 'entry' -> 0 -> 'response' ->> 'status'$q$, doc, level)) AS ingest_bundle
FROM deep, (VALUES ('strict'), ('minimal')) l(level) WHERE name = 'bundle' ORDER BY 1, 2;
SELECT name, pg_temp.refusal(format('SELECT hdl_api.ingest(%L::jsonb)', doc)) AS api_ingest,
	pg_temp.answer(format($q$SELECT hdl_api.validate(%L::jsonb) -> 'issue' -> 0 ->> 'code'$q$, doc)) AS api_validate
FROM deep WHERE name <> 'bundle' ORDER BY 1;
SELECT pg_temp.answer(format($q$SELECT hdl_api.ingest_bundle(%L::jsonb) -> 'entry' -> 0 -> 'response' ->> 'status'$q$, doc)) AS api_ingest_bundle
FROM deep WHERE name = 'bundle';
-- the same nesting built without Postgres's text parser (jsonb_build_array), 3,000 deep
DO $$
DECLARE d jsonb := '[]'; i int;
BEGIN
	FOR i IN 1 .. 3000 LOOP d := jsonb_build_array(d); END LOOP;
	CREATE TEMP TABLE built AS SELECT jsonb_build_object('resourceType', 'Patient', 'extension', d) AS doc;
END $$;
SELECT pg_temp.refusal($q$SELECT hdl.ingest(doc, 'minimal') FROM built$q$) AS built_minimal,
	pg_temp.refusal($q$SELECT hdl.ingest(doc) FROM built$q$) AS built_strict;
-- a well-formed resource still goes in
SELECT hdl.ingest('{"resourceType":"Patient","gender":"female"}') ->> 'resourceType' AS stored;
RESET ROLE;

-- nothing of the refused calls was stored: one version (the good resource), three batches (its
-- own and the two batch Bundles' whose one entry was refused)
SELECT a.versions - b.versions AS versions, a.batches - b.batches AS batches, a.marts - b.marts AS marts
FROM feed_rows a, rows_before b;
-- the server never restarted: no backend was killed by a signal while this test ran
SELECT (pg_stat_file('../../log/postmaster.log', true)).size > 0 AS log_read,
	(SELECT count(*) FROM regexp_matches(coalesce(pg_read_file('../../log/postmaster.log', 0, 1000000000, true), ''),
		'terminated by signal', 'g')) AS crashes;

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
RESET ROLE;
SELECT * FROM pg_temp.catalog_mismatches();
