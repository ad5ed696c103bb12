-- The marts benchmark proper (run by run.sh against a loaded lake): starter marts by hdl vs the
-- same rows from hand-written jsonb SQL (hand.sql), then incremental refresh after changing 1% of
-- the resources vs a full rebuild. Each timing is the best of three runs.
\pset footer off
SELECT count(*) AS lake_resources, count(*) FILTER (WHERE resource_type IN ('Patient', 'Encounter', 'Condition',
	'Observation', 'MedicationRequest')) AS starter_resources FROM hdl_lake.resource;
SELECT clock_timestamp() AS t0 \gset
SELECT count(*) AS starter_marts FROM hdl.install_starter_marts();
SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 2) AS install_starter_marts_s;
SELECT name, rows FROM hdl.marts ORDER BY name;

CREATE SCHEMA IF NOT EXISTS hand;
-- FHIR date/dateTime text as hdl's typed time columns hold it (docs/marts.md): a partial date is the
-- start of its period, a date (or a time without offset) is read as UTC. Inlined by the planner.
CREATE OR REPLACE FUNCTION hand.fhir_time(t text) RETURNS timestamptz LANGUAGE sql STABLE AS $$
	SELECT CASE length(t)
		WHEN 4 THEN (t || '-01-01T00:00:00Z')::timestamptz
		WHEN 7 THEN (t || '-01T00:00:00Z')::timestamptz
		WHEN 10 THEN (t || 'T00:00:00Z')::timestamptz
		ELSE CASE WHEN right(t, 1) = 'Z' OR substr(t, length(t) - 5, 1) IN ('+', '-') THEN t::timestamptz
			ELSE (t || 'Z')::timestamptz END END
$$;
DO $$
DECLARE
	m text;
BEGIN
	FOR m IN SELECT name FROM hdl.starter_views() LOOP
		EXECUTE format('DROP TABLE IF EXISTS hand.%I', m);
		EXECUTE format('CREATE TABLE hand.%I (LIKE mart.%I INCLUDING INDEXES)', m, m);
	END LOOP;
