-- hdl_api: the schema PostgREST exposes (db-schemas = hdl_api). Each function takes the request
-- body as its single unnamed jsonb parameter, so POST /rpc/ingest_bundle passes the Bundle as is.
-- PostgREST switches to the JWT's role (SET LOCAL ROLE) and sets request.jwt.claims; hdl finds
-- the source from that role, or from the claim hdl_org for a registered gateway role.
CREATE SCHEMA hdl_api;
COMMENT ON SCHEMA hdl_api IS 'hdl: the HTTP API schema for PostgREST (ingest, validate)';
REVOKE ALL ON SCHEMA hdl_api FROM PUBLIC;
GRANT USAGE ON SCHEMA hdl_api TO hdl_provider;

CREATE FUNCTION hdl_api.ingest_bundle(jsonb) RETURNS jsonb
	LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$ SELECT hdl.ingest_bundle($1) $$;
CREATE FUNCTION hdl_api.ingest(jsonb) RETURNS jsonb
	LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$ SELECT hdl.ingest($1) $$;
CREATE FUNCTION hdl_api.validate(jsonb) RETURNS jsonb
	LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
	AS $$ SELECT hdl.validate($1) $$;
COMMENT ON FUNCTION hdl_api.ingest_bundle(jsonb) IS 'POST /rpc/ingest_bundle: a FHIR transaction or batch Bundle; answers the response Bundle.';
COMMENT ON FUNCTION hdl_api.ingest(jsonb) IS 'POST /rpc/ingest: one FHIR resource; answers the stored resource.';
COMMENT ON FUNCTION hdl_api.validate(jsonb) IS 'POST /rpc/validate: an OperationOutcome for a resource or Bundle; stores nothing.';

-- PostgREST's db-pre-request hook: refuse unregistered roles before any function runs, with
-- 42501 (which PostgREST answers as 403). Engineers pass (GET /rpc/console); function
-- privileges decide the rest.
CREATE FUNCTION hdl_api.pre_request() RETURNS void
	LANGUAGE c VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
	AS 'MODULE_PATHNAME', 'hdl_api_pre_request';
COMMENT ON FUNCTION hdl_api.pre_request() IS 'PostgREST db-pre-request: raises 42501 unless the request''s role (and claim hdl_org for gateways) is a registered hdl source, or a member of hdl_engineer (the console).';

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA hdl_api FROM PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA hdl_api TO hdl_provider;
-- PostgREST calls the hook as the JWT's role on every request, the console's included.
GRANT EXECUTE ON FUNCTION hdl_api.pre_request() TO hdl_engineer;
