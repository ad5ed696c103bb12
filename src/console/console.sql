
-- hdl console: what the ETL and ingest machinery is doing, as views for psql and as one
-- self-contained HTML page (hdl.console_html, also served by PostgREST). docs/console.md.
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
	(st.last_run_id = r.run_id AND st.next_is_retry AND st.enabled) AS will_retry,
	CASE WHEN st.last_run_id = r.run_id AND st.next_is_retry AND st.enabled THEN st.next_run END AS retry_at
FROM hdl.etl_run r
LEFT JOIN hdl.etl_job_state st ON st.job_id = r.job_id
WHERE r.status = 'failed'
  AND r.created_at > pg_catalog.now() - interval '7 days'
ORDER BY r.run_id DESC;
COMMENT ON VIEW hdl.console_failures IS 'Failed ETL runs of the last 7 days, newest first, with the SQLSTATE, error and detail, and whether (and when) a retry follows.';

CREATE VIEW hdl.console_ingest_volume AS
SELECT (b.received_at AT TIME ZONE 'UTC')::date AS day, s.org_code AS source, s.display AS source_display,
	count(*) AS batches, sum(b.stored) AS resources_stored, sum(b.rejected) AS resources_rejected
FROM hdl.ingest_batch b JOIN hdl.source s ON s.source_id = b.source_id
GROUP BY 1, 2, 3
ORDER BY 1 DESC, 2;
COMMENT ON VIEW hdl.console_ingest_volume IS 'Ingest volume per source organisation per day (UTC): ingest calls, resources stored and rejected.';

-- HTML text escape: every value that reaches the page goes through it.
CREATE FUNCTION hdl._html(value text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
	SELECT pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
		coalesce(value, ''), '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;')
$$;

-- A compact duration for the page: 45s, 12m, 3h 05m, 2d 4h.
CREATE FUNCTION hdl._console_age(lag interval) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
	SELECT CASE
		WHEN lag IS NULL THEN '-'
		WHEN EXTRACT(epoch FROM lag) < 0 THEN 'now'
		WHEN EXTRACT(epoch FROM lag) < 60 THEN pg_catalog.floor(EXTRACT(epoch FROM lag))::text || 's'
		WHEN EXTRACT(epoch FROM lag) < 3600 THEN pg_catalog.floor(EXTRACT(epoch FROM lag) / 60)::text || 'm'
		WHEN EXTRACT(epoch FROM lag) < 86400 THEN pg_catalog.to_char(lag, 'FMHH24"h "MI"m"')
		ELSE pg_catalog.floor(EXTRACT(epoch FROM lag) / 86400)::text || 'd '
			|| pg_catalog.floor(pg_catalog.mod(EXTRACT(epoch FROM lag)::numeric, 86400) / 3600)::text || 'h'
	END
$$;

-- An inline SVG bar chart: one bar per label, stacked ok (green) and bad (red) values.
CREATE FUNCTION hdl._console_bars(title text, labels text[], ok bigint[], bad bigint[], ok_name text, bad_name text)
RETURNS text LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	n int := coalesce(pg_catalog.array_length(labels, 1), 0);
	top bigint := 1;
	w int := 640;
	h int := 140;
	bw numeric;
	out text;
	x numeric;
	hok numeric;
	hbad numeric;
BEGIN
	FOR i IN 1 .. n LOOP
		top := GREATEST(top, coalesce(ok[i], 0) + coalesce(bad[i], 0));
	END LOOP;
	out := pg_catalog.format('<figure class="chart"><figcaption>%s <span class="legend"><i class="ok"></i>%s <i class="bad"></i>%s</span></figcaption>'
		'<svg role="img" aria-label="%s" viewBox="0 0 %s %s" width="%s" height="%s" xmlns="http://www.w3.org/2000/svg">',
		hdl._html(title), hdl._html(ok_name), hdl._html(bad_name), hdl._html(title), w, h + 20, w, h + 20);
	IF n = 0 THEN
		RETURN out || pg_catalog.format('<text x="10" y="%s" class="empty">no data</text></svg></figure>', h / 2);
	END IF;
	bw := w::numeric / n;
	out := out || pg_catalog.format('<text x="2" y="10" class="axis">%s</text>', top);
	FOR i IN 1 .. n LOOP
		x := (i - 1) * bw;
		hok := pg_catalog.round(coalesce(ok[i], 0)::numeric * (h - 14) / top, 1);
		hbad := pg_catalog.round(coalesce(bad[i], 0)::numeric * (h - 14) / top, 1);
		out := out || pg_catalog.format(
			'<g><title>%s: %s %s, %s %s</title>'
			'<rect class="ok" x="%s" y="%s" width="%s" height="%s"/><rect class="bad" x="%s" y="%s" width="%s" height="%s"/>'
			'<text x="%s" y="%s" class="axis">%s</text></g>',
			hdl._html(labels[i]), coalesce(ok[i], 0), hdl._html(ok_name), coalesce(bad[i], 0), hdl._html(bad_name),
			pg_catalog.round(x + 1, 1), h - hok, GREATEST(pg_catalog.round(bw - 2, 1), 1), hok,
			pg_catalog.round(x + 1, 1), h - hok - hbad, GREATEST(pg_catalog.round(bw - 2, 1), 1), hbad,
			pg_catalog.round(x + 1, 1), h + 14,
			CASE WHEN n <= 14 OR pg_catalog.mod(i, GREATEST(n / 8, 1)) = 1 THEN hdl._html(labels[i]) ELSE '' END);
	END LOOP;
	RETURN out || '</svg></figure>';
