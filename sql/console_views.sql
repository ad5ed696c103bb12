-- The console: views for psql and the self-contained HTML page (values escaped, no external
-- assets), for engineers only.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
DO $$ BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'regress_console_eng') THEN
		CREATE ROLE regress_console_eng LOGIN IN ROLE hdl_engineer;
		CREATE ROLE regress_console_analyst LOGIN IN ROLE hdl_analyst;
		CREATE ROLE regress_console_feed LOGIN IN ROLE hdl_provider;
	END IF;
END $$;
SELECT hdl.register_source('regress_console_feed', 'RCF1', 'Regress <console> feed') > 0 AS registered;

-- Escaping and durations
SELECT hdl._html($$<a href="x">Tom & 'Jerry'</a>$$);
SELECT hdl._console_age(i) FROM unnest(ARRAY[NULL, '-1 second', '42 seconds', '12 minutes', '3 hours 5 minutes', '2 days 4 hours']::interval[]) i;

-- An empty console
SELECT count(*) FROM hdl.console_jobs;
SELECT position('No jobs. Schedule one with hdl.schedule_job.' IN hdl.console_html()) > 0 AS says_no_jobs;

-- Jobs and runs
SET ROLE regress_console_eng;
SELECT hdl.create_mart('console_practitioners', '{"resource":"Practitioner","select":[{"column":[{"name":"id","path":"id"}]}]}') AS mart;
SELECT hdl.schedule_job('nightly-load', 'sql', 'SELECT g FROM generate_series(1, 5) g', '0 2 * * *') > 0 AS scheduled;
SELECT hdl.schedule_job('broken', 'sql', $q$DO $x$BEGIN RAISE EXCEPTION '<b>bad</b> & "quoted"'; END$x$$q$, '15 minutes', retries => 1) > 0 AS scheduled;
SELECT hdl.schedule_job('paused-job', 'sql', 'SELECT 1', '@hourly', enabled => false) > 0 AS scheduled;
SELECT hdl.schedule_job('mart-refresh', 'refresh_mart', 'console_practitioners', '@daily') > 0 AS scheduled;
SELECT hdl.schedule_job('never', 'sql', 'SELECT 1', '@weekly') > 0 AS scheduled;
SELECT (hdl.run_job_now('nightly-load')).status, (hdl.run_job_now('broken')).status, (hdl.run_job_now('mart-refresh')).status;
SELECT job, kind, schedule_description, enabled, status, last_status, last_rows_out, last_error, next_run_is_retry,
	next_run > now() AS next_ahead, freshness_lag IS NOT NULL AS has_lag
FROM hdl.console_jobs ORDER BY job;
SELECT job, trigger, attempt, status, rows_out, error FROM hdl.console_runs ORDER BY run_id;
SELECT job, trigger, attempt, sqlstate, error, will_retry, split_part(error_context, E'\n', 1) AS error_context
FROM hdl.console_failures ORDER BY run_id;
-- Marts: size, freshness and the job that refreshes them
SELECT mart, "table", resource_type, rows >= 0 AS counted, bytes > 0 AS sized, last_refresh_mode,
	freshness_lag >= '0 seconds' AS fresh_lag, refresh_job, refresh_job_status, next_refresh > now() AS next_ahead
FROM hdl.console_marts WHERE mart = 'console_practitioners';
RESET ROLE;
-- A scheduled failure with retries left shows as retrying, with its retry time
INSERT INTO hdl.etl_run (job_id, job_name, trigger, attempt, status, scheduled_for, started_at, finished_at, sqlstate, error, run_by)
SELECT job_id, name, 'schedule', 1, 'failed', now(), now(), now(), 'P0001', 'boom', owner FROM hdl.etl_job WHERE name = 'broken';
SELECT job, status, next_run_is_retry FROM hdl.console_jobs WHERE job = 'broken';
SELECT job, attempt, error, will_retry, retry_at > now() AS retry_ahead FROM hdl.console_failures ORDER BY run_id DESC LIMIT 1;

-- Ingest volume per source per day
SET ROLE regress_console_feed;
SELECT hdl.ingest('{"resourceType":"Practitioner","name":[{"family":"Console"}]}') IS NOT NULL AS stored;
SELECT (hdl.ingest_bundle('{"resourceType":"Bundle","type":"batch","entry":[
	{"resource":{"resourceType":"Practitioner","name":[{"family":"A"}]},"request":{"method":"POST","url":"Practitioner"}},
	{"resource":{"resourceType":"Practitioner","gender":"sometimes"},"request":{"method":"POST","url":"Practitioner"}}]}')) IS NOT NULL AS stored;
RESET ROLE;
SELECT day = (now() AT TIME ZONE 'UTC')::date AS today, source, source_display, batches, resources_stored, resources_rejected
FROM hdl.console_ingest_volume WHERE source = 'RCF1';

