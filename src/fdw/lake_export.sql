-- The pseudonymised lake as a FHIR Bulk Data export in S3 (docs/s3.md, "Lake export"): gzip NDJSON
-- per resource type and a manifest.json, for engines that read Bulk Data (Pathling, DuckDB, Trino)
-- and for hdl_s3's IMPORT FOREIGN SCHEMA ... OPTIONS (manifest ...). Engineers only: the lake holds
-- no identifiers, but it is more than the marts analysts see.

-- Every lake export, one-off or a run of a series: where it went, what it held, and the snapshot an
-- incremental series starts its next run from. Written only by hdl._export_lake (as the owner).
CREATE TABLE hdl.lake_export (
	export_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	exported_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	exported_by name NOT NULL,
	server name NOT NULL,
	location text NOT NULL,
	series text,
	since timestamptz,
	transaction_time timestamptz NOT NULL,
	snapshot pg_snapshot NOT NULL,
	resources bigint NOT NULL,
	objects int NOT NULL,
	bytes bigint NOT NULL,
	manifest jsonb NOT NULL
);
CREATE INDEX lake_export_series_idx ON hdl.lake_export (series, export_id) WHERE series IS NOT NULL;
COMMENT ON TABLE hdl.lake_export IS 'Lake exports to S3 in the FHIR Bulk Data format: the folder (location) with its manifest.json, the series (ETL job) a run belongs to, the _since it exported from, its transactionTime and snapshot, resources, files and bytes written.';
COMMENT ON COLUMN hdl.lake_export.location IS 'The folder written: s3://bucket/folder/, holding manifest.json and <Type>.ndjson.gz.';
COMMENT ON COLUMN hdl.lake_export.series IS 'An incremental series (an export_lake job: server and location), or NULL for a one-off export.';
COMMENT ON COLUMN hdl.lake_export.since IS 'The _since of the export: resources changed after it (NULL: everything).';
COMMENT ON COLUMN hdl.lake_export.transaction_time IS 'The manifest''s transactionTime: every change up to it is in this export or an earlier one of its series.';
COMMENT ON COLUMN hdl.lake_export.snapshot IS 'The snapshot the export read; the next run of a series exports what it did not see.';
REVOKE ALL ON hdl.lake_export FROM PUBLIC;
GRANT SELECT ON hdl.lake_export TO hdl_engineer, hdl_auditor;

-- The patients (pseudonyms) the last run of each series left out because they had opted out, so
-- that the next run brings back the resources of those whose opt-out is withdrawn by then. The
-- extension owner's alone, as hdl.opted_out_patients is (docs/governance.md).
CREATE TABLE hdl.lake_export_excluded (
	series text NOT NULL,
	patient text NOT NULL,
	PRIMARY KEY (series, patient)
);
COMMENT ON TABLE hdl.lake_export_excluded IS 'Internal: the opted-out patients the last run of each lake export series left out (owner only).';
REVOKE ALL ON hdl.lake_export_excluded FROM PUBLIC;

CREATE FUNCTION hdl._export_lake(server name, location text, since timestamptz, types text[], series text)
	RETURNS jsonb LANGUAGE c VOLATILE SET search_path = pg_catalog, pg_temp
	AS 'MODULE_PATHNAME', 'hdl_export_lake';
COMMENT ON FUNCTION hdl._export_lake(name, text, timestamptz, text[], text) IS 'Internal: writes a Bulk Data export of the lake (see hdl.export_lake_s3 and hdl.etl_export_lake).';
REVOKE ALL ON FUNCTION hdl._export_lake(name, text, timestamptz, text[], text) FROM PUBLIC;

-- One export into a folder of the caller's choosing, with the caller's user mapping and rights.
CREATE FUNCTION hdl.export_lake_s3(server name, location text, since timestamptz DEFAULT NULL, types text[] DEFAULT NULL)
	RETURNS jsonb LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$ SELECT hdl._export_lake(server, location, since, types, NULL) $$;
COMMENT ON FUNCTION hdl.export_lake_s3(name, text, timestamptz, text[]) IS 'Writes the current version of every resource in the lake (or of types; only those changed after since) to s3://bucket/folder/<Type>.ndjson.gz and a FHIR Bulk Data manifest.json, which it returns. Pass an earlier manifest''s transactionTime as since for the changes after it.';
REVOKE ALL ON FUNCTION hdl.export_lake_s3(name, text, timestamptz, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hdl.export_lake_s3(name, text, timestamptz, text[]) TO hdl_engineer;

-- What ETL jobs of kind export_lake call (src/etl/body.cpp): target = the server, options =
-- {"location": "s3://bucket/lake/", "types": [...]}. The series is the server and location, so two
-- jobs writing to one place continue one series; runs of a series take turns.
CREATE FUNCTION hdl.etl_export_lake(target text, options jsonb) RETURNS bigint
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	loc text := pg_catalog.btrim(options ->> 'location');
	series text;
	types text[];
	manifest jsonb;
BEGIN
	IF target IS NULL OR coalesce(loc, '') = '' THEN
		RAISE EXCEPTION 'export_lake jobs need a server as target and a location in their options'
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'For example target => ''s3'', options => ''{"location": "s3://bucket/lake/"}''.';
	END IF;
	IF options ? 'types' THEN
		IF pg_catalog.jsonb_typeof(options -> 'types') <> 'array' THEN
			RAISE EXCEPTION 'the types option of an export_lake job must be an array of resource types'
				USING ERRCODE = 'invalid_parameter_value', HINT = 'For example {"types": ["Patient", "Observation"]}.';
		END IF;
		types := ARRAY(SELECT pg_catalog.jsonb_array_elements_text(options -> 'types'));
	END IF;
	loc := pg_catalog.rtrim(loc, '/') || '/';
	series := target || ' ' || loc;
	PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('hdl.lake_export ' || series));
	manifest := hdl._export_lake(target::name, loc, NULL, types, series);
	RETURN (SELECT coalesce(pg_catalog.sum((o ->> 'count')::bigint), 0)::bigint
		FROM pg_catalog.jsonb_array_elements(manifest -> 'output') o);
END
$$;
COMMENT ON FUNCTION hdl.etl_export_lake(text, jsonb) IS 'For export_lake jobs: target = the hdl_s3 server, options = {"location": "s3://bucket/lake/", "types": [...]}; each run writes what changed since the previous run of the series into location/<transactionTime>/ with its manifest.json; returns the resources written.';
REVOKE ALL ON FUNCTION hdl.etl_export_lake(text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hdl.etl_export_lake(text, jsonb) TO hdl_engineer;
GRANT EXECUTE ON FUNCTION hdl._export_lake(name, text, timestamptz, text[], text) TO hdl_engineer;
