-- Marts: create (typed table, comments, key index, registry, full build), refresh (incremental
-- and full), drop, the hdl.marts and hdl.catalog_marts views, audit calls, who may do what,
-- and every refusal.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
CREATE ROLE regress_mart_feed IN ROLE hdl_provider;
CREATE ROLE regress_mart_engineer IN ROLE hdl_engineer;
CREATE ROLE regress_mart_analyst IN ROLE hdl_analyst;
SELECT hdl.register_source('regress_mart_feed', 'MART1', 'mart regress feed') > 0 AS registered;
SET ROLE regress_mart_feed;
SELECT count(hdl.ingest(jsonb_build_object('resourceType', 'Practitioner', 'id', 'mart-dr-' || i,
	'active', i % 2 = 0, 'gender', CASE WHEN i % 3 = 0 THEN 'female' ELSE 'male' END,
	'birthDate', CASE WHEN i = 1 THEN '1970' ELSE '1970-01-0' || i END,
	'name', jsonb_build_array(jsonb_build_object('family', 'Family' || i, 'given', jsonb_build_array('G' || i, 'H' || i)))))) FROM generate_series(1, 5) i;
RESET ROLE;


SET ROLE regress_mart_engineer;
SELECT hdl.create_mart('practitioners', '{"resourceType":"ViewDefinition","name":"practitioners","url":"https://example.org/ViewDefinition/practitioners",
	"title":"Practitioners","description":"One row per practitioner.","resource":"Practitioner","where":[{"path":"id.startsWith(''mart-dr-'')"}],"select":[{"column":[
	{"name":"id","path":"getResourceKey()","type":"id","description":"Lake id."},
	{"name":"family","path":"name.family.first()","type":"string","description":"Family name."},
	{"name":"given","path":"name.given","type":"string","collection":true},
	{"name":"gender","path":"gender","type":"code"},
	{"name":"active","path":"active","type":"boolean"},
	{"name":"name_count","path":"name.count()","type":"integer"},
	{"name":"born","path":"birthDate","type":"date"},
	{"name":"updated","path":"meta.lastUpdated","type":"instant"}]}]}');
SELECT id, family, given, gender, active, name_count, to_char(born, 'YYYY-MM-DD') AS born, born_text, updated IS NOT NULL AS has_updated, _resource_key
FROM mart.practitioners ORDER BY id;
RESET ROLE;
-- the table: typed columns, comments, the key index, owned by hdl, readable by analysts
SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, col_description(a.attrelid, a.attnum)
FROM pg_attribute a WHERE a.attrelid = 'mart.practitioners'::regclass AND a.attnum > 0 ORDER BY a.attnum;
SELECT obj_description('mart.practitioners'::regclass, 'pg_class') AS table_comment;
SELECT indexdef FROM pg_indexes WHERE schemaname = 'mart' AND tablename = 'practitioners';
SELECT grantee, privilege_type FROM information_schema.role_table_grants
WHERE table_schema = 'mart' AND table_name = 'practitioners' AND grantee LIKE 'hdl\_%' ORDER BY 1, 2;
SELECT name, "table", view, resource_type, rows, last_refresh_mode, last_refresh_duration_ms >= 0 AS timed, last_refresh_changes
FROM hdl.marts WHERE name = 'practitioners';
SELECT name, view_name, view_url, view_title, resource_types, source_tables, jsonb_array_length(columns) AS columns,
	columns -> 0 AS first_column FROM hdl.catalog_marts WHERE name = 'practitioners';

-- incremental refresh: nothing changed, then one update (its old row deleted, new one inserted)
SET ROLE regress_mart_engineer;
SELECT hdl.refresh_mart('practitioners') AS unchanged;
RESET ROLE;
SET ROLE regress_mart_feed;
SELECT hdl.ingest('{"resourceType":"Practitioner","id":"mart-dr-2","gender":"other","name":[{"family":"Renamed"},{"family":"Second"}]}') -> 'meta' ->> 'versionId' AS version;
SELECT hdl.ingest('{"resourceType":"Practitioner","id":"mart-dr-6","name":[{"family":"New"}]}') -> 'meta' ->> 'versionId' AS version;
-- resources of other types do not touch the mart
SELECT hdl.ingest('{"resourceType":"Organization","id":"mart-org","name":"Org"}') -> 'meta' ->> 'versionId' AS version;
RESET ROLE;
SET ROLE regress_mart_engineer;
SELECT hdl.refresh_mart('practitioners') AS changed;
SELECT id, family, gender, name_count FROM mart.practitioners WHERE id IN ('mart-dr-2', 'mart-dr-6') ORDER BY id;
SELECT rows, last_refresh_mode, last_refresh_changes FROM hdl.marts WHERE name = 'practitioners';
SELECT hdl.refresh_mart('practitioners', 'full') AS rebuilt;
SELECT rows, last_refresh_mode, last_refresh_changes FROM hdl.marts WHERE name = 'practitioners';
SELECT count(*) FROM mart.practitioners;
-- 'mart.x' names the same mart as 'x'
SELECT hdl.refresh_mart('mart.practitioners') AS unchanged;

