-- ETL job API without the launcher: schedules, validation, permissions, hdl.run_job_now (the
-- code the background workers run), scheduling state, retries and stale-run repair. The
-- launcher of this instance works in another database, so nothing here runs on its own.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/catalog_check.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
DO $$ BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'regress_etl_eng') THEN
		CREATE ROLE regress_etl_eng LOGIN IN ROLE hdl_engineer;
		CREATE ROLE regress_etl_other LOGIN IN ROLE hdl_engineer;
		CREATE ROLE regress_etl_analyst LOGIN IN ROLE hdl_analyst;
	END IF;
END $$;
CREATE TABLE public.etl_target (n int, who name DEFAULT current_user);
GRANT SELECT, INSERT ON public.etl_target TO regress_etl_eng, regress_etl_other;
-- What the jobs below name: a mart (over Practitioners of a feed), an hdl_s3 server
CREATE ROLE regress_etl_feed IN ROLE hdl_provider;
SELECT hdl.register_source('regress_etl_feed', 'ETL01', 'etl regress feed') > 0 AS registered;
SET ROLE regress_etl_feed;
SELECT hdl.ingest('{"resourceType":"Practitioner","id":"etl-dr-1","birthDate":"1970-01-02"}') -> 'meta' ->> 'versionId' AS version;
RESET ROLE;
SET hdl.s3_allowed_endpoints = 'http://127.0.0.1:9';
CREATE SERVER regress_etl_s3 FOREIGN DATA WRAPPER hdl_s3 OPTIONS (endpoint 'http://127.0.0.1:9');
GRANT USAGE ON FOREIGN SERVER regress_etl_s3 TO regress_etl_eng;
SET ROLE regress_etl_eng;
SELECT hdl.create_mart('etl_born', '{"resource":"Practitioner","where":[{"path":"id.startsWith(''etl-dr-'')"}],"select":[{"column":[
	{"name":"id","path":"id"},{"name":"born","path":"birthDate","type":"date","tag":[{"name":"postgres/type","value":"date"}]}]}]}') AS mart_rows;
RESET ROLE;

-- Schedules: normalised, described, next run (cron in UTC, intervals from the anchor)
SELECT hdl.etl_normalize_schedule(s), hdl.etl_describe_schedule(s)
FROM unnest(ARRAY['*/15  9-17 * * MON-FRI', '@daily', 'every 30 Seconds', '1 hour', '5 4 * * *']) s;
SELECT hdl.etl_next_run('0 4 * * *', '2024-02-28 05:00+00') AT TIME ZONE 'UTC' AS next_cron,
	hdl.etl_next_run('30 seconds', '2024-02-28 05:00:10+00') AT TIME ZONE 'UTC' AS next_interval,
	hdl.etl_next_run('0 0 30 2 *', '2024-01-01 00:00+00') AS never;
-- A run that starts late keeps an interval's phase and skips the missed slots
SELECT hdl._etl_slot('10 seconds', '2024-01-01 00:00:00+00', '2024-01-01 00:00:47.5+00') AT TIME ZONE 'UTC' AS slot,
	hdl._etl_slot('@hourly', '2024-01-01 00:00:00+00', '2024-01-01 05:17:12+00') AT TIME ZONE 'UTC' AS cron_slot;
-- Backoff: retry_delay doubling per attempt, capped at an hour
SELECT a, hdl._etl_retry_delay(a, '10 seconds') FROM generate_series(1, 10, 3) a;
SELECT pg_temp.regress_try($$SELECT hdl.etl_normalize_schedule('61 * * * *')$$);
SELECT pg_temp.regress_try($$SELECT hdl.etl_normalize_schedule('every 0 seconds')$$);