END
$$;

CREATE FUNCTION hdl.console_html() RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	page text;
	rows text;
	r record;
	labels text[];
	ok bigint[];
	bad bigint[];
	n_jobs int;
	n_failing int;
	n_runs int;
	n_failed int;
BEGIN
	SELECT count(*), count(*) FILTER (WHERE last_status = 'failed') INTO n_jobs, n_failing FROM hdl.console_jobs;
	SELECT count(*), count(*) FILTER (WHERE status = 'failed') INTO n_runs, n_failed
	FROM hdl.etl_run WHERE created_at > pg_catalog.now() - interval '24 hours';

	page := '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
		'<title>hdl console</title><style>'
		'body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f5f6f8;color:#1d2330}'
		'header{background:#1d3557;color:#fff;padding:12px 20px}header h1{margin:0;font-size:20px}header p{margin:2px 0 0;opacity:.8}'
		'main{padding:12px 20px;max-width:1200px}section{background:#fff;border-radius:6px;padding:10px 14px;margin:12px 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}'
		'h2{font-size:16px;margin:4px 0 8px}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e6e8eb;vertical-align:top}'
		'th{font-weight:600;color:#555;font-size:12px;text-transform:uppercase}td.num{text-align:right;font-variant-numeric:tabular-nums}'
		'.status{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;background:#e6e8eb}'
		'.status-succeeded{background:#d8f3dc;color:#1b5e20}.status-failed{background:#ffd6d6;color:#8b0000}.status-running{background:#d6e9ff;color:#0b4f9c}'
		'.status-retrying{background:#fff1c2;color:#7a5a00}.status-disabled,.status-never-run,.status-pending{background:#eee;color:#555}'
		'.tiles{display:flex;gap:12px;flex-wrap:wrap}.tile{background:#fff;border-radius:6px;padding:10px 16px;min-width:140px;box-shadow:0 1px 2px rgba(0,0,0,.08)}'
		'.tile b{display:block;font-size:24px}.tile.alert b{color:#b00020}.err{color:#8b0000;font-family:ui-monospace,monospace;font-size:12px;white-space:pre-wrap}'
		'figure{margin:0}figcaption{font-weight:600;margin-bottom:4px}.legend{font-weight:400;font-size:12px;margin-left:12px}'
		'.legend i{display:inline-block;width:10px;height:10px;margin:0 4px 0 8px}.legend i.ok,rect.ok{background:#52b788;fill:#52b788}.legend i.bad,rect.bad{background:#e63946;fill:#e63946}'
		'text.axis{font-size:10px;fill:#777}text.empty{font-size:13px;fill:#999}'
		'</style></head><body><header><h1>hdl console</h1><p>'
		|| hdl._html(pg_catalog.current_database()) || ' &middot; generated '
		|| hdl._html(pg_catalog.to_char(pg_catalog.now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"'))
		|| '</p></header><main>'
		|| pg_catalog.format('<div class="tiles"><div class="tile" id="tile-jobs"><b>%s</b>jobs</div>'
			'<div class="tile%s" id="tile-failing"><b>%s</b>jobs failing</div><div class="tile" id="tile-runs"><b>%s</b>runs (24h)</div>'
			'<div class="tile%s" id="tile-failed"><b>%s</b>failed runs (24h)</div></div>',
			n_jobs, CASE WHEN n_failing > 0 THEN ' alert' ELSE '' END, n_failing, n_runs,
			CASE WHEN n_failed > 0 THEN ' alert' ELSE '' END, n_failed);

	-- Jobs
	rows := '';
	FOR r IN SELECT * FROM hdl.console_jobs ORDER BY job LOOP
		rows := rows || pg_catalog.format(
			'<tr data-job="%s"><td class="job">%s</td><td>%s</td><td title="%s">%s</td>'
			'<td><span class="status status-%s">%s</span></td><td>%s</td><td>%s</td><td class="num">%s</td><td class="err">%s</td></tr>',
			hdl._html(r.job), hdl._html(r.job), hdl._html(r.kind), hdl._html(r.schedule), hdl._html(r.schedule_description),
			pg_catalog.replace(r.status, ' ', '-'), hdl._html(r.status),
			hdl._html(CASE WHEN r.last_started_at IS NULL THEN '-' ELSE hdl._console_age(pg_catalog.now() - r.last_started_at) || ' ago' END),
			hdl._html(CASE WHEN r.next_run IS NULL THEN '-' WHEN r.next_run <= pg_catalog.now() THEN 'due'
				ELSE 'in ' || hdl._console_age(r.next_run - pg_catalog.now()) END),
			hdl._html(hdl._console_age(r.freshness_lag)),
			hdl._html(CASE WHEN r.last_status = 'failed' THEN pg_catalog.left(r.last_error, 300) END));
	END LOOP;
	page := page || '<section id="jobs"><h2>Jobs</h2><table><thead><tr><th>Job</th><th>Kind</th><th>Schedule</th>'
		'<th>Status</th><th>Last run</th><th>Next run</th><th>Freshness lag</th><th>Last error</th></tr></thead><tbody>'
		|| CASE WHEN rows = '' THEN '<tr><td colspan="8">No jobs. Schedule one with hdl.schedule_job.</td></tr>' ELSE rows END
		|| '</tbody></table></section>';

	-- Runs per hour, last 24 hours
	SELECT pg_catalog.array_agg(pg_catalog.to_char(hr AT TIME ZONE 'UTC', 'HH24:00') ORDER BY hr),
		pg_catalog.array_agg(coalesce(c.ok, 0) ORDER BY hr), pg_catalog.array_agg(coalesce(c.bad, 0) ORDER BY hr)
	INTO labels, ok, bad
	FROM pg_catalog.generate_series(pg_catalog.date_trunc('hour', pg_catalog.now()) - interval '23 hours',
		pg_catalog.date_trunc('hour', pg_catalog.now()), interval '1 hour') hr
	LEFT JOIN (SELECT pg_catalog.date_trunc('hour', coalesce(x.finished_at, x.created_at)) AS h,
			count(*) FILTER (WHERE x.status = 'succeeded') AS ok,
			count(*) FILTER (WHERE x.status = 'failed') AS bad
		FROM hdl.etl_run x WHERE x.created_at > pg_catalog.now() - interval '25 hours' GROUP BY 1) c
		ON c.h = hr;
	page := page || '<section id="run-chart">'
		|| hdl._console_bars('Runs per hour (UTC), last 24 hours', labels, ok, bad, 'succeeded', 'failed')
		|| '</section>';

	-- Recent runs
	rows := '';
	FOR r IN SELECT * FROM hdl.console_runs LIMIT 25 LOOP
		rows := rows || pg_catalog.format(
			'<tr data-run="%s"><td class="num">%s</td><td class="job">%s</td><td>%s</td><td class="num">%s</td>'
			'<td><span class="status status-%s">%s</span></td><td>%s</td><td class="num">%s</td><td class="num">%s</td></tr>',
			r.run_id, r.run_id, hdl._html(r.job), hdl._html(r.trigger), r.attempt, hdl._html(r.status), hdl._html(r.status),
			hdl._html(pg_catalog.to_char(r.started_at AT TIME ZONE 'UTC', 'MM-DD HH24:MI:SS')),
			hdl._html(CASE WHEN r.duration IS NULL THEN '-' ELSE pg_catalog.round(EXTRACT(epoch FROM r.duration)::numeric, 2)::text || 's' END),
			coalesce(r.rows_out::text, '-'));
	END LOOP;
	page := page || '<section id="runs"><h2>Recent runs</h2><table><thead><tr><th>Run</th><th>Job</th><th>Trigger</th>'
		'<th>Attempt</th><th>Status</th><th>Started (UTC)</th><th>Duration</th><th>Rows out</th></tr></thead><tbody>'
		|| CASE WHEN rows = '' THEN '<tr><td colspan="8">No runs in the last 7 days.</td></tr>' ELSE rows END
		|| '</tbody></table></section>';

	-- Failures
	rows := '';
	FOR r IN SELECT * FROM hdl.console_failures LIMIT 25 LOOP
		rows := rows || pg_catalog.format(
			'<tr data-run="%s"><td class="num">%s</td><td class="job">%s</td><td class="num">%s</td><td>%s</td><td>%s</td><td class="err">%s</td><td>%s</td></tr>',
			r.run_id, r.run_id, hdl._html(r.job), r.attempt,
			hdl._html(pg_catalog.to_char(r.finished_at AT TIME ZONE 'UTC', 'MM-DD HH24:MI:SS')), hdl._html(r.sqlstate),
			hdl._html(pg_catalog.left(r.error, 500)), CASE WHEN r.will_retry THEN 'yes' ELSE 'no' END);
	END LOOP;
	page := page || '<section id="failures"><h2>Failures</h2><table><thead><tr><th>Run</th><th>Job</th><th>Attempt</th>'
		'<th>Finished (UTC)</th><th>SQLSTATE</th><th>Error</th><th>Retry</th></tr></thead><tbody>'
		|| CASE WHEN rows = '' THEN '<tr><td colspan="7">No failures in the last 7 days.</td></tr>' ELSE rows END
		|| '</tbody></table></section>';

	-- Ingest volume: a chart of the last 14 days, then the table per source
	SELECT pg_catalog.array_agg(pg_catalog.to_char(d, 'MM-DD') ORDER BY d),
		pg_catalog.array_agg(coalesce(v.stored, 0) ORDER BY d), pg_catalog.array_agg(coalesce(v.rejected, 0) ORDER BY d)
	INTO labels, ok, bad
	FROM pg_catalog.generate_series((pg_catalog.now() AT TIME ZONE 'UTC')::date - 13,
		(pg_catalog.now() AT TIME ZONE 'UTC')::date, interval '1 day') d
	LEFT JOIN (SELECT day, sum(resources_stored)::bigint AS stored, sum(resources_rejected)::bigint AS rejected
		FROM hdl.console_ingest_volume GROUP BY day) v ON v.day = d::date;
	rows := '';
	FOR r IN SELECT * FROM hdl.console_ingest_volume LIMIT 60 LOOP
		rows := rows || pg_catalog.format(
			'<tr><td>%s</td><td>%s</td><td>%s</td><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td></tr>',
			r.day, hdl._html(r.source), hdl._html(r.source_display), r.batches, r.resources_stored, r.resources_rejected);
	END LOOP;
	page := page || '<section id="ingest">'
		|| hdl._console_bars('Resources ingested per day (UTC), last 14 days', labels, ok, bad, 'stored', 'rejected')
		|| '<h2>Ingest volume</h2><table><thead><tr><th>Day (UTC)</th><th>Source</th><th>Name</th><th>Batches</th>'
		'<th>Stored</th><th>Rejected</th></tr></thead><tbody>'
		|| CASE WHEN rows = '' THEN '<tr><td colspan="6">Nothing ingested yet.</td></tr>' ELSE rows END
		|| '</tbody></table></section></main></body></html>';
	RETURN page;
END
$$;
COMMENT ON FUNCTION hdl.console_html() IS 'The console as one self-contained HTML page (inline CSS and SVG charts, no external assets): jobs with status, next run and freshness, runs per hour, recent runs, failures, ingest volume. Every value is HTML-escaped.';

-- PostgREST serves a function returning the domain "text/html" with that media type:
-- GET /rpc/console (db-schemas must include hdl_api).
CREATE DOMAIN hdl_api."text/html" AS text;
CREATE FUNCTION hdl_api.console() RETURNS hdl_api."text/html"
	LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$ SELECT hdl.console_html()::hdl_api."text/html" $$;
COMMENT ON FUNCTION hdl_api.console() IS 'GET /rpc/console: the hdl console page (text/html) for engineers and DBAs.';

REVOKE ALL ON hdl.console_jobs, hdl.console_runs, hdl.console_failures, hdl.console_ingest_volume FROM PUBLIC;
GRANT SELECT ON hdl.console_jobs, hdl.console_runs, hdl.console_failures, hdl.console_ingest_volume TO hdl_engineer;
REVOKE ALL ON FUNCTION hdl._console_mart_refreshed_at(text), hdl._html(text), hdl._console_age(interval),
	hdl._console_bars(text, text[], bigint[], bigint[], text, text), hdl.console_html(), hdl_api.console() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hdl._console_mart_refreshed_at(text), hdl._html(text), hdl._console_age(interval),
	hdl._console_bars(text, text[], bigint[], bigint[], text, text), hdl.console_html(), hdl_api.console() TO hdl_engineer;
GRANT USAGE ON SCHEMA hdl_api TO hdl_engineer;
GRANT USAGE ON TYPE hdl_api."text/html" TO hdl_engineer;
