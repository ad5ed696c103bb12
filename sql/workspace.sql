-- Analyst workspaces (issue 18 item 4): an engineer gives an analyst a schema of its own, where the
-- analyst creates tables and views from marts; nothing there can read the lake, the vault or the
-- audit trail, even through a SECURITY DEFINER function the analyst writes; refusals leave nothing.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
CREATE ROLE regress_ws_engineer IN ROLE hdl_engineer;
CREATE ROLE regress_ws_analyst IN ROLE hdl_analyst;
CREATE ROLE regress_ws_other IN ROLE hdl_analyst;
CREATE ROLE regress_ws_both IN ROLE hdl_analyst, hdl_provider;
CREATE ROLE regress_ws_plain;
CREATE ROLE regress_ws_feed IN ROLE hdl_provider;
SELECT hdl.register_source('regress_ws_feed', 'WSFEED', 'workspace regress feed') > 0 AS registered;
SET ROLE regress_ws_feed;
SELECT hdl.ingest('{"resourceType":"Practitioner","id":"ws-dr-1","active":true,"name":[{"family":"Wsone"}]}') ->> 'id' AS stored;
RESET ROLE;
SET ROLE regress_ws_engineer;
SELECT hdl.create_mart('ws_practitioners', '{"resourceType":"ViewDefinition","name":"ws_practitioners","resource":"Practitioner",
	"where":[{"path":"id.startsWith(''ws-dr-'')"}],"select":[{"column":[{"name":"id","path":"getResourceKey()","type":"id"},
	{"name":"active","path":"active","type":"boolean"}]}]}') IS NOT NULL AS mart_created;

-- who may create one, and for whom: only engineers (and the owner), only for plain analysts
SELECT pg_temp.regress_try($$SELECT hdl.create_workspace(NULL)$$) AS null_role;
SELECT pg_temp.regress_try($$SELECT hdl.create_workspace('regress_ws_nobody')$$) AS unknown_role;
SELECT pg_temp.regress_try($$SELECT hdl.create_workspace('regress_ws_plain')$$) AS not_an_analyst;
SELECT pg_temp.regress_try($$SELECT hdl.create_workspace('regress_ws_both')$$) AS also_a_provider;
SELECT pg_temp.regress_try($$SELECT hdl.create_workspace('regress_ws_engineer')$$) AS an_engineer;
SELECT pg_temp.regress_try($$SELECT hdl.create_workspace('regress_ws_analyst', 'hdl_lake')$$) AS reserved_schema;
SELECT pg_temp.regress_try($$SELECT hdl.create_workspace('regress_ws_analyst', 'mart')$$) AS mart_schema;
SELECT pg_temp.regress_try($$SELECT hdl.create_workspace('regress_ws_analyst', 'mart_research')$$) AS a_mart_schema_name;
SELECT pg_temp.regress_try($$SELECT hdl.create_workspace('regress_ws_analyst', 'public')$$) AS public_schema;
RESET ROLE;
SET ROLE regress_ws_analyst;
SELECT pg_temp.regress_try($$SELECT hdl.create_workspace('regress_ws_analyst')$$) AS analyst_self_service;
RESET ROLE;
SET ROLE regress_ws_feed;
SELECT pg_temp.regress_try($$SELECT hdl.create_workspace('regress_ws_analyst')$$) AS provider;
RESET ROLE;
-- none of the refusals left a schema, a registry row or an audit entry
SELECT count(*) AS schemas FROM pg_namespace WHERE nspname LIKE 'ws\_regress\_ws\_%';
SELECT count(*) AS registered FROM hdl.workspace WHERE role_name::text LIKE 'regress_ws_%';
SELECT count(*) AS audited FROM hdl_audit.log WHERE event = 'workspace_create' AND detail ->> 'role' LIKE 'regress_ws_%';

-- a rolled-back creation leaves nothing either
BEGIN;
SET LOCAL ROLE regress_ws_engineer;
SELECT hdl.create_workspace('regress_ws_analyst') AS workspace;
ROLLBACK;
SELECT count(*) AS schemas_after_rollback FROM pg_namespace WHERE nspname = 'ws_regress_ws_analyst';

-- created by an engineer: owned by the analyst, closed to others, registered and audited
SET ROLE regress_ws_engineer;
SELECT hdl.create_workspace('regress_ws_analyst') AS workspace;
SELECT hdl.create_workspace('regress_ws_analyst') AS again_the_same;
SELECT pg_temp.regress_try($$SELECT hdl.create_workspace('regress_ws_analyst', 'ws_elsewhere')$$) AS a_second_one;
SELECT role_name, schema_name, created_by FROM hdl.workspace WHERE role_name::text LIKE 'regress_ws_%';
RESET ROLE;
SELECT pg_get_userbyid(nspowner) AS owner, has_schema_privilege('regress_ws_other', oid, 'USAGE') AS other_analyst_usage,
	has_schema_privilege('regress_ws_feed', oid, 'USAGE') AS provider_usage
