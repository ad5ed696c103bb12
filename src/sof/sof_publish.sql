-- Hand-off of marts to an analytics environment by logical replication (issue 18 item 5): a
-- PUBLICATION of chosen mart schemas, which a subscriber cluster copies (docs/marts.md, "Hand-off
-- to an analytics environment"). Only mart and mart_* schemas can be published: they hold
-- pseudonymised rows and nothing else, never the lake, the vault or the audit trail.
-- After sof.sql (sorted after it): hdl.create_mart gives every mart REPLICA IDENTITY FULL.

INSERT INTO hdl_audit.event_kind VALUES
	('mart_publish', 'http://dicom.nema.org/resources/ontology/DCM', '110106', 'Export', 'U', 'marts (hand-off)',
	 'Mart schemas were published for logical replication to another environment (a PUBLICATION created or changed).'),
	('mart_unpublish', 'http://dicom.nema.org/resources/ontology/DCM', '110106', 'Export', 'D', 'marts (hand-off)',
	 'A publication of mart schemas was dropped.');

-- The comment that marks a publication as hdl's: only those are changed or dropped here.
CREATE FUNCTION hdl._publication_mark() RETURNS text
	LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp
	AS $$ SELECT 'hdl: mart hand-off (hdl.publish_marts)'::text $$;

-- Publishes the mart schemas given (all their tables, present and future: FOR TABLES IN SCHEMA)
-- as the publication, creating it or replacing its list. Returns the schemas published.
-- SECURITY DEFINER: a schema publication needs a superuser (the extension's owner), and
-- REPLICA IDENTITY needs the tables' owner; engineers alone may execute it.
CREATE FUNCTION hdl.publish_marts(publication name, schemas name[] DEFAULT ARRAY['mart']::name[]) RETURNS name[]
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	s name;
	wanted name[];
	existing pg_publication;
	created boolean;
	tables bigint := 0;
	t record;
BEGIN
	PERFORM hdl._not_null(publish_marts.publication, 'publication'), hdl._not_null(publish_marts.schemas, 'schemas');
	IF array_position(publish_marts.schemas, NULL) IS NOT NULL THEN
		RAISE EXCEPTION 'schemas must not contain null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT array_agg(DISTINCT x ORDER BY x) INTO wanted FROM unnest(publish_marts.schemas) x;
	IF wanted IS NULL THEN
		RAISE EXCEPTION 'no schema to publish' USING ERRCODE = 'invalid_parameter_value',
			HINT = 'Name mart schemas, such as ARRAY[''mart''] (the default); hdl.unpublish_marts drops a publication.';
	END IF;
	-- mart and mart_* only (hdl._mart_name): nothing else reaches another environment
	FOREACH s IN ARRAY wanted LOOP
		IF s::text !~ '^mart(_[a-z0-9_]*)?$' THEN
			RAISE EXCEPTION 'schema "%" is not a mart schema and cannot be published', s
				USING ERRCODE = 'insufficient_privilege',
				DETAIL = 'Only the schemas mart and mart_*, which hold marts and nothing else, can be handed off.',
				HINT = 'Publish marts: build what the analytics environment needs as a mart (hdl.create_mart).';
		END IF;
		IF to_regnamespace(quote_ident(s)) IS NULL THEN
			RAISE EXCEPTION 'schema "%" does not exist', s USING ERRCODE = 'invalid_schema_name',
				HINT = 'hdl.create_mart creates a mart schema with its first mart.';
		END IF;
		-- a mart schema hdl made (as its owner): nobody else can have put a table in it
		IF (SELECT nspowner FROM pg_namespace WHERE nspname = s) <> (SELECT oid FROM pg_roles WHERE rolname = current_user) THEN
			RAISE EXCEPTION 'schema "%" was not made by hdl', s USING ERRCODE = 'insufficient_privilege',
				DETAIL = 'Its owner is not the role that owns the extension, so it may hold tables that are not marts.';
		END IF;
	END LOOP;
	IF current_setting('wal_level') <> 'logical' THEN
		RAISE EXCEPTION 'logical replication needs wal_level = logical (it is %)', current_setting('wal_level')
			USING ERRCODE = 'object_not_in_prerequisite_state',
			HINT = 'Set wal_level = logical in postgresql.conf (with max_wal_senders and max_replication_slots above 0) and restart the server.';
	END IF;
	SELECT * INTO existing FROM pg_publication p WHERE p.pubname = publish_marts.publication;
	created := NOT FOUND;
	IF NOT created AND obj_description(existing.oid, 'pg_publication') IS DISTINCT FROM hdl._publication_mark() THEN
		RAISE EXCEPTION 'publication "%" exists and was not made by hdl.publish_marts', publish_marts.publication
			USING ERRCODE = 'duplicate_object', HINT = 'Choose another publication name.';
	END IF;
	-- Deletes (an incremental refresh) need a replica identity; a mart has no key, so the whole
	-- row is the identity. hdl.create_mart sets it on new marts; older ones get it here.
	FOR t IN SELECT c.oid::regclass AS tbl, c.relreplident FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = ANY (wanted) AND c.relkind IN ('r', 'p') ORDER BY 1 LOOP
		IF t.relreplident <> 'f' THEN
			EXECUTE format('ALTER TABLE %s REPLICA IDENTITY FULL', t.tbl);
		END IF;
		tables := tables + 1;
	END LOOP;
	-- every change a refresh makes: a full one truncates and loads, an incremental one deletes and inserts
	IF created THEN
		EXECUTE format('CREATE PUBLICATION %I FOR TABLES IN SCHEMA %s WITH (publish = %L)', publish_marts.publication,
			(SELECT string_agg(quote_ident(x), ', ') FROM unnest(wanted) x), 'insert, update, delete, truncate');
		EXECUTE format('COMMENT ON PUBLICATION %I IS %L', publish_marts.publication, hdl._publication_mark());
	ELSE
		EXECUTE format('ALTER PUBLICATION %I SET TABLES IN SCHEMA %s', publish_marts.publication,
			(SELECT string_agg(quote_ident(x), ', ') FROM unnest(wanted) x));
		EXECUTE format('ALTER PUBLICATION %I SET (publish = %L)', publish_marts.publication, 'insert, update, delete, truncate');
	END IF;
	PERFORM hdl.audit_write('mart_publish', 'publication:' || publish_marts.publication,
		jsonb_build_object('schemas', to_jsonb(wanted), 'tables', tables, 'created', created));
	RETURN wanted;
END
$$;
COMMENT ON FUNCTION hdl.publish_marts(name, name[]) IS 'Publishes mart schemas (mart, mart_*; nothing else) for logical replication: creates the publication, or replaces its schemas, FOR TABLES IN SCHEMA, and gives their tables REPLICA IDENTITY FULL. Needs wal_level = logical. Returns the schemas. Audited. Engineers only.';

CREATE FUNCTION hdl.unpublish_marts(publication name) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	p oid;
BEGIN
	PERFORM hdl._not_null(unpublish_marts.publication, 'publication');
	SELECT oid INTO p FROM pg_publication WHERE pubname = unpublish_marts.publication;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'publication "%" does not exist', unpublish_marts.publication USING ERRCODE = 'undefined_object';
	END IF;
	IF obj_description(p, 'pg_publication') IS DISTINCT FROM hdl._publication_mark() THEN
		RAISE EXCEPTION 'publication "%" was not made by hdl.publish_marts', unpublish_marts.publication
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	EXECUTE format('DROP PUBLICATION %I', unpublish_marts.publication);
	PERFORM hdl.audit_write('mart_unpublish', 'publication:' || unpublish_marts.publication, '{}'::jsonb);
END
$$;
COMMENT ON FUNCTION hdl.unpublish_marts(name) IS 'Drops a publication made by hdl.publish_marts (subscribers stop receiving changes; their copies stay). Audited. Engineers only.';

REVOKE ALL ON FUNCTION hdl._publication_mark(), hdl.publish_marts(name, name[]), hdl.unpublish_marts(name) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hdl.publish_marts(name, name[]), hdl.unpublish_marts(name) TO hdl_engineer;
