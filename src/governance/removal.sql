-- hdl governance: removing resources from the lake, and erasure of a patient (issue 19 item 2).
-- hdl._remove_resources is the one primitive that takes resources out of the lake (current row,
-- every version, their mart rows, their vault rows, the catalogue's and the batches' counts);
-- hdl.erase_patient uses it for one person (all sources, or one), then removes what the vault and
-- the governance tables hold of the person. docs/governance.md ("Erasure") states the rules.

INSERT INTO hdl_audit.event_kind VALUES
	('patient_erase', 'http://dicom.nema.org/resources/ontology/DCM', '110110', 'Patient Record', 'D', 'governance (erasure)',
	 'A patient''s records were erased (hdl.erase_patient): the pseudonym, the reason, the scope (all sources or one) and counts only.');

-- Every erasure, counts only: no pseudonym, no identifier, no record id (the audit entry names the
-- pseudonym; this table is what engineers and auditors count).
CREATE TABLE hdl.erasure (
	erasure_id bigserial PRIMARY KEY,
	erased_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	erased_by name NOT NULL,
	scope text NOT NULL CHECK (scope IN ('all', 'source')),
	source text,
	resources bigint NOT NULL,
	versions bigint NOT NULL,
	mart_rows bigint NOT NULL,
	vault_rows bigint NOT NULL,
	other_rows bigint NOT NULL,
	audit_entry bigint
);
COMMENT ON TABLE hdl.erasure IS 'Erasures (hdl.erase_patient), counts only: when, by whom, scope (all sources, or the ODS code of one), resources and versions removed from the lake, mart rows, vault rows, and other rows (opt-out bookkeeping, quarantine lines); the audit entry that names the pseudonym.';

-- Versions removed from each ingest batch (by the primitive below): hdl.ingest_batch keeps what is
-- left (stored, resource_counts), its ingest audit entry what was stored; the difference is here.
CREATE TABLE hdl.batch_removed (
	batch_id bigint PRIMARY KEY,
	versions bigint NOT NULL
);
COMMENT ON TABLE hdl.batch_removed IS 'Versions removed from each ingest batch since it was stored (erasure, retention): the batch''s audit entry lists what was stored, hdl.ingest_batch what is left.';

-- Waits for, then excludes, everything that reads or writes the lake or a mart: the refreshes of
-- every mart (their advisory locks, in name order, first: a refresh holds its lock while it reads
-- the lake) and then every reader and writer of the lake (ACCESS EXCLUSIVE on both tables and so
-- on every partition). An ingest that touched the lake before commits first and is seen (and
-- removed); one that comes later waits and sees the removal. Held to the end of the transaction.
CREATE FUNCTION hdl._lake_lock_for_removal() RETURNS void
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	n text;
BEGIN
	FOR n IN SELECT m.name FROM hdl.mart m ORDER BY m.name COLLATE "C" LOOP
		PERFORM pg_advisory_xact_lock(hashtext('hdl.mart'), hashtext(n));
	END LOOP;
	LOCK TABLE hdl_lake.resource, hdl_lake.resource_history IN ACCESS EXCLUSIVE MODE;
	-- the catalogue: no compaction folds while its totals are corrected
	PERFORM pg_advisory_xact_lock(hashtext('hdl.catalog'), 1);
END
$$;

-- THE CONTRACT (erasure and retention use it; it knows nothing of patients):
--   hdl._remove_resources(keys) removes the resources named by keys ('Type/id', as marts'
--   _resource_key) from the lake completely, in the calling transaction:
--   - their current rows (hdl_lake.resource) and every version (hdl_lake.resource_history, which
--     is also the change log: marts never see them again);
--   - their rows in every mart over their type (by _resource_key), and the marts' row counts; a
--     later incremental refresh equals a full rebuild, as the rows of a resource are deleted here
--     and its changes are gone from the change log;
--   - the vault rows written with them: identities under their own key (a person resource, or a
--     resource that contained one) and, for a Patient record, its source's identities of the
--     person (Patient/<pseudonym>, that source); never links (hdl_vault.link), which belong to
--     the person, not to a record: the caller decides about those;
--   - the catalogue's counts (resources, versions, element paths: pending increments are folded
--     first) and each batch's stored count and resource_counts, recording what was removed from
--     it in hdl.batch_removed (its audit entry, append-only, still lists what was stored).
--   It locks as hdl._lake_lock_for_removal does (mart refreshes, then the lake; the caller may
--   have done so already, to choose the keys under the lock). Keys not in the lake are ignored
--   (not counted); a malformed key is an error. It writes no audit entry: the caller does, with
--   its reason. Extension owner only.
CREATE FUNCTION hdl._remove_resources(keys text[],
	OUT resources bigint, OUT versions bigint, OUT mart_rows bigint, OUT vault_rows bigint)
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	m hdl.mart;
	n bigint;
	bad text;