-- refusals
SELECT pg_temp.regress_try($$SELECT hdl.create_mart('practitioners', '{"resource":"Practitioner","select":[{"column":[{"name":"id","path":"id"}]}]}')$$);
SELECT pg_temp.regress_try($$SELECT hdl.create_mart('Bad-Name', '{"resource":"Practitioner","select":[{"column":[{"name":"id","path":"id"}]}]}')$$);
SELECT pg_temp.regress_try($$SELECT hdl.create_mart('public.x', '{"resource":"Practitioner","select":[{"column":[{"name":"id","path":"id"}]}]}')$$);
SELECT pg_temp.regress_try($$SELECT hdl.create_mart('hdl_lake.x', '{"resource":"Practitioner","select":[{"column":[{"name":"id","path":"id"}]}]}')$$);
SELECT pg_temp.regress_try($$SELECT hdl.create_mart(NULL, '{"resource":"Practitioner","select":[{"column":[{"name":"id","path":"id"}]}]}')$$);
SELECT pg_temp.regress_try($$SELECT hdl.create_mart('x', NULL)$$);
SELECT pg_temp.regress_try($$SELECT hdl.create_mart('x', '{"resource":"Practitioner","select":[{"column":[{"name":"id","path":"id("}]}]}')$$);
SELECT pg_temp.regress_try($$SELECT hdl.create_mart('x', '{"resource":"Practitioner","select":[{"column":[{"name":"_resource_key","path":"id"}]}]}')$$);
SELECT pg_temp.regress_try($$SELECT hdl.create_mart('x', '{"resource":"Practitioner","select":[{"column":[{"name":"id","path":"id","tag":[{"name":"postgres/type","value":"nosuchtype"}]}]}]}')$$);
SELECT pg_temp.regress_try($$SELECT hdl.refresh_mart('nosuch')$$);
SELECT pg_temp.regress_try($$SELECT hdl.refresh_mart('practitioners', 'sometimes')$$);
SELECT pg_temp.regress_try($$SELECT hdl.refresh_mart('practitioners', NULL)$$);
SELECT pg_temp.regress_try($$SELECT hdl.drop_mart('nosuch')$$);
-- a failed create leaves nothing behind
SELECT count(*) FROM hdl.marts WHERE name = 'x';
RESET ROLE;
SELECT to_regclass('mart.x') IS NULL AS no_table;
-- names only look like the reserved one
SET ROLE regress_mart_engineer;
SELECT hdl.create_mart('x', '{"resource":"Practitioner","where":[{"path":"id = ''mart-dr-1''"}],"select":[{"column":[{"name":"resource_key","path":"id"}]}]}');
SELECT * FROM mart.x;
SELECT hdl.drop_mart('x');
RESET ROLE;
-- a table that is not a mart blocks the name
CREATE TABLE mart.squatter(i int);
SET ROLE regress_mart_engineer;
SELECT pg_temp.regress_try($$SELECT hdl.create_mart('squatter', '{"resource":"Practitioner","select":[{"column":[{"name":"id","path":"id"}]}]}')$$);
RESET ROLE;
DROP TABLE mart.squatter;

-- a typed column by tag; a value that does not convert fails naming the column and resource
SET ROLE regress_mart_engineer;
\set VERBOSITY default
SELECT hdl.create_mart('born_dates', '{"resource":"Practitioner","where":[{"path":"id.startsWith(''mart-dr-'')"}],"select":[{"column":[
	{"name":"id","path":"id"},{"name":"born","path":"birthDate","type":"date","tag":[{"name":"postgres/type","value":"date"}]}]}]}');
\set VERBOSITY terse
SELECT hdl.create_mart('born_dates', '{"resource":"Practitioner","where":[{"path":"id.startsWith(''mart-dr-'')"},{"path":"birthDate.toString().length() = 10"}],"select":[{"column":[
	{"name":"id","path":"id"},{"name":"born","path":"birthDate","type":"date","tag":[{"name":"postgres/type","value":"date"}]},
	{"name":"code","path":"id.substring(8)","tag":[{"name":"ansi/type","value":"CHAR(3)"}]}]}]}');
SELECT id, born, code, pg_typeof(born), pg_typeof(code) FROM mart.born_dates ORDER BY id LIMIT 2;

-- schema-qualified marts: mart_* schemas are created on demand, readable by analysts
SELECT hdl.create_mart('mart_research.cohort', '{"name":"cohort","resource":"Practitioner","where":[{"path":"active and id.startsWith(''mart-dr-'')"}],"select":[{"column":[{"name":"id","path":"id"}]}]}');
SELECT id FROM mart_research.cohort ORDER BY id;
SELECT name, "table", rows FROM hdl.marts WHERE name IN ('practitioners', 'born_dates', 'mart_research.cohort') ORDER BY name;
RESET ROLE;
SELECT nspname, has_schema_privilege('hdl_analyst', oid, 'USAGE') AS analyst_usage,
	has_schema_privilege('hdl_engineer', oid, 'USAGE') AS engineer_usage, has_schema_privilege('public', oid, 'USAGE') AS public_usage
