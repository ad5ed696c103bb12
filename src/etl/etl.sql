
-- hdl etl: scheduled jobs and their runs. The launcher background worker (src/etl/launcher.cpp)
-- reads these tables every hdl.etl_poll_interval and starts one dynamic worker per due run
-- (src/etl/runner.cpp); hdl.run_job_now runs the same body synchronously. docs/etl.md.

CREATE TABLE hdl.etl_job (
	job_id bigserial PRIMARY KEY,
	name text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$'),
	kind text NOT NULL CHECK (kind IN ('refresh_mart', 'import_s3', 'export_s3', 'export_lake', 'retention', 'sql')),
	target text NOT NULL,
	options jsonb NOT NULL DEFAULT '{}' CHECK (pg_catalog.jsonb_typeof(options) OPERATOR(pg_catalog.=) 'object'),
	schedule text NOT NULL,
	enabled boolean NOT NULL DEFAULT true,
	max_retries int NOT NULL DEFAULT 0 CHECK (max_retries BETWEEN 0 AND 10),
	retry_delay interval NOT NULL DEFAULT '10 seconds'
		CHECK (retry_delay BETWEEN interval '1 second' AND interval '1 day'),
	timeout interval NOT NULL DEFAULT '1 hour' CHECK (timeout BETWEEN interval '1 second' AND interval '7 days'),
	owner name NOT NULL,
	created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	updated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	-- The schedule counts from here when no scheduled run has happened since (a new or changed schedule).
	schedule_set_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE hdl.etl_job IS 'ETL jobs: what (kind, target, options), when (schedule: cron or interval, UTC), retries with exponential backoff, timeout, and the role the job runs as (owner). Change with hdl.schedule_job, hdl.alter_job, hdl.unschedule_job.';

CREATE TABLE hdl.etl_run (
	run_id bigserial PRIMARY KEY,
	job_id bigint REFERENCES hdl.etl_job ON DELETE SET NULL,
	job_name text NOT NULL,
	trigger text NOT NULL CHECK (trigger IN ('schedule', 'retry', 'manual')),
	attempt int NOT NULL DEFAULT 1,
	status text NOT NULL CHECK (status IN ('pending', 'running', 'succeeded', 'failed')),
	scheduled_for timestamptz,
	created_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
	started_at timestamptz,
	finished_at timestamptz,
	rows_in bigint,
	rows_out bigint,
	sqlstate text,
	error text,
	error_detail text,
	-- where the error happened, as the interactive error showed it (the errcontext lines: the
	-- resource key and column of a mart row, the S3 object and line, the SQL statement)
	error_context text,
	error_hint text,
	worker_pid int,
	run_by name NOT NULL
);
CREATE INDEX etl_run_job_idx ON hdl.etl_run (job_id, run_id);
CREATE INDEX etl_run_active_idx ON hdl.etl_run (job_id) WHERE status IN ('pending', 'running');
COMMENT ON TABLE hdl.etl_run IS 'One row per ETL run: trigger (schedule, retry, manual), attempt, status (pending, running, succeeded, failed), times, rows in and out, and the error of a failed run (SQLSTATE, message, detail, hint and context). Kept when its job is unscheduled.';
COMMENT ON COLUMN hdl.etl_run.error_context IS 'Where a failed run''s error happened: the error context lines (a mart row''s resource key and column, an S3 object and line, the SQL statement), as an interactive call shows them.';

SELECT pg_catalog.pg_extension_config_dump('hdl.etl_job', '');
SELECT pg_catalog.pg_extension_config_dump('hdl.etl_job_job_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('hdl.etl_run', '');
SELECT pg_catalog.pg_extension_config_dump('hdl.etl_run_run_id_seq', '');

-- Schedule arithmetic from src/core/etl (C++), shared by the launcher and the console.
CREATE FUNCTION hdl.etl_normalize_schedule(schedule text) RETURNS text
	LANGUAGE c IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'hdl_etl_normalize_schedule';
CREATE FUNCTION hdl.etl_describe_schedule(schedule text) RETURNS text
	LANGUAGE c IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'hdl_etl_describe_schedule';
CREATE FUNCTION hdl.etl_next_run(schedule text, after timestamptz DEFAULT pg_catalog.now()) RETURNS timestamptz
	LANGUAGE c IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'hdl_etl_next_run';
CREATE FUNCTION hdl._etl_slot(schedule text, anchor timestamptz, now timestamptz) RETURNS timestamptz
	LANGUAGE c IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'hdl_etl_slot';
CREATE FUNCTION hdl._etl_retry_delay(attempt int, retry_delay interval) RETURNS interval
	LANGUAGE c IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'hdl_etl_retry_delay';
CREATE FUNCTION hdl._etl_check_kind(kind text) RETURNS text
	LANGUAGE c IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'hdl_etl_check_kind';
COMMENT ON FUNCTION hdl.etl_normalize_schedule(text) IS 'Checks an ETL schedule (cron "min hour dom month dow", @daily..., or an interval such as ''30 seconds'') and returns its normalised text; a bad one raises 22023 naming the wrong field.';
COMMENT ON FUNCTION hdl.etl_describe_schedule(text) IS 'A short English description of an ETL schedule, e.g. "every 30 seconds", "at 04:05 every day".';
COMMENT ON FUNCTION hdl.etl_next_run(text, timestamptz) IS 'The first run time of a schedule strictly after a time (cron in UTC; NULL when it never runs).';
COMMENT ON FUNCTION hdl._etl_slot(text, timestamptz, timestamptz) IS 'Internal: the slot a run due now is recorded for, so interval schedules stay aligned and missed runs are skipped.';
COMMENT ON FUNCTION hdl._etl_retry_delay(int, interval) IS 'Internal: wait before retry number attempt: retry_delay doubled per attempt, capped at one hour (or retry_delay if longer).';
COMMENT ON FUNCTION hdl._etl_check_kind(text) IS 'Internal: checks an ETL job kind.';

-- Job changes are audited when the audit capability is installed (hdl.audit_write).
CREATE FUNCTION hdl._etl_audit(action text, job_name text, detail jsonb) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF pg_catalog.to_regprocedure('hdl.audit_write(text,text,jsonb)') IS NOT NULL THEN
		EXECUTE 'SELECT hdl.audit_write($1, $2, $3)'
			USING 'job_change', 'job:' OPERATOR(pg_catalog.||) job_name,
				detail OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('action', action);
	END IF;
END
$$;

-- The caller must own the job (be a member of its owner role) or be a superuser. Changes lock
-- the row; a manual run shares it, so the job cannot change under it but two runs can meet at
-- the advisory lock (and the second is refused).
CREATE FUNCTION hdl._etl_job_for_change(job_name text, for_run boolean DEFAULT false) RETURNS hdl.etl_job
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	j hdl.etl_job;
	caller name := hdl._outer_role();
BEGIN
	PERFORM hdl._not_null(job_name, 'job name');
	IF for_run THEN
		SELECT * INTO j FROM hdl.etl_job WHERE name OPERATOR(pg_catalog.=) job_name FOR SHARE;
	ELSE
		SELECT * INTO j FROM hdl.etl_job WHERE name OPERATOR(pg_catalog.=) job_name FOR UPDATE;
	END IF;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'ETL job "%" does not exist', job_name USING ERRCODE = 'undefined_object',
			HINT = 'hdl.console_jobs lists the jobs.';
	END IF;
	IF NOT pg_catalog.pg_has_role(caller, j.owner, 'MEMBER')
	   AND NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) caller) THEN
		RAISE EXCEPTION 'permission denied for ETL job "%"', job_name USING ERRCODE = 'insufficient_privilege',
			DETAIL = pg_catalog.format('The job belongs to role "%s".', j.owner),
			HINT = 'Only the role that scheduled a job (or a member of it, or a superuser) may change or run it.';
	END IF;
	RETURN j;