-- S3 imports per day and source, and what waits in quarantine: counts for engineers, who
-- cannot read the quarantined lines themselves (an import and its rejected line, written here
-- as hdl.import_s3 would)
INSERT INTO hdl.ingest_batch (source_id, submitted_by, kind, received_at, stored, rejected, resource_counts)
SELECT source_id, 'regress_console_feed', 'import', now(), 3, 1, '{}' FROM hdl.source WHERE org_code = 'RCF1';
INSERT INTO hdl.import_quarantine (server_name, bucket, object_key, line, raw, outcome, sqlstate, source_id, submitted_by)
SELECT 's3', 'bulk', 'export/Patient.ndjson', 4, '{"resourceType":"Patient","birthDate":"x"}', '{}', '22007', source_id,
	'regress_console_feed' FROM hdl.source WHERE org_code = 'RCF1';
SET ROLE regress_console_eng;
SELECT day = (now() AT TIME ZONE 'UTC')::date AS today, source, objects, resources_stored, resources_rejected
FROM hdl.console_imports WHERE source = 'RCF1';
SELECT server, bucket, source, lines, objects, oldest <= now() AS dated FROM hdl.console_quarantine WHERE source = 'RCF1';
SELECT pg_temp.regress_try($$SELECT count(*) FROM hdl.import_quarantine$$);
SELECT count(*) AS imports_running FROM hdl.import_progress;
RESET ROLE;

-- The page: every section, statuses per job, escaped values, no external assets
SET ROLE regress_console_eng;
CREATE TEMP TABLE page AS SELECT hdl.console_html() AS html;
SELECT left(html, 15) AS doctype, right(html, 7) AS ending,
	html LIKE '%<section id="jobs">%' AND html LIKE '%<section id="runs">%' AND html LIKE '%<section id="failures">%'
		AND html LIKE '%<section id="ingest">%' AND html LIKE '%<section id="marts">%' AND html LIKE '%<section id="imports">%'
		AND html LIKE '%<section id="run-details">%' AS sections,
	(length(html) - length(replace(html, '<svg', ''))) / 4 AS charts,
	substring(html FROM '<meta http-equiv="refresh" content="[0-9]+">') AS refresh
FROM page;
-- refresh_seconds: clamped to at least 5 s; 0 turns it off
SELECT substring(hdl.console_html(1) FROM 'content="([0-9]+)"><title>') AS clamped,
	hdl.console_html(0) NOT LIKE '%http-equiv="refresh"%' AS no_refresh, hdl.console_html(NULL) NOT LIKE '%http-equiv="refresh"%' AS null_refresh;
-- Drill-down: each failed run links to its details (error, hint, context), on the page itself
SELECT f.job, html LIKE '%<a class="drill" href="#run-' || f.run_id || '">%' AS linked,
	substring(html FROM '<article class="run-detail" id="run-' || f.run_id || '">.*?</article>') ~ 'inline_code_block' AS context_shown
FROM page, hdl.console_failures f ORDER BY f.run_id;
SELECT substring(html FROM '<tr data-mart="console_practitioners">.*?</tr>') ~ 'data-bytes="[1-9][0-9]*"' AS mart_sized,
	substring(html FROM '<tr data-quarantine="s3/bulk/RCF1">.*?</tr>') ~ '<td>RCF1</td><td class="num">1</td><td class="num">1</td><td>[0-9]+s ago</td>' AS quarantine_counted
FROM page;
SELECT j, substring(html FROM '<tr data-job="' || j || '">.*?<span class="status status-[a-z-]+">([a-z ]+)</span>') AS shown
FROM page, unnest(ARRAY['broken', 'mart-refresh', 'never', 'nightly-load', 'paused-job']) j;
SELECT html LIKE '%&lt;b&gt;bad&lt;/b&gt; &amp; &quot;quoted&quot;%' AS error_escaped,
	html NOT LIKE '%<b>bad</b>%' AS no_raw_markup,
	html LIKE '%Regress &lt;console&gt; feed%' AS source_escaped,
	html !~* '(src=|href="[^#]|url\(|@import|<script|<link|<iframe)' AS self_contained
FROM page;
-- (one statement: the page shows now(), which would differ between two statements)
SELECT hdl_api.console()::text = hdl.console_html() AS same_page, pg_typeof(hdl_api.console()) AS media_type;
RESET ROLE;
SET ROLE regress_console_analyst;
SELECT pg_temp.regress_try($$SELECT count(*) FROM hdl.console_jobs$$);
SELECT pg_temp.regress_try($$SELECT hdl.console_html()$$);
SELECT pg_temp.regress_try($$SELECT hdl_api.console()$$);
RESET ROLE;

-- Clean up
SELECT hdl.unschedule_job(name) FROM hdl.etl_job ORDER BY name;
DELETE FROM hdl.etl_run;
DELETE FROM hdl.import_quarantine WHERE submitted_by = 'regress_console_feed';
DELETE FROM hdl.ingest_batch WHERE kind = 'import' AND submitted_by = 'regress_console_feed';
SELECT hdl.drop_mart('console_practitioners');

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
RESET ROLE;
SELECT * FROM pg_temp.catalog_mismatches();
