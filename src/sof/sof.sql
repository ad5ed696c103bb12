-- hdl sof: SQL-on-FHIR v2 ViewDefinitions over JSON and over the lake, and marts (typed tables
-- built from a ViewDefinition, refreshed in full or incrementally from the change log).
-- docs/marts.md documents the mapping, the refresh contract and the starter marts.

-- Evaluation. sof_evaluate is stateless; view_run reads the lake as the caller (engineers).
CREATE FUNCTION hdl.sof_evaluate(view jsonb, resources jsonb) RETURNS SETOF jsonb
	LANGUAGE c STABLE STRICT SET search_path = pg_catalog, pg_temp
	AS 'MODULE_PATHNAME', 'hdl_sof_evaluate';
COMMENT ON FUNCTION hdl.sof_evaluate(jsonb, jsonb) IS 'Runs a SQL-on-FHIR v2 ViewDefinition over a JSON array of resources; one JSON object (column name -> value) per row. Invalid views fail with SQLSTATE 22023 naming the problem.';

CREATE FUNCTION hdl.view_run(view jsonb) RETURNS SETOF jsonb
	LANGUAGE c STABLE STRICT SET search_path = pg_catalog, pg_temp
	AS 'MODULE_PATHNAME', 'hdl_view_run';
COMMENT ON FUNCTION hdl.view_run(jsonb) IS 'Runs a ViewDefinition over the current resources of its type in the lake (streamed in batches); one JSON object per row. Needs read access to hdl_lake.';

CREATE FUNCTION hdl._sof_columns(view jsonb, OUT ordinal int, OUT name text, OUT fhir_type text,
	OUT collection boolean, OUT description text, OUT sql_type text, OUT text_column text,
	OUT patient_key boolean) RETURNS SETOF record
	LANGUAGE c STABLE STRICT SET search_path = pg_catalog, pg_temp
	AS 'MODULE_PATHNAME', 'hdl_sof_columns';
COMMENT ON FUNCTION hdl._sof_columns(jsonb) IS 'Internal: the columns of a ViewDefinition (validating it): FHIR type (the view''s, or inferred from the R4 element of the path), the SQL type a postgres/type or ansi/type tag asks for, the column keeping the FHIR text of a typed time column, and whether the path yields the patient key.';

CREATE FUNCTION hdl._mart_rows(view jsonb, ids text[]) RETURNS SETOF record
	LANGUAGE c STABLE SET search_path = pg_catalog, pg_temp
	AS 'MODULE_PATHNAME', 'hdl_mart_rows';
COMMENT ON FUNCTION hdl._mart_rows(jsonb, text[]) IS 'Internal: typed rows of a view over the lake (the given ids of its type, or all when NULL), resource key last; the column definition list gives the types.';

CREATE FUNCTION hdl._mart_fill(view jsonb, target regclass) RETURNS bigint
	LANGUAGE c VOLATILE STRICT SET search_path = pg_catalog, pg_temp
	AS 'MODULE_PATHNAME', 'hdl_mart_fill';
COMMENT ON FUNCTION hdl._mart_fill(jsonb, regclass) IS 'Internal: inserts the typed rows of a view over all the lake''s resources of its type straight into a mart table whose columns are the view''s, then _resource_key; returns the rows inserted. The caller needs INSERT on the table; the table must have no INSERT triggers.';
CREATE FUNCTION hdl._mart_fill_changes(view jsonb, since pg_snapshot, upto pg_snapshot, own xid8, target regclass) RETURNS bigint
	LANGUAGE c VOLATILE STRICT SET search_path = pg_catalog, pg_temp
	AS 'MODULE_PATHNAME', 'hdl_mart_fill_changes';
COMMENT ON FUNCTION hdl._mart_fill_changes(jsonb, pg_snapshot, pg_snapshot, xid8, regclass) IS 'Internal: as hdl._mart_fill, for the current versions of the resources changed after the snapshot since and seen by upto (or written by the transaction own), read from the change log.';

CREATE FUNCTION hdl._mart_fill_ids(view jsonb, ids text[], target regclass) RETURNS bigint
	LANGUAGE c VOLATILE STRICT SET search_path = pg_catalog, pg_temp
	AS 'MODULE_PATHNAME', 'hdl_mart_fill_ids';
COMMENT ON FUNCTION hdl._mart_fill_ids(jsonb, text[], regclass) IS 'Internal: as hdl._mart_fill, for the current versions of the given resources of the view''s type (those an opt-out withdrawal re-includes).';

