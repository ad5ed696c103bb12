-- A batch Bundle answers every entry, however many are bad: 150 bad entries (one of them with
-- more problems than an entry reports) and 50 good ones give 150 refusals, each naming its own
-- entry, and 50 stored resources. A transaction Bundle with one bad entry stores nothing, and
-- one with many lists the first problems and counts them all.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
CREATE ROLE regress_bb_feed IN ROLE hdl_provider;
SELECT hdl.register_source('regress_bb_feed', 'BB1', 'Regress batch feed') > 0 AS registered;
CREATE TEMP VIEW bb_stored AS
	SELECT count(*) AS versions FROM hdl_lake.resource_history h JOIN hdl.source s USING (source_id) WHERE s.org_code = 'BB1';
-- entry i (0-199): every fourth one good (50), the others bad (150): a wrong gender code, and
-- entry 1 with 150 unknown elements
CREATE TEMP TABLE bb_entries AS
SELECT i, i % 4 = 0 AS good, jsonb_build_object(
	'resource', CASE
		WHEN i % 4 = 0 THEN jsonb_build_object('resourceType', 'Practitioner', 'id', 'bb-' || i, 'name', jsonb_build_array(jsonb_build_object('family', 'Good' || i)))
		WHEN i = 1 THEN (SELECT jsonb_object_agg('x' || k, k) FROM generate_series(1, 150) k) || jsonb_build_object('resourceType', 'Practitioner', 'id', 'bb-' || i)
		ELSE jsonb_build_object('resourceType', 'Practitioner', 'id', 'bb-' || i, 'gender', 'robot') END,
	'request', jsonb_build_object('method', 'PUT', 'url', 'Practitioner/bb-' || i)) AS entry
FROM generate_series(0, 199) i;
CREATE TEMP TABLE bb_response AS SELECT NULL::jsonb AS doc;
GRANT SELECT ON bb_entries TO regress_bb_feed;
GRANT UPDATE ON bb_response TO regress_bb_feed;
SET ROLE regress_bb_feed;
UPDATE bb_response SET doc = hdl.ingest_bundle(jsonb_build_object('resourceType', 'Bundle', 'type', 'batch',
	'entry', (SELECT jsonb_agg(entry ORDER BY i) FROM bb_entries)));
RESET ROLE;
-- one response per entry, in order: 201 for the good ones, 400 for every bad one
SELECT r.doc ->> 'type' AS type, jsonb_array_length(r.doc -> 'entry') AS responses FROM bb_response r;
SELECT e.good, x.response -> 'response' ->> 'status' AS status, count(*)
FROM bb_response r, jsonb_array_elements(r.doc -> 'entry') WITH ORDINALITY AS x(response, n)
JOIN bb_entries e ON e.i = x.n - 1 GROUP BY 1, 2 ORDER BY 1, 2;
-- each good entry's location names its own resource; each bad entry's outcome its own entry
SELECT count(*) FILTER (WHERE e.good AND x.response -> 'response' ->> 'location' = 'Practitioner/bb-' || e.i || '/_history/1') AS located,
       count(*) FILTER (WHERE NOT e.good AND x.response -> 'response' -> 'outcome' -> 'issue' -> 0 -> 'expression' ->> 0
                        LIKE 'Bundle.entry[' || e.i || '].%') AS refused_at_own_entry
FROM bb_response r, jsonb_array_elements(r.doc -> 'entry') WITH ORDINALITY AS x(response, n)
JOIN bb_entries e ON e.i = x.n - 1;
-- the entry with 150 problems reports 100 of them and says there are more
SELECT jsonb_array_length(x.response -> 'response' -> 'outcome' -> 'issue') AS issues,
       x.response -> 'response' -> 'outcome' -> 'issue' -> -1 AS last_issue
FROM bb_response r, jsonb_array_elements(r.doc -> 'entry') WITH ORDINALITY AS x(response, n) WHERE x.n = 2;
SELECT * FROM bb_stored;
SELECT kind, stored, rejected, resources_by_type FROM hdl.catalog_batches WHERE organisation = 'BB1';

-- A transaction with one bad entry among good ones stores nothing
SET ROLE regress_bb_feed;
SELECT pg_temp.regress_try(format($$SELECT hdl.ingest_bundle(%L)$$, jsonb_build_object('resourceType', 'Bundle', 'type', 'transaction',
	'entry', (SELECT jsonb_agg(entry ORDER BY i) FROM bb_entries WHERE good OR i = 2)))) ~ '^22Z01: FHIR validation failed: at Bundle.entry\[1\]' AS refused;
-- one with 150 bad entries: the message counts every problem, the OperationOutcome lists 100 and
-- says how many more there are
CREATE FUNCTION pg_temp.detail(stmt text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE d text;
BEGIN
	EXECUTE stmt;
	RETURN NULL;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
	RETURN jsonb_build_object('message', SQLERRM, 'sqlstate', SQLSTATE, 'outcome', d::jsonb);
END $$;
SELECT e ->> 'sqlstate' AS sqlstate, e ->> 'message' AS message, jsonb_array_length(e -> 'outcome' -> 'issue') AS listed,
       e -> 'outcome' -> 'issue' -> -1 ->> 'diagnostics' AS last
FROM pg_temp.detail(format($$SELECT hdl.ingest_bundle(%L)$$, jsonb_build_object('resourceType', 'Bundle', 'type', 'transaction',
	'entry', (SELECT jsonb_agg(entry ORDER BY i) FROM bb_entries WHERE i <> 1)))) e;
RESET ROLE;
SELECT * FROM bb_stored;

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
RESET ROLE;
SELECT * FROM pg_temp.catalog_mismatches();
