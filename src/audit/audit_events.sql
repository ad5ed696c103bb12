-- hdl audit: the log as FHIR R4 AuditEvent resources, for auditors and FHIR tooling.

-- The AuditEvent entity of a subject: a reference when it is one (Type/id[/_history/n]),
-- otherwise an identifier in hdl's subject namespace.
CREATE FUNCTION hdl_audit._entity(subject text, detail jsonb) RETURNS jsonb
	LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
	SELECT jsonb_strip_nulls(jsonb_build_object(
		'what', CASE WHEN subject ~ '^[A-Z][A-Za-z]+/[A-Za-z0-9.-]{1,64}(/_history/[0-9]+)?$'
		             THEN jsonb_build_object('reference', subject)
		             ELSE jsonb_build_object('identifier', jsonb_build_object('system', 'urn:hdl:audit-subject', 'value', subject)) END,
		'type', jsonb_build_object('system', 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
			'code', CASE WHEN subject LIKE 'Patient/%' THEN '1' ELSE '2' END,
			'display', CASE WHEN subject LIKE 'Patient/%' THEN 'Person' ELSE 'System Object' END),
		'role', CASE WHEN subject LIKE 'Patient/%' THEN jsonb_build_object(
			'system', 'http://terminology.hl7.org/CodeSystem/object-role', 'code', '1', 'display', 'Patient') END,
		'detail', (SELECT jsonb_agg(jsonb_build_object('type', d.key,
		                   'valueString', CASE jsonb_typeof(d.value) WHEN 'string' THEN d.value #>> '{}' ELSE d.value::text END)
		                   ORDER BY d.key)
		           FROM jsonb_each(detail) d WHERE d.key NOT IN ('resources', 'purpose')))) $$;

CREATE VIEW hdl.audit_events AS
SELECT l.entry_id, l.logged_at, l.event, jsonb_strip_nulls(jsonb_build_object(
	'resourceType', 'AuditEvent',
	'id', 'hdl-audit-' || l.entry_id,
	'type', jsonb_build_object('system', coalesce(k.type_system, 'http://dicom.nema.org/resources/ontology/DCM'),
		'code', coalesce(k.type_code, '110100'), 'display', coalesce(k.type_display, 'Application Activity')),
	'subtype', jsonb_build_array(jsonb_build_object('system', 'urn:hdl:audit-event', 'code', l.event))
		|| CASE WHEN l.event = 'ingest' THEN jsonb_build_array(jsonb_build_object(
			'system', 'http://hl7.org/fhir/restful-interaction',
			'code', CASE WHEN l.detail ->> 'kind' IN ('transaction', 'batch') THEN l.detail ->> 'kind'
			             WHEN l.detail -> 'resources' ->> 0 LIKE '%/_history/1' THEN 'create' ELSE 'update' END))
		   ELSE '[]'::jsonb END,
	'action', coalesce(k.action, 'E'),
	'recorded', to_char(l.logged_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
	'outcome', CASE WHEN coalesce((l.detail ->> 'rejected')::int, 0) > 0 OR l.event LIKE '%\_refused' THEN '4' ELSE '0' END,
	'outcomeDesc', CASE WHEN coalesce((l.detail ->> 'rejected')::int, 0) > 0
		THEN (l.detail ->> 'rejected') || ' entries rejected'
		WHEN l.event LIKE '%\_refused' THEN 'refused: ' || coalesce(l.detail ->> 'reason', 'see detail') END,
	'purposeOfEvent', CASE WHEN l.detail ? 'purpose' THEN jsonb_build_array(jsonb_build_object('text', l.detail ->> 'purpose')) END,
	'agent', jsonb_build_array(jsonb_build_object(
		'who', jsonb_build_object('identifier', jsonb_build_object('system', 'urn:hdl:postgres-role', 'value', l.role_name::text),
			'display', l.role_name::text),
		'altId', CASE WHEN l.login_role <> l.role_name THEN l.login_role::text END,
		'requestor', true,
		'network', CASE WHEN l.client_addr IS NOT NULL THEN jsonb_build_object('address', host(l.client_addr), 'type', '2') END)),
	'source', jsonb_build_object('site', current_database(),
		'observer', jsonb_build_object('display', 'hdl ' || coalesce(hdl.version(), '')),
		'type', jsonb_build_array(jsonb_build_object('system', 'http://terminology.hl7.org/CodeSystem/security-source-type',
			'code', '4', 'display', 'Application Server'))),
	-- an entry without subject or resources has no entity (FHIR arrays are never empty)
	'entity', nullif(CASE WHEN l.subject IS NOT NULL THEN jsonb_build_array(hdl_audit._entity(l.subject, l.detail)) ELSE '[]'::jsonb END
		|| coalesce((SELECT jsonb_agg(jsonb_build_object('what', jsonb_build_object('reference', r.key),
		                  'type', jsonb_build_object('system', 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
		                                             'code', '2', 'display', 'System Object')) ORDER BY r.ord)
		             FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(l.detail -> 'resources') = 'array'
		                                                 THEN l.detail -> 'resources' END) WITH ORDINALITY r(key, ord)),
		            '[]'::jsonb), '[]'::jsonb)
)) AS resource
FROM hdl_audit.log l LEFT JOIN hdl_audit.event_kind k ON k.event OPERATOR(pg_catalog.=) l.event;
COMMENT ON VIEW hdl.audit_events IS 'The audit trail as FHIR R4 AuditEvent resources: type and action from hdl_audit.event_kind, subtype the hdl event (and the RESTful interaction of ingests), agent the acting role, entities the subject and every resource version written.';
COMMENT ON COLUMN hdl.audit_events.entry_id IS 'The entry in hdl_audit.log.';
COMMENT ON COLUMN hdl.audit_events.resource IS 'The AuditEvent resource (FHIR R4).';

REVOKE ALL ON hdl.audit_events FROM PUBLIC;
REVOKE ALL ON FUNCTION hdl_audit._entity(text, jsonb) FROM PUBLIC;
GRANT SELECT ON hdl.audit_events TO hdl_auditor;
GRANT EXECUTE ON FUNCTION hdl_audit._entity(text, jsonb) TO hdl_auditor;