REVOKE ALL ON FUNCTION hdl.sof_evaluate(jsonb, jsonb), hdl.view_run(jsonb), hdl._sof_columns(jsonb),
	hdl._mart_rows(jsonb, text[]), hdl._mart_fill(jsonb, regclass),
	hdl._mart_fill_changes(jsonb, pg_snapshot, pg_snapshot, xid8, regclass),
	hdl._mart_fill_ids(jsonb, text[], regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hdl.sof_evaluate(jsonb, jsonb), hdl._sof_columns(jsonb) TO hdl_engineer, hdl_analyst;
GRANT EXECUTE ON FUNCTION hdl.view_run(jsonb) TO hdl_engineer;

-- The SQL type of a view column: a tag wins; otherwise FHIR primitives map to SQL types. date
-- and dateTime columns hold the start of the period of a partial value ("2020" is 2020-01-01)
-- and are followed in a mart by <name>_text, the FHIR text (docs/marts.md, "Column types").
CREATE FUNCTION hdl.mart_column_type(fhir_type text, collection boolean DEFAULT false, tag_type text DEFAULT NULL)
RETURNS text LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	t regtype;
BEGIN
	IF tag_type IS NOT NULL THEN
		BEGIN
			t := pg_catalog.to_regtype(tag_type);
		EXCEPTION WHEN syntax_error THEN
			t := NULL;
		END;
		IF t IS NULL THEN
			RAISE EXCEPTION 'unknown SQL type "%" in a column tag', tag_type USING ERRCODE = 'invalid_parameter_value',
				HINT = 'A postgres/type or ansi/type tag must name a type Postgres knows, such as date, numeric or varchar(10).';
		END IF;
		RETURN pg_catalog.format_type(t, NULL);
	END IF;
	IF collection THEN
		RETURN 'jsonb';
	END IF;
	RETURN CASE
		WHEN fhir_type = 'boolean' THEN 'boolean'
		WHEN fhir_type IN ('integer', 'positiveInt', 'unsignedInt') THEN 'integer'
		WHEN fhir_type = 'integer64' THEN 'bigint'
		WHEN fhir_type = 'decimal' THEN 'numeric'
		WHEN fhir_type IN ('instant', 'dateTime') THEN 'timestamp with time zone'
		WHEN fhir_type = 'date' THEN 'date'
		WHEN fhir_type = 'time' THEN 'time without time zone'
		WHEN fhir_type IS NULL OR fhir_type = '' OR fhir_type IN ('string', 'code', 'id', 'uri', 'url', 'canonical',
			'markdown', 'oid', 'uuid', 'base64Binary', 'xhtml') THEN 'text'
		ELSE 'jsonb' -- complex types (Coding, Reference, ...)
	END;
END
$$;
COMMENT ON FUNCTION hdl.mart_column_type(text, boolean, text) IS 'The SQL type of a mart column for a FHIR type (docs/marts.md has the table); a postgres/type or ansi/type column tag overrides it.';
GRANT EXECUTE ON FUNCTION hdl.mart_column_type(text, boolean, text) TO hdl_engineer, hdl_analyst;

-- The registry. The watermark is the snapshot of the last refresh: the next incremental refresh
-- consumes the changes whose writing transaction was not visible in it.
CREATE TABLE hdl.mart (
	name text PRIMARY KEY,
	schema_name name NOT NULL,
	table_name name NOT NULL,
	view jsonb NOT NULL,
	view_name text,
	view_url text,
	resource_type text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	created_by name NOT NULL,
	last_refresh_at timestamptz,
	last_refresh_mode text CHECK (last_refresh_mode IN ('full', 'incremental')),
	last_refresh_ms double precision,
	last_refresh_changes bigint,
	row_count bigint NOT NULL DEFAULT 0,
	watermark pg_snapshot,
	-- the transaction of the last refresh: its own ingests before the refresh are in the mart
	-- already, yet not visible in the watermark
	watermark_txid xid8,
	-- one btree index per column listed (besides _resource_key's); hdl.mart_set_indexes changes them
	index_columns text[] NOT NULL DEFAULT '{}',
	-- National Data Opt-out (docs/governance.md): an exempt mart keeps opted-out patients' rows;
	-- only hdl.mart_set_opt_out_exempt sets it, with a reason, audited
	opt_out_exempt boolean NOT NULL DEFAULT false,
	opt_out_exempt_reason text,
	opt_out_exempt_by name,
	opt_out_exempt_at timestamptz,
	-- what the last refresh applied: the national list (hdl.opt_out_list) and whether it was exempt
	opt_out_list_id bigint,
	opt_out_applied_exempt boolean NOT NULL DEFAULT false,
	UNIQUE (schema_name, table_name)
);
COMMENT ON TABLE hdl.mart IS 'Marts: name, table, ViewDefinition, resource type, last refresh (when, mode, duration, rows changed), row count, the incremental watermark (a snapshot, and the transaction that took it), the indexed columns and the opt-out exemption (docs/governance.md).';
REVOKE ALL ON hdl.mart FROM PUBLIC;
GRANT SELECT ON hdl.mart TO hdl_engineer;

-- 'x' -> mart.x; 'mart_s.x' -> mart_s.x; 'mart.x' is 'x'. Lower-case identifiers only, so the
-- names analysts type need no quoting.
CREATE FUNCTION hdl._mart_name(name text, OUT mart_name text, OUT schema_name name, OUT table_name name)
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	parts text[];
BEGIN
	PERFORM hdl._not_null(name, 'mart name');
	IF name IS NULL OR name !~ '^([a-z][a-z0-9_]{0,62}\.)?[a-z][a-z0-9_]{0,62}$' THEN
		RAISE EXCEPTION 'invalid mart name "%"', name USING ERRCODE = 'invalid_parameter_value',
			DETAIL = 'A mart name is a lower-case identifier, optionally qualified by a schema named mart or mart_*.',
			HINT = 'Use a name such as patients or mart_research.cohort.';
	END IF;
	parts := pg_catalog.string_to_array(name, '.');
	IF pg_catalog.array_length(parts, 1) = 1 THEN
		parts := ARRAY['mart', parts[1]];
	END IF;
	IF parts[1] <> 'mart' AND parts[1] !~ '^mart_' THEN
		RAISE EXCEPTION 'invalid mart schema "%"', parts[1] USING ERRCODE = 'invalid_parameter_value',
			DETAIL = 'Marts live in the schema mart or in schemas named mart_*.',
			HINT = 'Use a name such as patients or mart_research.cohort.';
	END IF;
	schema_name := parts[1];
	table_name := parts[2];
	mart_name := CASE WHEN parts[1] = 'mart' THEN parts[2] ELSE parts[1] || '.' || parts[2] END;
END
$$;

CREATE FUNCTION hdl._mart_get(name text) RETURNS hdl.mart
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	m hdl.mart;
	n text := (hdl._mart_name(name)).mart_name;
BEGIN
	SELECT * INTO m FROM hdl.mart WHERE mart.name OPERATOR(pg_catalog.=) n;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'mart "%" does not exist', n USING ERRCODE = 'no_data_found',
			HINT = 'hdl.marts lists the marts; hdl.create_mart creates one.';
	END IF;
	RETURN m;
END
$$;

-- Audit subject: the mart's table, schema-qualified (mart.patients, mart_research.cohort).
CREATE FUNCTION hdl._mart_audit(event text, schema_name name, table_name name, detail jsonb) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF pg_catalog.to_regprocedure('hdl.audit_write(text,text,jsonb)') IS NOT NULL THEN
		EXECUTE 'SELECT hdl.audit_write($1, $2, $3)' USING event, schema_name OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) table_name, detail;
	END IF;
END
$$;

-- The watermark of a refresh: its snapshot, with the refresh's own transaction counted as not
-- yet visible, so that anything that transaction ingests after the refresh is consumed next time.
CREATE FUNCTION hdl._mart_watermark(snap pg_snapshot, own xid8) RETURNS pg_snapshot
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
	SELECT CASE WHEN own OPERATOR(pg_catalog.>=) pg_catalog.pg_snapshot_xmax(snap)
		OR NOT pg_catalog.pg_visible_in_snapshot(own, snap) THEN snap
	ELSE (LEAST(pg_catalog.pg_snapshot_xmin(snap), own)::text OPERATOR(pg_catalog.||) ':'
		OPERATOR(pg_catalog.||) pg_catalog.pg_snapshot_xmax(snap)::text OPERATOR(pg_catalog.||) ':'
		OPERATOR(pg_catalog.||) (SELECT pg_catalog.string_agg(x::text, ',' ORDER BY x)
			FROM (SELECT pg_catalog.pg_snapshot_xip(snap) UNION SELECT own) u(x)))::pg_snapshot
	END
$$;

-- One refresh. Serialised per mart by an advisory lock; in READ COMMITTED the registry row is
-- read again after the lock, so a refresh that waited sees its predecessor's watermark.
-- Its statements look rows up by key (the change log by txid, the mart by _resource_key): a mart
-- just rebuilt has no statistics yet, and without them the planner would scan the whole mart to
-- delete a few hundred keys (and with scans priced out, JIT would compile a lookup: it is off).
-- A watermark ahead of the refreshing transaction was taken by another cluster (the lake was
-- restored from a dump, docs/backup.md): its transaction ids mean nothing here, so the refresh is
-- a full rebuild (the audit seal ignores such a horizon too).
CREATE FUNCTION hdl._mart_refresh(mart_name text, mode text) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET enable_seqscan = off SET jit = off AS $$
DECLARE
	m hdl.mart;
	started timestamptz := pg_catalog.clock_timestamp();
	own xid8 := pg_catalog.pg_current_xact_id();
	snap pg_snapshot;
	ids text[];
	old_keys text[];
	deleted bigint := 0;
	inserted bigint := 0;
	excluded bigint;
	full_rebuild boolean;
BEGIN
	PERFORM hdl._not_null(mart_name, 'mart name'), hdl._not_null(mode, 'mode');
	PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('hdl.mart'), pg_catalog.hashtext(mart_name));
	SELECT * INTO STRICT m FROM hdl.mart WHERE mart.name OPERATOR(pg_catalog.=) mart_name FOR UPDATE;
	-- Taken before the change log is read: whatever commits later is consumed next time.
	snap := pg_catalog.pg_current_snapshot();
	full_rebuild := mode OPERATOR(pg_catalog.=) 'full' OR m.watermark IS NULL OR pg_catalog.pg_snapshot_xmax(m.watermark) OPERATOR(pg_catalog.>) own;
	IF full_rebuild THEN
		deleted := m.row_count;
		EXECUTE pg_catalog.format('TRUNCATE %I.%I', m.schema_name, m.table_name);
		ids := NULL;
	ELSE
		-- The changes after the watermark that S sees (or this transaction wrote): the same set
		-- hdl._mart_fill_changes reads, whatever commits in between. The type is a literal so
		-- that the plan reads that one partition of the change log. A resource whose version 1 is
		-- among them did not exist at the watermark and has no mart rows to delete, unless the
		-- last refresh's own transaction created it (and read it).
		EXECUTE pg_catalog.format('SELECT pg_catalog.array_agg(c.id), pg_catalog.array_agg(%L OPERATOR(pg_catalog.||) ''/'' '
			'OPERATOR(pg_catalog.||) c.id) FILTER (WHERE NOT c.created) '
			'FROM (SELECT h.id, pg_catalog.bool_or(h.version OPERATOR(pg_catalog.=) 1 AND h.txid IS DISTINCT FROM $2) AS created '
			'FROM hdl_lake.resource_history h '
			'WHERE h.resource_type OPERATOR(pg_catalog.=) %L AND h.txid OPERATOR(pg_catalog.>=) pg_catalog.pg_snapshot_xmin($1) '
			'AND NOT pg_catalog.pg_visible_in_snapshot(h.txid, $1) '
			'AND (h.txid OPERATOR(pg_catalog.=) $4 OR pg_catalog.pg_visible_in_snapshot(h.txid, $3)) GROUP BY h.id) c',
			m.resource_type, m.resource_type)
		INTO ids, old_keys USING m.watermark, m.watermark_txid, snap, own;
		ids := coalesce(ids, '{}');
		IF pg_catalog.cardinality(old_keys) OPERATOR(pg_catalog.>) 0 THEN
			EXECUTE pg_catalog.format('DELETE FROM %I.%I WHERE _resource_key OPERATOR(pg_catalog.=) ANY ($1)',
				m.schema_name, m.table_name) USING old_keys;
			GET DIAGNOSTICS deleted = ROW_COUNT;
		END IF;
	END IF;
	-- straight into the table, as COPY does (no tuplestore, no executor per row)
	IF full_rebuild THEN
		inserted := hdl._mart_fill(m.view, pg_catalog.format('%I.%I', m.schema_name, m.table_name)::regclass);
	ELSIF pg_catalog.cardinality(ids) OPERATOR(pg_catalog.>) 0 THEN
		inserted := hdl._mart_fill_changes(m.view, m.watermark, snap, own,
			pg_catalog.format('%I.%I', m.schema_name, m.table_name)::regclass);
	END IF;
	-- opted-out patients' rows out, withdrawn ones' back (src/governance/opt_out.sql)
	SELECT deleted OPERATOR(pg_catalog.+) o.rows_deleted, inserted OPERATOR(pg_catalog.+) o.rows_inserted, o.patients_excluded
	INTO deleted, inserted, excluded FROM hdl._mart_apply_opt_outs(m, full_rebuild, ids, snap, own) o;
	UPDATE hdl.mart SET
		last_refresh_at = started,
		last_refresh_mode = CASE WHEN full_rebuild THEN 'full' ELSE 'incremental' END,
		last_refresh_ms = pg_catalog.date_part('epoch', pg_catalog.clock_timestamp() OPERATOR(pg_catalog.-) started) OPERATOR(pg_catalog.*) 1000,
		last_refresh_changes = deleted OPERATOR(pg_catalog.+) inserted,
		row_count = CASE WHEN full_rebuild THEN inserted ELSE m.row_count OPERATOR(pg_catalog.-) deleted OPERATOR(pg_catalog.+) inserted END,
		watermark = hdl._mart_watermark(snap, own),
		watermark_txid = own
	WHERE mart.name OPERATOR(pg_catalog.=) m.name;
	PERFORM hdl._mart_audit('mart_refresh', m.schema_name, m.table_name, pg_catalog.jsonb_build_object('mode',
		CASE WHEN full_rebuild THEN 'full' ELSE 'incremental' END, 'resources', pg_catalog.cardinality(ids),
		'rows_deleted', deleted, 'rows_inserted', inserted) OPERATOR(pg_catalog.||) CASE
		WHEN m.opt_out_exempt THEN '{"opt_out_exempt": true}'::jsonb
		WHEN excluded OPERATOR(pg_catalog.>) 0 THEN pg_catalog.jsonb_build_object('opted_out_patients', excluded)
		ELSE '{}'::jsonb END);
	RETURN deleted OPERATOR(pg_catalog.+) inserted;