END
$$;

CREATE FUNCTION hdl._etl_check_job_args(kind text, target text, max_retries int, retry_delay interval, timeout interval)
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	PERFORM hdl._not_null(target, 'target'), hdl._not_null(max_retries, 'retries'),
		hdl._not_null(retry_delay, 'retry_delay'), hdl._not_null(timeout, 'timeout');
	IF target IS NULL OR pg_catalog.btrim(target) OPERATOR(pg_catalog.=) '' THEN
		RAISE EXCEPTION 'ETL job target must not be empty' USING ERRCODE = 'invalid_parameter_value',
			HINT = CASE kind WHEN 'sql' THEN 'A sql job''s target is the SQL to run.'
				WHEN 'refresh_mart' THEN 'A refresh_mart job''s target is the mart name.'
				ELSE 'Name what the job imports or exports.' END;
	END IF;
	IF max_retries IS NULL OR max_retries NOT BETWEEN 0 AND 10 THEN
		RAISE EXCEPTION 'invalid ETL job retries: %', coalesce(max_retries::text, 'NULL') USING ERRCODE = 'invalid_parameter_value',
			HINT = 'Use 0 (no retries) to 10.';
	END IF;
	IF retry_delay IS NULL OR retry_delay NOT BETWEEN interval '1 second' AND interval '1 day' THEN
		RAISE EXCEPTION 'invalid ETL job retry delay: %', coalesce(retry_delay::text, 'NULL') USING ERRCODE = 'invalid_parameter_value',
			HINT = 'Use an interval from 1 second to 1 day; it doubles after each failed attempt.';
	END IF;
	IF timeout IS NULL OR timeout NOT BETWEEN interval '1 second' AND interval '7 days' THEN
		RAISE EXCEPTION 'invalid ETL job timeout: %', coalesce(timeout::text, 'NULL') USING ERRCODE = 'invalid_parameter_value',
			HINT = 'Use an interval from 1 second to 7 days.';
	END IF;
