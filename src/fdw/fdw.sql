
-- The hdl_s3 foreign-data wrapper: FHIR Bulk Data NDJSON and CSV objects queried in S3, imported
-- through the ingest pipeline, and marts exported back (docs/s3.md).
CREATE FUNCTION hdl.s3_fdw_handler() RETURNS fdw_handler
	LANGUAGE c STRICT AS 'MODULE_PATHNAME', 'hdl_s3_fdw_handler';
CREATE FUNCTION hdl.s3_fdw_validator(text[], oid) RETURNS void
	LANGUAGE c STRICT AS 'MODULE_PATHNAME', 'hdl_s3_fdw_validator';
REVOKE ALL ON FUNCTION hdl.s3_fdw_handler(), hdl.s3_fdw_validator(text[], oid) FROM PUBLIC;
COMMENT ON FUNCTION hdl.s3_fdw_handler() IS 'Handler of the hdl_s3 foreign-data wrapper.';
COMMENT ON FUNCTION hdl.s3_fdw_validator(text[], oid) IS 'Validates hdl_s3 options: names with closest-match hints, secrets only in user mappings, allowlisted endpoints.';

CREATE FOREIGN DATA WRAPPER hdl_s3 HANDLER hdl.s3_fdw_handler VALIDATOR hdl.s3_fdw_validator;
COMMENT ON FOREIGN DATA WRAPPER hdl_s3 IS 'FHIR Bulk Data NDJSON and CSV objects in S3 (see docs/s3.md).';
GRANT USAGE ON FOREIGN DATA WRAPPER hdl_s3 TO hdl_engineer;