END
$$;

-- The mart's own indexes (one btree per listed column), recognised by their comment: the old
-- ones are dropped, those of the columns listed created. A full refresh rebuilds
-- them with the table's other indexes (TableRows::Finish), an incremental one maintains them.
CREATE FUNCTION hdl._mart_indexes(tbl regclass, columns text[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	i record;
	col text;
	nsp name := (SELECT c.relnamespace::regnamespace::name FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) tbl);
	base text;
	idx text;
	k int;
BEGIN
	FOR i IN SELECT x.indexrelid::regclass AS idx FROM pg_catalog.pg_index x
		WHERE x.indrelid OPERATOR(pg_catalog.=) tbl
		  AND pg_catalog.obj_description(x.indexrelid, 'pg_class') OPERATOR(pg_catalog.~~) 'hdl mart index on %' LOOP
		EXECUTE pg_catalog.format('DROP INDEX %s', i.idx);
	END LOOP;
	FOREACH col IN ARRAY columns LOOP
		base := pg_catalog.left((SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) tbl)
			OPERATOR(pg_catalog.||) '_' OPERATOR(pg_catalog.||) col, 54);
		idx := base OPERATOR(pg_catalog.||) '_idx';
		k := 1;
		WHILE pg_catalog.to_regclass(pg_catalog.format('%I.%I', nsp, idx)) IS NOT NULL LOOP
			k := k OPERATOR(pg_catalog.+) 1;
			idx := base OPERATOR(pg_catalog.||) '_idx' OPERATOR(pg_catalog.||) k;
		END LOOP;
		EXECUTE pg_catalog.format('CREATE INDEX %I ON %s (%I)', idx, tbl, col);
		EXECUTE pg_catalog.format('COMMENT ON INDEX %I.%I IS %L', nsp, idx, 'hdl mart index on ' OPERATOR(pg_catalog.||) col
			OPERATOR(pg_catalog.||) ' (hdl.mart_set_indexes changes the list)');
	END LOOP;
