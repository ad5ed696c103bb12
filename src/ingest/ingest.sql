-- hdl ingest: sources, batches, the lake (current versions, history = change log), and the
-- ingest/read API.

-- Provider sources. A provider role submits as itself; a gateway role (PostgREST) may act for
-- several organisations, named by the JWT claim "hdl_org", but only those registered for it.
CREATE TABLE hdl.source (
	source_id serial PRIMARY KEY,
	role_name name NOT NULL,
	org_code text NOT NULL CHECK (org_code ~ '^[A-Za-z0-9-]{1,20}$'),
	display text NOT NULL,
	is_gateway boolean NOT NULL DEFAULT false,
	registered_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	registered_by name NOT NULL DEFAULT CURRENT_USER,
	UNIQUE (role_name, org_code)
);
COMMENT ON TABLE hdl.source IS 'Registered provider sources: the role that submits, its organisation (ODS code), and whether the role is a gateway acting for several organisations.';

CREATE TABLE hdl.ingest_batch (
	batch_id bigserial PRIMARY KEY,
	source_id int NOT NULL REFERENCES hdl.source,
	submitted_by name NOT NULL,
	kind text NOT NULL CHECK (kind IN ('resource', 'transaction', 'batch', 'import')),
	received_at timestamptz NOT NULL,
	stored int NOT NULL,
	rejected int NOT NULL,
	resource_counts jsonb NOT NULL,
	-- the writing transaction: the ETL launcher announces batches by it (src/etl/etl.sql)
	txid xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id()
);
CREATE INDEX ingest_batch_txid_idx ON hdl.ingest_batch (txid);
COMMENT ON TABLE hdl.ingest_batch IS 'One row per ingest call (a resource, a Bundle, an import file): who, when, what was stored and rejected.';

-- Current versions, partitioned by resource type; the patient column keeps the patient
-- pseudonym for patient-level queries (and future distribution by patient).
CREATE TABLE hdl_lake.resource (
	resource_type text NOT NULL,
	id text NOT NULL,
	version int NOT NULL,
	patient text,
	last_updated timestamptz NOT NULL,
	source_id int NOT NULL,
	batch_id bigint NOT NULL,
	resource jsonb NOT NULL,
	PRIMARY KEY (resource_type, id)
) PARTITION BY LIST (resource_type);
COMMENT ON TABLE hdl_lake.resource IS 'The current version of every resource in the lake (pseudonymised).';

-- Every version ever stored. It is also the change log marts consume: txid orders changes by
-- commit visibility (see docs/ingest.md), never by a sequence alone.
CREATE TABLE hdl_lake.resource_history (
	resource_type text NOT NULL,
	id text NOT NULL,
	version int NOT NULL,
	operation text NOT NULL CHECK (operation IN ('create', 'update')),
	patient text,
	last_updated timestamptz NOT NULL,
	source_id int NOT NULL,
	batch_id bigint NOT NULL,
	txid xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id(),
	resource jsonb NOT NULL,
	PRIMARY KEY (resource_type, id, version)
) PARTITION BY LIST (resource_type);
COMMENT ON TABLE hdl_lake.resource_history IS 'Every version of every resource, with its source, batch and writing transaction.';

DO $partitions$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['Patient', 'Encounter', 'Observation', 'Condition', 'MedicationRequest', 'Procedure',
		'AllergyIntolerance', 'DiagnosticReport', 'Immunization', 'DocumentReference', 'Claim', 'ExplanationOfBenefit',
		'CarePlan', 'CareTeam', 'Organization', 'Practitioner', 'PractitionerRole', 'Location', 'Device',
		'MedicationAdministration', 'Medication', 'Provenance', 'ImagingStudy', 'SupplyDelivery', 'Goal']
	LOOP
		EXECUTE pg_catalog.format('CREATE TABLE hdl_lake.%I PARTITION OF hdl_lake.resource FOR VALUES IN (%L)',
			'resource_' || pg_catalog.lower(t), t);
		EXECUTE pg_catalog.format('CREATE TABLE hdl_lake.%I PARTITION OF hdl_lake.resource_history FOR VALUES IN (%L)',
			'history_' || pg_catalog.lower(t), t);
	END LOOP;
