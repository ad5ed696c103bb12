-- SQL-on-FHIR views through Postgres: hdl.sof_evaluate (stateless), hdl._sof_columns,
-- hdl.mart_column_type and hdl.view_run over the lake; bad views and bad input fail with 22023.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;

-- one row per resource of the view's type; other types give no rows
SELECT r FROM hdl.sof_evaluate(
	'{"resource":"Patient","select":[{"column":[{"name":"id","path":"id"},{"name":"family","path":"name.family.first()"},{"name":"active","path":"active","type":"boolean"}]}]}',
	'[{"resourceType":"Patient","id":"p1","active":true,"name":[{"family":"Ng"}]},
	  {"resourceType":"Patient","id":"p2"},
	  {"resourceType":"Observation","id":"o1"}]') r ORDER BY r ->> 'id';
-- forEach, collections, decimals, integers, complex values
SELECT r FROM hdl.sof_evaluate(
	'{"resource":"Observation","select":[{"column":[{"name":"id","path":"id"}]},
	  {"forEach":"component","column":[{"name":"code","path":"code.coding.code.first()"},{"name":"value","path":"value.ofType(Quantity).value","type":"decimal"},
	   {"name":"codes","path":"code.coding.code","collection":true},{"name":"quantity","path":"value.ofType(Quantity)"}]}]}',
	'[{"resourceType":"Observation","id":"bp","component":[
	  {"code":{"coding":[{"code":"sys"},{"code":"x"}]},"valueQuantity":{"value":120.50,"unit":"mm[Hg]"}},
	  {"code":{"coding":[{"code":"dia"}]},"valueQuantity":{"value":80}}]}]') r ORDER BY r ->> 'code';
-- where filters, constants
SELECT r FROM hdl.sof_evaluate(
	'{"resource":"Patient","constant":[{"name":"g","valueCode":"female"}],"where":[{"path":"gender = %g"}],"select":[{"column":[{"name":"id","path":"id"}]}]}',
	'[{"resourceType":"Patient","id":"a","gender":"female"},{"resourceType":"Patient","id":"b","gender":"male"}]') r;
-- an empty array gives no rows; NULL arguments give none (strict)
SELECT count(*) FROM hdl.sof_evaluate('{"resource":"Patient","select":[{"column":[{"name":"id","path":"id"}]}]}', '[]');
SELECT count(*) FROM hdl.sof_evaluate(NULL, '[]');

-- invalid views and input: 22023 naming the problem
SELECT pg_temp.regress_try($$SELECT * FROM hdl.sof_evaluate('{"select":[{"column":[{"name":"id","path":"id"}]}]}', '[]')$$);
SELECT pg_temp.regress_try($$SELECT * FROM hdl.sof_evaluate('{"resource":"Patient","select":[{"column":[{"name":"id","path":"id.("}]}]}', '[]')$$);
SELECT pg_temp.regress_try($$SELECT * FROM hdl.sof_evaluate('{"resource":"Patient","select":[{"column":[{"name":"1x","path":"id"}]}]}', '[]')$$);
SELECT pg_temp.regress_try($$SELECT * FROM hdl.sof_evaluate('{"resource":"Patient","select":[{"column":[{"name":"a","path":"id"},{"name":"a","path":"gender"}]}]}', '[]')$$);
SELECT pg_temp.regress_try($$SELECT * FROM hdl.sof_evaluate('{"resource":"Patient","select":[{"column":[{"name":"a","path":"%nope"}]}]}', '[]')$$);
SELECT pg_temp.regress_try($$SELECT * FROM hdl.sof_evaluate('"Patient"', '[]')$$);
SELECT pg_temp.regress_try($$SELECT * FROM hdl.sof_evaluate('{"resource":"Patient","select":[]}', '[]')$$);
SELECT pg_temp.regress_try($$SELECT * FROM hdl.sof_evaluate('{"resource":"Patient","select":[{"column":[{"name":"id","path":"id"}]}]}', '{"resourceType":"Patient"}')$$);
-- data that breaks the view's promise: several values in a non-collection column
SELECT pg_temp.regress_try($$SELECT * FROM hdl.sof_evaluate('{"resource":"Patient","select":[{"column":[{"name":"given","path":"name.given"}]}]}',
	'[{"resourceType":"Patient","name":[{"given":["A","B"]}]}]')$$);

-- the columns of a view, with the SQL type a tag asks for
SELECT * FROM hdl._sof_columns('{"resource":"Patient","select":[{"column":[
	{"name":"id","path":"id","type":"id","description":"the id"},
	{"name":"born","path":"birthDate","type":"date","tag":[{"name":"postgres/type","value":"date"}]},
	{"name":"names","path":"name","collection":true}]},
	{"unionAll":[{"column":[{"name":"u","path":"id"}]},{"column":[{"name":"u","path":"gender"}]}]}]}');