-- Scheduling, as an engineer
SET ROLE regress_etl_eng;
SELECT hdl.schedule_job('load-target', 'sql', 'INSERT INTO public.etl_target (n) SELECT g FROM generate_series(1, 3) g', '1 minute') > 0 AS scheduled;
SELECT hdl.schedule_job('divide', 'sql', 'SELECT 1 / 0', '0 3 29 2 *', retries => 2, retry_delay => '10 seconds') > 0 AS scheduled;
SELECT hdl.schedule_job('refresh-born', 'refresh_mart', 'etl_born', '@hourly') > 0 AS scheduled;
SELECT hdl.schedule_job('import', 'import_s3', 'regress_etl_s3', '@daily', enabled => false, options => '{"location": "s3://bucket/in/"}') > 0 AS scheduled;
SELECT hdl.schedule_job('export', 'export_s3', 'etl_born', '@daily', options => '{"server": "regress_etl_s3", "location": "s3://bucket/born.ndjson"}') > 0 AS scheduled;
SELECT name, kind, schedule, enabled, max_retries, retry_delay, timeout, owner FROM hdl.etl_job ORDER BY job_id;
-- Bad input, each with a clear error
SELECT pg_temp.regress_try($$SELECT hdl.schedule_job('load-target', 'sql', 'SELECT 1', '1 minute')$$);
SELECT pg_temp.regress_try($$SELECT hdl.schedule_job('x', 'SQL', 'SELECT 1', '1 minute')$$);
SELECT pg_temp.regress_try($$SELECT hdl.schedule_job('x', 'shell', 'rm -rf /', '1 minute')$$);
SELECT pg_temp.regress_try($$SELECT hdl.schedule_job('x', 'sql', 'SELECT 1', '* * * *')$$);
SELECT pg_temp.regress_try($$SELECT hdl.schedule_job('x', 'sql', 'SELECT 1', '0 0 31 13 *')$$);
SELECT pg_temp.regress_try($$SELECT hdl.schedule_job('x', 'sql', 'SELECT 1', NULL)$$);
SELECT pg_temp.regress_try($$SELECT hdl.schedule_job('bad name!', 'sql', 'SELECT 1', '1 minute')$$);
SELECT pg_temp.regress_try($$SELECT hdl.schedule_job(NULL, 'sql', 'SELECT 1', '1 minute')$$);
SELECT pg_temp.regress_try($$SELECT hdl.schedule_job('x', NULL, 'SELECT 1', '1 minute')$$);
SELECT pg_temp.regress_try($$SELECT hdl.schedule_job('x', 'sql', '  ', '1 minute')$$);
SELECT pg_temp.regress_try($$SELECT hdl.schedule_job('x', 'sql', 'SELECT 1', '1 minute', retries => 11)$$);
SELECT pg_temp.regress_try($$SELECT hdl.schedule_job('x', 'sql', 'SELECT 1', '1 minute', retry_delay => '0 seconds')$$);
SELECT pg_temp.regress_try($$SELECT hdl.schedule_job('x', 'sql', 'SELECT 1', '1 minute', timeout => '8 days')$$);
SELECT pg_temp.regress_try($$SELECT hdl.schedule_job('x', 'sql', 'SELECT 1', '1 minute', options => '[1]')$$);
-- What a job names must exist: refused at once rather than failing at every run
SELECT pg_temp.regress_try($$SELECT hdl.schedule_job('x', 'refresh_mart', 'nosuch', '1 minute')$$);
SELECT pg_temp.regress_try($$SELECT hdl.schedule_job('x', 'refresh_mart', 'Bad Name', '1 minute')$$);
SELECT pg_temp.regress_try($$SELECT hdl.schedule_job('x', 'export_s3', 'nosuch', '1 minute', options => '{"server": "regress_etl_s3", "location": "s3://b/k"}')$$);
SELECT pg_temp.regress_try($$SELECT hdl.schedule_job('x', 'export_s3', 'public.etl_target', '1 minute', options => '{"server": "regress_etl_s3", "location": "s3://b/k"}')$$);
SELECT pg_temp.regress_try($$SELECT hdl.schedule_job('x', 'export_s3', 'etl_born', '1 minute', options => '{"server": "nosuch", "location": "s3://b/k"}')$$);
SELECT pg_temp.regress_try($$SELECT hdl.schedule_job('x', 'export_s3', 'etl_born', '1 minute', options => '{"server": "regress_etl_s3"}')$$);
SELECT pg_temp.regress_try($$SELECT hdl.schedule_job('x', 'import_s3', 's3://bucket/in/', '1 minute', options => '{"location": "s3://bucket/in/"}')$$);
SELECT pg_temp.regress_try($$SELECT hdl.schedule_job('x', 'import_s3', 'regress_etl_s3', '1 minute')$$);
SELECT pg_temp.regress_try($$SELECT hdl.schedule_job('x', 'import_s3', 'regress_etl_s3', '1 minute', options => '{"location": " "}')$$);
SELECT pg_temp.regress_try($$SELECT hdl.alter_job('refresh-born', target => 'nosuch')$$);
SELECT pg_temp.regress_try($$SELECT hdl.alter_job('import', options => '{"location": ""}')$$);
SELECT pg_temp.regress_try($$SELECT hdl.alter_job('export', target => 'etl_target')$$);
SELECT target, options FROM hdl.etl_job WHERE name IN ('refresh-born', 'import', 'export') ORDER BY name;
SELECT pg_temp.regress_try($$SELECT hdl.unschedule_job('no-such-job')$$);
SELECT pg_temp.regress_try($$SELECT hdl.run_job_now('no-such-job')$$);
SELECT pg_temp.regress_try($$SELECT hdl.alter_job('no-such-job', enabled => false)$$);
SELECT pg_temp.regress_try($$SELECT hdl.alter_job('divide', schedule => 'often')$$);
SELECT count(*) AS jobs FROM hdl.etl_job;