BEGIN
	PERFORM hdl._not_null(keys, 'keys');
	SELECT k INTO bad FROM unnest(keys) k WHERE k IS NULL OR k !~ '^[A-Z][A-Za-z]+/[^/]+$' LIMIT 1;
	IF FOUND THEN
		PERFORM hdl._raise('22023', 'a resource key is not Type/id', NULL, 'Keys are written as marts'' _resource_key: Observation/123.');
	END IF;
	PERFORM hdl._lake_lock_for_removal();
	CREATE TEMP TABLE IF NOT EXISTS hdl_removed_resources (resource_type text, id text, patient text, source_id int)
		ON COMMIT DROP;
	CREATE TEMP TABLE IF NOT EXISTS hdl_removed_versions (resource_type text, id text, version int, batch_id bigint,
		resource jsonb) ON COMMIT DROP;
	TRUNCATE pg_temp.hdl_removed_resources, pg_temp.hdl_removed_versions;
	INSERT INTO pg_temp.hdl_removed_resources
		SELECT r.resource_type, r.id, r.patient, r.source_id FROM hdl_lake.resource r
		JOIN (SELECT DISTINCT split_part(k, '/', 1) AS t, substr(k, strpos(k, '/') + 1) AS i FROM unnest(keys) k) k
			ON r.resource_type = k.t AND r.id = k.i;
	INSERT INTO pg_temp.hdl_removed_versions
		SELECT h.resource_type, h.id, h.version, h.batch_id, h.resource FROM hdl_lake.resource_history h
		JOIN pg_temp.hdl_removed_resources r ON h.resource_type = r.resource_type AND h.id = r.id;
	SELECT count(*) INTO resources FROM pg_temp.hdl_removed_resources;
	SELECT count(*) INTO versions FROM pg_temp.hdl_removed_versions;
	mart_rows := 0;
	vault_rows := 0;
	IF resources = 0 THEN
		RETURN;
	END IF;
	-- marts over the types removed
	FOR m IN SELECT * FROM hdl.mart WHERE mart.resource_type IN (SELECT DISTINCT r.resource_type FROM pg_temp.hdl_removed_resources r)
		ORDER BY mart.name LOOP
		EXECUTE format('DELETE FROM %I.%I t WHERE t._resource_key = ANY ($1)', m.schema_name, m.table_name)
			USING ARRAY(SELECT r.resource_type || '/' || r.id FROM pg_temp.hdl_removed_resources r
				WHERE r.resource_type = m.resource_type);
		GET DIAGNOSTICS n = ROW_COUNT;
		IF n > 0 THEN
			UPDATE hdl.mart SET row_count = greatest(row_count - n, 0) WHERE mart.name = m.name;
		END IF;
		mart_rows := mart_rows + n;
	END LOOP;
	-- the vault rows written with them
	DELETE FROM hdl_vault.identity v WHERE v.subject IN (SELECT r.resource_type || '/' || r.id FROM pg_temp.hdl_removed_resources r)
		OR (v.subject, v.source_id) IN (SELECT 'Patient/' || r.patient, r.source_id FROM pg_temp.hdl_removed_resources r
			WHERE r.resource_type = 'Patient' AND r.patient IS NOT NULL);
	GET DIAGNOSTICS n = ROW_COUNT;
	vault_rows := n;
	-- the catalogue: fold pending increments (this transaction holds the compaction lock, so the
	-- fold runs), then take the removed versions out of the totals
	PERFORM hdl.catalog_compact();
	WITH gone AS (SELECT v.resource_type, count(*) AS versions, count(*) FILTER (WHERE v.version = 1) AS resources
		FROM pg_temp.hdl_removed_versions v GROUP BY 1)
	UPDATE hdl.catalog_type_total t SET versions = t.versions - g.versions, resources = t.resources - g.resources
	FROM gone g WHERE g.resource_type = t.resource_type;
	DELETE FROM hdl.catalog_type_total t WHERE t.versions <= 0 AND t.resources <= 0;
	WITH gone AS (SELECT v.resource_type, p.path, p.json_type, count(*) AS versions
		FROM pg_temp.hdl_removed_versions v, hdl.catalog_element_paths(v.resource) p GROUP BY 1, 2, 3)
	UPDATE hdl.catalog_element_total e SET versions = e.versions - g.versions
	FROM gone g WHERE g.resource_type = e.resource_type AND g.path = e.path AND g.json_type = e.json_type;
	DELETE FROM hdl.catalog_element_total e WHERE e.versions <= 0;
	-- the batches: what is left of each, and what was removed from it
	WITH gone AS (SELECT v.batch_id, v.resource_type, count(*) AS n FROM pg_temp.hdl_removed_versions v GROUP BY 1, 2),
	per_batch AS (SELECT g.batch_id, sum(g.n) AS n, jsonb_object_agg(g.resource_type, g.n) AS by_type FROM gone g GROUP BY 1),
	upd AS (UPDATE hdl.ingest_batch b SET stored = b.stored - p.n,
		resource_counts = coalesce((SELECT jsonb_object_agg(c.key, c.value::bigint - coalesce((p.by_type ->> c.key)::bigint, 0))
			FROM jsonb_each_text(b.resource_counts) c
			WHERE c.value::bigint - coalesce((p.by_type ->> c.key)::bigint, 0) > 0), '{}')
		FROM per_batch p WHERE p.batch_id = b.batch_id RETURNING b.batch_id)
	INSERT INTO hdl.batch_removed AS r (batch_id, versions)
		SELECT p.batch_id, p.n FROM per_batch p
		ON CONFLICT (batch_id) DO UPDATE SET versions = r.versions + EXCLUDED.versions;
	-- the lake
	DELETE FROM hdl_lake.resource_history h USING pg_temp.hdl_removed_resources r
	WHERE h.resource_type = r.resource_type AND h.id = r.id;
	DELETE FROM hdl_lake.resource c USING pg_temp.hdl_removed_resources r
	WHERE c.resource_type = r.resource_type AND c.id = r.id;
	TRUNCATE pg_temp.hdl_removed_resources, pg_temp.hdl_removed_versions;