FROM pg_namespace WHERE nspname = 'mart_research';

-- analysts: read marts and the catalogue, nothing in the lake or the vault, no management
SET ROLE regress_mart_analyst;
SELECT count(*) FROM mart.practitioners;
SELECT count(*) FROM mart_research.cohort;
SELECT name FROM hdl.marts WHERE name IN ('practitioners', 'born_dates', 'mart_research.cohort') ORDER BY name;
SELECT mart FROM hdl.catalog_marts WHERE name IN ('practitioners', 'born_dates', 'mart_research.cohort') ORDER BY mart;
SELECT pg_temp.regress_try($$SELECT count(*) FROM hdl_lake.resource$$);
SELECT pg_temp.regress_try($$SELECT count(*) FROM hdl_lake.resource_history$$);
SELECT pg_temp.regress_try($$SELECT count(*) FROM hdl_lake.change_log$$);
SELECT pg_temp.regress_try($$SELECT count(*) FROM hdl_vault.identity$$);
SELECT pg_temp.regress_try($$SELECT count(*) FROM hdl_vault.link$$);
SELECT pg_temp.regress_try($$SELECT count(*) FROM hdl.mart$$);
SELECT pg_temp.regress_try($$SELECT hdl.refresh_mart('practitioners')$$);
SELECT pg_temp.regress_try($$SELECT hdl.create_mart('mine', '{"resource":"Practitioner","select":[{"column":[{"name":"id","path":"id"}]}]}')$$);
SELECT pg_temp.regress_try($$SELECT hdl.drop_mart('practitioners')$$);
SELECT pg_temp.regress_try($$SELECT * FROM hdl.install_starter_marts()$$);
SELECT pg_temp.regress_try($$DELETE FROM mart.practitioners$$);
RESET ROLE;
-- providers cannot manage or read marts
SET ROLE regress_mart_feed;
SELECT pg_temp.regress_try($$SELECT hdl.refresh_mart('practitioners')$$);
SELECT pg_temp.regress_try($$SELECT count(*) FROM mart.practitioners$$);
RESET ROLE;

-- drop
SET ROLE regress_mart_engineer;
SELECT hdl.drop_mart('born_dates');
SELECT hdl.drop_mart('mart_research.cohort');
RESET ROLE;
SELECT to_regclass('mart.born_dates') IS NULL AS dropped, to_regclass('mart_research.cohort') IS NULL AS dropped_too;
SELECT name FROM hdl.marts WHERE name IN ('practitioners', 'born_dates', 'mart_research.cohort') ORDER BY name;

-- every create, refresh and drop was audited, in the same transaction
SELECT event, subject, detail - 'table' AS detail FROM hdl_audit.log
WHERE event LIKE 'mart%' AND subject IN ('mart.born_dates', 'mart.practitioners', 'mart.x', 'mart_research.cohort')
ORDER BY event, subject, detail::text;
SET ROLE regress_mart_engineer;
SELECT hdl.refresh_mart('practitioners');
RESET ROLE;

-- A full refresh loads the emptied table directly and rebuilds its indexes once: an index a DBA
-- added stays valid and is used; an INSERT trigger (it would be skipped) is refused, and the
-- failed refresh leaves the mart as it was.
CREATE INDEX practitioners_family_idx ON mart.practitioners (family);
SET ROLE regress_mart_engineer;
SELECT hdl.refresh_mart('practitioners', 'full') > 0 AS refreshed;
RESET ROLE;
SELECT i.indisvalid AS extra_index_valid, (SELECT count(*) FROM mart.practitioners) AS rows
FROM pg_index i WHERE i.indexrelid = 'mart.practitioners_family_idx'::regclass;
SET enable_seqscan = off;
SELECT count(*) = (SELECT count(*) FROM mart.practitioners WHERE family IS NOT NULL) AS index_finds_all
FROM mart.practitioners WHERE family >= '';
RESET enable_seqscan;
CREATE FUNCTION pg_temp.regress_mart_noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER regress_mart_noop BEFORE INSERT ON mart.practitioners FOR EACH ROW EXECUTE FUNCTION pg_temp.regress_mart_noop();
SELECT count(*) AS rows_before FROM mart.practitioners \gset
SET ROLE regress_mart_engineer;
SELECT pg_temp.regress_try($$SELECT hdl.refresh_mart('practitioners', 'full')$$);
RESET ROLE;
SELECT count(*) = :rows_before AS mart_unchanged FROM mart.practitioners;
DROP TRIGGER regress_mart_noop ON mart.practitioners;
DROP INDEX mart.practitioners_family_idx;

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
RESET ROLE;
SELECT * FROM pg_temp.catalog_mismatches();