-- FHIR type -> SQL type
SELECT t, hdl.mart_column_type(t) FROM unnest(ARRAY['boolean', 'integer', 'positiveInt', 'unsignedInt', 'integer64',
	'decimal', 'string', 'code', 'id', 'uri', 'date', 'dateTime', 'time', 'instant', 'base64Binary', 'Coding',
	'Reference', NULL]) t;
SELECT hdl.mart_column_type('string', true) AS collection, hdl.mart_column_type('date', false, 'date') AS tagged,
	hdl.mart_column_type('string', false, 'varchar(12)') AS tagged_varchar;
SELECT pg_temp.regress_try($$SELECT hdl.mart_column_type('string', false, 'no_such_type')$$);
SELECT pg_temp.regress_try($$SELECT hdl.mart_column_type('string', false, 'text; drop table x')$$);

-- view_run: over the lake's current versions of the view's type, streamed in batches
CREATE ROLE regress_sof_feed IN ROLE hdl_provider;
CREATE ROLE regress_sof_engineer IN ROLE hdl_engineer;
CREATE ROLE regress_sof_analyst IN ROLE hdl_analyst;
SELECT hdl.register_source('regress_sof_feed', 'SOF1', 'sof regress feed') > 0 AS registered;
SET ROLE regress_sof_feed;
SELECT count(hdl.ingest(jsonb_build_object('resourceType', 'Practitioner', 'id', 'sof-dr-' || i,
	'name', jsonb_build_array(jsonb_build_object('family', 'Family' || i))))) FROM generate_series(1, 1203) i;
SELECT hdl.ingest('{"resourceType":"Practitioner","id":"sof-dr-7","name":[{"family":"Renamed"}]}') -> 'meta' ->> 'versionId' AS version;
RESET ROLE;
SET ROLE regress_sof_engineer;
SELECT count(*) FILTER (WHERE r ->> 'id' LIKE 'sof-dr-%'), count(DISTINCT r ->> 'id') FILTER (WHERE r ->> 'id' LIKE 'sof-dr-%') FROM hdl.view_run('{"resource":"Practitioner","select":[{"column":[{"name":"id","path":"id"},{"name":"family","path":"name.family.first()"}]}]}') r;
SELECT r FROM hdl.view_run('{"resource":"Practitioner","where":[{"path":"id = ''sof-dr-7''"}],"select":[{"column":[{"name":"id","path":"id"},{"name":"family","path":"name.family.first()"}]}]}') r;
-- a type with no resources gives no rows
SELECT count(*) FROM hdl.view_run('{"resource":"VisionPrescription","select":[{"column":[{"name":"id","path":"id"}]}]}');
-- errors from the data name the resource
SELECT pg_temp.regress_try($$SELECT count(*) FROM hdl.view_run('{"resource":"Practitioner","where":[{"path":"id = ''sof-dr-9''"}],"select":[{"column":[{"name":"x","path":"id | name.family"}]}]}')$$);
SELECT pg_temp.regress_try($$SELECT count(*) FROM hdl.view_run('{"resource":"Practitioner"}')$$);
RESET ROLE;
-- analysts may evaluate views over JSON they pass, but not run them over the lake
SET ROLE regress_sof_analyst;
SELECT count(*) FROM hdl.sof_evaluate('{"resource":"Patient","select":[{"column":[{"name":"id","path":"id"}]}]}', '[{"resourceType":"Patient"}]');
SELECT pg_temp.regress_try($$SELECT count(*) FROM hdl.view_run('{"resource":"Practitioner","select":[{"column":[{"name":"id","path":"id"}]}]}')$$);
SELECT pg_temp.regress_try($$SELECT count(*) FROM hdl._mart_rows('{"resource":"Practitioner","select":[{"column":[{"name":"id","path":"id"}]}]}', NULL) AS r(id text, _resource_key text)$$);
RESET ROLE;
-- _mart_rows: the column definition list must match the view
SELECT pg_temp.regress_try($$SELECT count(*) FROM hdl._mart_rows('{"resource":"Practitioner","select":[{"column":[{"name":"id","path":"id"}]}]}', NULL) AS r(id text)$$);
SELECT pg_temp.regress_try($$SELECT count(*) FROM hdl._mart_rows('{"resource":"Practitioner","select":[{"column":[{"name":"id","path":"id"}]}]}', NULL) AS r(ident text, _resource_key text)$$);
SELECT * FROM hdl._mart_rows('{"resource":"Practitioner","select":[{"column":[{"name":"id","path":"id"},{"name":"n","path":"name.count()","type":"integer"},{"name":"f","path":"name.family.first()"}]}]}',
	ARRAY['sof-dr-1', 'sof-dr-7', 'missing', NULL]) AS r(id text, n int, f text, _resource_key text) ORDER BY 1;

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
RESET ROLE;
SELECT * FROM pg_temp.catalog_mismatches();