END
$$;
COMMENT ON FUNCTION hdl._remove_resources(text[]) IS 'Internal (owner only): removes resources (Type/id keys) from the lake completely: current rows, every version, their mart rows, their vault identities, and their counts in the catalogue and the batches; the caller audits. See the contract in src/governance/removal.sql.';

-- The keyed hashes (hdl_vault.link) that the identities a source sent of a person give: its
-- local identifiers and local ids ('identifier|<org>|...', 'id|<org>|...'), never the NHS number
-- (which the person's other records share). As hdl.rotate_pseudonym_key builds them.
CREATE FUNCTION hdl._erasure_source_links(pseudonym text, source_ids int[]) RETURNS text[]
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	crypto text := hdl._pgcrypto();
	hashes text[];
BEGIN
	EXECUTE format($q$
		WITH ident AS (
			SELECT s.org_code, %1$s.pgp_sym_decrypt(i.payload,
			           CASE i.key_id WHEN hdl._key('vault_key', 1) THEN hdl._key('vault_key', 2)
			                         ELSE hdl._key('vault_key_previous', 2) END)::jsonb AS doc
			FROM hdl_vault.identity i JOIN hdl.source s ON s.source_id = i.source_id
			WHERE i.subject = 'Patient/' || $1 AND i.source_id = ANY ($2)),
		message AS (
			SELECT 'identifier|' || org_code || '|' || coalesce(id ->> 'system', '') || '|' || (id ->> 'value') AS m
			FROM ident, jsonb_array_elements(CASE WHEN jsonb_typeof(doc -> 'identifier') = 'array' THEN doc -> 'identifier' ELSE '[]' END) id
			WHERE id ? 'value' AND id ->> 'system' IS DISTINCT FROM 'https://fhir.nhs.uk/Id/nhs-number'
			UNION
			SELECT 'id|' || org_code || '|Patient/' || (doc ->> 'hdlLocalId') FROM ident WHERE doc ? 'hdlLocalId')
		SELECT array_agg(encode(%1$s.hmac(m, hdl._key('pseudonym_key', 2), 'sha256'), 'hex')) FROM message $q$, crypto)
	INTO hashes USING pseudonym, source_ids;
	RETURN coalesce(hashes, '{}');
END
$$;

-- The strings by which rejected raw lines (hdl.import_quarantine) may name the person: the
-- identifier values and local ids of the identities in scope (at least 6 characters, so that a
-- short code matches nothing else), decrypted from the vault.
CREATE FUNCTION hdl._erasure_identity_strings(pseudonym text, source_ids int[]) RETURNS text[]
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	crypto text := hdl._pgcrypto();
	found text[];
BEGIN
	EXECUTE format($q$
		WITH ident AS (
			SELECT %1$s.pgp_sym_decrypt(i.payload,
			           CASE i.key_id WHEN hdl._key('vault_key', 1) THEN hdl._key('vault_key', 2)
			                         ELSE hdl._key('vault_key_previous', 2) END)::jsonb AS doc
			FROM hdl_vault.identity i
			WHERE i.subject = 'Patient/' || $1 AND ($2 IS NULL OR i.source_id = ANY ($2)))
		SELECT array_agg(DISTINCT v) FROM (
			SELECT id ->> 'value' AS v
			FROM ident, jsonb_array_elements(CASE WHEN jsonb_typeof(doc -> 'identifier') = 'array' THEN doc -> 'identifier' ELSE '[]' END) id
			UNION ALL SELECT doc ->> 'hdlLocalId' FROM ident) s
		WHERE length(v) >= 6 $q$, crypto)
	INTO found USING pseudonym, source_ids;
	RETURN coalesce(found, '{}');
END
$$;

-- The API. Members of hdl_eraser (and superusers) only; a reason is required; the pseudonym must
-- be one the lake or the vault knows (in scope). Everything in one transaction, audited in it.
CREATE FUNCTION hdl.erase_patient(pseudonym text, reason text, source text DEFAULT NULL,
	OUT resources bigint, OUT versions bigint, OUT mart_rows bigint, OUT vault_rows bigint, OUT other_rows bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET log_min_error_statement = panic AS $$
DECLARE
	p text := erase_patient.pseudonym;
	caller name := hdl._outer_role();
	src_ids int[];
	keys text[];
	source_links text[];
	strings text[];
	person_links text[];
	whole boolean;
	n bigint;
	removed record;
	entry bigint;
BEGIN
	IF NOT pg_has_role(caller, 'hdl_eraser', 'USAGE') THEN
		PERFORM hdl._raise('42501', 'permission denied to erase a patient', NULL, 'Only members of hdl_eraser may erase.');
	END IF;
	IF reason IS NULL OR length(btrim(reason)) < 10 THEN
		PERFORM hdl._raise('22023', 'an erasure needs a reason', NULL,
			'Say why, in at least 10 characters (e.g. ''Article 17 request, case 2026-114'').');
	END IF;
	IF p IS NULL OR p !~ '^[0-9a-f]{64}$' THEN
		PERFORM hdl._raise('22023', 'the pseudonym is not a pseudonym', NULL,
			'A pseudonym is 64 hexadecimal characters: the pseudonym column of hdl_lake.linked_patients.');
	END IF;
	IF erase_patient.source IS NOT NULL THEN
		SELECT array_agg(s.source_id) INTO src_ids FROM hdl.source s WHERE s.org_code = erase_patient.source;
		IF src_ids IS NULL THEN
			PERFORM hdl._raise('42704', format('source "%s" is not registered', erase_patient.source), NULL,
				'Name the organisation by its ODS code, as in hdl.catalog_sources.');
		END IF;
	END IF;
	IF hdl._key('pseudonym_key', 1) IS NULL OR hdl._key('vault_key', 1) IS NULL THEN
		PERFORM hdl._raise('55000', 'erasure needs the pseudonym_key and the vault_key', NULL,
			'A superuser adds them to the key file named by hdl.key_file (docs/pseudonymisation.md).');
	END IF;
	-- from here on nothing reads or writes the lake or a mart but this transaction
	PERFORM hdl._lake_lock_for_removal();
	LOCK TABLE hdl_vault.identity, hdl_vault.link, hdl_vault.opt_out IN SHARE ROW EXCLUSIVE MODE;
	SELECT array_agg(r.resource_type || '/' || r.id) INTO keys FROM hdl_lake.resource r
	WHERE r.patient = p AND (src_ids IS NULL OR r.source_id = ANY (src_ids));
	IF keys IS NULL AND NOT EXISTS (SELECT 1 FROM hdl_vault.identity i WHERE i.subject = 'Patient/' || p
			AND (src_ids IS NULL OR i.source_id = ANY (src_ids)))
		AND (src_ids IS NOT NULL OR NOT EXISTS (SELECT 1 FROM hdl_vault.link l WHERE l.pseudonym = p)) THEN
		PERFORM hdl._raise('42704', CASE WHEN src_ids IS NULL THEN 'no patient has this pseudonym'
			ELSE 'the source holds no records of this patient' END, 'Nothing was erased.', NULL);
	END IF;
	-- what the vault can tell before its rows go: the source's own links, the strings of quarantine
	strings := hdl._erasure_identity_strings(p, src_ids);
	IF src_ids IS NOT NULL THEN
		source_links := hdl._erasure_source_links(p, src_ids);
	END IF;
	SELECT * INTO removed FROM hdl._remove_resources(coalesce(keys, '{}'));
	resources := removed.resources;
	versions := removed.versions;
	mart_rows := removed.mart_rows;
	vault_rows := removed.vault_rows;
	other_rows := 0;
	-- the whole person goes when every source's records are erased, or none is left
	whole := src_ids IS NULL OR NOT EXISTS (SELECT 1 FROM hdl_lake.resource r WHERE r.patient = p);
	IF whole THEN
		SELECT array_agg(l.link_hash) INTO person_links FROM hdl_vault.link l WHERE l.pseudonym = p;
		DELETE FROM hdl_vault.identity i WHERE i.subject = 'Patient/' || p;
		GET DIAGNOSTICS n = ROW_COUNT;
		vault_rows := vault_rows + n;
		DELETE FROM hdl_vault.link l WHERE l.pseudonym = p;
		GET DIAGNOSTICS n = ROW_COUNT;
		vault_rows := vault_rows + n;
		DELETE FROM hdl_vault.opt_out o WHERE o.pseudonym = p OR o.link_hash = ANY (coalesce(person_links, '{}'));
		GET DIAGNOSTICS n = ROW_COUNT;
		vault_rows := vault_rows + n;
		DELETE FROM hdl_vault.reidentification r WHERE r.pseudonym = p;
		GET DIAGNOSTICS n = ROW_COUNT;
		vault_rows := vault_rows + n;
		DELETE FROM hdl.mart_opt_out o WHERE o.patient = p;
		GET DIAGNOSTICS n = ROW_COUNT;
		other_rows := other_rows + n;
		DELETE FROM hdl.lake_export_excluded e WHERE e.patient = p;
		GET DIAGNOSTICS n = ROW_COUNT;
		other_rows := other_rows + n;
	ELSE
		DELETE FROM hdl_vault.identity i WHERE i.subject = 'Patient/' || p AND i.source_id = ANY (src_ids);
		GET DIAGNOSTICS n = ROW_COUNT;
		vault_rows := vault_rows + n;
		DELETE FROM hdl_vault.link l WHERE l.pseudonym = p AND l.link_hash = ANY (source_links);
		GET DIAGNOSTICS n = ROW_COUNT;
		vault_rows := vault_rows + n;
	END IF;
	-- rejected raw lines that name the person (in scope)
	DELETE FROM hdl.import_quarantine q WHERE (src_ids IS NULL OR q.source_id = ANY (src_ids))
		AND (strpos(q.raw, p) > 0 OR EXISTS (SELECT 1 FROM unnest(strings) s WHERE strpos(q.raw, s) > 0));
	GET DIAGNOSTICS n = ROW_COUNT;
	other_rows := other_rows + n;
	entry := hdl.audit_write('patient_erase', 'Patient/' || p, jsonb_build_object('reason', btrim(reason),
		'scope', CASE WHEN src_ids IS NULL THEN 'all' ELSE 'source' END, 'source', erase_patient.source,
		'whole_person', whole, 'resources', resources, 'versions', versions, 'mart_rows', mart_rows,
		'vault_rows', vault_rows, 'other_rows', other_rows) - CASE WHEN src_ids IS NULL THEN 'source' ELSE '' END);
	INSERT INTO hdl.erasure (erased_by, scope, source, resources, versions, mart_rows, vault_rows, other_rows, audit_entry)
	VALUES (caller, CASE WHEN src_ids IS NULL THEN 'all' ELSE 'source' END, erase_patient.source, resources, versions,
		mart_rows, vault_rows, other_rows, entry);
END
$$;
COMMENT ON FUNCTION hdl.erase_patient(text, text, text) IS 'Erases a patient (pseudonym): every record (current, history) of every source, or of one source (ODS code), their mart rows, and the person''s vault entries, links, opt-out rows and quarantined lines (the source''s own, when one source is erased and others keep records); a reason of at least 10 characters; returns counts. hdl_eraser members only; audited (pseudonym, reason, scope, counts). docs/governance.md.';

-- Console and catalogue (engineers and auditors): counts only.
CREATE VIEW hdl.console_erasures AS
	SELECT count(*) AS erasures, count(*) FILTER (WHERE e.scope = 'source') AS source_erasures,
		max(e.erased_at) AS last_erased_at, coalesce(sum(e.resources), 0)::bigint AS resources,
		coalesce(sum(e.versions), 0)::bigint AS versions, coalesce(sum(e.mart_rows), 0)::bigint AS mart_rows,
		coalesce(sum(e.vault_rows), 0)::bigint AS vault_rows,
		count(*) FILTER (WHERE e.erased_at > pg_catalog.now() - interval '30 days') AS erasures_30_days
	FROM hdl.erasure e;
COMMENT ON VIEW hdl.console_erasures IS 'Erasures at a glance (counts only): erasures (of one source''s records among them), the last, resources, versions, mart rows and vault rows removed in all, erasures of the last 30 days.';
COMMENT ON COLUMN hdl.console_erasures.erasures IS 'Erasures recorded (hdl.erasure).';
COMMENT ON COLUMN hdl.console_erasures.source_erasures IS 'Erasures of one source''s records of a patient.';
COMMENT ON COLUMN hdl.console_erasures.last_erased_at IS 'When the last erasure was made (NULL: none).';
COMMENT ON COLUMN hdl.console_erasures.resources IS 'Resources removed from the lake by erasures.';
COMMENT ON COLUMN hdl.console_erasures.versions IS 'Resource versions removed from the lake by erasures.';
COMMENT ON COLUMN hdl.console_erasures.mart_rows IS 'Mart rows removed by erasures.';
COMMENT ON COLUMN hdl.console_erasures.vault_rows IS 'Vault rows (identities, links, opt-out entries, re-identification records) removed by erasures.';
COMMENT ON COLUMN hdl.console_erasures.erasures_30_days IS 'Erasures of the last 30 days.';

REVOKE ALL ON hdl.erasure, hdl.batch_removed, hdl.console_erasures FROM PUBLIC;
REVOKE ALL ON SEQUENCE hdl.erasure_erasure_id_seq FROM PUBLIC;
GRANT SELECT ON hdl.erasure, hdl.console_erasures TO hdl_engineer, hdl_auditor;
GRANT SELECT ON hdl.batch_removed TO hdl_engineer;
REVOKE ALL ON FUNCTION hdl._lake_lock_for_removal(), hdl._remove_resources(text[]), hdl._erasure_source_links(text, int[]),
	hdl._erasure_identity_strings(text, int[]), hdl.erase_patient(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hdl.erase_patient(text, text, text) TO hdl_eraser;