END $$;
CREATE TEMP TABLE timing(side text, mart text, run int, ms double precision);
SELECT pg_read_file(:'hand') AS hand_sql \gset
-- one run of each side per mart, alternating; each run truncates and reloads (hdl: full refresh)
CREATE FUNCTION pg_temp.run_once(r int, hand_sql text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	stmts text[] := regexp_split_to_array(hand_sql, ';\s*\n\s*\n');
	s text;
	m text;
	t timestamptz;
BEGIN
	FOREACH s IN ARRAY stmts LOOP
		m := substring(s FROM 'INSERT INTO hand\.(\w+)');
		CONTINUE WHEN m IS NULL;
		t := clock_timestamp();
		PERFORM hdl.refresh_mart(m, 'full');
		INSERT INTO timing VALUES ('hdl', m, r, extract(epoch FROM clock_timestamp() - t) * 1000);
		t := clock_timestamp();
		EXECUTE format('TRUNCATE hand.%I', m);
		EXECUTE s;
		INSERT INTO timing VALUES ('hand', m, r, extract(epoch FROM clock_timestamp() - t) * 1000);
	END LOOP;
END $$;
SELECT pg_temp.run_once(1, :'hand_sql');
SELECT pg_temp.run_once(2, :'hand_sql');
SELECT pg_temp.run_once(3, :'hand_sql');
-- same rows both ways (EXCEPT ALL, both directions)
CREATE FUNCTION pg_temp.diff(OUT mart text, OUT rows bigint, OUT missing bigint, OUT extra bigint) RETURNS SETOF record LANGUAGE plpgsql AS $$
BEGIN
	FOR mart IN SELECT name FROM hdl.starter_views() ORDER BY 1 LOOP
		EXECUTE format('SELECT count(*) FROM mart.%I', mart) INTO rows;
		EXECUTE format('SELECT count(*) FROM (SELECT * FROM hand.%I EXCEPT ALL SELECT * FROM mart.%I) d', mart, mart) INTO missing;
		EXECUTE format('SELECT count(*) FROM (SELECT * FROM mart.%I EXCEPT ALL SELECT * FROM hand.%I) d', mart, mart) INTO extra;
		RETURN NEXT;
	END LOOP;
END $$;
SELECT * FROM pg_temp.diff();
SELECT mart, round(min(ms) FILTER (WHERE side = 'hdl')::numeric) AS hdl_ms, round(min(ms) FILTER (WHERE side = 'hand')::numeric) AS hand_sql_ms,
	round((min(ms) FILTER (WHERE side = 'hand') / min(ms) FILTER (WHERE side = 'hdl'))::numeric, 2) AS speedup
FROM timing GROUP BY mart ORDER BY mart;
SELECT round(sum(hdl)::numeric) AS hdl_total_ms, round(sum(hand)::numeric) AS hand_sql_total_ms, round((sum(hand) / sum(hdl))::numeric, 2) AS speedup
FROM (SELECT mart, min(ms) FILTER (WHERE side = 'hdl') AS hdl, min(ms) FILTER (WHERE side = 'hand') AS hand FROM timing GROUP BY mart) s;

-- Incremental: three rounds, each changing a fresh 1% of the starter resources (new versions
-- through hdl.ingest, as the feed that owns them; Patients are left alone: see bench/README.md)
-- and then refreshing each mart incrementally. The full builds above are the best of three runs,
-- so the incremental refresh is too (and its median is shown).
CREATE FUNCTION pg_temp.change_one_percent(seed double precision) RETURNS TABLE(resource_type text, changed_resources bigint)
LANGUAGE plpgsql AS $$
DECLARE
	s record;
	c record;
	failed int := 0;
BEGIN
	PERFORM setseed(seed);
	DROP TABLE IF EXISTS pg_temp.changed;
	CREATE TEMP TABLE changed AS
	SELECT r.resource_type, r.id, r.source_id, r.resource FROM hdl_lake.resource r
	WHERE r.resource_type IN ('Encounter', 'Condition', 'Observation', 'MedicationRequest') AND random() < 0.01;
	GRANT SELECT ON pg_temp.changed TO PUBLIC;
	FOR s IN SELECT DISTINCT x.source_id, role_name FROM pg_temp.changed x JOIN hdl.source USING (source_id) LOOP
		EXECUTE format('SET ROLE %I', s.role_name);
		FOR c IN SELECT * FROM pg_temp.changed x WHERE x.source_id = s.source_id LOOP
			BEGIN
				PERFORM hdl.ingest(jsonb_set(c.resource - 'meta', '{meta}', '{"tag":[{"system":"urn:bench","code":"changed"}]}'));
			EXCEPTION WHEN OTHERS THEN
				failed := failed + 1;
				IF failed <= 3 THEN
					RAISE NOTICE '% %/%: %', s.role_name, c.resource_type, c.id, SQLERRM;
				END IF;
			END;
		END LOOP;
		RESET ROLE;
	END LOOP;
	IF failed > 0 THEN
		RAISE WARNING '% updates refused', failed;
	END IF;
	RETURN QUERY SELECT x.resource_type, count(*) FROM pg_temp.changed x GROUP BY 1 ORDER BY 1;
END $$;
CREATE TEMP TABLE refresh_timing(round int, mart text, ms double precision, changes bigint);
CREATE FUNCTION pg_temp.timed_refresh(r int, m text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	t timestamptz := clock_timestamp();
	n bigint;
BEGIN
	n := hdl.refresh_mart(m, 'incremental');
	INSERT INTO refresh_timing VALUES (r, m, extract(epoch FROM clock_timestamp() - t) * 1000, n);
END $$;
SELECT 1 AS round, * FROM pg_temp.change_one_percent(0.5);
SELECT pg_temp.timed_refresh(1, name) FROM hdl.starter_views() ORDER BY name;
SELECT 2 AS round, * FROM pg_temp.change_one_percent(0.25);
SELECT pg_temp.timed_refresh(2, name) FROM hdl.starter_views() ORDER BY name;
SELECT 3 AS round, * FROM pg_temp.change_one_percent(0.75);
SELECT pg_temp.timed_refresh(3, name) FROM hdl.starter_views() ORDER BY name;
-- the incremental result against a fresh hand-SQL build (must be equal)
SELECT pg_temp.run_once(4, :'hand_sql');
SELECT * FROM pg_temp.diff();
-- per mart: best and median incremental refresh against the best full build (the three runs
-- above and the one after the changes)
SELECT i.mart, round(min(i.ms)::numeric) AS incremental_best_ms,
	round((percentile_cont(0.5) WITHIN GROUP (ORDER BY i.ms))::numeric) AS incremental_median_ms,
	round(avg(i.changes)) AS changes, round(f.ms::numeric) AS full_ms,
	round((100 * min(i.ms) / f.ms)::numeric, 1) AS best_pct
FROM refresh_timing i JOIN (SELECT mart, min(ms) AS ms FROM timing WHERE side = 'hdl' GROUP BY mart) f USING (mart)
GROUP BY i.mart, f.ms ORDER BY 1;
-- all marts: each round's total against the sum of the best full builds
SELECT r.round, round(r.ms::numeric) AS incremental_total_ms, round(f.ms::numeric) AS full_total_ms,
	round((100 * r.ms / f.ms)::numeric, 1) AS incremental_pct
FROM (SELECT round, sum(ms) AS ms FROM refresh_timing GROUP BY round) r,
     (SELECT sum(ms) AS ms FROM (SELECT min(ms) AS ms FROM timing WHERE side = 'hdl' GROUP BY mart) b) f
ORDER BY 1;