END
$$;

-- What a job names must exist when it is scheduled or changed, so a typo fails once, at once,
-- rather than at every run. One branch per kind; kinds without a branch are not checked here.
-- A sql job's SQL is not parsed ahead: it runs as its owner and may name objects made later.
CREATE FUNCTION hdl._etl_check_target(kind text, target text, options jsonb)
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	rel regclass;
	schema_name name;
BEGIN
	CASE kind
	WHEN 'refresh_mart' THEN
		PERFORM hdl._mart_get(target); -- 'mart "x" does not exist', as the run itself would say
	WHEN 'export_s3' THEN
		rel := pg_catalog.to_regclass(CASE WHEN pg_catalog.strpos(target, '.') OPERATOR(pg_catalog.>) 0
			THEN target ELSE 'mart.' OPERATOR(pg_catalog.||) target END);
		SELECT n.nspname INTO schema_name FROM pg_catalog.pg_class c
			JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
			WHERE c.oid OPERATOR(pg_catalog.=) rel;
		IF rel IS NULL OR NOT (schema_name OPERATOR(pg_catalog.=) 'mart' OR schema_name OPERATOR(pg_catalog.~) '^mart_') THEN
			RAISE EXCEPTION 'mart "%" does not exist', target USING ERRCODE = 'undefined_table',
				HINT = 'An export_s3 job''s target is a table or view of the schema mart or a mart_* schema; hdl.marts lists the marts.';
		END IF;
		PERFORM hdl._etl_check_server(kind, options OPERATOR(pg_catalog.->>) 'server', 'server option');
		PERFORM hdl._etl_check_location(kind, options);
	WHEN 'retention' THEN
		IF target IS DISTINCT FROM 'lake' THEN
			RAISE EXCEPTION 'a retention job''s target is lake, not "%"', target USING ERRCODE = 'invalid_parameter_value',
				HINT = 'Retention applies the rules of hdl.retention_rule to the whole lake: target => ''lake''.';
		END IF;
	WHEN 'import_s3', 'export_lake' THEN
		PERFORM hdl._etl_check_server(kind, target, 'target');
		PERFORM hdl._etl_check_location(kind, options);
	ELSE
		NULL;
	END CASE;
END
$$;
COMMENT ON FUNCTION hdl._etl_check_target(text, text, jsonb) IS 'Internal: checks that what an ETL job names exists (the mart of refresh_mart and export_s3, the hdl_s3 server and location of import_s3, export_s3 and export_lake).';

CREATE FUNCTION hdl._etl_check_server(kind text, server text, what text)
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	PERFORM hdl._not_null(server, coalesce(what, 'server'));
	IF server IS NULL OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_foreign_server s
		JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid OPERATOR(pg_catalog.=) s.srvfdw
		WHERE s.srvname OPERATOR(pg_catalog.=) server AND w.fdwname OPERATOR(pg_catalog.=) 'hdl_s3') THEN
		RAISE EXCEPTION 'hdl_s3 server "%" does not exist', coalesce(server, 'NULL') USING ERRCODE = 'undefined_object',
			DETAIL = pg_catalog.format('The %s of an %s job names the foreign server of the hdl_s3 wrapper it uses.', what, kind),
			HINT = 'CREATE SERVER ... FOREIGN DATA WRAPPER hdl_s3 creates one (docs/s3.md).';
	END IF;
END
$$;

