-- hdl catalogue: what is in the lake, kept current per ingest batch (docs/catalogue.md).

-- Per-batch increments, one row per (batch, resource type), inserted by the ingest store in the
-- batch's transaction. Inserts never conflict, so concurrent ingests never wait for each other;
-- hdl.catalog_compact() folds committed increments into the totals below.
CREATE TABLE hdl.catalog_delta (
	batch_id bigint NOT NULL,
	resource_type text NOT NULL,
	recorded_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	created int NOT NULL,
	updated int NOT NULL,
	paths text[],
	json_types text[],
	versions int[]
);
COMMENT ON TABLE hdl.catalog_delta IS 'Catalogue increments of ingest batches not yet folded into the totals: versions created and updated per resource type, and element paths with the number of versions containing them.';

CREATE TABLE hdl.catalog_type_total (
	resource_type text PRIMARY KEY,
	resources bigint NOT NULL,
	versions bigint NOT NULL,
	first_seen timestamptz NOT NULL,
	last_seen timestamptz NOT NULL
);
COMMENT ON TABLE hdl.catalog_type_total IS 'Folded catalogue counts per resource type (see hdl.catalog_resource_types).';

CREATE TABLE hdl.catalog_element_total (
	resource_type text NOT NULL,
	path text NOT NULL,
	json_type text NOT NULL,
	versions bigint NOT NULL,
	first_seen timestamptz NOT NULL,
	last_seen timestamptz NOT NULL,
	PRIMARY KEY (resource_type, path, json_type)
);
COMMENT ON TABLE hdl.catalog_element_total IS 'Folded element counts per resource type, path and JSON type (see hdl.catalog_elements).';

-- Folds committed increments into the totals. Only one runs at a time (the others return 0 at
-- once); ingest calls it every 4096th batch, a scheduled job may call it too. It reads every
-- increment: a sequential scan, even inside an ingest call that prices those out, and no JIT
-- (the estimate of the unnested paths is large enough to start LLVM, which costs 4x the fold).
CREATE FUNCTION hdl.catalog_compact() RETURNS bigint
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
	SET enable_seqscan = on SET jit = off AS $$
DECLARE
	n bigint;
BEGIN
	IF NOT pg_try_advisory_xact_lock(hashtext('hdl.catalog'), 1) THEN
		RETURN 0;
	END IF;
	WITH d AS (DELETE FROM hdl.catalog_delta RETURNING *),
	t AS (
		INSERT INTO hdl.catalog_type_total AS c (resource_type, resources, versions, first_seen, last_seen)
		SELECT d.resource_type, sum(d.created), sum(d.created + d.updated), min(d.recorded_at), max(d.recorded_at)
		FROM d GROUP BY d.resource_type
		ON CONFLICT (resource_type) DO UPDATE SET
			resources = c.resources + EXCLUDED.resources, versions = c.versions + EXCLUDED.versions,
			first_seen = least(c.first_seen, EXCLUDED.first_seen), last_seen = greatest(c.last_seen, EXCLUDED.last_seen)),
	e AS (
		INSERT INTO hdl.catalog_element_total AS c (resource_type, path, json_type, versions, first_seen, last_seen)
		SELECT d.resource_type, x.path, x.json_type, sum(x.n), min(d.recorded_at), max(d.recorded_at)
		FROM d, unnest(d.paths, d.json_types, d.versions) AS x(path, json_type, n)
		GROUP BY d.resource_type, x.path, x.json_type
		ON CONFLICT (resource_type, path, json_type) DO UPDATE SET
			versions = c.versions + EXCLUDED.versions,
			first_seen = least(c.first_seen, EXCLUDED.first_seen), last_seen = greatest(c.last_seen, EXCLUDED.last_seen))
	SELECT count(*) INTO n FROM d;
	RETURN n;
END
$$;
COMMENT ON FUNCTION hdl.catalog_compact() IS 'Folds the catalogue increments of committed ingest batches into the totals; returns the increments folded (0 when another compaction is running). The catalogue views are exact either way.';

CREATE FUNCTION hdl._catalog_element_paths_json(resource jsonb) RETURNS jsonb
	LANGUAGE c STRICT IMMUTABLE AS 'MODULE_PATHNAME', 'hdl_catalog_element_paths';
CREATE FUNCTION hdl.catalog_element_paths(resource jsonb, OUT path text, OUT json_type text) RETURNS SETOF record
	LANGUAGE sql STRICT IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
	SELECT e ->> 0, e ->> 1 FROM jsonb_array_elements(hdl._catalog_element_paths_json(resource)) e $$;
