-- Retention (issue 19 item 3): rules per resource type, for every source or for one (which wins),
-- refused bad input that leaves nothing, a dry run that reports and removes nothing, a run that
-- removes the records from the lake, their history and the marts (an incremental refresh equals a
-- full rebuild after it), a rolled-back run, retention as an ETL job kind, the console view and the
-- audit entries (counts only).
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
CREATE ROLE regress_rt_engineer IN ROLE hdl_engineer;
CREATE ROLE regress_rt_auditor IN ROLE hdl_auditor;
CREATE ROLE regress_rt_analyst IN ROLE hdl_analyst;
CREATE ROLE regress_rt_gp IN ROLE hdl_provider;
CREATE ROLE regress_rt_acute IN ROLE hdl_provider;
SELECT hdl.register_source('regress_rt_gp', 'RTGP1', 'Retention test GP') > 0 AS gp,
       hdl.register_source('regress_rt_acute', 'RTAC1', 'Retention test acute trust') > 0 AS acute;
SELECT coalesce(max(entry_id), 0) AS mark FROM hdl_audit.log \gset

-- Each feed sends four observations and one Basic; the lake then holds them at chosen ages
-- (last_updated set back, as if stored that long ago).
SET ROLE regress_rt_gp;
SELECT count(hdl.ingest(jsonb_build_object('resourceType', 'Observation', 'id', 'rt-o-' || n, 'status', 'final',
	'code', jsonb_build_object('text', 'rt ' || n)))) AS gp FROM generate_series(1, 4) n;
SELECT hdl.ingest('{"resourceType":"Basic","id":"rt-b-1","code":{"text":"rt"}}') ->> 'id' IS NOT NULL AS gp_basic;
SET ROLE regress_rt_acute;
SELECT count(hdl.ingest(jsonb_build_object('resourceType', 'Observation', 'id', 'rt-ac-o-' || n, 'status', 'final',
	'code', jsonb_build_object('text', 'rt ' || n)))) AS acute FROM generate_series(1, 4) n;
SELECT hdl.ingest('{"resourceType":"Basic","id":"rt-ac-b-1","code":{"text":"rt"}}') ->> 'id' IS NOT NULL AS acute_basic;
RESET ROLE;
CREATE TEMP VIEW rt AS SELECT r.resource_type, r.id, s.org_code, r.resource ->> 'id' AS local_id, r.last_updated
	FROM hdl_lake.resource r JOIN hdl.source s USING (source_id) WHERE s.org_code IN ('RTGP1', 'RTAC1');
-- ages: observation 1 10 years, 2 2 years, 3 60 days, 4 now; the Basics 10 years
UPDATE hdl_lake.resource r SET last_updated = now() - CASE right(r.resource ->> 'id', 1)
		WHEN '1' THEN interval '10 years' WHEN '2' THEN interval '2 years' WHEN '3' THEN interval '60 days' END
	FROM rt WHERE rt.resource_type = r.resource_type AND rt.id = r.id AND rt.resource_type = 'Observation'
	  AND right(rt.local_id, 1) <> '4';
UPDATE hdl_lake.resource r SET last_updated = now() - interval '10 years'
	FROM rt WHERE rt.resource_type = r.resource_type AND rt.id = r.id AND rt.resource_type = 'Basic';
SELECT org_code, local_id, last_updated < now() - interval '30 days' AS over_30_days,
	last_updated < now() - interval '1 year' AS over_1_year, last_updated < now() - interval '5 years' AS over_5_years
FROM rt ORDER BY 1, 2;
-- a mart over the observations, refreshed now
SET ROLE regress_rt_engineer;
SELECT hdl.create_mart('rt_obs', '{"name":"rt_obs","resource":"Observation","where":[{"path":"code.text.startsWith(''rt '')"}],"select":[{"column":[{"name":"id","path":"getResourceKey()"},{"name":"source","path":"meta.source"},{"name":"code","path":"code.text"}]}]}')::text;
RESET ROLE;
SELECT count(*) AS mart_rows FROM mart.rt_obs;