CREATE FUNCTION hdl._etl_check_location(kind text, options jsonb)
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	PERFORM hdl._not_null(kind, 'kind');
	IF coalesce(pg_catalog.btrim(options OPERATOR(pg_catalog.->>) 'location'), '') OPERATOR(pg_catalog.=) '' THEN
		RAISE EXCEPTION '% jobs need a location in their options', kind USING ERRCODE = 'invalid_parameter_value',
			HINT = CASE kind WHEN 'import_s3' THEN 'For example options => ''{"location": "s3://bucket/prefix/"}''.'
				WHEN 'export_lake' THEN 'For example options => ''{"location": "s3://bucket/lake/"}'': each run writes a folder of it.'
				ELSE 'For example options => ''{"server": "s3", "location": "s3://bucket/patients.ndjson"}''.' END;
	END IF;
END
$$;

CREATE FUNCTION hdl._require_preload(feature text) RETURNS void
	LANGUAGE c STRICT AS 'MODULE_PATHNAME', 'hdl_require_preload';
COMMENT ON FUNCTION hdl._require_preload(text) IS 'Raises a clear error with a hint when hdl was not loaded through shared_preload_libraries.';
GRANT EXECUTE ON FUNCTION hdl._require_preload(text) TO PUBLIC;

CREATE FUNCTION hdl.schedule_job(name text, kind text, target text, schedule text, enabled boolean DEFAULT true,
	retries int DEFAULT 0, retry_delay interval DEFAULT '10 seconds', timeout interval DEFAULT '1 hour',
	options jsonb DEFAULT '{}') RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	normalised text;
	new_id bigint;
	caller name := hdl._outer_role();
BEGIN
	PERFORM hdl._require_preload('scheduling ETL jobs');
	PERFORM hdl._not_null(name, 'job name');
	IF name IS NULL OR name !~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$' THEN
		RAISE EXCEPTION 'invalid ETL job name: "%"', coalesce(name, 'NULL') USING ERRCODE = 'invalid_parameter_value',
			DETAIL = 'A job name is 1 to 63 letters, digits, "_", "." or "-", starting with a letter or digit.',
			HINT = 'Use a name such as refresh-patients or nightly_export.';
	END IF;
	IF kind IS NULL THEN
		RAISE EXCEPTION 'ETL job kind must not be NULL' USING ERRCODE = 'invalid_parameter_value',
			HINT = 'Valid kinds are refresh_mart, import_s3, export_s3, export_lake, retention and sql.';
	END IF;
	PERFORM hdl._etl_check_kind(kind);
	IF schedule IS NULL THEN
		RAISE EXCEPTION 'ETL job schedule must not be NULL' USING ERRCODE = 'invalid_parameter_value',
			HINT = 'Use cron format (e.g. "5 4 * * *") or an interval (e.g. "30 seconds").';
	END IF;
	normalised := hdl.etl_normalize_schedule(schedule);
	PERFORM hdl._etl_check_job_args(kind, target, retries, retry_delay, timeout);
	IF options IS NULL OR pg_catalog.jsonb_typeof(options) OPERATOR(pg_catalog.<>) 'object' THEN
		RAISE EXCEPTION 'ETL job options must be a JSON object' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	PERFORM hdl._etl_check_target(kind, target, options);
	IF EXISTS (SELECT 1 FROM hdl.etl_job j WHERE j.name OPERATOR(pg_catalog.=) schedule_job.name) THEN
		RAISE EXCEPTION 'ETL job "%" already exists', name USING ERRCODE = 'duplicate_object',
			HINT = 'Change it with hdl.alter_job, or remove it first with hdl.unschedule_job.';
	END IF;
	INSERT INTO hdl.etl_job (name, kind, target, options, schedule, enabled, max_retries, retry_delay, timeout, owner)
	VALUES (name, kind, target, options, normalised, coalesce(enabled, true), retries, retry_delay, timeout, caller)
	RETURNING job_id INTO new_id;
	PERFORM hdl._etl_audit('schedule', name, pg_catalog.jsonb_build_object('kind', kind, 'schedule', normalised,
		'enabled', coalesce(enabled, true), 'owner', caller));
	RETURN new_id;
END
$$;
COMMENT ON FUNCTION hdl.schedule_job(text, text, text, text, boolean, int, interval, interval, jsonb) IS 'Schedules an ETL job and returns its id. kind: refresh_mart (target = mart name), import_s3, export_s3, export_lake (target = the hdl_s3 server), retention (target = lake), or sql (target = SQL). schedule: cron (UTC) or an interval such as ''30 seconds''. A failed scheduled run is retried up to retries times, after retry_delay doubling each time; a run longer than timeout is cancelled. The job runs as the calling role.';

