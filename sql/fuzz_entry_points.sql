-- SQL-level fuzzing (issue 13 item 7): thousands of resources, Bundles and ViewDefinitions,
-- mutated by a deterministic generator (setseed), through every entry point a provider or an
-- analyst has: hdl.ingest, hdl.ingest_bundle, hdl.validate, their hdl_api forms, and
-- hdl.sof_evaluate. No call may crash the server; a refused call stores nothing; an accepted
-- one stores no more versions than it reports (a batch's refused entries store nothing). The
-- outcomes themselves are not listed (they follow the validator), only what breaks a rule.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/catalog_check.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
SET statement_timeout = '600s';
DO $$ BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'regress_fuzz_feed') THEN
		CREATE ROLE regress_fuzz_feed LOGIN IN ROLE hdl_provider, hdl_analyst;
	END IF;
END $$;
SELECT hdl.register_source('regress_fuzz_feed', 'RFUZZ1', 'Regress fuzzed feed') > 0 AS registered;
CREATE SCHEMA regress_fuzz;
GRANT USAGE ON SCHEMA regress_fuzz TO PUBLIC;

-- A value to put somewhere: every JSON type, FHIR-looking strings, control characters, the old
-- decimal marker, huge and deep values.
CREATE FUNCTION regress_fuzz.any_value() RETURNS jsonb LANGUAGE sql AS $$
	SELECT (ARRAY[
		'null', 'true', 'false', '0', '-1', '1e308', '-0.0000000000000000000001', '123456789012345678901234567890',
		'""', '" "', '"x"', '"\u0001"', '"\u001b[31m"', '"\u001fhdl-number:12"', '"2024-02-30"', '"2024-01-01T25:00:00Z"',
		'"Patient/p1"', '"Patient/../x"', '"urn:uuid:0b0c39e1-8d6f-4a58-9d37-0c1b1c1b1c1b"', '"9434765919"', '"\u00e9\ud83d\ude00"',
		'{}', '[]', '[null]', '[{}]', '{"reference":"Patient/p1"}', '{"reference":"Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919"}',
		'{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}', '{"resourceType":"Patient"}',
		'{"url":"http://x","valueString":"y"}', '[{"family":"X","given":["A"]}]',
		to_jsonb(repeat('a', 3000)), (repeat('[', 60) || repeat(']', 60))::jsonb, (repeat('[', 2000) || repeat(']', 2000))::jsonb,
		(repeat('{"extension":[', 40) || '{}' || repeat(']}', 40))::jsonb
	])[1 + floor(random() * 36)::int]
$$;

-- One mutation somewhere in doc: a member removed, replaced, added or renamed, an element
-- dropped or duplicated, a scalar replaced; nested members are reached with some luck.
CREATE FUNCTION regress_fuzz.mutate(doc jsonb, depth int DEFAULT 0) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	keys text[];
	k text;
	n int;
	i int;
	r float8 := random();
BEGIN
	IF jsonb_typeof(doc) = 'object' THEN
		keys := ARRAY(SELECT jsonb_object_keys(doc));
		n := coalesce(array_length(keys, 1), 0);
		IF n > 0 THEN
			k := keys[1 + floor(random() * n)::int];
			IF r < 0.45 AND depth < 5 AND jsonb_typeof(doc -> k) IN ('object', 'array') THEN
				RETURN jsonb_set(doc, ARRAY[k], regress_fuzz.mutate(doc -> k, depth + 1));
			ELSIF r < 0.6 THEN
				RETURN doc - k;
			ELSIF r < 0.8 THEN
				RETURN jsonb_set(doc, ARRAY[k], regress_fuzz.any_value());
			ELSIF r < 0.9 THEN
				RETURN (doc - k) || jsonb_build_object(k || (ARRAY['x', '_', 'Reference', ''])[1 + floor(random() * 4)::int], doc -> k);
			END IF;
		END IF;
		RETURN doc || jsonb_build_object((ARRAY['id', 'resourceType', 'meta', 'extension', 'contained', 'subject',
			'_birthDate', 'valueQuantity', 'entry', 'request', 'nmae'])[1 + floor(random() * 11)::int], regress_fuzz.any_value());
	ELSIF jsonb_typeof(doc) = 'array' THEN
		n := jsonb_array_length(doc);
		IF n = 0 OR r < 0.2 THEN
			RETURN doc || jsonb_build_array(regress_fuzz.any_value());
		END IF;
		i := floor(random() * n)::int;
		IF r < 0.6 AND depth < 5 THEN
			RETURN jsonb_set(doc, ARRAY[i::text], regress_fuzz.mutate(doc -> i, depth + 1));
		ELSIF r < 0.8 THEN
			RETURN doc - i;
		END IF;
		RETURN doc || jsonb_build_array(doc -> i);
	END IF;
	RETURN regress_fuzz.any_value();