FROM pg_namespace WHERE nspname = 'ws_regress_ws_analyst';
SELECT event, subject, role_name, detail FROM hdl_audit.log
WHERE event = 'workspace_create' AND detail ->> 'role' = 'regress_ws_analyst' ORDER BY entry_id;

-- the analyst builds a cohort table and a view from a mart
SET ROLE regress_ws_analyst;
CREATE TABLE ws_regress_ws_analyst.active_practitioners AS SELECT id FROM mart.ws_practitioners WHERE active;
CREATE VIEW ws_regress_ws_analyst.practitioner_count AS SELECT count(*) AS n FROM mart.ws_practitioners;
SELECT * FROM ws_regress_ws_analyst.active_practitioners;
SELECT * FROM ws_regress_ws_analyst.practitioner_count;
-- what it writes there runs as the analyst: no reach into the lake, the vault or the audit trail
SET check_function_bodies = off;
CREATE FUNCTION ws_regress_ws_analyst.peek() RETURNS bigint LANGUAGE sql SECURITY DEFINER
	AS $$ SELECT count(*) FROM hdl_lake.resource $$;
RESET check_function_bodies;
SELECT pg_temp.regress_try($$SELECT ws_regress_ws_analyst.peek()$$) AS definer_function;
SELECT pg_temp.regress_try($$CREATE VIEW ws_regress_ws_analyst.lake AS SELECT * FROM hdl_lake.resource$$) AS lake_view;
SELECT pg_temp.regress_try($$CREATE VIEW ws_regress_ws_analyst.vault AS SELECT * FROM hdl_vault.identity$$) AS vault_view;
SELECT pg_temp.regress_try($$CREATE TABLE ws_regress_ws_analyst.log AS SELECT * FROM hdl_audit.log$$) AS audit_copy;
-- and no mart can be put into a workspace (its owner could drop it under the refresh): marts live in
-- mart and mart_* only, which no workspace may be named
RESET ROLE;
SET ROLE regress_ws_engineer;
SELECT pg_temp.regress_try($$SELECT hdl.create_mart('ws_regress_ws_analyst.sneaky', '{"resourceType":"ViewDefinition","name":"sneaky","resource":"Practitioner","select":[{"column":[{"name":"id","path":"id"}]}]}')$$) AS mart_in_workspace;
RESET ROLE;
-- another analyst cannot read it until its owner shares it
SET ROLE regress_ws_other;
SELECT pg_temp.regress_try($$SELECT * FROM ws_regress_ws_analyst.active_practitioners$$) AS other_analyst;
RESET ROLE;

-- dropped by an engineer, with everything in it; audited
SET ROLE regress_ws_analyst;
SELECT pg_temp.regress_try($$SELECT hdl.drop_workspace('regress_ws_analyst')$$) AS analyst_drops;
RESET ROLE;
SET ROLE regress_ws_engineer;
SELECT pg_temp.regress_try($$SELECT hdl.drop_workspace(NULL)$$) AS null_drop;
SELECT pg_temp.regress_try($$SELECT hdl.drop_workspace('regress_ws_other')$$) AS no_workspace;
SELECT hdl.drop_workspace('regress_ws_analyst') AS dropped;
RESET ROLE;
SELECT count(*) AS schemas_left FROM pg_namespace WHERE nspname = 'ws_regress_ws_analyst';
SELECT event, subject FROM hdl_audit.log WHERE event LIKE 'workspace%' AND detail ->> 'role' = 'regress_ws_analyst' ORDER BY entry_id;
SELECT status FROM hdl.audit_verify();
-- the catalogue, the batches and their audit entries agree with the lake (test/sql/catalog_check.sql)
SELECT * FROM pg_temp.catalog_mismatches();

SET ROLE regress_ws_engineer;
SELECT hdl.drop_mart('ws_practitioners') IS NOT NULL AS mart_dropped;
RESET ROLE;

-- a workspace is the analyst's: it outlives DROP EXTENSION hdl CASCADE (in a database of its own,
-- so the other tests keep their extension), and the reinstalled hdl adopts it
CREATE DATABASE regress_ws_db;
\c regress_ws_db
CREATE EXTENSION hdl CASCADE;
SELECT hdl.create_workspace('regress_ws_analyst') AS workspace;
SET ROLE regress_ws_analyst;
CREATE TABLE ws_regress_ws_analyst.kept AS SELECT 1 AS x;
RESET ROLE;
DROP EXTENSION hdl CASCADE;
SELECT count(*) AS kept_rows FROM ws_regress_ws_analyst.kept;
CREATE EXTENSION hdl;
SELECT hdl.create_workspace('regress_ws_analyst') AS adopted;
SELECT detail ->> 'adopted' AS adopted FROM hdl_audit.log WHERE event = 'workspace_create';
\c regression
DROP DATABASE regress_ws_db;
DROP ROLE regress_ws_engineer, regress_ws_analyst, regress_ws_other, regress_ws_both, regress_ws_plain;