CREATE FUNCTION hdl.alter_job(name text, schedule text DEFAULT NULL, enabled boolean DEFAULT NULL,
	target text DEFAULT NULL, retries int DEFAULT NULL, retry_delay interval DEFAULT NULL,
	timeout interval DEFAULT NULL, options jsonb DEFAULT NULL) RETURNS hdl.etl_job
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	j hdl.etl_job := hdl._etl_job_for_change(name);
	normalised text := CASE WHEN schedule IS NULL THEN j.schedule ELSE hdl.etl_normalize_schedule(schedule) END;
BEGIN
	PERFORM hdl._etl_check_job_args(j.kind, coalesce(target, j.target), coalesce(retries, j.max_retries),
		coalesce(retry_delay, j.retry_delay), coalesce(timeout, j.timeout));
	IF options IS NOT NULL AND pg_catalog.jsonb_typeof(options) OPERATOR(pg_catalog.<>) 'object' THEN
		RAISE EXCEPTION 'ETL job options must be a JSON object' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF target IS NOT NULL OR options IS NOT NULL THEN
		PERFORM hdl._etl_check_target(j.kind, coalesce(target, j.target), coalesce(options, j.options));
	END IF;
	UPDATE hdl.etl_job AS u SET
		schedule = normalised,
		enabled = coalesce(alter_job.enabled, u.enabled),
		target = coalesce(alter_job.target, u.target),
		max_retries = coalesce(retries, u.max_retries),
		retry_delay = coalesce(alter_job.retry_delay, u.retry_delay),
		timeout = coalesce(alter_job.timeout, u.timeout),
		options = coalesce(alter_job.options, u.options),
		updated_at = pg_catalog.now(),
		-- A new schedule, or a job switched back on, counts from now rather than catching up.
		schedule_set_at = CASE WHEN normalised OPERATOR(pg_catalog.<>) u.schedule
			OR (alter_job.enabled AND NOT u.enabled) THEN pg_catalog.now() ELSE u.schedule_set_at END
	WHERE u.job_id OPERATOR(pg_catalog.=) j.job_id
	RETURNING * INTO j;
	PERFORM hdl._etl_audit('alter', name, pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object('schedule', schedule,
		'enabled', enabled, 'target_changed', target IS NOT NULL, 'retries', retries, 'timeout', timeout::text)));
	RETURN j;
END
$$;
COMMENT ON FUNCTION hdl.alter_job(text, text, boolean, text, int, interval, interval, jsonb) IS 'Changes an ETL job (NULL arguments keep their value); the launcher sees it at its next poll. Owner or superuser only. Returns the job.';

