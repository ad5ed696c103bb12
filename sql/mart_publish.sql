-- Hand-off of marts by logical replication (issue 18 item 5): hdl.publish_marts publishes mart
-- schemas and nothing else, engineers only. This instance has wal_level = replica, so every call
-- here is refused: the publication itself is in t/090_mart_replication.pl.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
CREATE ROLE regress_pub_engineer IN ROLE hdl_engineer;
CREATE ROLE regress_pub_analyst IN ROLE hdl_analyst;
CREATE ROLE regress_pub_feed IN ROLE hdl_provider;
SET ROLE regress_pub_engineer;
SELECT hdl.create_mart('mart_regress_pub.practitioners', '{"resourceType":"ViewDefinition","name":"pub_practitioners",
	"resource":"Practitioner","where":[{"path":"id.startsWith(''pub-dr-'')"}],
	"select":[{"column":[{"name":"id","path":"getResourceKey()","type":"id"}]}]}') AS mart;
RESET ROLE;
-- every mart has the whole row as its replica identity (it has no key): deletes can be published
SELECT relreplident AS replica_identity FROM pg_class WHERE oid = 'mart_regress_pub.practitioners'::regclass;

-- NULLs
SET ROLE regress_pub_engineer;
SELECT pg_temp.regress_try($$SELECT hdl.publish_marts(NULL)$$) AS null_publication;
SELECT pg_temp.regress_try($$SELECT hdl.publish_marts('regress_pub', NULL)$$) AS null_schemas;
SELECT pg_temp.regress_try($$SELECT hdl.publish_marts('regress_pub', ARRAY['mart_regress_pub', NULL]::name[])$$) AS null_schema;
SELECT pg_temp.regress_try($$SELECT hdl.unpublish_marts(NULL)$$) AS null_unpublish;
SELECT pg_temp.regress_try($$SELECT hdl.publish_marts('regress_pub', '{}')$$) AS no_schema;

-- only mart schemas: identifiers never leave
SELECT s AS schema, pg_temp.regress_try(format('SELECT hdl.publish_marts(%L, ARRAY[%L]::name[])', 'regress_pub', s)) AS refused
FROM unnest(ARRAY['hdl_lake', 'hdl_vault', 'hdl_audit', 'hdl', 'public', 'pg_catalog', 'marts', 'ws_x']) s;
SELECT pg_temp.regress_try($$SELECT hdl.publish_marts('regress_pub', ARRAY['mart_regress_pub', 'hdl_vault'])$$) AS one_of_them;
SELECT pg_temp.regress_try($$SELECT hdl.publish_marts('regress_pub', ARRAY['mart_regress_nowhere'])$$) AS missing_schema;
RESET ROLE;
-- a schema named like a mart schema that hdl did not make could hold anything
CREATE SCHEMA mart_regress_foreign AUTHORIZATION regress_pub_analyst;
SET ROLE regress_pub_engineer;
SELECT pg_temp.regress_try($$SELECT hdl.publish_marts('regress_pub', ARRAY['mart_regress_foreign'])$$) AS foreign_schema;

-- a mart schema, but this instance cannot decode its changes
SELECT pg_temp.regress_try($$SELECT hdl.publish_marts('regress_pub', ARRAY['mart_regress_pub'])$$) AS wal_level;
SELECT pg_temp.regress_try($$SELECT hdl.unpublish_marts('regress_pub')$$) AS unpublish_missing;
RESET ROLE;
SET client_min_messages = error;
CREATE PUBLICATION regress_pub_foreign;
RESET client_min_messages;
SET ROLE regress_pub_engineer;
SELECT pg_temp.regress_try($$SELECT hdl.unpublish_marts('regress_pub_foreign')$$) AS not_hdls;
RESET ROLE;

-- analysts and providers cannot call either function
SET ROLE regress_pub_analyst;
SELECT pg_temp.regress_try($$SELECT hdl.publish_marts('regress_pub', ARRAY['mart_regress_pub'])$$) AS analyst_publish;
SELECT pg_temp.regress_try($$SELECT hdl.unpublish_marts('regress_pub_foreign')$$) AS analyst_unpublish;
RESET ROLE;
SET ROLE regress_pub_feed;
SELECT pg_temp.regress_try($$SELECT hdl.publish_marts('regress_pub', ARRAY['mart_regress_pub'])$$) AS provider_publish;
SELECT pg_temp.regress_try($$SELECT hdl.unpublish_marts('regress_pub_foreign')$$) AS provider_unpublish;
RESET ROLE;
SELECT p.oid::regprocedure AS function, prosecdef AS security_definer,
	has_function_privilege('hdl_engineer', p.oid, 'EXECUTE') AS engineer,
	has_function_privilege('hdl_analyst', p.oid, 'EXECUTE') AS analyst,
	has_function_privilege('hdl_provider', p.oid, 'EXECUTE') AS provider,
	has_function_privilege('public', p.oid, 'EXECUTE') AS public
FROM pg_proc p WHERE p.oid IN ('hdl.publish_marts(name,name[])'::regprocedure, 'hdl.unpublish_marts(name)'::regprocedure) ORDER BY 1;

-- the refusals changed nothing: no publication of hdl's, no audit entry, the foreign one intact
SELECT pubname FROM pg_publication ORDER BY 1;
SELECT count(*) AS audited FROM hdl_audit.log WHERE event IN ('mart_publish', 'mart_unpublish');
SELECT event, type_code, action FROM hdl_audit.event_kind WHERE event LIKE 'mart_%publish' ORDER BY 1;

DROP PUBLICATION regress_pub_foreign;
DROP SCHEMA mart_regress_foreign;
SET ROLE regress_pub_engineer;
SELECT hdl.drop_mart('mart_regress_pub.practitioners');
RESET ROLE;
DROP SCHEMA mart_regress_pub;
DROP ROLE regress_pub_engineer, regress_pub_analyst, regress_pub_feed;