-- Rejected lines of hdl.import_s3. They are raw provider data (not pseudonymised), so only the
-- role that imported them sees them (row security), and a successful resubmit deletes them.
CREATE TABLE hdl.import_quarantine (
	quarantine_id bigserial PRIMARY KEY,
	server_name text NOT NULL,
	bucket text NOT NULL,
	object_key text NOT NULL,
	line bigint NOT NULL,
	raw text NOT NULL,
	outcome jsonb NOT NULL,
	sqlstate text NOT NULL,
	source_id int NOT NULL REFERENCES hdl.source,
	submitted_by name NOT NULL,
	quarantined_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE hdl.import_quarantine IS 'Lines hdl.import_s3 rejected: object, line, the raw resource, its OperationOutcome and time; each importing role sees its own.';
ALTER TABLE hdl.import_quarantine ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_lines ON hdl.import_quarantine
	USING (submitted_by OPERATOR(pg_catalog.=) CURRENT_USER);
REVOKE ALL ON hdl.import_quarantine FROM PUBLIC;
GRANT SELECT, DELETE ON hdl.import_quarantine TO hdl_provider;

CREATE FUNCTION hdl.import_s3(server name, location text, stop_on_error boolean DEFAULT false, level text DEFAULT NULL)
	RETURNS jsonb
	LANGUAGE c VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
	AS 'MODULE_PATHNAME', 'hdl_import_s3';
COMMENT ON FUNCTION hdl.import_s3(name, text, boolean, text) IS 'Ingests every NDJSON(.gz) object under s3://bucket/prefix through validation, pseudonymisation and the lake writer as the calling source; rejected lines go to hdl.import_quarantine unless stop_on_error. Returns counts.';
REVOKE ALL ON FUNCTION hdl.import_s3(name, text, boolean, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hdl.import_s3(name, text, boolean, text) TO hdl_provider;

-- Imports running now (the importing session publishes pgstat progress parameters, which other
-- sessions see while its transaction is open). Also visible, unlabelled, in pg_stat_progress_copy.
-- pgstat shows a session's parameters only to its own login role (or pg_read_all_stats), so a
-- SECURITY DEFINER function reads them: engineers (and superusers) see every import in this
-- database, any other role the imports it runs itself (parameter 9, the importing role).
CREATE FUNCTION hdl._import_progress(OUT pid int, OUT server text, OUT files_done bigint, OUT files_total bigint,
	OUT resources bigint, OUT rejected bigint, OUT bytes_done bigint, OUT bytes_total bigint, OUT lines bigint,
	OUT role_name name, OUT source_id int)
RETURNS SETOF record LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	SELECT p.pid, s.srvname::text, p.param1, p.param2, p.param3, p.param4, p.param5, p.param6, p.param7,
		r.rolname, p.param10::int
	FROM pg_catalog.pg_stat_get_progress_info('COPY') p
	LEFT JOIN pg_catalog.pg_foreign_server s ON s.oid OPERATOR(pg_catalog.=) p.param8::oid
	LEFT JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) p.param9::oid
	WHERE p.relid OPERATOR(pg_catalog.=) 'hdl.import_quarantine'::pg_catalog.regclass
	  AND p.datid OPERATOR(pg_catalog.=) (SELECT d.oid FROM pg_catalog.pg_database d
		WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database())
	  AND (p.param9::oid OPERATOR(pg_catalog.=) (SELECT x.oid FROM pg_catalog.pg_roles x WHERE x.rolname OPERATOR(pg_catalog.=) hdl._outer_role())
		OR pg_catalog.pg_has_role(hdl._outer_role(), 'hdl_engineer', 'USAGE')
		OR (SELECT x.rolsuper FROM pg_catalog.pg_roles x WHERE x.rolname OPERATOR(pg_catalog.=) hdl._outer_role()))
$$;
REVOKE ALL ON FUNCTION hdl._import_progress() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hdl._import_progress() TO hdl_provider, hdl_engineer;
CREATE VIEW hdl.import_progress AS
SELECT p.pid, p.server, p.files_done, p.files_total, p.resources, p.rejected, p.bytes_done, p.bytes_total, p.lines,
	p.role_name, p.source_id
FROM hdl._import_progress() p;
COMMENT ON VIEW hdl.import_progress IS 'hdl.import_s3 calls in progress: files done/total, resources stored, lines rejected, bytes, the importing role and source. Engineers see every import of the database, other roles their own.';
GRANT SELECT ON hdl.import_progress TO hdl_provider, hdl_engineer;

-- The local schema IMPORT FOREIGN SCHEMA writes into, for an engineer (who has no CREATE on the
-- database): named s3_*, so it cannot take a name the lake, the marts or other tools rely on, and
-- owned by the caller, who may then import into it, grant it and drop it.
CREATE FUNCTION hdl.create_import_schema(name text) RETURNS regnamespace
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	PERFORM hdl._not_null(name, 'schema name');
	IF name IS NULL OR name !~ '^s3_[a-z0-9_]{1,60}$' THEN
		RAISE EXCEPTION 'invalid import schema name "%"', name USING ERRCODE = 'invalid_parameter_value',
			DETAIL = 'An import schema is named s3_ and 1 to 60 lower-case letters, digits or "_".',
			HINT = 'Use a name such as s3_bulk_2024.';
	END IF;
	IF pg_catalog.to_regnamespace(name) IS NOT NULL THEN
		RAISE EXCEPTION 'schema "%" already exists', name USING ERRCODE = 'duplicate_schema',
			HINT = 'Import into it if it is yours, or choose another name.';
	END IF;
	EXECUTE pg_catalog.format('CREATE SCHEMA %I AUTHORIZATION %I', name, hdl._outer_role());
	RETURN pg_catalog.to_regnamespace(name);
END
$$;
COMMENT ON FUNCTION hdl.create_import_schema(text) IS 'Creates a schema named s3_* owned by the caller, for IMPORT FOREIGN SCHEMA ... FROM SERVER ... INTO it (engineers have no CREATE on the database). Engineers only.';
REVOKE ALL ON FUNCTION hdl.create_import_schema(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hdl.create_import_schema(text) TO hdl_engineer;

-- Resubmits one quarantined line, as stored or replaced by a corrected resource, through hdl.ingest.
CREATE FUNCTION hdl.resubmit_quarantine(quarantine_id bigint, resource jsonb DEFAULT NULL) RETURNS jsonb
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	q hdl.import_quarantine;
	stored jsonb;
BEGIN
	PERFORM hdl._not_null(resubmit_quarantine.quarantine_id, 'quarantine_id');
	SELECT * INTO q FROM hdl.import_quarantine t WHERE t.quarantine_id OPERATOR(pg_catalog.=) resubmit_quarantine.quarantine_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'quarantined line % does not exist', resubmit_quarantine.quarantine_id
			USING ERRCODE = 'undefined_object', HINT = 'Each role sees the lines it imported, in hdl.import_quarantine.';
	END IF;
	stored := hdl.ingest(coalesce(resource, q.raw::jsonb));
	DELETE FROM hdl.import_quarantine t WHERE t.quarantine_id OPERATOR(pg_catalog.=) q.quarantine_id;
	RETURN stored;
END
$$;
COMMENT ON FUNCTION hdl.resubmit_quarantine(bigint, jsonb) IS 'Ingests a quarantined line again (or the corrected resource given) and removes it from hdl.import_quarantine; errors as hdl.ingest does.';
REVOKE ALL ON FUNCTION hdl.resubmit_quarantine(bigint, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hdl.resubmit_quarantine(bigint, jsonb) TO hdl_provider;

-- Resubmits every quarantined line of the caller; returns what happened to each.
CREATE FUNCTION hdl.resubmit_quarantine() RETURNS TABLE(quarantine_id bigint, status text)
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	id bigint;
BEGIN
	FOR id IN SELECT t.quarantine_id FROM hdl.import_quarantine t ORDER BY 1 LOOP
		BEGIN
			PERFORM hdl.resubmit_quarantine(id, NULL);
			quarantine_id := id; status := 'stored';
		EXCEPTION WHEN OTHERS THEN
			quarantine_id := id; status := 'rejected: ' || SQLERRM;
		END;
		RETURN NEXT;
	END LOOP;
END
$$;
COMMENT ON FUNCTION hdl.resubmit_quarantine() IS 'Resubmits all of the caller''s quarantined lines; the ones still rejected stay quarantined.';
REVOKE ALL ON FUNCTION hdl.resubmit_quarantine() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hdl.resubmit_quarantine() TO hdl_provider;

-- The export runs with the caller's rights (its user mapping, its access to the mart); its audit
-- entry is written by the C code as the extension's owner (src/audit/owner_write.cpp).
CREATE FUNCTION hdl.export_mart_s3(mart text, server name, location text, format text DEFAULT 'ndjson',
		compression text DEFAULT 'auto', part_size_mb int DEFAULT 8)
	RETURNS TABLE(rows bigint, bytes bigint, parts int)
	LANGUAGE c VOLATILE STRICT SET search_path = pg_catalog, pg_temp
	AS 'MODULE_PATHNAME', 'hdl_export_mart_s3';
COMMENT ON FUNCTION hdl.export_mart_s3(text, name, text, text, text, int) IS 'Writes a mart to s3://bucket/key as NDJSON or CSV with a header (gzip when asked or when the key ends in .gz), multipart when larger than a part; returns rows, bytes and parts.';
REVOKE ALL ON FUNCTION hdl.export_mart_s3(text, name, text, text, text, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hdl.export_mart_s3(text, name, text, text, text, int) TO hdl_engineer;

CREATE FUNCTION hdl._test_s3_put(server name, location text, body bytea, gzip boolean DEFAULT false) RETURNS bigint
	LANGUAGE c STRICT AS 'MODULE_PATHNAME', 'hdl_test_s3_put';
CREATE FUNCTION hdl._test_gzip(body bytea) RETURNS bytea
	LANGUAGE c STRICT AS 'MODULE_PATHNAME', 'hdl_test_gzip';
CREATE FUNCTION hdl._test_s3_keys(server name, location text) RETURNS text[]
	LANGUAGE c STRICT AS 'MODULE_PATHNAME', 'hdl_test_s3_keys';
CREATE FUNCTION hdl._test_s3_get(server name, location text) RETURNS bytea
	LANGUAGE c STRICT AS 'MODULE_PATHNAME', 'hdl_test_s3_get';
COMMENT ON FUNCTION hdl._test_s3_keys(name, text) IS 'Test only (hdl.enable_test_functions): the object keys under s3://bucket/prefix.';
COMMENT ON FUNCTION hdl._test_s3_get(name, text) IS 'Test only (hdl.enable_test_functions): an S3 object''s bytes.';
REVOKE ALL ON FUNCTION hdl._test_s3_keys(name, text), hdl._test_s3_get(name, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION hdl._test_s3_put(name, text, bytea, boolean), hdl._test_gzip(bytea) FROM PUBLIC;
COMMENT ON FUNCTION hdl._test_s3_put(name, text, bytea, boolean) IS 'Test only (hdl.enable_test_functions): writes a fixture object to S3.';
COMMENT ON FUNCTION hdl._test_gzip(bytea) IS 'Test only (hdl.enable_test_functions): gzip-compresses bytes.';

-- What ETL jobs of kinds import_s3 and export_s3 call (src/etl/body.cpp): target and options jsonb
-- mapped onto the functions above, so jobs keep one (target, options) shape for every kind.
CREATE FUNCTION hdl.etl_import_s3(target text, options jsonb) RETURNS bigint
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF target IS NULL OR options ->> 'location' IS NULL THEN
		RAISE EXCEPTION 'import_s3 jobs need a server as target and a location in their options'
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'For example target => ''s3'', options => ''{"location": "s3://bucket/prefix/"}''.';
	END IF;
	RETURN (hdl.import_s3(target::name, options ->> 'location', coalesce((options ->> 'stop_on_error')::boolean, false),
		options ->> 'level') ->> 'stored')::bigint;
END
$$;
COMMENT ON FUNCTION hdl.etl_import_s3(text, jsonb) IS 'For import_s3 jobs: target = the foreign server, options = {"location": "s3://bucket/prefix/", "stop_on_error": false, "level": null}; returns the resources stored.';
CREATE FUNCTION hdl.etl_export_s3(target text, options jsonb) RETURNS bigint
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF target IS NULL OR options ->> 'server' IS NULL OR options ->> 'location' IS NULL THEN
		RAISE EXCEPTION 'export_s3 jobs need a mart as target and a server and location in their options'
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'For example target => ''patients'', options => ''{"server": "s3", "location": "s3://bucket/patients.ndjson"}''.';
	END IF;
	RETURN (SELECT e.rows FROM hdl.export_mart_s3(target, (options ->> 'server')::name, options ->> 'location',
		coalesce(options ->> 'format', 'ndjson'), coalesce(options ->> 'compression', 'auto')) e);
END
$$;
COMMENT ON FUNCTION hdl.etl_export_s3(text, jsonb) IS 'For export_s3 jobs: target = the mart, options = {"server": ..., "location": "s3://bucket/key", "format": "ndjson"|"csv", "compression": "auto"|"gzip"|"none"}; returns the rows written.';
REVOKE ALL ON FUNCTION hdl.etl_import_s3(text, jsonb), hdl.etl_export_s3(text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hdl.etl_import_s3(text, jsonb) TO hdl_provider, hdl_engineer;
GRANT EXECUTE ON FUNCTION hdl.etl_export_s3(text, jsonb) TO hdl_engineer;

-- Catalogue lineage of foreign tables: each hdl_s3 foreign table and the S3 objects it reads.
CREATE VIEW hdl.catalog_foreign_tables AS
SELECT c.oid::regclass AS foreign_table, s.srvname AS server,
       (SELECT o.option_value FROM pg_catalog.pg_options_to_table(s.srvoptions) o WHERE o.option_name = 'endpoint') AS endpoint,
       'hdl_s3'::text AS wrapper,
       (SELECT o.option_value FROM pg_catalog.pg_options_to_table(t.ftoptions) o WHERE o.option_name = 'bucket') AS bucket,
       (SELECT o.option_value FROM pg_catalog.pg_options_to_table(t.ftoptions) o
        WHERE o.option_name IN ('key', 'prefix', 'objects') LIMIT 1) AS objects,
       (SELECT o.option_value FROM pg_catalog.pg_options_to_table(t.ftoptions) o WHERE o.option_name = 'resource_type') AS resource_type,
       coalesce((SELECT o.option_value FROM pg_catalog.pg_options_to_table(t.ftoptions) o WHERE o.option_name = 'format'), 'ndjson') AS format
FROM pg_catalog.pg_foreign_table t
JOIN pg_catalog.pg_class c ON c.oid = t.ftrelid
JOIN pg_catalog.pg_foreign_server s ON s.oid = t.ftserver
JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw
WHERE w.fdwname = 'hdl_s3';
COMMENT ON VIEW hdl.catalog_foreign_tables IS 'Lineage of hdl_s3 foreign tables: table <- server (endpoint) <- bucket and object key, prefix or list; the FHIR resource type when the table is one type''s export.';
COMMENT ON COLUMN hdl.catalog_foreign_tables.foreign_table IS 'The foreign table.';
COMMENT ON COLUMN hdl.catalog_foreign_tables.server IS 'Its hdl_s3 server.';
COMMENT ON COLUMN hdl.catalog_foreign_tables.endpoint IS 'The S3 endpoint of the server.';
COMMENT ON COLUMN hdl.catalog_foreign_tables.wrapper IS 'The foreign data wrapper (hdl_s3).';
COMMENT ON COLUMN hdl.catalog_foreign_tables.bucket IS 'The bucket the objects are in.';
COMMENT ON COLUMN hdl.catalog_foreign_tables.objects IS 'The object key, key prefix or list of keys the table reads.';
COMMENT ON COLUMN hdl.catalog_foreign_tables.resource_type IS 'The FHIR resource type, for a table made by IMPORT FOREIGN SCHEMA from a Bulk Data export.';
COMMENT ON COLUMN hdl.catalog_foreign_tables.format IS 'ndjson or csv.';
GRANT SELECT ON hdl.catalog_foreign_tables TO hdl_engineer, hdl_auditor;