END $$;

-- Seeds: a patient with an NHS number, clinical resources referring to it, both Bundle kinds.
CREATE TABLE regress_fuzz.seed (kind text, doc jsonb);
INSERT INTO regress_fuzz.seed VALUES
	('resource', '{"resourceType":"Patient","id":"fz-p1","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}],"name":[{"family":"Quill","given":["Ada"]}],"gender":"female","birthDate":"1961-07-23","address":[{"postalCode":"LS1 4AP"}]}'),
	('resource', '{"resourceType":"Observation","id":"fz-o1","status":"final","code":{"coding":[{"system":"http://snomed.info/sct","code":"271649006"}],"text":"bp"},"subject":{"reference":"Patient/fz-p1"},"effectiveDateTime":"2024-03-01T10:00:00Z","valueQuantity":{"value":120.50,"unit":"mmHg"}}'),
	('resource', '{"resourceType":"Encounter","id":"fz-e1","status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},"subject":{"identifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}},"period":{"start":"2024-03-01"}}'),
	('resource', '{"resourceType":"Condition","subject":{"reference":"Patient/fz-p1"},"code":{"text":"asthma"},"extension":[{"url":"http://x","extension":[{"url":"y","valueBoolean":true}]}],"contained":[{"resourceType":"Practitioner","id":"dr"}]}'),
	('bundle', '{"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:6b1c1b1c-8d6f-4a58-9d37-0c1b1c1b1c1b","resource":{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765870"}],"gender":"male"},"request":{"method":"POST","url":"Patient","ifNoneExist":"identifier=https://fhir.nhs.uk/Id/nhs-number|9434765870"}},{"resource":{"resourceType":"Observation","status":"final","code":{"text":"pulse"},"subject":{"reference":"urn:uuid:6b1c1b1c-8d6f-4a58-9d37-0c1b1c1b1c1b"}},"request":{"method":"POST","url":"Observation"}}]}'),
	('bundle', '{"resourceType":"Bundle","type":"batch","entry":[{"resource":{"resourceType":"Observation","id":"fz-b1","status":"final","code":{"text":"t"}},"request":{"method":"PUT","url":"Observation/fz-b1"}},{"resource":{"resourceType":"Observation","status":"bogus","code":{"text":"t"}},"request":{"method":"POST","url":"Observation"}},{"resource":{"resourceType":"Patient","gender":"other"},"request":{"method":"POST","url":"Patient"}}]}');
GRANT SELECT ON regress_fuzz.seed TO PUBLIC;

CREATE TABLE regress_fuzz.violation (entry_point text, iteration int, sqlstate text, versions bigint, batches bigint, allowed bigint, doc text);
CREATE TABLE regress_fuzz.tally (entry_point text, accepted int, refused int);
GRANT INSERT, SELECT ON regress_fuzz.violation, regress_fuzz.tally TO PUBLIC;