END
$$;

CREATE FUNCTION hdl.mart_set_indexes(name text, columns text[]) RETURNS text[]
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	m hdl.mart;
	tbl regclass;
	col text;
BEGIN
	PERFORM hdl._not_null(name, 'mart name'), hdl._not_null(columns, 'columns');
	IF pg_catalog.array_position(columns, NULL) IS NOT NULL THEN
		RAISE EXCEPTION 'columns must not contain null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	m := hdl._mart_get(name);
	PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('hdl.mart'), pg_catalog.hashtext(m.name));
	SELECT * INTO STRICT m FROM hdl.mart WHERE mart.name OPERATOR(pg_catalog.=) m.name FOR UPDATE;
	tbl := pg_catalog.format('%I.%I', m.schema_name, m.table_name)::regclass;
	IF pg_catalog.cardinality(columns) OPERATOR(pg_catalog.<>)
		(SELECT pg_catalog.count(DISTINCT c) FROM pg_catalog.unnest(columns) c) THEN
		RAISE EXCEPTION 'duplicate column in the index list' USING ERRCODE = 'invalid_parameter_value',
			HINT = 'List each column once.';
	END IF;
	FOREACH col IN ARRAY columns LOOP
		IF col OPERATOR(pg_catalog.=) '_resource_key' OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
			WHERE a.attrelid OPERATOR(pg_catalog.=) tbl AND a.attname OPERATOR(pg_catalog.=) col
			  AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped) THEN
			RAISE EXCEPTION 'mart "%" has no column "%" to index', m.name, col USING ERRCODE = 'undefined_column',
				HINT = CASE WHEN col OPERATOR(pg_catalog.=) '_resource_key' THEN '_resource_key is always indexed.'
					ELSE 'hdl.catalog_marts lists the columns of each mart.' END;
		END IF;
	END LOOP;
	PERFORM hdl._mart_indexes(tbl, columns);
	UPDATE hdl.mart SET index_columns = columns WHERE mart.name OPERATOR(pg_catalog.=) m.name;
	PERFORM hdl._mart_audit('mart_indexes', m.schema_name, m.table_name, pg_catalog.jsonb_build_object('old',
		pg_catalog.to_jsonb(m.index_columns), 'new', pg_catalog.to_jsonb(columns)));
	RETURN columns;
