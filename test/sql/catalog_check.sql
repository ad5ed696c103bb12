-- pg_temp.catalog_mismatches(): where hdl's batch bookkeeping disagrees with the lake. Every
-- regression test that ingests calls it at its end and expects no row (issue 13: "catalogue counts
-- equal real counts after every test that ingests"). It compares, for the whole database:
--   - hdl.catalog_resource_types with the current and history rows of each type;
--   - every pending catalogue increment (hdl.catalog_delta: a batch's creates, updates and
--     element paths, until hdl.catalog_compact folds it) with that batch's history rows, their
--     element paths recounted (the walk itself is checked against recursive SQL in sql/catalog.sql,
--     the fold in sql/catalog.sql too); per batch, so that a test after a large load does not walk
--     the whole lake again;
--   - each hdl.ingest_batch's stored count and resource_counts with the history rows of the batch;
--   - each batch's ingest audit entry (stored, and its list of resources) with the same rows plus
--     the versions removed from the batch since (hdl.batch_removed: erasure, retention), since the
--     entry is append-only and still lists what was stored.
-- One snapshot: ingests of concurrent tests are either wholly seen or not at all.
-- (bodies unchecked: a test may define it before it creates the extension)
SET check_function_bodies = off;
CREATE OR REPLACE FUNCTION pg_temp.catalog_mismatches(OUT what text, OUT item text, OUT catalogue bigint, OUT lake bigint)
RETURNS SETOF record LANGUAGE sql AS $$
	WITH types AS (
		SELECT coalesce(c.resource_type, r.resource_type, h.resource_type) AS t, c.resources, c.versions, r.n, h.v
		FROM (SELECT resource_type, count(*) AS n FROM hdl_lake.resource GROUP BY 1) r
		FULL JOIN (SELECT resource_type, count(*) AS v FROM hdl_lake.resource_history GROUP BY 1) h USING (resource_type)
		FULL JOIN hdl.catalog_resource_types c USING (resource_type)),
	pending AS (SELECT DISTINCT batch_id FROM hdl.catalog_delta),
	real_deltas AS (
		SELECT h.batch_id, h.resource_type, count(*) FILTER (WHERE h.version = 1) AS created,
		       count(*) FILTER (WHERE h.version > 1) AS updated
		FROM hdl_lake.resource_history h JOIN pending USING (batch_id) GROUP BY 1, 2),
	deltas AS (
		SELECT coalesce(d.batch_id, r.batch_id)::text || ' ' || coalesce(d.resource_type, r.resource_type) AS b,
		       d.created AS dc, r.created AS rc, d.updated AS du, r.updated AS ru
		FROM hdl.catalog_delta d FULL JOIN real_deltas r USING (batch_id, resource_type)),
	real_elements AS (
		SELECT h.batch_id, h.resource_type, p.path, p.json_type, count(*) AS versions
		FROM hdl_lake.resource_history h JOIN pending USING (batch_id), hdl.catalog_element_paths(h.resource) p
		GROUP BY 1, 2, 3, 4),
	delta_elements AS (
		SELECT d.batch_id, d.resource_type, u.path, u.json_type, u.n AS versions
		FROM hdl.catalog_delta d, unnest(d.paths, d.json_types, d.versions) AS u(path, json_type, n)),
	elements AS (
		SELECT coalesce(c.batch_id, r.batch_id)::text || ' ' || coalesce(c.resource_type, r.resource_type) || ' '
		       || coalesce(c.path, r.path) || ' ' || coalesce(c.json_type, r.json_type) AS e,
		       c.versions AS cv, r.versions AS rv
		FROM real_elements r FULL JOIN delta_elements c USING (batch_id, resource_type, path, json_type)),
	batch_rows AS (
		SELECT batch_id, resource_type, count(*) AS n FROM hdl_lake.resource_history GROUP BY 1, 2),
	batches AS (
		SELECT b.batch_id, b.stored, coalesce(sum(r.n), 0) AS n,
		       b.resource_counts, coalesce(jsonb_object_agg(r.resource_type, r.n) FILTER (WHERE r.n IS NOT NULL), '{}') AS counts,
		       coalesce((SELECT x.versions FROM hdl.batch_removed x WHERE x.batch_id = b.batch_id), 0) AS removed
		FROM hdl.ingest_batch b LEFT JOIN batch_rows r USING (batch_id) GROUP BY b.batch_id),
	audits AS (
		SELECT substr(a.subject, 7)::bigint AS batch_id, (a.detail ->> 'stored')::bigint AS stored,
		       jsonb_array_length(a.detail -> 'resources') AS listed
		FROM hdl_audit.log a WHERE a.event = 'ingest')
	(SELECT 'resources', t, resources, coalesce(n, 0) FROM types WHERE resources IS DISTINCT FROM coalesce(n, 0)
	 UNION ALL
	 SELECT 'versions', t, versions, coalesce(v, 0) FROM types WHERE versions IS DISTINCT FROM coalesce(v, 0)
	 UNION ALL
	 SELECT 'increment created', b, dc, rc FROM deltas WHERE dc IS DISTINCT FROM rc
	 UNION ALL
	 SELECT 'increment updated', b, du, ru FROM deltas WHERE du IS DISTINCT FROM ru
	 UNION ALL
	 SELECT 'increment element versions', e, cv, rv FROM elements WHERE cv IS DISTINCT FROM rv
	 UNION ALL
	 SELECT 'batch stored', batch_id::text, stored, n FROM batches WHERE stored IS DISTINCT FROM n
	 UNION ALL
	 SELECT 'batch resource_counts', batch_id::text || ' ' || resource_counts::text, NULL, NULL
	 FROM batches WHERE resource_counts IS DISTINCT FROM counts
	 UNION ALL
	 SELECT 'audit stored', a.batch_id::text, a.stored, b.n + b.removed FROM audits a JOIN batches b USING (batch_id)
	 WHERE a.stored IS DISTINCT FROM b.n + b.removed
	 UNION ALL
	 SELECT 'audit resources listed', a.batch_id::text, a.listed, b.n + b.removed FROM audits a JOIN batches b USING (batch_id)
	 WHERE a.listed IS DISTINCT FROM b.n + b.removed)
	ORDER BY 1, 2 LIMIT 20
$$;
RESET check_function_bodies;