END
$partitions$;
CREATE TABLE hdl_lake.resource_other PARTITION OF hdl_lake.resource DEFAULT;
CREATE TABLE hdl_lake.history_other PARTITION OF hdl_lake.resource_history DEFAULT;

CREATE INDEX resource_patient_idx ON hdl_lake.resource (patient, resource_type) WHERE patient IS NOT NULL;
CREATE INDEX resource_last_updated_idx ON hdl_lake.resource (resource_type, last_updated);
CREATE INDEX resource_identifier_idx ON hdl_lake.resource USING gin ((resource -> 'identifier') jsonb_path_ops);
CREATE INDEX history_txid_idx ON hdl_lake.resource_history (txid);

CREATE VIEW hdl_lake.change_log AS
	SELECT resource_type, id, version, operation, batch_id, txid, last_updated
	FROM hdl_lake.resource_history;
COMMENT ON VIEW hdl_lake.change_log IS 'Changes in the lake (type, id, version, operation, batch, writing transaction): the contract marts consume incrementally.';

-- Every source keeps its own Patient record of a person; the records link through the pseudonym
-- (docs/ingest.md, "Patients"). For engineers: WHERE pseudonym = '...' lists one person's records.
CREATE VIEW hdl_lake.linked_patients AS
	SELECT r.patient AS pseudonym, r.id AS record_id, s.org_code AS source, s.display AS source_name,
		r.version, r.last_updated, pg_catalog.count(*) OVER (PARTITION BY r.patient) AS linked_records
	FROM hdl_lake.resource r JOIN hdl.source s ON s.source_id OPERATOR(pg_catalog.=) r.source_id
	WHERE r.resource_type OPERATOR(pg_catalog.=) 'Patient';
COMMENT ON VIEW hdl_lake.linked_patients IS 'The Patient records of each pseudonym, one per source that sent the person: record id, source (ODS code and name), current version; no identifiers.';

-- Ingest API. The C functions are SECURITY DEFINER: they find the calling source from the
-- outer role (SET ROLE) and write the lake as the extension owner. Every statement they run is a
-- key lookup; their plans are cached for the session and may have been made while the lake was
-- empty, so sequential scans and hash joins are priced out (a stale plan must not turn each
-- lookup into a scan of a table that has since grown). Priced out, a scan that must happen
-- (in a function they call) looks expensive enough to start JIT compilation: JIT is off.
CREATE FUNCTION hdl.ingest(resource jsonb, level text DEFAULT NULL) RETURNS jsonb
	LANGUAGE c VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
	SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off SET jit = off
	AS 'MODULE_PATHNAME', 'hdl_ingest';
COMMENT ON FUNCTION hdl.ingest(jsonb, text) IS 'Stores one FHIR R4 resource: a create (no id, or an id not stored yet) or an update (new version). Returns the stored resource with meta.versionId and meta.lastUpdated. level: strict (default), structure or minimal.';

CREATE FUNCTION hdl.ingest_bundle(bundle jsonb, level text DEFAULT NULL) RETURNS jsonb
	LANGUAGE c VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
	SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off SET jit = off
	AS 'MODULE_PATHNAME', 'hdl_ingest_bundle';
COMMENT ON FUNCTION hdl.ingest_bundle(jsonb, text) IS 'Stores a FHIR transaction Bundle (all or nothing) or batch Bundle (entries independent); POST and PUT entries only. Returns the transaction-response or batch-response Bundle.';

CREATE FUNCTION hdl.validate(resource jsonb, level text DEFAULT NULL) RETURNS jsonb
	LANGUAGE c STABLE SET search_path = pg_catalog, pg_temp
	AS 'MODULE_PATHNAME', 'hdl_validate';