COMMENT ON FUNCTION hdl.catalog_element_paths(jsonb) IS 'The element paths (Patient.name[].given[]) and JSON types of one resource: what the catalogue counts for every stored version.';

CREATE VIEW hdl.catalog_sources AS
SELECT s.source_id, s.org_code AS organisation, s.display, s.role_name, s.is_gateway, s.registered_at,
       b.first_ingest, b.last_ingest, coalesce(b.batches, 0) AS batches,
       coalesce(b.stored, 0) AS versions_stored, coalesce(b.rejected, 0) AS rejected
FROM hdl.source s
LEFT JOIN (SELECT source_id, min(received_at) AS first_ingest, max(received_at) AS last_ingest, count(*) AS batches,
                  sum(stored) AS stored, sum(rejected) AS rejected
           FROM hdl.ingest_batch GROUP BY source_id) b ON b.source_id OPERATOR(pg_catalog.=) s.source_id;
COMMENT ON VIEW hdl.catalog_sources IS 'Provider sources: organisation, role, first and last ingest, and what they submitted.';
COMMENT ON COLUMN hdl.catalog_sources.source_id IS 'The source (hdl.source).';
COMMENT ON COLUMN hdl.catalog_sources.registered_at IS 'When the source was registered.';
COMMENT ON COLUMN hdl.catalog_sources.organisation IS 'The organisation''s code (ODS code).';
COMMENT ON COLUMN hdl.catalog_sources.display IS 'The organisation''s name as registered.';
COMMENT ON COLUMN hdl.catalog_sources.role_name IS 'The database role that submits for it.';
COMMENT ON COLUMN hdl.catalog_sources.is_gateway IS 'True for a gateway role (PostgREST) acting for the organisation.';
COMMENT ON COLUMN hdl.catalog_sources.first_ingest IS 'When its first stored ingest call started (NULL: none yet).';
COMMENT ON COLUMN hdl.catalog_sources.last_ingest IS 'When its latest stored ingest call started.';
COMMENT ON COLUMN hdl.catalog_sources.batches IS 'Committed ingest calls (batches).';
COMMENT ON COLUMN hdl.catalog_sources.versions_stored IS 'Resource versions stored (creates and updates).';
COMMENT ON COLUMN hdl.catalog_sources.rejected IS 'Entries of batch Bundles rejected (whole rejected calls leave no batch; see docs/audit.md).';

CREATE VIEW hdl.catalog_batches AS
SELECT b.batch_id, b.source_id, s.org_code AS organisation, b.submitted_by AS role_name, b.kind, b.received_at,
       b.stored, b.rejected, b.resource_counts AS resources_by_type
FROM hdl.ingest_batch b JOIN hdl.source s ON s.source_id OPERATOR(pg_catalog.=) b.source_id;
COMMENT ON VIEW hdl.catalog_batches IS 'Every committed ingest batch (one per ingest call): source, time, resources stored by type, entries rejected.';
COMMENT ON COLUMN hdl.catalog_batches.batch_id IS 'The batch (hdl_lake rows carry it in batch_id).';
COMMENT ON COLUMN hdl.catalog_batches.source_id IS 'The submitting source (hdl.catalog_sources).';
COMMENT ON COLUMN hdl.catalog_batches.organisation IS 'The submitting organisation (ODS code).';
COMMENT ON COLUMN hdl.catalog_batches.role_name IS 'The role that called hdl.ingest or hdl.ingest_bundle.';
COMMENT ON COLUMN hdl.catalog_batches.kind IS 'resource, transaction, batch or import.';
COMMENT ON COLUMN hdl.catalog_batches.received_at IS 'Start of the ingest transaction (every resource of the batch has it as meta.lastUpdated).';
COMMENT ON COLUMN hdl.catalog_batches.stored IS 'Resource versions stored.';
COMMENT ON COLUMN hdl.catalog_batches.rejected IS 'Entries rejected (batch Bundles only).';
COMMENT ON COLUMN hdl.catalog_batches.resources_by_type IS 'Versions stored per resource type, e.g. {"Patient": 1, "Observation": 12}.';

CREATE VIEW hdl.catalog_resource_types AS
SELECT x.resource_type, sum(x.resources)::bigint AS resources, sum(x.versions)::bigint AS versions,
       min(x.first_seen) AS first_stored, max(x.last_seen) AS last_updated