CREATE FUNCTION hdl.unschedule_job(name text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	j hdl.etl_job := hdl._etl_job_for_change(name);
BEGIN
	DELETE FROM hdl.etl_job WHERE job_id OPERATOR(pg_catalog.=) j.job_id;
	PERFORM hdl._etl_audit('unschedule', name, pg_catalog.jsonb_build_object('kind', j.kind));
	RETURN true;
END
$$;
COMMENT ON FUNCTION hdl.unschedule_job(text) IS 'Removes an ETL job (its run history stays in hdl.etl_run). A run under way finishes. Owner or superuser only.';

-- The lock class of "one active run per job" advisory locks (the letters hdl).
CREATE FUNCTION hdl._etl_lock_class() RETURNS int LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp
	AS $$ SELECT 6841452 $$;

-- Run status writes, shared by the dynamic worker (each in its own short transaction) and
-- hdl.run_job_now (in the caller's transaction).
CREATE FUNCTION hdl._etl_run_start(run bigint, pid int, OUT kind text, OUT target text, OUT options jsonb,
	OUT owner name, OUT timeout_ms bigint, OUT job_id bigint)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	UPDATE hdl.etl_run r SET status = 'running', started_at = pg_catalog.clock_timestamp(), worker_pid = pid
	WHERE r.run_id OPERATOR(pg_catalog.=) run AND r.status OPERATOR(pg_catalog.=) 'pending';
	IF NOT FOUND THEN
		RETURN; -- marked failed meanwhile (stale, or the job's worker could not start): nothing to do
	END IF;
	SELECT j.kind, j.target, j.options, j.owner,
		(EXTRACT(epoch FROM j.timeout) OPERATOR(pg_catalog.*) 1000)::bigint, j.job_id
	INTO kind, target, options, owner, timeout_ms, job_id
	FROM hdl.etl_run r JOIN hdl.etl_job j ON j.job_id OPERATOR(pg_catalog.=) r.job_id
	WHERE r.run_id OPERATOR(pg_catalog.=) run;
	IF NOT FOUND THEN
		PERFORM hdl._etl_run_finish(run, NULL, NULL, '42704', 'the job was unscheduled before its run started', NULL);
	END IF;
END
$$;

CREATE FUNCTION hdl._etl_run_finish(run bigint, rows_in bigint, rows_out bigint, sqlstate text, error text,
	error_detail text, error_hint text DEFAULT NULL, error_context text DEFAULT NULL) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	UPDATE hdl.etl_run r SET
		status = CASE WHEN _etl_run_finish.error IS NULL THEN 'succeeded' ELSE 'failed' END,
		finished_at = pg_catalog.clock_timestamp(),
		started_at = coalesce(r.started_at, pg_catalog.clock_timestamp()),
		rows_in = _etl_run_finish.rows_in, rows_out = _etl_run_finish.rows_out,
		sqlstate = _etl_run_finish.sqlstate, error = _etl_run_finish.error, error_detail = _etl_run_finish.error_detail,
		error_hint = _etl_run_finish.error_hint, error_context = _etl_run_finish.error_context
	WHERE r.run_id OPERATOR(pg_catalog.=) run AND r.status IN ('pending', 'running');
END
$$;

-- Runs marked pending or running whose worker is gone: left by a crash, a killed worker or a
-- restarted launcher. The launcher passes the runs it still tracks.
CREATE FUNCTION hdl._etl_mark_stale(tracked bigint[], reason text) RETURNS int
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	n int;
BEGIN
	UPDATE hdl.etl_run r SET status = 'failed', finished_at = pg_catalog.clock_timestamp(), sqlstate = '57P01',
		error = reason
	WHERE r.status IN ('pending', 'running') AND r.trigger OPERATOR(pg_catalog.<>) 'manual'
	  AND NOT (r.run_id OPERATOR(pg_catalog.=) ANY (tracked))
	  AND (r.worker_pid IS NULL OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a
		WHERE a.pid OPERATOR(pg_catalog.=) r.worker_pid));
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END
$$;

-- The scheduling state of every job: the last run, the next scheduled slot, a pending retry.
-- The launcher starts what is due; hdl.console_jobs shows the same next run.
CREATE VIEW hdl.etl_job_state AS
SELECT j.job_id, j.name, j.enabled, j.schedule, j.max_retries, a.anchor,
	l.run_id AS last_run_id, l.status AS last_status, l.trigger AS last_trigger, l.attempt AS last_attempt,
	l.finished_at AS last_finished_at,
	EXISTS (SELECT 1 FROM hdl.etl_run x WHERE x.job_id OPERATOR(pg_catalog.=) j.job_id
		AND x.status IN ('pending', 'running')) AS active,
	s.next_scheduled, rt.retry_at,
	CASE WHEN j.enabled THEN LEAST(s.next_scheduled, rt.retry_at) END AS next_run,
	(rt.retry_at IS NOT NULL AND rt.retry_at OPERATOR(pg_catalog.<=) coalesce(s.next_scheduled, 'infinity')) AS next_is_retry
FROM hdl.etl_job j
LEFT JOIN LATERAL (SELECT r.* FROM hdl.etl_run r WHERE r.job_id OPERATOR(pg_catalog.=) j.job_id
	ORDER BY r.run_id DESC LIMIT 1) l ON true
CROSS JOIN LATERAL (SELECT GREATEST(j.schedule_set_at, (SELECT max(r.scheduled_for) FROM hdl.etl_run r
	WHERE r.job_id OPERATOR(pg_catalog.=) j.job_id AND r.trigger OPERATOR(pg_catalog.<>) 'manual')) AS anchor) a
CROSS JOIN LATERAL (SELECT hdl.etl_next_run(j.schedule, a.anchor) AS next_scheduled) s
CROSS JOIN LATERAL (SELECT CASE WHEN l.status OPERATOR(pg_catalog.=) 'failed' AND l.trigger OPERATOR(pg_catalog.<>) 'manual'
	AND l.attempt OPERATOR(pg_catalog.<=) j.max_retries
	THEN l.finished_at OPERATOR(pg_catalog.+) hdl._etl_retry_delay(l.attempt, j.retry_delay) END AS retry_at) rt;
COMMENT ON VIEW hdl.etl_job_state IS 'Scheduling state of each ETL job: anchor of its schedule, last run, whether a run is under way, the next scheduled slot, a pending retry, and the next run (NULL when disabled).';

-- The launcher's claim: pending runs for due jobs, at most max_runs. A job whose advisory lock
-- is held (hdl.run_job_now under way) waits for the next poll.
CREATE FUNCTION hdl._etl_claim_due_runs(max_runs int, OUT run_id bigint, OUT job_name text, OUT timeout_ms bigint)
RETURNS SETOF record LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	s record;
	t timestamptz := pg_catalog.now();
BEGIN
	FOR s IN SELECT st.*, j.timeout, j.owner FROM hdl.etl_job_state st JOIN hdl.etl_job j USING (job_id)
		WHERE st.enabled AND NOT st.active AND st.next_run OPERATOR(pg_catalog.<=) t
		ORDER BY st.next_run, st.job_id LIMIT max_runs
	LOOP
		CONTINUE WHEN NOT pg_catalog.pg_try_advisory_xact_lock(hdl._etl_lock_class(), (s.job_id OPERATOR(pg_catalog.%) 2147483647)::int);
		INSERT INTO hdl.etl_run AS r (job_id, job_name, trigger, attempt, status, scheduled_for, run_by)
		SELECT s.job_id, s.name,
			CASE WHEN s.next_is_retry THEN 'retry' ELSE 'schedule' END,
			CASE WHEN s.next_is_retry THEN s.last_attempt OPERATOR(pg_catalog.+) 1 ELSE 1 END,
			'pending',
			CASE WHEN s.next_is_retry THEN (SELECT x.scheduled_for FROM hdl.etl_run x WHERE x.run_id OPERATOR(pg_catalog.=) s.last_run_id)
				ELSE hdl._etl_slot(s.schedule, s.anchor, t) END,
			s.owner
		RETURNING r.run_id, r.job_name INTO run_id, job_name;
		timeout_ms := (EXTRACT(epoch FROM s.timeout) OPERATOR(pg_catalog.*) 1000)::bigint;
		RETURN NEXT;
	END LOOP;
END
$$;

-- Runs the body of a run in a subtransaction as the job's owner (src/etl/jobs.cpp).
CREATE FUNCTION hdl._etl_execute(run bigint, OUT rows_in bigint, OUT rows_out bigint, OUT sqlstate text,
	OUT error text, OUT error_detail text, OUT error_hint text, OUT error_context text)
	LANGUAGE c VOLATILE STRICT SET search_path = pg_catalog, pg_temp AS 'MODULE_PATHNAME', 'hdl_etl_execute';

CREATE FUNCTION hdl.run_job_now(name text) RETURNS hdl.etl_run
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	j hdl.etl_job := hdl._etl_job_for_change(name, true);
	run bigint;
	res record;
	result hdl.etl_run;
BEGIN
	IF NOT pg_catalog.pg_try_advisory_xact_lock(hdl._etl_lock_class(), (j.job_id OPERATOR(pg_catalog.%) 2147483647)::int) THEN
		RAISE EXCEPTION 'ETL job "%" is already running', name USING ERRCODE = 'object_in_use',
			HINT = 'Wait for the run under way to finish; hdl.console_runs shows it.';
	END IF;
	INSERT INTO hdl.etl_run (job_id, job_name, trigger, attempt, status, started_at, worker_pid, run_by)
	VALUES (j.job_id, j.name, 'manual', 1, 'running', pg_catalog.clock_timestamp(), pg_catalog.pg_backend_pid(),
		hdl._outer_role())
	RETURNING run_id INTO run;
	res := hdl._etl_execute(run);
	PERFORM hdl._etl_run_finish(run, res.rows_in, res.rows_out, res.sqlstate, res.error, res.error_detail,
		res.error_hint, res.error_context);
	SELECT * INTO result FROM hdl.etl_run r WHERE r.run_id OPERATOR(pg_catalog.=) run;
	RETURN result;
END
$$;
COMMENT ON FUNCTION hdl.run_job_now(text) IS 'Runs an ETL job now, in this session and transaction, with the code the background workers use, and returns the run (status succeeded or failed, error). Waits for nothing: raises 55006 if a run of the job is under way. Owner or superuser only.';

-- NOTIFY hdl_etl once per finished run (delivered when the run''s transaction commits). Any login
-- role may LISTEN, so the payload is the run id alone: the details are in hdl.etl_run, for the
-- roles that may read it (docs/etl.md, "Notifications").
CREATE FUNCTION hdl._etl_run_notify() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	PERFORM pg_catalog.pg_notify('hdl_etl', pg_catalog.json_build_object('run_id', NEW.run_id)::text);
	RETURN NULL;
END
$$;
CREATE TRIGGER etl_run_notify AFTER UPDATE OF status ON hdl.etl_run FOR EACH ROW
	WHEN (NEW.status IN ('succeeded', 'failed') AND OLD.status IS DISTINCT FROM NEW.status)
	EXECUTE FUNCTION hdl._etl_run_notify();

-- NOTIFY hdl_ingest once per committed ingest call (hdl.ingest_batch gets one row per call): the
-- batch id alone, as for hdl_etl; hdl.catalog_batches has the details. In hdl.etl_database the
-- ETL launcher sends them, every hdl.etl_poll_interval, for the batches committed since its last
-- look (their txid), so that ingest commits do not queue on the lock every notifying commit takes
-- (issue 21); in other databases the batch's own transaction notifies.
CREATE FUNCTION hdl._ingest_notify_inline() RETURNS boolean
	LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'hdl_ingest_notify_inline';
CREATE FUNCTION hdl._ingest_batch_notify() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	PERFORM pg_catalog.pg_notify('hdl_ingest', pg_catalog.json_build_object('batch', NEW.batch_id)::text);
	RETURN NULL;
END
$$;
CREATE TRIGGER ingest_batch_notify AFTER INSERT ON hdl.ingest_batch FOR EACH ROW
	WHEN (hdl._ingest_notify_inline())
	EXECUTE FUNCTION hdl._ingest_batch_notify();

-- The launcher's part: notifies the batches committed after `since` and seen by this statement's
-- snapshot, in batch order, and returns that snapshot (the next call's `since`). A NULL `since`
-- (the launcher just started) announces nothing.
CREATE FUNCTION hdl._ingest_announce(since pg_snapshot) RETURNS pg_snapshot
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	upto pg_catalog.pg_snapshot := pg_catalog.pg_current_snapshot();
	b bigint;
BEGIN
	IF since IS NULL THEN
		RETURN upto;
	END IF;
	FOR b IN SELECT i.batch_id FROM hdl.ingest_batch i
		WHERE i.txid OPERATOR(pg_catalog.>=) pg_catalog.pg_snapshot_xmin(since)
		  AND NOT pg_catalog.pg_visible_in_snapshot(i.txid, since) AND pg_catalog.pg_visible_in_snapshot(i.txid, upto)
		ORDER BY i.batch_id
	LOOP
		PERFORM pg_catalog.pg_notify('hdl_ingest', pg_catalog.json_build_object('batch', b)::text);
	END LOOP;
	RETURN upto;
END
$$;

REVOKE ALL ON hdl.etl_job, hdl.etl_run, hdl.etl_job_state FROM PUBLIC;
GRANT SELECT ON hdl.etl_job, hdl.etl_run, hdl.etl_job_state TO hdl_engineer;
REVOKE ALL ON FUNCTION hdl.etl_normalize_schedule(text), hdl.etl_describe_schedule(text),
	hdl.etl_next_run(text, timestamptz), hdl._etl_slot(text, timestamptz, timestamptz),
	hdl._etl_retry_delay(int, interval), hdl._etl_check_kind(text), hdl._etl_audit(text, text, jsonb),
	hdl._etl_job_for_change(text, boolean), hdl._etl_check_job_args(text, text, int, interval, interval),
	hdl._etl_check_target(text, text, jsonb), hdl._etl_check_server(text, text, text), hdl._etl_check_location(text, jsonb),
	hdl.schedule_job(text, text, text, text, boolean, int, interval, interval, jsonb),
	hdl.alter_job(text, text, boolean, text, int, interval, interval, jsonb), hdl.unschedule_job(text),
	hdl._etl_lock_class(), hdl._etl_run_start(bigint, int), hdl._etl_run_finish(bigint, bigint, bigint, text, text, text, text, text),
	hdl._etl_mark_stale(bigint[], text), hdl._etl_claim_due_runs(int), hdl._etl_execute(bigint),
	hdl.run_job_now(text), hdl._etl_run_notify(), hdl._ingest_batch_notify(), hdl._ingest_announce(pg_snapshot) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hdl.etl_normalize_schedule(text), hdl.etl_describe_schedule(text),
	hdl.etl_next_run(text, timestamptz), hdl._etl_slot(text, timestamptz, timestamptz),
	hdl._etl_retry_delay(int, interval),
	hdl.schedule_job(text, text, text, text, boolean, int, interval, interval, jsonb),
	hdl.alter_job(text, text, boolean, text, int, interval, interval, jsonb), hdl.unschedule_job(text),
	hdl.run_job_now(text) TO hdl_engineer;