COMMENT ON FUNCTION hdl.validate(jsonb, text) IS 'Validates a FHIR R4 resource or Bundle and returns an OperationOutcome; stores nothing.';

REVOKE ALL ON FUNCTION hdl.ingest(jsonb, text), hdl.ingest_bundle(jsonb, text), hdl.validate(jsonb, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hdl.ingest(jsonb, text), hdl.ingest_bundle(jsonb, text), hdl.validate(jsonb, text) TO hdl_provider;
GRANT EXECUTE ON FUNCTION hdl.validate(jsonb, text) TO hdl_engineer;

CREATE FUNCTION hdl.register_source(role name, org_code text, display text, gateway boolean DEFAULT false)
RETURNS int LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
	new_id int;
BEGIN
	PERFORM hdl._not_null(register_source.role, 'role'), hdl._not_null(register_source.org_code, 'org_code'),
		hdl._not_null(register_source.gateway, 'gateway');
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) register_source.role) THEN
		RAISE EXCEPTION 'role "%" does not exist', register_source.role USING ERRCODE = 'undefined_object';
	END IF;
	INSERT INTO hdl.source (role_name, org_code, display, is_gateway)
	VALUES (register_source.role, register_source.org_code, register_source.display, register_source.gateway)
	ON CONFLICT (role_name, org_code) DO UPDATE SET display = EXCLUDED.display, is_gateway = EXCLUDED.is_gateway
	RETURNING source_id INTO new_id;
	RETURN new_id;
END
$$;
REVOKE ALL ON FUNCTION hdl.register_source(name, text, text, boolean) FROM PUBLIC;
COMMENT ON FUNCTION hdl.register_source(name, text, text, boolean) IS 'Registers a role as the source of an organisation (ODS code). A provider role must be registered before it can ingest; gateway => true lets a PostgREST role act for that organisation when the JWT claim hdl_org names it.';

-- Reads for engineers and DBAs.
-- hdl.read is C: it reads the type's partition with a plan kept per backend (src/ingest/read.cpp);
-- its statement names every object by schema, so it needs no search_path.
CREATE FUNCTION hdl.read(type text, id text) RETURNS jsonb
	LANGUAGE c STRICT STABLE AS 'MODULE_PATHNAME', 'hdl_read';
CREATE FUNCTION hdl.vread(type text, id text, version int) RETURNS jsonb
	LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
	SELECT resource FROM hdl_lake.resource_history h
	WHERE h.resource_type OPERATOR(pg_catalog.=) $1 AND h.id OPERATOR(pg_catalog.=) $2
	  AND h.version OPERATOR(pg_catalog.=) $3 $$;
CREATE FUNCTION hdl.history(type text, id text) RETURNS SETOF jsonb
	LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
	SELECT resource FROM hdl_lake.resource_history h
	WHERE h.resource_type OPERATOR(pg_catalog.=) $1 AND h.id OPERATOR(pg_catalog.=) $2
	ORDER BY h.version DESC $$;
COMMENT ON FUNCTION hdl.read(text, text) IS 'The current version of a resource, or NULL.';
COMMENT ON FUNCTION hdl.vread(text, text, int) IS 'One version of a resource, or NULL.';
COMMENT ON FUNCTION hdl.history(text, text) IS 'Every version of a resource, newest first.';
REVOKE ALL ON FUNCTION hdl.read(text, text), hdl.vread(text, text, int), hdl.history(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hdl.read(text, text), hdl.vread(text, text, int), hdl.history(text, text) TO hdl_engineer;

GRANT USAGE ON SCHEMA hdl_lake TO hdl_engineer;
GRANT SELECT ON ALL TABLES IN SCHEMA hdl_lake TO hdl_engineer;
GRANT SELECT ON hdl.source, hdl.ingest_batch TO hdl_engineer;