-- Refused, and nothing stored: NULLs, a type that is not one, too short an age, no reason, an
-- unknown source, and every role but an engineer.
SET ROLE regress_rt_engineer;
SELECT pg_temp.regress_try($$SELECT hdl.set_retention(NULL, '1 year', 'r')$$) AS null_type;
SELECT pg_temp.regress_try($$SELECT hdl.set_retention('Observation', NULL, 'r')$$) AS null_age;
SELECT pg_temp.regress_try($$SELECT hdl.set_retention('Observation', '1 year', NULL)$$) AS null_reason;
SELECT pg_temp.regress_try($$SELECT hdl.set_retention('observation', '1 year', 'r')$$) AS bad_type;
SELECT pg_temp.regress_try($$SELECT hdl.set_retention('Observation', '23 hours', 'r')$$) AS too_short;
SELECT pg_temp.regress_try($$SELECT hdl.set_retention('Observation', '-1 year', 'r')$$) AS negative;
SELECT pg_temp.regress_try($$SELECT hdl.set_retention('Observation', '1 year', '  ')$$) AS blank_reason;
SELECT pg_temp.regress_try($$SELECT hdl.set_retention('Observation', '1 year', 'r', 'NOPE1')$$) AS unknown_source;
SELECT pg_temp.regress_try($$SELECT hdl.apply_retention(NULL)$$) AS null_dry_run;
SELECT pg_temp.regress_try($$SELECT hdl.drop_retention(NULL)$$) AS null_drop;
SELECT hdl.drop_retention('Observation') AS dropped_nothing;
SET ROLE regress_rt_analyst;
SELECT pg_temp.regress_try($$SELECT hdl.set_retention('Observation', '1 year', 'r')$$) AS analyst;
SELECT pg_temp.regress_try($$SELECT hdl.apply_retention(false)$$) AS analyst_apply;
SET ROLE regress_rt_gp;
SELECT pg_temp.regress_try($$SELECT hdl.set_retention('Observation', '1 year', 'r')$$) AS provider;
SELECT pg_temp.regress_try($$SELECT hdl.apply_retention(false)$$) AS provider_apply;
SET ROLE regress_rt_auditor;
SELECT pg_temp.regress_try($$SELECT hdl.set_retention('Observation', '1 year', 'r')$$) AS auditor;
RESET ROLE;
SELECT count(*) AS rules FROM hdl.retention_rule;
SELECT count(*) AS runs FROM hdl.retention_run;

-- Rules: observations of every source go after 5 years, the acute trust's after 1 year; a rule set
-- twice is changed, not doubled.
SET ROLE regress_rt_engineer;
SELECT hdl.set_retention('Observation', '3 years', 'draft') > 0 AS every_source;
SELECT hdl.set_retention('Observation', '5 years', 'Records Management Code of Practice: GP records') > 0 AS changed;
SELECT hdl.set_retention('Observation', '1 year', 'acute trust policy', 'RTAC1') > 0 AS acute_only;
SELECT resource_type, source, max_age, reason, set_by FROM hdl.retention_rule ORDER BY rule_id;

-- A dry run reports per rule and removes nothing.
SELECT resource_type, source, max_age, resources FROM hdl.apply_retention() ORDER BY rule_id;
RESET ROLE;
SELECT count(*) AS still_in_lake FROM rt;

-- A run in a transaction that rolls back removes nothing either.
BEGIN;
SET LOCAL ROLE regress_rt_engineer;
SELECT sum(resources) AS would_remove FROM hdl.apply_retention(false);
ROLLBACK;
SELECT count(*) AS still_in_lake FROM rt;

