-- hdl analyst workspaces (issue 18 item 4): a schema an analyst owns, for cohorts and derived tables
-- made from marts. Its objects run with the analyst's own privileges, so nothing in it can read
-- the lake or the vault: a workspace is only given to a role that cannot read them either.

CREATE TABLE hdl.workspace (
	role_name name PRIMARY KEY,
	schema_name name NOT NULL UNIQUE,
	created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	created_by name NOT NULL
);
COMMENT ON TABLE hdl.workspace IS 'Analyst workspaces: each analyst role''s own schema (hdl.create_workspace).';
GRANT SELECT ON hdl.workspace TO hdl_engineer;

INSERT INTO hdl_audit.event_kind VALUES
	('workspace_create', 'http://dicom.nema.org/resources/ontology/DCM', '110100', 'Application Activity', 'C', 'marts (workspaces)',
	 'An analyst workspace (a schema the analyst owns) was created.'),
	('workspace_drop', 'http://dicom.nema.org/resources/ontology/DCM', '110100', 'Application Activity', 'D', 'marts (workspaces)',
	 'An analyst workspace was dropped with everything in it.');

-- Why a role may not have a workspace, or NULL when it may. Objects in a schema run as their owner
-- (a view, a SECURITY DEFINER function): an owner who can read the lake could pass it on.
CREATE FUNCTION hdl._workspace_refusal(r name) RETURNS text
	LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
	SELECT CASE
		WHEN NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN 'it does not exist'
		WHEN (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = r) THEN 'it is a superuser or bypasses row security'
		WHEN NOT pg_has_role(r, 'hdl_analyst', 'USAGE') THEN 'it is not a member of hdl_analyst'
		WHEN pg_has_role(r, 'hdl_engineer', 'USAGE') OR pg_has_role(r, 'hdl_provider', 'USAGE')
		  OR pg_has_role(r, 'hdl_reidentifier', 'USAGE') OR pg_has_role(r, 'hdl_auditor', 'USAGE')
		  OR pg_has_role(r, 'hdl_eraser', 'USAGE')
		  OR has_schema_privilege(r, 'hdl_lake', 'USAGE') OR has_schema_privilege(r, 'hdl_vault', 'USAGE')
		  OR has_schema_privilege(r, 'hdl_audit', 'USAGE')
			THEN 'it can read more than marts (another hdl role, or the lake, vault or audit schema)'
	END $$;

-- Creates (or returns) the analyst's workspace, ws_<role> unless a name is given. Idempotent: a
-- schema of that name the analyst already owns (say, kept through DROP EXTENSION hdl CASCADE) is
-- adopted. SECURITY DEFINER: engineers (who alone may execute it) need no right to create schemas.
CREATE FUNCTION hdl.create_workspace(analyst name, schema_name name DEFAULT NULL) RETURNS name
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	why text;
	s name := coalesce(create_workspace.schema_name, ('ws_' || create_workspace.analyst)::name);
	existing hdl.workspace;
	owner name;
BEGIN
	PERFORM hdl._not_null(create_workspace.analyst, 'analyst');
	-- Workspace changes take turns (specs/workspace_concurrency.spec): a second caller for the
	-- same analyst then finds the first's workspace instead of failing on its CREATE SCHEMA.
	PERFORM pg_advisory_xact_lock(hashtext('hdl.workspace'));
	why := hdl._workspace_refusal(create_workspace.analyst);
	IF why IS NOT NULL THEN
		RAISE EXCEPTION 'role "%" cannot have a workspace: %', create_workspace.analyst, why
			USING ERRCODE = 'invalid_parameter_value',
			HINT = 'A workspace is for a role that is a member of hdl_analyst and of no other hdl role.';
	END IF;
	IF length(('ws_' || create_workspace.analyst)) > 63 AND create_workspace.schema_name IS NULL THEN
		RAISE EXCEPTION 'the workspace name "ws_%" is longer than 63 bytes', create_workspace.analyst
			USING ERRCODE = 'name_too_long', HINT = 'Give a shorter schema_name.';
	END IF;
	-- mart and mart_* are where marts live (hdl._mart_name): never an analyst's
	IF s ~ '^(pg_|hdl|mart$|mart_)' OR s IN ('public', 'information_schema') THEN
		RAISE EXCEPTION 'schema "%" cannot be a workspace', s USING ERRCODE = 'reserved_name',
			HINT = 'hdl''s own schemas, mart schemas, public and pg_* are reserved.';
	END IF;
	SELECT * INTO existing FROM hdl.workspace w WHERE w.role_name = create_workspace.analyst;
	IF FOUND THEN
		IF existing.schema_name <> s THEN
			RAISE EXCEPTION 'role "%" already has the workspace "%"', create_workspace.analyst, existing.schema_name
				USING ERRCODE = 'duplicate_schema';
		END IF;
		RETURN s;
	END IF;
	SELECT pg_get_userbyid(n.nspowner) INTO owner FROM pg_namespace n WHERE n.nspname = s;
	IF owner IS NOT NULL AND owner <> create_workspace.analyst THEN
		RAISE EXCEPTION 'schema "%" already exists and belongs to another role', s USING ERRCODE = 'duplicate_schema';
	ELSIF owner IS NULL THEN
		EXECUTE format('CREATE SCHEMA %I AUTHORIZATION %I', s, create_workspace.analyst);
		EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', s);
	END IF;
	EXECUTE format('COMMENT ON SCHEMA %I IS %L', s, 'hdl: the workspace of analyst ' || create_workspace.analyst);
	INSERT INTO hdl.workspace (role_name, schema_name, created_by)
	VALUES (create_workspace.analyst, s, hdl._outer_role());
	PERFORM hdl.audit_write('workspace_create', 'workspace:' || s,
		jsonb_build_object('role', create_workspace.analyst, 'adopted', owner IS NOT NULL));
	RETURN s;
END
$$;
COMMENT ON FUNCTION hdl.create_workspace(name, name) IS 'Gives an analyst role a schema of its own (ws_<role> by default) where it may create tables and views from marts; refused for a role that can read more than marts. Audited. Engineers only.';

CREATE FUNCTION hdl.drop_workspace(analyst name) RETURNS name
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	s name;
BEGIN
	PERFORM hdl._not_null(drop_workspace.analyst, 'analyst');
	PERFORM pg_advisory_xact_lock(hashtext('hdl.workspace'));
	DELETE FROM hdl.workspace w WHERE w.role_name = drop_workspace.analyst RETURNING w.schema_name INTO s;
	IF s IS NULL THEN
		RAISE EXCEPTION 'role "%" has no workspace', drop_workspace.analyst USING ERRCODE = 'undefined_object';
	END IF;
	EXECUTE format('DROP SCHEMA IF EXISTS %I CASCADE', s);
	PERFORM hdl.audit_write('workspace_drop', 'workspace:' || s, jsonb_build_object('role', drop_workspace.analyst));
	RETURN s;
END
$$;
COMMENT ON FUNCTION hdl.drop_workspace(name) IS 'Drops an analyst''s workspace and everything in it. Audited. Engineers only.';

REVOKE ALL ON FUNCTION hdl._workspace_refusal(name), hdl.create_workspace(name, name), hdl.drop_workspace(name) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hdl.create_workspace(name, name), hdl.drop_workspace(name) TO hdl_engineer;
