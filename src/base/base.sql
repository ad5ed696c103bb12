-- hdl base: schemas, group roles, and the boundary test functions.
\echo Use "CREATE EXTENSION hdl CASCADE" to load this file. \quit

-- Group roles are cluster-wide: create each only if another database's hdl has not already.
DO $roles$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['hdl_provider', 'hdl_analyst', 'hdl_engineer', 'hdl_reidentifier', 'hdl_auditor', 'hdl_eraser']
	LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) r) THEN
			EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
		END IF;
	END LOOP;
END
$roles$;

-- hdl owns its schemas (no IF NOT EXISTS): the API, the lake, the vault, the audit trail, marts.
CREATE SCHEMA hdl;
CREATE SCHEMA hdl_lake;
CREATE SCHEMA hdl_vault;
CREATE SCHEMA hdl_audit;
CREATE SCHEMA mart;
COMMENT ON SCHEMA hdl IS 'hdl: the SQL API, configuration and bookkeeping, console and catalogue views';
COMMENT ON SCHEMA hdl_lake IS 'hdl: pseudonymised clinical resources (current, history, change log)';
COMMENT ON SCHEMA hdl_vault IS 'hdl: encrypted patient identifiers, reachable only through audited functions';
COMMENT ON SCHEMA hdl_audit IS 'hdl: the append-only, hash-chained audit trail';
COMMENT ON SCHEMA mart IS 'hdl: flat marts built from SQL-on-FHIR ViewDefinitions, for analysts';

REVOKE ALL ON SCHEMA hdl, hdl_lake, hdl_vault, hdl_audit, mart FROM PUBLIC;
GRANT USAGE ON SCHEMA hdl TO hdl_provider, hdl_analyst, hdl_engineer, hdl_reidentifier, hdl_auditor, hdl_eraser;
GRANT USAGE ON SCHEMA mart TO hdl_analyst, hdl_engineer;

-- Boundary test functions: refused unless a superuser sets hdl.enable_test_functions.
CREATE FUNCTION hdl._test_throw(kind text) RETURNS void
	LANGUAGE c STRICT AS 'MODULE_PATHNAME', 'hdl_test_throw';
CREATE FUNCTION hdl._test_guarded_pg_error() RETURNS void
	LANGUAGE c AS 'MODULE_PATHNAME', 'hdl_test_guarded_pg_error';
CREATE FUNCTION hdl._test_live_objects() RETURNS int
	LANGUAGE c AS 'MODULE_PATHNAME', 'hdl_test_live_objects';
CREATE FUNCTION hdl._test_subxact(use_cpp_exception boolean) RETURNS text
	LANGUAGE c STRICT AS 'MODULE_PATHNAME', 'hdl_test_subxact';
CREATE FUNCTION hdl._test_jsonb_reencode_identical(doc jsonb) RETURNS boolean
	LANGUAGE c STRICT IMMUTABLE AS 'MODULE_PATHNAME', 'hdl_test_jsonb_reencode_identical';
CREATE FUNCTION hdl._test_jsonb_reencode(doc jsonb) RETURNS jsonb
	LANGUAGE c STRICT IMMUTABLE AS 'MODULE_PATHNAME', 'hdl_test_jsonb_reencode';
REVOKE ALL ON FUNCTION hdl._test_throw(text), hdl._test_guarded_pg_error(), hdl._test_live_objects(),
	hdl._test_subxact(boolean), hdl._test_jsonb_reencode_identical(jsonb), hdl._test_jsonb_reencode(jsonb)
	FROM PUBLIC;

-- The ERROR of hdl's PL/pgSQL functions, without the caller's statement or a context in the
-- server log (src/base/raise.cpp). NULL detail or hint: none.
CREATE FUNCTION hdl._raise(sqlstate text, message text, detail text, hint text) RETURNS void
	LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'hdl_raise';
REVOKE ALL ON FUNCTION hdl._raise(text, text, text, text) FROM PUBLIC;

-- Refuses a NULL argument that has no meaning: SQLSTATE 22004 naming the argument, before the NULL
-- reaches a lookup, a message or a table (issue 13). PERFORM hdl._not_null(job_name, 'job name').
CREATE FUNCTION hdl._is_resource_type(name text) RETURNS boolean
	LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'hdl_is_resource_type';
COMMENT ON FUNCTION hdl._is_resource_type(text) IS 'Internal: whether a name is an FHIR R4 resource type (Patient, Observation, ...).';
REVOKE ALL ON FUNCTION hdl._is_resource_type(text) FROM PUBLIC;

CREATE FUNCTION hdl._not_null(value anyelement, arg text) RETURNS void
	LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF value IS NULL THEN
		RAISE EXCEPTION '% must not be null', coalesce(arg, 'an argument') USING ERRCODE = 'null_value_not_allowed';
	END IF;
END
$$;
COMMENT ON FUNCTION hdl._not_null(anyelement, text) IS 'Raises SQLSTATE 22004 naming the argument when value is NULL.';

CREATE FUNCTION hdl.version() RETURNS text
	LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp
	AS $$ SELECT extversion::text FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.=) 'hdl' $$;
COMMENT ON FUNCTION hdl.version() IS 'The installed version of the hdl extension.';