-- Manual runs: the same body as the workers, recorded in hdl.etl_run
SELECT status, trigger, attempt, rows_in, rows_out, sqlstate, error, run_by, finished_at >= started_at AS timed
FROM hdl.run_job_now('load-target');
SELECT n, who FROM public.etl_target ORDER BY n;
SELECT status, rows_out, sqlstate, error FROM hdl.run_job_now('divide');
SELECT status, rows_in, rows_out, sqlstate, error FROM hdl.run_job_now('refresh-born');
-- rows_in is the changes this refresh consumed (a new version of one resource: its row deleted
-- and inserted again), then none; never the previous refresh's count
RESET ROLE;
SET ROLE regress_etl_feed;
SELECT hdl.ingest('{"resourceType":"Practitioner","id":"etl-dr-1","birthDate":"1970-01-02","gender":"female"}') -> 'meta' ->> 'versionId' AS version;
SET ROLE regress_etl_eng;
SELECT status, rows_in, rows_out FROM hdl.run_job_now('refresh-born');
SELECT status, rows_in, rows_out FROM hdl.run_job_now('refresh-born');
SELECT r.rows_in, m.last_refresh_changes FROM hdl.etl_run r JOIN hdl.etl_job j USING (job_id), hdl.marts m
WHERE j.name = 'refresh-born' AND m.name = 'etl_born' ORDER BY r.run_id DESC LIMIT 1;
SELECT status, sqlstate, error FROM hdl.run_job_now('import');
SELECT status, sqlstate, error FROM hdl.run_job_now('export');
-- A failed run keeps where it failed (the resource key and column), as the interactive error did
RESET ROLE;
SET ROLE regress_etl_feed;
SELECT hdl.ingest('{"resourceType":"Practitioner","id":"etl-dr-2","birthDate":"1971"}') -> 'meta' ->> 'versionId' AS version;
SET ROLE regress_etl_eng;
-- (the first context line: the lines below it name PL/pgSQL frames of the marts capability)
SELECT status, sqlstate, error, error_hint, split_part(error_context, E'\n', 1) AS error_context
FROM hdl.run_job_now('refresh-born');
SELECT pg_temp.regress_try($$SELECT hdl.refresh_mart('etl_born')$$);
-- The maintenance job docs/catalogue.md describes works for an engineer
SELECT hdl.schedule_job('hdl-maintenance', 'sql', 'SELECT hdl.audit_seal(); SELECT hdl.catalog_compact()', '1 minute') > 0 AS scheduled;
SELECT status, sqlstate, error FROM hdl.run_job_now('hdl-maintenance');
-- A manual failure is not retried; the job state shows the last run
SELECT name, last_status, last_trigger, active, next_is_retry, next_run > now() AS next_run_ahead
FROM hdl.etl_job_state ORDER BY job_id;
RESET ROLE;

-- Jobs run as the role that scheduled them, never as a superuser: no reading server files,
-- no SET ROLE out of it, search_path "$user", public
SET ROLE regress_etl_eng;
SELECT hdl.schedule_job('read-file', 'sql', $$SELECT pg_read_file('/etc/hostname')$$, '@daily') > 0 AS scheduled;
SELECT hdl.schedule_job('set-role', 'sql', 'SET ROLE postgres', '@daily') > 0 AS scheduled;
SELECT hdl.schedule_job('whoami', 'sql', $$INSERT INTO etl_target (n) SELECT 100 WHERE current_user = 'regress_etl_eng' AND session_user <> current_user$$, '@daily') > 0 AS scheduled;
SELECT status, sqlstate, error FROM hdl.run_job_now('read-file');
SELECT status, sqlstate, error FROM hdl.run_job_now('set-role');
SELECT status, rows_out FROM hdl.run_job_now('whoami');
RESET ROLE;

-- Only the owner (or a superuser) changes or runs a job; analysts cannot reach the API
SET ROLE regress_etl_other;
SELECT pg_temp.regress_try($$SELECT hdl.run_job_now('load-target')$$);
SELECT pg_temp.regress_try($$SELECT hdl.unschedule_job('load-target')$$);
SELECT pg_temp.regress_try($$SELECT hdl.alter_job('load-target', enabled => false)$$);
SELECT hdl.schedule_job('other-job', 'sql', 'SELECT 1', '@daily') > 0 AS scheduled;
RESET ROLE;
SET ROLE regress_etl_analyst;
SELECT pg_temp.regress_try($$SELECT hdl.schedule_job('x', 'sql', 'SELECT 1', '@daily')$$);
SELECT pg_temp.regress_try($$SELECT count(*) FROM hdl.etl_run$$);
RESET ROLE;
-- A superuser may run anyone's job: it still runs as its owner
SELECT status, rows_out FROM hdl.run_job_now('whoami');
-- A role that lost hdl_engineer no longer runs jobs
REVOKE hdl_engineer FROM regress_etl_other;
SELECT status, sqlstate, error FROM hdl.run_job_now('other-job');
GRANT hdl_engineer TO regress_etl_other;