-- The run: the GP's 10-year-old observation goes (5 years), the trust's 10- and 2-year-old ones
-- (1 year); the 60-day and new ones stay, and so do the Basics (no rule for Basic).
SET ROLE regress_rt_engineer;
SELECT resource_type, source, resources FROM hdl.apply_retention(false) ORDER BY rule_id;
RESET ROLE;
SELECT org_code, resource_type, local_id FROM rt ORDER BY 1, 2, 3;
SELECT count(*) AS history_left FROM hdl_lake.resource_history h
WHERE h.resource_type = 'Observation' AND h.resource ->> 'id' IN ('rt-ac-o-1', 'rt-ac-o-2', 'rt-o-1');
-- the mart lost their rows at once; an incremental refresh then equals a full rebuild
SELECT source, code FROM mart.rt_obs ORDER BY 1, 2;
SET ROLE regress_rt_engineer;
SELECT hdl.refresh_mart('rt_obs') >= 0 AS refreshed;
SELECT hdl.create_mart('rt_obs_full', (SELECT m.view FROM hdl.mart m WHERE m.name = 'rt_obs'))::text;
RESET ROLE;
SELECT (SELECT count(*) FROM (SELECT * FROM mart.rt_obs EXCEPT ALL SELECT * FROM mart.rt_obs_full) d) AS extra,
	(SELECT count(*) FROM (SELECT * FROM mart.rt_obs_full EXCEPT ALL SELECT * FROM mart.rt_obs) d) AS missing;

-- A retention job: a dry run unless it says otherwise; its target is the lake.
SET ROLE regress_rt_engineer;
SELECT pg_temp.regress_try($$SELECT hdl.schedule_job('rt-bad', 'retention', 'Observation', '1 day')$$) AS bad_target;
SELECT pg_temp.regress_try($$SELECT hdl.etl_retention('lake', '{"dry_run": "no"}')$$) AS bad_option;
SELECT hdl.schedule_job('rt-dry', 'retention', 'lake', '1 day', enabled => false) > 0 AS scheduled;
SELECT hdl.schedule_job('rt-real', 'retention', 'lake', '1 day', enabled => false, options => '{"dry_run": false}') > 0 AS scheduled;
SELECT hdl.set_retention('Basic', '1 day', 'test: Basic records expire', 'RTGP1') > 0 AS basic_rule;
SELECT status, rows_out FROM hdl.run_job_now('rt-dry');
RESET ROLE;
SELECT count(*) FILTER (WHERE resource_type = 'Basic') AS basics FROM rt;
SET ROLE regress_rt_engineer;
SELECT status, rows_out FROM hdl.run_job_now('rt-real');
SELECT status, rows_out FROM hdl.run_job_now('rt-real');
RESET ROLE;
SELECT org_code, resource_type, local_id FROM rt ORDER BY 1, 2, 3;

-- Console and audit: rules with their last run, counts only; engineers and auditors, not analysts.
SET ROLE regress_rt_auditor;
SELECT resource_type, source, max_age, last_run_dry, last_run_resources FROM hdl.console_retention ORDER BY rule_id;
SELECT dry_run, resources FROM hdl.retention_run ORDER BY run_id;
SET ROLE regress_rt_engineer;
SELECT regexp_replace(substring(hdl.console_html() FROM '<div class="tile" id="tile-retention">.*?</div>'), '\d{4}-\d\d-\d\d', '<date>') AS console_tile;
SET ROLE regress_rt_analyst;
SELECT pg_temp.regress_try($$SELECT * FROM hdl.console_retention$$) AS analyst_console;
SELECT pg_temp.regress_try($$SELECT * FROM hdl.retention_run$$) AS analyst_runs;
RESET ROLE;
SELECT event, subject, detail ->> 'dry_run' AS dry_run, detail ->> 'resources' AS resources, detail ->> 'reason' AS reason
FROM hdl_audit.log WHERE entry_id > :mark AND event IN ('retention_rule', 'retention_run') ORDER BY entry_id;
SELECT count(*) AS entries_with_content FROM hdl_audit.log
WHERE entry_id > :mark AND event IN ('retention_rule', 'retention_run') AND detail::text ~ 'rt-(ac-)?[ob]-|rt [0-9]';

-- Clean up: no rules stay behind for later tests.
SET ROLE regress_rt_engineer;
SELECT hdl.unschedule_job('rt-dry'), hdl.unschedule_job('rt-real');
SELECT hdl.drop_retention('Observation'), hdl.drop_retention('Observation', 'RTAC1'), hdl.drop_retention('Basic', 'RTGP1');
SELECT hdl.drop_mart('rt_obs'), hdl.drop_mart('rt_obs_full');
RESET ROLE;
SELECT * FROM pg_temp.catalog_mismatches();
