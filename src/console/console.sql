
-- hdl console: what the ETL, mart, import and ingest machinery is doing, as views for psql
-- (this file) and as one self-contained HTML page (console_page.sql: hdl.console_html, also
-- served by PostgREST). docs/console.md.
-- Plain operators are safe here: views bind them when created (under the extension script's
-- search_path) and every function fixes search_path = pg_catalog, pg_temp.

-- When a mart was last refreshed (hdl.mart belongs to the marts capability, which may be absent).
CREATE FUNCTION hdl._console_mart_refreshed_at(mart text) RETURNS timestamptz
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	t timestamptz;
BEGIN
	IF pg_catalog.to_regclass('hdl.mart') IS NULL THEN
		RETURN NULL;
	END IF;
	EXECUTE 'SELECT max(last_refresh_at) FROM hdl.mart WHERE name = $1' INTO t USING mart;
	RETURN t;
END
$$;

CREATE VIEW hdl.console_jobs AS
SELECT j.name AS job, j.kind, j.target, j.schedule, hdl.etl_describe_schedule(j.schedule) AS schedule_description,
	j.enabled, j.owner,
	CASE WHEN st.active THEN 'running' WHEN NOT j.enabled THEN 'disabled'
		WHEN st.next_is_retry THEN 'retrying' WHEN st.last_status IS NULL THEN 'never run'
		ELSE st.last_status END AS status,
	st.last_run_id, st.last_status, l.started_at AS last_started_at, l.finished_at AS last_finished_at,
	l.rows_out AS last_rows_out, l.error AS last_error,
	st.next_run, st.next_is_retry AS next_run_is_retry,
	f.last_success_at,
	pg_catalog.now() - f.fresh_at AS freshness_lag
FROM hdl.etl_job j
JOIN hdl.etl_job_state st ON st.job_id = j.job_id
LEFT JOIN hdl.etl_run l ON l.run_id = st.last_run_id
CROSS JOIN LATERAL (SELECT s.last_success_at,
		CASE WHEN j.kind = 'refresh_mart'
			THEN GREATEST(s.last_success_at, hdl._console_mart_refreshed_at(j.target))
			ELSE s.last_success_at END AS fresh_at
	FROM (SELECT max(r.finished_at) AS last_success_at FROM hdl.etl_run r
		WHERE r.job_id = j.job_id AND r.status = 'succeeded') s) f;
COMMENT ON VIEW hdl.console_jobs IS 'ETL jobs at a glance: schedule, status (running, succeeded, failed, retrying, disabled, never run), last run, next run, and freshness lag (now minus the last successful run, or the mart''s last refresh for refresh_mart jobs).';

CREATE VIEW hdl.console_runs AS
SELECT r.run_id, r.job_name AS job, r.trigger, r.attempt, r.status, r.scheduled_for, r.started_at, r.finished_at,
	r.finished_at - r.started_at AS duration, r.rows_in, r.rows_out, r.error
FROM hdl.etl_run r
WHERE r.created_at > pg_catalog.now() - interval '7 days'
ORDER BY r.run_id DESC;
COMMENT ON VIEW hdl.console_runs IS 'ETL runs of the last 7 days, newest first: trigger (schedule, retry, manual), attempt, status, times, duration, rows in and out, error.';

CREATE VIEW hdl.console_failures AS
SELECT r.run_id, r.job_name AS job, r.trigger, r.attempt, r.finished_at, r.sqlstate, r.error, r.error_detail,
	r.error_hint, r.error_context,
	(st.last_run_id = r.run_id AND st.next_is_retry AND st.enabled) AS will_retry,
	CASE WHEN st.last_run_id = r.run_id AND st.next_is_retry AND st.enabled THEN st.next_run END AS retry_at
FROM hdl.etl_run r
LEFT JOIN hdl.etl_job_state st ON st.job_id = r.job_id
WHERE r.status = 'failed'
  AND r.created_at > pg_catalog.now() - interval '7 days'
ORDER BY r.run_id DESC;
COMMENT ON VIEW hdl.console_failures IS 'Failed ETL runs of the last 7 days, newest first, with the SQLSTATE, error, detail, hint and context (where it failed), and whether (and when) a retry follows.';

CREATE VIEW hdl.console_ingest_volume AS
SELECT (b.received_at AT TIME ZONE 'UTC')::date AS day, s.org_code AS source, s.display AS source_display,
	count(*) AS batches, sum(b.stored) AS resources_stored, sum(b.rejected) AS resources_rejected