END
$$;
COMMENT ON FUNCTION hdl.mart_set_indexes(text, text[]) IS 'Sets the columns of a mart that have an index of their own (one btree each, besides _resource_key''s), dropping and creating indexes; returns the list. Defaults at creation: the patient key and the first date/time column. Engineers only.';

CREATE FUNCTION hdl.create_mart(name text, view jsonb) RETURNS regclass
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	n record := hdl._mart_name(name);
	rt text;
	cols text;
	idx text[];
	tbl regclass;
	c record;
BEGIN
	IF view IS NULL THEN
		RAISE EXCEPTION 'a ViewDefinition is required' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('hdl.mart'), pg_catalog.hashtext(n.mart_name));
	IF EXISTS (SELECT 1 FROM hdl.mart m WHERE m.name OPERATOR(pg_catalog.=) n.mart_name) THEN
		RAISE EXCEPTION 'mart "%" already exists', n.mart_name USING ERRCODE = 'duplicate_object',
			HINT = 'Refresh it with hdl.refresh_mart, or drop it first with hdl.drop_mart.';
	END IF;
	IF pg_catalog.to_regclass(pg_catalog.format('%I.%I', n.schema_name, n.table_name)) IS NOT NULL THEN
		RAISE EXCEPTION 'relation "%.%" already exists', n.schema_name, n.table_name USING ERRCODE = 'duplicate_table',
			HINT = 'Choose another mart name.';
	END IF;
	-- a typed time column is followed by its FHIR text (<name>_text)
	SELECT pg_catalog.string_agg(pg_catalog.format('%I %s', s.name, hdl.mart_column_type(s.fhir_type, s.collection, s.sql_type))
		OPERATOR(pg_catalog.||) CASE WHEN s.text_column IS NULL THEN '' ELSE pg_catalog.format(', %I text', s.text_column) END,
		', ' ORDER BY s.ordinal)
	INTO cols FROM hdl._sof_columns(view) s;
	IF EXISTS (SELECT 1 FROM hdl._sof_columns(view) s WHERE s.name OPERATOR(pg_catalog.=) '_resource_key') THEN
		RAISE EXCEPTION 'invalid ViewDefinition for a mart: the column name _resource_key is reserved'
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Rename the column.';
	END IF;
	SELECT s.name, s.text_column INTO c FROM hdl._sof_columns(view) s
	WHERE s.text_column IS NOT NULL AND (pg_catalog.octet_length(s.text_column) OPERATOR(pg_catalog.>) 63
		OR s.text_column IN (SELECT o.name FROM hdl._sof_columns(view) o))
	ORDER BY s.ordinal LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'invalid ViewDefinition for a mart: column "%" needs a column "%" for its FHIR text', c.name, c.text_column
			USING ERRCODE = 'invalid_parameter_value',
			DETAIL = 'A date or dateTime column is followed by <name>_text; that name is taken or longer than 63 bytes.',
			HINT = 'Rename the column, or give it a postgres/type tag.';
	END IF;
	-- default indexes: the patient key (patient_id, or the path's getReferenceKey(Patient)) and
	-- the first date/time column
	SELECT pg_catalog.array_remove(ARRAY[
		(SELECT s.name FROM hdl._sof_columns(view) s WHERE NOT s.collection
			AND (s.name OPERATOR(pg_catalog.=) 'patient_id' OR s.patient_key)
			ORDER BY s.name OPERATOR(pg_catalog.<>) 'patient_id', s.ordinal LIMIT 1),
		(SELECT s.name FROM hdl._sof_columns(view) s
			WHERE hdl.mart_column_type(s.fhir_type, s.collection, s.sql_type) IN ('date', 'timestamp with time zone',
				'timestamp without time zone')
			ORDER BY s.ordinal LIMIT 1)], NULL) INTO idx;
	rt := view OPERATOR(pg_catalog.->>) 'resource';
	IF pg_catalog.to_regnamespace(pg_catalog.quote_ident(n.schema_name)) IS NULL THEN
		EXECUTE pg_catalog.format('CREATE SCHEMA %I', n.schema_name);
		EXECUTE pg_catalog.format('COMMENT ON SCHEMA %I IS %L', n.schema_name, 'hdl: marts built from SQL-on-FHIR ViewDefinitions');
		EXECUTE pg_catalog.format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', n.schema_name);
		EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA %I TO hdl_analyst, hdl_engineer', n.schema_name);
	END IF;
	EXECUTE pg_catalog.format('CREATE TABLE %I.%I (%s, _resource_key text NOT NULL)', n.schema_name, n.table_name, cols);
	tbl := pg_catalog.format('%I.%I', n.schema_name, n.table_name)::regclass;
	EXECUTE pg_catalog.format('CREATE INDEX ON %s (_resource_key)', tbl);
	-- Always, published or not: a mart has no key (several rows per resource), and a table in a
	-- published schema (hdl.publish_marts) joins the publication at once, where a DELETE without a
	-- replica identity would fail. The whole old row is only written to the WAL for logical
	-- decoding (wal_level = logical), and refreshes delete only in incremental mode.
	EXECUTE pg_catalog.format('ALTER TABLE %s REPLICA IDENTITY FULL', tbl);
	EXECUTE pg_catalog.format('REVOKE ALL ON %s FROM PUBLIC', tbl);
	EXECUTE pg_catalog.format('GRANT SELECT ON %s TO hdl_analyst, hdl_engineer', tbl);
	EXECUTE pg_catalog.format('COMMENT ON TABLE %s IS %L', tbl, coalesce(view OPERATOR(pg_catalog.->>) 'description',
		view OPERATOR(pg_catalog.->>) 'title', view OPERATOR(pg_catalog.->>) 'name', 'Mart of ' || rt || ' resources'));
	FOR c IN SELECT * FROM hdl._sof_columns(view) s WHERE s.description IS NOT NULL LOOP
		EXECUTE pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', tbl, c.name, c.description);
	END LOOP;
	EXECUTE pg_catalog.format('COMMENT ON COLUMN %s._resource_key IS %L', tbl,
		'The source resource of the row (Type/id): incremental refresh replaces the rows of changed resources.');
	INSERT INTO hdl.mart (name, schema_name, table_name, view, view_name, view_url, resource_type, created_by, index_columns)
	VALUES (n.mart_name, n.schema_name, n.table_name, view, view OPERATOR(pg_catalog.->>) 'name',
		view OPERATOR(pg_catalog.->>) 'url', rt, SESSION_USER, idx);
	PERFORM hdl._mart_indexes(tbl, idx);
	PERFORM hdl._mart_audit('mart_create', n.schema_name, n.table_name, pg_catalog.jsonb_build_object('table', tbl::text,
		'view', view OPERATOR(pg_catalog.->>) 'name', 'resource_type', rt));
	PERFORM hdl._mart_refresh(n.mart_name, 'full');
	RETURN tbl;
END
$$;
COMMENT ON FUNCTION hdl.create_mart(text, jsonb) IS 'Creates a mart: a typed table mart.<name> (or mart_*.<name>) with the ViewDefinition''s columns and _resource_key, registers it in hdl.mart and builds it. Engineers only.';

CREATE FUNCTION hdl.refresh_mart(name text, mode text DEFAULT 'incremental') RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	PERFORM hdl._not_null(name, 'mart name'), hdl._not_null(mode, 'mode');
	IF mode IS NULL OR mode NOT IN ('full', 'incremental') THEN
		RAISE EXCEPTION 'invalid refresh mode "%"', mode USING ERRCODE = 'invalid_parameter_value',
			HINT = 'Use incremental (the default) or full.';
	END IF;
	RETURN hdl._mart_refresh((hdl._mart_get(name)).name, mode);
END
$$;
COMMENT ON FUNCTION hdl.refresh_mart(text, text) IS 'Refreshes a mart: incremental (default) replaces the rows of resources changed since the last refresh, full rebuilds it. Returns rows deleted plus rows inserted. One refresh of a mart at a time. Engineers only.';

CREATE FUNCTION hdl.drop_mart(name text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	m hdl.mart := hdl._mart_get(name);
BEGIN
	PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('hdl.mart'), pg_catalog.hashtext(m.name));
	EXECUTE pg_catalog.format('DROP TABLE IF EXISTS %I.%I', m.schema_name, m.table_name);
	DELETE FROM hdl.mart WHERE mart.name OPERATOR(pg_catalog.=) m.name;
	DELETE FROM hdl.mart_opt_out o WHERE o.mart OPERATOR(pg_catalog.=) m.name;
	PERFORM hdl._mart_audit('mart_drop', m.schema_name, m.table_name, pg_catalog.jsonb_build_object('table',
		pg_catalog.format('%I.%I', m.schema_name, m.table_name), 'rows', m.row_count));
END
$$;
COMMENT ON FUNCTION hdl.drop_mart(text) IS 'Drops a mart''s table and its registration. Engineers only.';

REVOKE ALL ON FUNCTION hdl.mart_column_type(text, boolean, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hdl.mart_column_type(text, boolean, text) TO hdl_engineer, hdl_analyst;
REVOKE ALL ON FUNCTION hdl._mart_name(text), hdl._mart_get(text), hdl._mart_audit(text, name, name, jsonb),
	hdl._mart_watermark(pg_snapshot, xid8), hdl._mart_refresh(text, text), hdl.create_mart(text, jsonb),
	hdl.refresh_mart(text, text), hdl.drop_mart(text), hdl._mart_indexes(regclass, text[]),
	hdl.mart_set_indexes(text, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hdl.create_mart(text, jsonb), hdl.refresh_mart(text, text), hdl.drop_mart(text),
	hdl.mart_set_indexes(text, text[]) TO hdl_engineer;

-- Console and catalogue views (analysts see which marts exist and where they come from).
CREATE VIEW hdl.marts AS
	SELECT m.name, pg_catalog.format('%I.%I', m.schema_name, m.table_name) AS "table", m.view_name AS view,
		m.resource_type, m.row_count AS rows, m.last_refresh_at, m.last_refresh_mode,
		m.last_refresh_ms AS last_refresh_duration_ms, m.last_refresh_changes, m.created_at,
		m.opt_out_exempt
	FROM hdl.mart m;
COMMENT ON VIEW hdl.marts IS 'Marts: name, table, ViewDefinition, rows, last refresh (when, mode, duration in ms, rows changed), and whether the mart is exempt from the National Data Opt-out (docs/governance.md; normally false: opted-out patients have no rows).';

CREATE VIEW hdl.catalog_marts AS
	SELECT pg_catalog.format('%I.%I', m.schema_name, m.table_name) AS mart, m.name,
		m.view_name, m.view_url, m.view OPERATOR(pg_catalog.->>) 'title' AS view_title,
		m.view OPERATOR(pg_catalog.->>) 'description' AS description,
		ARRAY[m.resource_type] AS resource_types,
		ARRAY['hdl_lake.resource'] AS source_tables,
		(SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('name', a.attname,
			'sql_type', pg_catalog.format_type(a.atttypid, a.atttypmod),
			'description', pg_catalog.col_description(a.attrelid, a.attnum)) ORDER BY a.attnum)
		 FROM pg_catalog.pg_attribute a
		 WHERE a.attrelid OPERATOR(pg_catalog.=) pg_catalog.to_regclass(pg_catalog.format('%I.%I', m.schema_name, m.table_name))
		   AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped) AS columns,
		m.last_refresh_at
	FROM hdl.mart m;
COMMENT ON VIEW hdl.catalog_marts IS 'Lineage of each mart: table <- ViewDefinition (name, url, title) <- FHIR resource type(s) in the lake, with its columns.';
REVOKE ALL ON hdl.marts, hdl.catalog_marts FROM PUBLIC;
GRANT SELECT ON hdl.marts, hdl.catalog_marts TO hdl_analyst, hdl_engineer;
