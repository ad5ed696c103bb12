
-- hdl console page: one self-contained HTML document (inline CSS and SVG, no scripts, no
-- external assets, every value escaped) built from the views of console.sql. docs/console.md.

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


-- A status badge (the class is the status with spaces as dashes, the text escaped).
CREATE FUNCTION hdl._console_badge(status text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
	SELECT pg_catalog.format('<span class="status status-%s">%s</span>',
		pg_catalog.regexp_replace(coalesce(status, 'none'), '[^a-z]+', '-', 'g'), hdl._html(coalesce(status, '-')))
$$;

-- Marts: rows, size, last refresh, freshness lag, the refresh job.
CREATE FUNCTION hdl._console_marts_html() RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	rows text := '';
	r record;
BEGIN
	FOR r IN SELECT * FROM hdl.console_marts ORDER BY mart LIMIT 200 LOOP
		rows := rows || pg_catalog.format(
			'<tr data-mart="%s"><td class="job">%s</td><td>%s</td><td>%s</td><td class="num">%s</td><td class="num" data-bytes="%s">%s</td>'
			'<td>%s</td><td class="num fresh">%s</td><td>%s</td><td>%s</td></tr>',
			hdl._html(r.mart), hdl._html(r.mart), hdl._html(r."table"), hdl._html(r.resource_type), r.rows,
			coalesce(r.bytes, 0), hdl._html(coalesce(pg_catalog.pg_size_pretty(r.bytes), '-')),
			hdl._html(CASE WHEN r.last_refresh_at IS NULL THEN 'never'
				ELSE r.last_refresh_mode || ', ' || coalesce(pg_catalog.round(r.last_refresh_ms::numeric)::text || ' ms', '-')
					|| ', ' || coalesce(r.last_refresh_changes::text, '0') || ' changes' END),
			hdl._html(hdl._console_age(r.freshness_lag)),
			hdl._html(coalesce(r.refresh_job, 'no refresh job')),
			CASE WHEN r.refresh_job IS NULL THEN '-' ELSE hdl._console_badge(r.refresh_job_status) END);
	END LOOP;
	RETURN '<section id="marts"><h2>Marts</h2><table><thead><tr><th>Mart</th><th>Table</th><th>Type</th><th>Rows</th>'
		'<th>Size</th><th>Last refresh</th><th>Freshness lag</th><th>Refresh job</th><th>Job status</th></tr></thead><tbody>'
		|| CASE WHEN rows = '' THEN '<tr><td colspan="9">No marts. Create one with hdl.create_mart.</td></tr>' ELSE rows END
		|| '</tbody></table></section>';
END
$$;

-- S3 imports: those under way (with progress), the last 14 days per source, and what waits in quarantine.
CREATE FUNCTION hdl._console_imports_html() RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	running text := '';
	recent text := '';
	held text := '';
	r record;
	pct int;
BEGIN
	FOR r IN SELECT p.*, s.org_code FROM hdl.import_progress p LEFT JOIN hdl.source s ON s.source_id = p.source_id
		ORDER BY p.pid LIMIT 50 LOOP
		pct := CASE WHEN coalesce(r.bytes_total, 0) > 0 THEN LEAST(100, (100 * r.bytes_done / r.bytes_total)::int) ELSE 0 END;
		running := running || pg_catalog.format(
			'<tr data-import-pid="%s"><td class="num">%s</td><td>%s</td><td>%s</td><td class="num">%s / %s</td>'
			'<td><span class="bar" title="%s%%"><i style="width:%s%%"></i></span> %s / %s</td><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td></tr>',
			r.pid, r.pid, hdl._html(r.server), hdl._html(coalesce(r.org_code, '-')), r.files_done, r.files_total,
			pct, pct, hdl._html(pg_catalog.pg_size_pretty(r.bytes_done)), hdl._html(pg_catalog.pg_size_pretty(r.bytes_total)),
			r.lines, r.resources, r.rejected);
	END LOOP;
	FOR r IN SELECT * FROM hdl.console_imports WHERE day > (pg_catalog.now() AT TIME ZONE 'UTC')::date - 14 LIMIT 60 LOOP
		recent := recent || pg_catalog.format(
			'<tr><td>%s</td><td>%s</td><td>%s</td><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td></tr>',
			r.day, hdl._html(r.source), hdl._html(r.source_display), r.objects, r.resources_stored, r.resources_rejected);
	END LOOP;
	FOR r IN SELECT * FROM hdl.console_quarantine LIMIT 60 LOOP
		held := held || pg_catalog.format(
			'<tr data-quarantine="%s"><td>%s</td><td>%s</td><td>%s</td><td class="num">%s</td><td class="num">%s</td><td>%s</td></tr>',
			hdl._html(r.server || '/' || r.bucket || '/' || r.source), hdl._html(r.server), hdl._html(r.bucket),
			hdl._html(r.source), r.lines, r.objects,
			hdl._html(hdl._console_age(pg_catalog.now() - r.oldest) || ' ago'));
	END LOOP;
	RETURN '<section id="imports"><h2>S3 imports</h2><h3>Under way</h3><table><thead><tr><th>PID</th><th>Server</th>'
		'<th>Source</th><th>Files</th><th>Bytes</th><th>Lines</th><th>Stored</th><th>Rejected</th></tr></thead><tbody>'
		|| CASE WHEN running = '' THEN '<tr><td colspan="8">No import is running.</td></tr>' ELSE running END
		|| '</tbody></table><h3>Last 14 days</h3><table><thead><tr><th>Day (UTC)</th><th>Source</th><th>Name</th>'
		'<th>Objects</th><th>Stored</th><th>Rejected</th></tr></thead><tbody>'
		|| CASE WHEN recent = '' THEN '<tr><td colspan="6">No imports in the last 14 days.</td></tr>' ELSE recent END
		|| '</tbody></table><h3 id="quarantine">Quarantine</h3><table><thead><tr><th>Server</th><th>Bucket</th><th>Source</th>'
		'<th>Lines</th><th>Objects</th><th>Oldest</th></tr></thead><tbody>'
		|| CASE WHEN held = '' THEN '<tr><td colspan="6">No quarantined lines.</td></tr>' ELSE held END
		|| '</tbody></table><p class="note">Each importing role reads and resubmits its own lines (hdl.import_quarantine, hdl.resubmit_quarantine).</p></section>';
END
$$;

-- The drill-down target of every failed run on the page: where and why it failed.
CREATE FUNCTION hdl._console_run_details_html() RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	out text := '';
	r record;
BEGIN
	FOR r IN SELECT f.*, x.started_at, x.scheduled_for FROM hdl.console_failures f
		JOIN hdl.etl_run x ON x.run_id = f.run_id LIMIT 25 LOOP
		out := out || pg_catalog.format(
			'<article class="run-detail" id="run-%s"><h3>Run %s &middot; %s &middot; %s, attempt %s</h3><dl>'
			'<dt>Finished (UTC)</dt><dd>%s</dd><dt>SQLSTATE</dt><dd class="sqlstate">%s</dd><dt>Error</dt><dd class="err">%s</dd>'
			'%s%s%s<dt>Retry</dt><dd>%s</dd></dl></article>',
			r.run_id, r.run_id, hdl._html(r.job), hdl._html(r.trigger), r.attempt,
			hdl._html(pg_catalog.to_char(r.finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')), hdl._html(r.sqlstate),
			hdl._html(pg_catalog.left(r.error, 2000)),
			CASE WHEN r.error_detail IS NOT NULL THEN '<dt>Detail</dt><dd class="detail">' || hdl._html(pg_catalog.left(r.error_detail, 2000)) || '</dd>' ELSE '' END,
			CASE WHEN r.error_hint IS NOT NULL THEN '<dt>Hint</dt><dd class="hint">' || hdl._html(pg_catalog.left(r.error_hint, 2000)) || '</dd>' ELSE '' END,
			CASE WHEN r.error_context IS NOT NULL THEN '<dt>Where</dt><dd><pre class="context">' || hdl._html(pg_catalog.left(r.error_context, 4000)) || '</pre></dd>' ELSE '' END,
			CASE WHEN r.will_retry THEN 'at ' || hdl._html(pg_catalog.to_char(r.retry_at AT TIME ZONE 'UTC', 'MM-DD HH24:MI:SS')) ELSE 'no' END);
	END LOOP;
	RETURN '<section id="run-details"><h2>Failed runs in detail</h2>'
		|| CASE WHEN out = '' THEN '<p>No failures in the last 7 days.</p>' ELSE out END || '</section>';
END
$$;

-- The page. refresh_seconds: the browser reloads it that often (a meta refresh; 0 or NULL: never).
CREATE FUNCTION hdl.console_html(refresh_seconds int DEFAULT 60) RETURNS text
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
	n_marts int;
	n_stale int;
	n_importing int;
	n_quarantined bigint;
	n_listed bigint;
	n_by_consent bigint;
	opt_out_list date;
	n_erasures bigint;
	last_erasure timestamptz;
	n_rules bigint;
	last_retention timestamptz;
	last_retention_removed bigint;
	refresh int := CASE WHEN refresh_seconds > 0 THEN LEAST(GREATEST(refresh_seconds, 5), 86400) END;
BEGIN
	SELECT count(*), count(*) FILTER (WHERE last_status = 'failed') INTO n_jobs, n_failing FROM hdl.console_jobs;
	SELECT count(*), count(*) FILTER (WHERE status = 'failed') INTO n_runs, n_failed
	FROM hdl.etl_run WHERE created_at > pg_catalog.now() - interval '24 hours';
	SELECT count(*), count(*) FILTER (WHERE last_refresh_at IS NULL OR freshness_lag > interval '1 day')
	INTO n_marts, n_stale FROM hdl.console_marts;
	SELECT count(*) INTO n_importing FROM hdl.import_progress;
	SELECT coalesce(sum(lines), 0) INTO n_quarantined FROM hdl.console_quarantine;
	-- the National Data Opt-out (governance, loaded after this file): counts only
	IF pg_catalog.to_regclass('hdl.console_opt_outs') IS NOT NULL THEN
		EXECUTE 'SELECT list_opt_outs, consent_opt_outs, list_date FROM hdl.console_opt_outs' INTO n_listed, n_by_consent, opt_out_list;
	END IF;
	-- erasures (governance): counts only
	IF pg_catalog.to_regclass('hdl.console_erasures') IS NOT NULL THEN
		EXECUTE 'SELECT erasures, last_erased_at FROM hdl.console_erasures' INTO n_erasures, last_erasure;
	END IF;
	-- retention (governance): the rules and the last run that removed (counts only)
	IF pg_catalog.to_regclass('hdl.retention_rule') IS NOT NULL THEN
		EXECUTE 'SELECT (SELECT count(*) FROM hdl.retention_rule), x.run_at, x.resources FROM (SELECT 1) o
			LEFT JOIN LATERAL (SELECT run_at, resources FROM hdl.retention_run WHERE NOT dry_run ORDER BY run_id DESC LIMIT 1) x ON true'
			INTO n_rules, last_retention, last_retention_removed;
	END IF;

	page := '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
		|| CASE WHEN refresh IS NOT NULL THEN pg_catalog.format('<meta http-equiv="refresh" content="%s">', refresh) ELSE '' END
		|| '<title>hdl console</title><style>'
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
		'text.axis{font-size:10px;fill:#777}text.empty{font-size:13px;fill:#999}h3{font-size:14px;margin:10px 0 4px}'
		'a{color:#0b4f9c}.note{font-size:12px;color:#555}.bar{display:inline-block;width:80px;height:8px;background:#e6e8eb;border-radius:4px;vertical-align:middle}'
		'.bar i{display:block;height:8px;background:#52b788;border-radius:4px}'
		'.run-detail{border-left:4px solid #e63946;padding:4px 12px;margin:8px 0;background:#fff8f8}.run-detail:target{outline:3px solid #e63946;background:#ffecec}'
		'dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:4px 0}dt{font-weight:600;color:#555}dd{margin:0}'
		'pre.context{margin:0;white-space:pre-wrap;font-size:12px}.status-none{background:#eee;color:#555}'
		'</style></head><body><header><h1>hdl console</h1><p>'
		|| hdl._html(pg_catalog.current_database()) || ' &middot; generated '
		|| hdl._html(pg_catalog.to_char(pg_catalog.now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"'))
		|| CASE WHEN refresh IS NOT NULL THEN ' &middot; refreshes every ' || refresh || ' s' ELSE '' END
		|| '</p></header><main>'
		|| pg_catalog.format('<div class="tiles"><div class="tile" id="tile-jobs"><b>%s</b>jobs</div>'
			'<div class="tile%s" id="tile-failing"><b>%s</b>jobs failing</div><div class="tile" id="tile-runs"><b>%s</b>runs (24h)</div>'
			'<div class="tile%s" id="tile-failed"><b>%s</b>failed runs (24h)</div>'
			'<div class="tile%s" id="tile-marts"><b>%s</b>marts, %s stale</div>'
			'<div class="tile" id="tile-imports"><b>%s</b>imports running</div>'
			'<div class="tile%s" id="tile-quarantine"><b>%s</b>lines in quarantine</div>'
			'<div class="tile" id="tile-opt-outs"><b>%s</b>opt-outs on the %s, %s by Consent</div>'
			'<div class="tile" id="tile-erasures"><b>%s</b>erasures%s</div>'
			'<div class="tile" id="tile-retention"><b>%s</b>retention rules%s</div></div>',
			n_jobs, CASE WHEN n_failing > 0 THEN ' alert' ELSE '' END, n_failing, n_runs,
			CASE WHEN n_failed > 0 THEN ' alert' ELSE '' END, n_failed,
			CASE WHEN n_stale > 0 THEN ' alert' ELSE '' END, n_marts, n_stale, n_importing,
			CASE WHEN n_quarantined > 0 THEN ' alert' ELSE '' END, n_quarantined, coalesce(n_listed, 0),
			CASE WHEN opt_out_list IS NULL THEN 'national list (none loaded)'
				ELSE 'national list of ' || pg_catalog.to_char(opt_out_list, 'YYYY-MM-DD') END, coalesce(n_by_consent, 0),
			coalesce(n_erasures, 0), CASE WHEN last_erasure IS NULL THEN ''
				ELSE ', last ' || pg_catalog.to_char(last_erasure AT TIME ZONE 'UTC', 'YYYY-MM-DD') END,
			coalesce(n_rules, 0), CASE WHEN last_retention IS NULL THEN ', never applied'
				ELSE ', last run ' || pg_catalog.to_char(last_retention AT TIME ZONE 'UTC', 'YYYY-MM-DD') || ' removed '
					|| last_retention_removed END);

	-- Jobs
	rows := '';
	FOR r IN SELECT * FROM hdl.console_jobs ORDER BY job LOOP
		rows := rows || pg_catalog.format(
			'<tr data-job="%s"><td class="job">%s</td><td>%s</td><td title="%s">%s</td>'
			'<td><span class="status status-%s">%s</span></td><td>%s</td><td>%s</td><td class="num">%s</td><td class="err">%s%s</td></tr>',
			hdl._html(r.job), hdl._html(r.job), hdl._html(r.kind), hdl._html(r.schedule), hdl._html(r.schedule_description),
			pg_catalog.replace(r.status, ' ', '-'), hdl._html(r.status),
			hdl._html(CASE WHEN r.last_started_at IS NULL THEN '-' ELSE hdl._console_age(pg_catalog.now() - r.last_started_at) || ' ago' END),
			hdl._html(CASE WHEN r.next_run IS NULL THEN '-' WHEN r.next_run <= pg_catalog.now() THEN 'due'
				ELSE 'in ' || hdl._console_age(r.next_run - pg_catalog.now()) END),
			hdl._html(hdl._console_age(r.freshness_lag)),
			hdl._html(CASE WHEN r.last_status = 'failed' THEN pg_catalog.left(r.last_error, 300) END),
			CASE WHEN r.last_status = 'failed' AND EXISTS (SELECT 1 FROM hdl.console_failures f WHERE f.run_id = r.last_run_id)
				THEN pg_catalog.format(' <a class="drill" href="#run-%s">details</a>', r.last_run_id) ELSE '' END);
	END LOOP;
	page := page || '<section id="jobs"><h2>Jobs</h2><table><thead><tr><th>Job</th><th>Kind</th><th>Schedule</th>'
		'<th>Status</th><th>Last run</th><th>Next run</th><th>Freshness lag</th><th>Last error</th></tr></thead><tbody>'
		|| CASE WHEN rows = '' THEN '<tr><td colspan="8">No jobs. Schedule one with hdl.schedule_job.</td></tr>' ELSE rows END
		|| '</tbody></table></section>';
	page := page || hdl._console_marts_html();

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
			'<td>%s</td><td>%s</td><td class="num">%s</td><td class="num">%s</td></tr>',
			r.run_id, r.run_id, hdl._html(r.job), hdl._html(r.trigger), r.attempt,
			CASE WHEN r.status = 'failed' THEN pg_catalog.format('<a class="drill" href="#run-%s">%s</a>', r.run_id, hdl._console_badge(r.status))
				ELSE hdl._console_badge(r.status) END,
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
			'<tr data-run="%s"><td class="num"><a class="drill" href="#run-%s">%s</a></td><td class="job">%s</td><td class="num">%s</td><td>%s</td><td>%s</td><td class="err">%s</td><td>%s</td></tr>',
			r.run_id, r.run_id, r.run_id, hdl._html(r.job), r.attempt,
			hdl._html(pg_catalog.to_char(r.finished_at AT TIME ZONE 'UTC', 'MM-DD HH24:MI:SS')), hdl._html(r.sqlstate),
			hdl._html(pg_catalog.left(r.error, 500)), CASE WHEN r.will_retry THEN 'yes' ELSE 'no' END);
	END LOOP;
	page := page || '<section id="failures"><h2>Failures</h2><table><thead><tr><th>Run</th><th>Job</th><th>Attempt</th>'
		'<th>Finished (UTC)</th><th>SQLSTATE</th><th>Error</th><th>Retry</th></tr></thead><tbody>'
		|| CASE WHEN rows = '' THEN '<tr><td colspan="7">No failures in the last 7 days.</td></tr>' ELSE rows END
		|| '</tbody></table></section>';
	page := page || hdl._console_run_details_html() || hdl._console_imports_html();

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
COMMENT ON FUNCTION hdl.console_html(int) IS 'The console as one self-contained HTML page (inline CSS and SVG charts, no scripts, no external assets) that reloads itself every refresh_seconds (default 60; 0: never): jobs with status, next run and freshness, marts with size and freshness, runs per hour, recent runs, failures with a drill-down to each failed run''s error and context, S3 imports under way, per day and in quarantine, ingest volume. Every value is HTML-escaped.';

-- PostgREST serves a function returning the domain "text/html" with that media type:
-- GET /rpc/console, or /rpc/console?refresh_seconds=10 (db-schemas must include hdl_api).
CREATE DOMAIN hdl_api."text/html" AS text;
CREATE FUNCTION hdl_api.console(refresh_seconds int DEFAULT 60) RETURNS hdl_api."text/html"
	LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$ SELECT hdl.console_html(refresh_seconds)::hdl_api."text/html" $$;
COMMENT ON FUNCTION hdl_api.console(int) IS 'GET /rpc/console: the hdl console page (text/html) for engineers and DBAs; refresh_seconds as for hdl.console_html.';

REVOKE ALL ON FUNCTION hdl._html(text), hdl._console_age(interval), hdl._console_badge(text),
	hdl._console_bars(text, text[], bigint[], bigint[], text, text), hdl._console_marts_html(), hdl._console_imports_html(),
	hdl._console_run_details_html(), hdl.console_html(int), hdl_api.console(int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hdl._html(text), hdl._console_age(interval), hdl._console_badge(text),
	hdl._console_bars(text, text[], bigint[], bigint[], text, text), hdl._console_marts_html(), hdl._console_imports_html(),
	hdl._console_run_details_html(), hdl.console_html(int), hdl_api.console(int) TO hdl_engineer;
GRANT USAGE ON SCHEMA hdl_api TO hdl_engineer;
GRANT USAGE ON TYPE hdl_api."text/html" TO hdl_engineer;