FROM hdl.ingest_batch b JOIN hdl.source s ON s.source_id = b.source_id
GROUP BY 1, 2, 3
ORDER BY 1 DESC, 2;
COMMENT ON VIEW hdl.console_ingest_volume IS 'Ingest volume per source organisation per day (UTC): ingest calls, resources stored and rejected.';

-- Each mart: its size on disk, how fresh it is (time since its last refresh) and the job that
-- keeps it fresh (the first refresh_mart job naming it).
CREATE VIEW hdl.console_marts AS
SELECT m.name AS mart, pg_catalog.format('%I.%I', m.schema_name, m.table_name) AS "table", m.resource_type,
	m.row_count AS rows, pg_catalog.pg_total_relation_size(t.rel) AS bytes,
	m.last_refresh_at, m.last_refresh_mode, m.last_refresh_ms, m.last_refresh_changes,
	pg_catalog.now() - m.last_refresh_at AS freshness_lag,
	j.job AS refresh_job, j.status AS refresh_job_status, j.next_run AS next_refresh
FROM hdl.mart m
CROSS JOIN LATERAL (SELECT pg_catalog.to_regclass(pg_catalog.format('%I.%I', m.schema_name, m.table_name)) AS rel) t
LEFT JOIN LATERAL (SELECT cj.job, cj.status, cj.next_run FROM hdl.console_jobs cj
	WHERE cj.kind = 'refresh_mart' AND cj.target IN (m.name, 'mart.' || m.name)
	ORDER BY cj.enabled DESC, cj.job LIMIT 1) j ON true;
COMMENT ON VIEW hdl.console_marts IS 'Marts at a glance: rows, size on disk (table and indexes), last refresh (when, mode, duration, changes), freshness lag (now minus the last refresh) and the refresh job with its status and next run.';

-- S3 imports per day (UTC) and source: one ingest batch per object imported.
CREATE VIEW hdl.console_imports AS
SELECT (b.received_at AT TIME ZONE 'UTC')::date AS day, s.org_code AS source, s.display AS source_display,
	count(*) AS objects, sum(b.stored) AS resources_stored, sum(b.rejected) AS resources_rejected,
	max(b.received_at) AS last_object_at
FROM hdl.ingest_batch b JOIN hdl.source s ON s.source_id = b.source_id
WHERE b.kind = 'import'
GROUP BY 1, 2, 3
ORDER BY 1 DESC, 2;
COMMENT ON VIEW hdl.console_imports IS 'S3 imports (hdl.import_s3) per day (UTC) and source organisation: objects imported, resources stored and lines rejected. hdl.import_progress shows the imports under way.';

-- Quarantined lines are raw provider data that only their importing role reads; the console
-- shows counts only, per server, bucket and source.
CREATE FUNCTION hdl._console_quarantine(OUT server text, OUT bucket text, OUT source text, OUT source_display text,
	OUT lines bigint, OUT objects bigint, OUT oldest timestamptz, OUT newest timestamptz)
RETURNS SETOF record LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	SELECT q.server_name, q.bucket, s.org_code, s.display, count(*), count(DISTINCT q.object_key),
		min(q.quarantined_at), max(q.quarantined_at)
	FROM hdl.import_quarantine q JOIN hdl.source s ON s.source_id OPERATOR(pg_catalog.=) q.source_id
	GROUP BY 1, 2, 3, 4
$$;
CREATE VIEW hdl.console_quarantine AS
SELECT server, bucket, source, source_display, lines, objects, oldest, newest
FROM hdl._console_quarantine() ORDER BY lines DESC, server, bucket, source;
COMMENT ON VIEW hdl.console_quarantine IS 'Lines of S3 imports waiting in hdl.import_quarantine, counted per server, bucket and source (the lines themselves stay visible only to the role that imported them).';

REVOKE ALL ON hdl.console_jobs, hdl.console_runs, hdl.console_failures, hdl.console_ingest_volume, hdl.console_marts,
	hdl.console_imports, hdl.console_quarantine FROM PUBLIC;
GRANT SELECT ON hdl.console_jobs, hdl.console_runs, hdl.console_failures, hdl.console_ingest_volume, hdl.console_marts,
	hdl.console_imports, hdl.console_quarantine TO hdl_engineer;
REVOKE ALL ON FUNCTION hdl._console_mart_refreshed_at(text), hdl._console_quarantine() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hdl._console_mart_refreshed_at(text), hdl._console_quarantine() TO hdl_engineer;
