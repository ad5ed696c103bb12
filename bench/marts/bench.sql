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

-- Incremental: change 1% of the starter resources (new versions through hdl.ingest, as the feed
-- that owns them; Patients are left alone: see bench/README.md), then refresh each mart
-- incrementally, and compare with a full rebuild.
SELECT setseed(0.5);
CREATE TEMP TABLE changed AS
SELECT r.resource_type, r.id, r.source_id, r.resource FROM hdl_lake.resource r
WHERE r.resource_type IN ('Encounter', 'Condition', 'Observation', 'MedicationRequest') AND random() < 0.01;
GRANT SELECT ON changed TO PUBLIC;
SELECT resource_type, count(*) AS changed FROM changed GROUP BY 1 ORDER BY 1;
DO $$
DECLARE
	s record;
	c record;
	ok int := 0;
	failed int := 0;
BEGIN
	FOR s IN SELECT DISTINCT source_id, role_name FROM changed JOIN hdl.source USING (source_id) LOOP
		EXECUTE format('SET ROLE %I', s.role_name);
		FOR c IN SELECT * FROM changed WHERE source_id = s.source_id LOOP
			BEGIN
				PERFORM hdl.ingest(jsonb_set(c.resource - 'meta', '{meta}', '{"tag":[{"system":"urn:bench","code":"changed"}]}'));
				ok := ok + 1;
			EXCEPTION WHEN OTHERS THEN
				failed := failed + 1;
				IF failed <= 3 THEN
					RAISE NOTICE '% %/%: %', s.role_name, c.resource_type, c.id, SQLERRM;
				END IF;
			END;
		END LOOP;
		RESET ROLE;
	END LOOP;
	RAISE NOTICE 'updated % resources (% refused)', ok, failed;
END $$;
CREATE TEMP TABLE refresh_timing(mart text, mode text, ms double precision, changes bigint);
CREATE FUNCTION pg_temp.timed_refresh(m text, mode text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	t timestamptz := clock_timestamp();
	n bigint;
BEGIN
	n := hdl.refresh_mart(m, mode);
	INSERT INTO refresh_timing VALUES (m, mode, extract(epoch FROM clock_timestamp() - t) * 1000, n);
END $$;
SELECT pg_temp.timed_refresh(name, 'incremental') FROM hdl.starter_views() ORDER BY name;
-- the incremental result against a fresh hand-SQL build (must be equal)
SELECT pg_temp.run_once(4, :'hand_sql');
SELECT * FROM pg_temp.diff();
-- full rebuild times after the change (best of the three runs above and this one)
SELECT m.mart, round(i.ms::numeric) AS incremental_ms, i.changes, round(min(t.ms)::numeric) AS full_ms,
	round((100 * i.ms / min(t.ms))::numeric, 1) AS incremental_pct
FROM (SELECT DISTINCT mart FROM timing) m JOIN refresh_timing i ON i.mart = m.mart AND i.mode = 'incremental'
JOIN timing t ON t.mart = m.mart AND t.side = 'hdl' GROUP BY m.mart, i.ms, i.changes ORDER BY 1;
SELECT round(sum(i)::numeric) AS incremental_total_ms, round(sum(f)::numeric) AS full_total_ms, round((100 * sum(i) / sum(f))::numeric, 1) AS incremental_pct
FROM (SELECT i.mart, i.ms AS i, (SELECT min(ms) FROM timing t WHERE t.mart = i.mart AND t.side = 'hdl') AS f
      FROM refresh_timing i WHERE i.mode = 'incremental') s;