FROM (SELECT t.resource_type, t.resources, t.versions, t.first_seen, t.last_seen FROM hdl.catalog_type_total t
      UNION ALL
      SELECT d.resource_type, d.created, d.created + d.updated, d.recorded_at, d.recorded_at FROM hdl.catalog_delta d) x
GROUP BY x.resource_type;
COMMENT ON VIEW hdl.catalog_resource_types IS 'Resource types in the lake: current resources, versions stored, first and last write. Kept per ingest batch, not by scanning the lake.';
COMMENT ON COLUMN hdl.catalog_resource_types.resource_type IS 'The FHIR resource type.';
COMMENT ON COLUMN hdl.catalog_resource_types.resources IS 'Current resources (hdl_lake.resource rows): every create adds one, an erasure (hdl.erase_patient) takes its resources away.';
COMMENT ON COLUMN hdl.catalog_resource_types.versions IS 'Versions stored (hdl_lake.resource_history rows): creates and updates.';
COMMENT ON COLUMN hdl.catalog_resource_types.first_stored IS 'Start of the first ingest that stored this type.';
COMMENT ON COLUMN hdl.catalog_resource_types.last_updated IS 'Start of the latest ingest that stored this type (the newest meta.lastUpdated).';

CREATE VIEW hdl.catalog_elements AS
SELECT x.resource_type, x.path, x.json_type, sum(x.versions)::bigint AS versions,
       round(sum(x.versions) * 100.0 / nullif(max(rt.versions), 0), 1) AS percent_of_versions,
       min(x.first_seen) AS first_seen, max(x.last_seen) AS last_seen
FROM (SELECT e.resource_type, e.path, e.json_type, e.versions, e.first_seen, e.last_seen FROM hdl.catalog_element_total e
      UNION ALL
      SELECT d.resource_type, u.path, u.json_type, u.n, d.recorded_at, d.recorded_at
      FROM hdl.catalog_delta d, unnest(d.paths, d.json_types, d.versions) AS u(path, json_type, n)) x
LEFT JOIN hdl.catalog_resource_types rt ON rt.resource_type OPERATOR(pg_catalog.=) x.resource_type
GROUP BY x.resource_type, x.path, x.json_type;
COMMENT ON VIEW hdl.catalog_elements IS 'Every element path observed per resource type with its JSON type and how many stored versions contain it: the schema a crawler would infer, kept current per ingest batch.';
COMMENT ON COLUMN hdl.catalog_elements.resource_type IS 'The FHIR resource type.';
COMMENT ON COLUMN hdl.catalog_elements.path IS 'The element path from the resource type: object members with ".", array items with "[]" (Patient.name[].given[]).';
COMMENT ON COLUMN hdl.catalog_elements.json_type IS 'The JSON type found there (object, array, string, number, boolean, null); a path can have several.';
COMMENT ON COLUMN hdl.catalog_elements.versions IS 'Stored versions (hdl_lake.resource_history rows) containing the path with this type at least once.';
COMMENT ON COLUMN hdl.catalog_elements.percent_of_versions IS 'versions as a percentage of all stored versions of the resource type.';
COMMENT ON COLUMN hdl.catalog_elements.first_seen IS 'Start of the first ingest that stored it.';
COMMENT ON COLUMN hdl.catalog_elements.last_seen IS 'Start of the latest ingest that stored it.';

REVOKE ALL ON hdl.catalog_delta, hdl.catalog_type_total, hdl.catalog_element_total FROM PUBLIC;
REVOKE ALL ON hdl.catalog_sources, hdl.catalog_batches, hdl.catalog_resource_types, hdl.catalog_elements FROM PUBLIC;
REVOKE ALL ON FUNCTION hdl.catalog_compact(),
	hdl._catalog_element_paths_json(jsonb), hdl.catalog_element_paths(jsonb) FROM PUBLIC;
GRANT SELECT ON hdl.catalog_sources, hdl.catalog_batches TO hdl_engineer, hdl_auditor;
GRANT SELECT ON hdl.catalog_resource_types, hdl.catalog_elements TO hdl_engineer, hdl_analyst, hdl_auditor;
GRANT EXECUTE ON FUNCTION hdl._catalog_element_paths_json(jsonb), hdl.catalog_element_paths(jsonb) TO hdl_engineer;
GRANT EXECUTE ON FUNCTION hdl.catalog_compact() TO hdl_engineer;