-- (One active run per job, manual runs against each other and the launcher: specs/etl_run_now.spec.)

-- The launcher's claim: due jobs get pending runs at their schedule slot, once
UPDATE hdl.etl_job SET schedule_set_at = '2024-01-01 00:00:00+00' WHERE name = 'load-target';
UPDATE hdl.etl_job SET enabled = false WHERE name <> 'load-target';
CREATE TEMP TABLE claimed AS SELECT * FROM hdl._etl_claim_due_runs(10);
SELECT c.job_name, c.timeout_ms, r.trigger, r.attempt, r.status, extract(epoch FROM r.scheduled_for)::bigint % 60 AS phase,
	r.scheduled_for <= now() AS slot_passed, r.scheduled_for > now() - interval '1 minute' AS recent_slot
FROM claimed c JOIN hdl.etl_run r USING (run_id);
SELECT count(*) AS claimed_again FROM hdl._etl_claim_due_runs(10);
SELECT name, active, last_status FROM hdl.etl_job_state WHERE name = 'load-target';
-- Its worker never started (say the server crashed): the stale repair fails it
SELECT hdl._etl_mark_stale('{}', 'the worker of the run is gone');
SELECT status, sqlstate, error FROM hdl.etl_run WHERE run_id = (SELECT max(run_id) FROM hdl.etl_run);
-- A tracked run is left alone
UPDATE hdl.etl_run SET status = 'running' WHERE run_id = (SELECT max(run_id) FROM hdl.etl_run);
SELECT hdl._etl_mark_stale(ARRAY[(SELECT max(run_id) FROM hdl.etl_run)], 'gone') AS marked;
UPDATE hdl.etl_run SET status = 'failed' WHERE run_id = (SELECT max(run_id) FROM hdl.etl_run);

-- Retries: a failed scheduled run is retried after retry_delay, doubling, up to retries times
UPDATE hdl.etl_job SET enabled = true, schedule_set_at = now() WHERE name = 'divide';
INSERT INTO hdl.etl_run (job_id, job_name, trigger, attempt, status, scheduled_for, started_at, finished_at, run_by)
SELECT job_id, name, 'schedule', 1, 'failed', now() - interval '1 minute', now() - interval '1 minute', now() - interval '1 minute', owner
FROM hdl.etl_job WHERE name = 'divide';
SELECT next_is_retry, retry_at - last_finished_at AS wait, next_run <= now() AS due FROM hdl.etl_job_state WHERE name = 'divide';
DELETE FROM claimed;
INSERT INTO claimed SELECT * FROM hdl._etl_claim_due_runs(10);
SELECT c.job_name, r.trigger, r.attempt,
	r.scheduled_for = (SELECT scheduled_for FROM hdl.etl_run WHERE job_name = 'divide' AND trigger = 'schedule') AS same_slot
FROM claimed c JOIN hdl.etl_run r USING (run_id);
UPDATE hdl.etl_run SET status = 'failed', finished_at = now() WHERE run_id = (SELECT max(run_id) FROM hdl.etl_run);
SELECT next_is_retry, retry_at - last_finished_at AS wait FROM hdl.etl_job_state WHERE name = 'divide';
UPDATE hdl.etl_run SET attempt = 3 WHERE run_id = (SELECT max(run_id) FROM hdl.etl_run);
SELECT next_is_retry AS retries_left FROM hdl.etl_job_state WHERE name = 'divide';

-- Changes: a new schedule counts from now; disabling stops the next run
SET ROLE regress_etl_eng;
SELECT schedule, enabled FROM hdl.alter_job('divide', schedule => '@weekly', enabled => false);
SELECT name, enabled, next_run FROM hdl.etl_job_state WHERE name = 'divide';
SELECT hdl.unschedule_job('divide');
RESET ROLE;
-- The history stays after the job goes
SELECT job_id IS NULL AS job_gone, count(*) FROM hdl.etl_run WHERE job_name = 'divide' GROUP BY 1;

-- Clean up
SELECT hdl.unschedule_job(name) FROM hdl.etl_job ORDER BY name;
DELETE FROM hdl.etl_run;
DROP TABLE public.etl_target;
SELECT hdl.drop_mart('etl_born');
DROP SERVER regress_etl_s3 CASCADE;
RESET hdl.s3_allowed_endpoints;

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
RESET ROLE;
SELECT * FROM pg_temp.catalog_mismatches();