-- Runs the entry points over `rounds` mutated documents, each call as the feed, the counting as
-- the superuser; one transaction, so this run's lake versions are the rows with its txid; each
-- call is undone only when it fails.
CREATE FUNCTION regress_fuzz.run(rounds int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	s record; doc jsonb; result jsonb; ep text; st text;
	v0 bigint; b0 bigint; dv bigint; db bigint; allowed bigint; max_batches int;
	source int := (SELECT source_id FROM hdl.source WHERE role_name = 'regress_fuzz_feed');
	eps text[];
BEGIN
	FOR i IN 1 .. rounds LOOP
		SELECT * INTO s FROM regress_fuzz.seed x ORDER BY x.kind, x.doc::text OFFSET (i % 6) LIMIT 1;
		doc := s.doc;
		FOR m IN 0 .. floor(random() * 3)::int LOOP
			doc := regress_fuzz.mutate(doc);
		END LOOP;
		eps := CASE WHEN s.kind = 'bundle' THEN ARRAY['hdl.ingest_bundle', 'hdl_api.ingest_bundle', 'hdl.validate', 'hdl.ingest']
		            ELSE ARRAY['hdl.ingest', 'hdl_api.ingest', 'hdl.validate', 'hdl_api.validate', 'hdl.ingest_bundle'] END;
		FOREACH ep IN ARRAY eps LOOP
			SELECT count(*) INTO v0 FROM hdl_lake.resource_history WHERE txid = pg_current_xact_id();
			SELECT count(*) INTO b0 FROM hdl.ingest_batch WHERE source_id = source;
			st := '00000';
			result := NULL;
			PERFORM set_config('role', 'regress_fuzz_feed', false); -- the call is the feed's
			BEGIN
				EXECUTE format('SELECT %s($1)', ep) INTO result USING doc;
			EXCEPTION WHEN OTHERS THEN
				st := SQLSTATE;
			END;
			PERFORM set_config('role', 'none', false); -- the counts are the superuser's
			SELECT count(*) - v0 INTO dv FROM hdl_lake.resource_history WHERE txid = pg_current_xact_id();
			SELECT count(*) - b0 INTO db FROM hdl.ingest_batch WHERE source_id = source;
			-- what the call may have stored: nothing when refused or a validation; one version
			-- for a resource; a version per entry the response reports as stored
			allowed := CASE
				WHEN st <> '00000' OR ep LIKE '%validate' THEN 0
				WHEN ep LIKE '%ingest' THEN 1
				ELSE (SELECT count(*) FROM jsonb_array_elements(coalesce(result -> 'entry', '[]')) e
				      WHERE e -> 'response' ->> 'status' ~ '^20[01]') END;
			-- and one batch row for an accepted submission (an empty Bundle's too), none otherwise
			max_batches := CASE WHEN st = '00000' AND ep NOT LIKE '%validate' THEN 1 ELSE 0 END;
			IF dv > allowed OR db > max_batches OR st ~ '^XX' THEN
				INSERT INTO regress_fuzz.violation VALUES (ep, i, st, dv, db, allowed, left(doc::text, 300));
			END IF;
			INSERT INTO regress_fuzz.tally VALUES (ep, (st = '00000')::int, (st <> '00000')::int);
		END LOOP;
	END LOOP;
END $$;
GRANT EXECUTE ON FUNCTION regress_fuzz.run(int), regress_fuzz.mutate(jsonb, int), regress_fuzz.any_value() TO PUBLIC;

-- ViewDefinitions: the starter marts' views, mutated, over a few resources (analysts' entry point).
CREATE FUNCTION regress_fuzz.views(rounds int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	views jsonb[] := ARRAY(SELECT v.view FROM hdl.starter_views() v ORDER BY v.name);
	resources jsonb := (SELECT jsonb_agg(doc) FROM regress_fuzz.seed WHERE kind = 'resource');
	v jsonb; st text;
BEGIN
	FOR i IN 1 .. rounds LOOP
		v := views[1 + i % array_length(views, 1)];
		FOR m IN 0 .. floor(random() * 3)::int LOOP
			v := regress_fuzz.mutate(v);
		END LOOP;
		st := '00000';
		PERFORM set_config('role', 'regress_fuzz_feed', false);
		BEGIN
			PERFORM count(*) FROM hdl.sof_evaluate(v, resources);
		EXCEPTION WHEN OTHERS THEN
			st := SQLSTATE;
		END;
		PERFORM set_config('role', 'none', false);
		IF st ~ '^XX' THEN
			INSERT INTO regress_fuzz.violation VALUES ('hdl.sof_evaluate', i, st, 0, 0, 0, left(v::text, 300));
		END IF;
		INSERT INTO regress_fuzz.tally VALUES ('hdl.sof_evaluate', (st = '00000')::int, (st <> '00000')::int);
	END LOOP;
END $$;
GRANT EXECUTE ON FUNCTION regress_fuzz.views(int) TO PUBLIC;

SELECT setseed(0.13);
SELECT regress_fuzz.run(1500);
SELECT regress_fuzz.views(800);

-- every entry point was called many times, and saw both outcomes
SELECT entry_point, sum(accepted + refused) >= 100 AS many_calls, sum(accepted) > 0 AS some_accepted,
	sum(refused) > 0 AS some_refused
FROM regress_fuzz.tally GROUP BY 1 ORDER BY 1;
SELECT sum(accepted + refused) AS calls FROM regress_fuzz.tally;
-- a refused call stored nothing, an accepted one no more than it reported (none expected)
SELECT entry_point, iteration, sqlstate, versions, batches, allowed, doc FROM regress_fuzz.violation ORDER BY 1, 2;
-- the server never restarted
SELECT (pg_stat_file('../../log/postmaster.log', true)).size > 0 AS log_read,
	(SELECT count(*) FROM regexp_matches(coalesce(pg_read_file('../../log/postmaster.log', 0, 1000000000, true), ''),
		'terminated by signal', 'g')) AS crashes;
DROP SCHEMA regress_fuzz CASCADE;

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
RESET ROLE;
SELECT * FROM pg_temp.catalog_mismatches();
