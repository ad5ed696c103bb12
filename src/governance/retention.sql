-- hdl governance: retention (issue 19 item 3). A rule per resource type, for every source or for
-- one, gives an age after which a record leaves the lake, its history and the marts; runs apply the
-- rules (ETL jobs of kind retention, or hdl.apply_retention), audited, and a dry run reports what
-- would go without removing anything. docs/governance.md states the rules.

INSERT INTO hdl_audit.event_kind VALUES
	('retention_rule', 'http://dicom.nema.org/resources/ontology/DCM', '110100', 'Application Activity', 'U', 'governance (retention)',
	 'A retention rule was set, changed or removed (hdl.set_retention, hdl.drop_retention): type, source, age, reason.'),
	('retention_run', 'http://dicom.nema.org/resources/ontology/DCM', '110100', 'Application Activity', 'D', 'governance (retention)',
	 'Retention was applied (hdl.apply_retention, retention jobs), or a dry run reported what it would remove: counts per rule, never content.');

-- The rules. A record's age is the time since the lake last stored a version of it (last_updated):
-- the lake keeps a record that long after it last changed. For a record of a source that has a
-- rule of its own for the type, that rule applies; otherwise the type's rule for every source.
CREATE TABLE hdl.retention_rule (
	rule_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	resource_type text NOT NULL,
	source text,
	max_age interval NOT NULL CHECK (max_age >= interval '1 day'),
	reason text NOT NULL CHECK (pg_catalog.btrim(reason) <> ''),
	set_by name NOT NULL,
	set_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);
CREATE UNIQUE INDEX retention_rule_scope_idx ON hdl.retention_rule (resource_type, (coalesce(source, '')));
COMMENT ON TABLE hdl.retention_rule IS 'Retention rules: records of resource_type (from source, an ODS code, or from every source when NULL) leave the lake and the marts once the lake has not stored a version of them for max_age. A source''s own rule overrides the every-source rule of its type.';

-- Every run (dry or not): when, by whom, and what went per rule. Counts only.
CREATE TABLE hdl.retention_run (
	run_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	run_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	run_by name NOT NULL,
	dry_run boolean NOT NULL,
	resources bigint NOT NULL,
	per_rule jsonb NOT NULL
);
COMMENT ON TABLE hdl.retention_run IS 'Retention runs: when, by whom, whether a dry run, the resources removed (or that a dry run found) in all and per rule (rule id, type, source, age, resources). Counts only.';

REVOKE ALL ON hdl.retention_rule, hdl.retention_run FROM PUBLIC;
GRANT SELECT ON hdl.retention_rule, hdl.retention_run TO hdl_engineer, hdl_auditor;

-- Sets (or changes) the rule of a type, for every source or for one. Engineers; audited.
CREATE FUNCTION hdl.set_retention(resource_type text, max_age interval, reason text, source text DEFAULT NULL)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
	id bigint;
BEGIN
	PERFORM hdl._not_null(set_retention.resource_type, 'resource_type');
	PERFORM hdl._not_null(set_retention.max_age, 'max_age');
	PERFORM hdl._not_null(set_retention.reason, 'reason');
	IF NOT hdl._is_resource_type(set_retention.resource_type) THEN
		RAISE EXCEPTION '"%" is not a FHIR R4 resource type', left(set_retention.resource_type, 64)
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Name resource types as FHIR spells them, such as Observation.';
	END IF;
	IF set_retention.max_age < interval '1 day' THEN
		RAISE EXCEPTION 'a retention age must be at least one day, not %', set_retention.max_age
			USING ERRCODE = 'invalid_parameter_value', HINT = 'For example interval ''8 years''.';
	END IF;
	IF btrim(set_retention.reason) = '' THEN
		RAISE EXCEPTION 'a retention rule needs a reason' USING ERRCODE = 'invalid_parameter_value',
			HINT = 'Name the policy it follows, for example ''Records Management Code of Practice 2023: GP records''.';
	END IF;
	IF set_retention.source IS NOT NULL AND NOT EXISTS (SELECT 1 FROM hdl.source s WHERE s.org_code = set_retention.source) THEN
		RAISE EXCEPTION 'no source has the ODS code "%"', left(set_retention.source, 64) USING ERRCODE = 'undefined_object',
			HINT = 'hdl.source lists the registered sources; leave source NULL for a rule of every source.';
	END IF;
	INSERT INTO hdl.retention_rule AS r (resource_type, source, max_age, reason, set_by)
	VALUES (set_retention.resource_type, set_retention.source, set_retention.max_age, set_retention.reason, hdl._outer_role())
	ON CONFLICT (resource_type, (coalesce(source, ''))) DO UPDATE
		SET max_age = EXCLUDED.max_age, reason = EXCLUDED.reason, set_by = EXCLUDED.set_by, set_at = now()
	RETURNING r.rule_id INTO id;
	PERFORM hdl.audit_write('retention_rule', 'retention:' || set_retention.resource_type,
		jsonb_build_object('rule_id', id, 'source', set_retention.source, 'max_age', set_retention.max_age::text,
			'reason', set_retention.reason));
	RETURN id;
END
$$;
COMMENT ON FUNCTION hdl.set_retention(text, interval, text, text) IS 'Sets the retention rule of a resource type (for every source, or for source, an ODS code): its records leave the lake and the marts max_age after the lake last stored a version of them. Returns the rule id. Engineers only; audited with the reason.';

CREATE FUNCTION hdl.drop_retention(resource_type text, source text DEFAULT NULL) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	id bigint;
BEGIN
	PERFORM hdl._not_null(drop_retention.resource_type, 'resource_type');
	DELETE FROM hdl.retention_rule r WHERE r.resource_type = drop_retention.resource_type
		AND r.source IS NOT DISTINCT FROM drop_retention.source RETURNING r.rule_id INTO id;
	IF id IS NULL THEN
		RETURN false;
	END IF;
	PERFORM hdl.audit_write('retention_rule', 'retention:' || drop_retention.resource_type,
		jsonb_build_object('rule_id', id, 'source', drop_retention.source, 'dropped', true));
	RETURN true;
END
$$;
COMMENT ON FUNCTION hdl.drop_retention(text, text) IS 'Removes the retention rule of a resource type (for every source, or for source); returns whether there was one. Engineers only; audited.';

-- The records the rules remove now, with the rule that removes each (a source's own first).
CREATE FUNCTION hdl._retention_due(as_of timestamptz)
RETURNS TABLE (rule_id bigint, resource_type text, id text)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
	SELECT coalesce(own.rule_id, every.rule_id), r.resource_type, r.id
	FROM hdl_lake.resource r
	JOIN hdl.source s ON s.source_id OPERATOR(pg_catalog.=) r.source_id
	LEFT JOIN hdl.retention_rule own ON own.resource_type OPERATOR(pg_catalog.=) r.resource_type
		AND own.source OPERATOR(pg_catalog.=) s.org_code
	LEFT JOIN hdl.retention_rule every ON every.resource_type OPERATOR(pg_catalog.=) r.resource_type
		AND every.source IS NULL
	WHERE r.resource_type OPERATOR(pg_catalog.=) ANY (ARRAY(SELECT DISTINCT x.resource_type FROM hdl.retention_rule x))
	  AND r.last_updated OPERATOR(pg_catalog.<) (as_of OPERATOR(pg_catalog.-) coalesce(own.max_age, every.max_age))
$$;

-- Applies the rules: with dry_run (the default) reports what would go and removes nothing; without,
-- removes it (lake, history, marts) through hdl._remove_resources. Either way one hdl.retention_run
-- row and one audit entry. Engineers only (and retention jobs, which run as an engineer).
CREATE FUNCTION hdl.apply_retention(dry_run boolean DEFAULT true)
RETURNS TABLE (rule_id bigint, resource_type text, source text, max_age interval, resources bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	per jsonb;
	total bigint;
	removed bigint;
BEGIN
	PERFORM hdl._not_null(apply_retention.dry_run, 'dry_run');
	-- one run at a time, and no rule changes under it
	LOCK TABLE hdl.retention_rule IN SHARE MODE;
	PERFORM pg_advisory_xact_lock(hashtext('hdl.apply_retention'));
	-- a real run chooses what goes under the removal's locks (src/governance/removal.sql), so no
	-- refresh or ingest changes it in between; a dry run only reads
	IF NOT apply_retention.dry_run THEN
		PERFORM hdl._lake_lock_for_removal();
	END IF;
	CREATE TEMP TABLE IF NOT EXISTS hdl_retention_due (rule_id bigint, resource_type text, id text) ON COMMIT DROP;
	TRUNCATE hdl_retention_due;
	INSERT INTO hdl_retention_due SELECT * FROM hdl._retention_due(now());
	SELECT coalesce(jsonb_agg(jsonb_build_object('rule_id', x.rule_id, 'resource_type', x.resource_type,
			'source', x.source, 'max_age', x.max_age::text, 'resources', x.resources) ORDER BY x.rule_id), '[]'),
		coalesce(sum(x.resources), 0)
	INTO per, total
	FROM (SELECT r.rule_id, r.resource_type, r.source, r.max_age,
			(SELECT count(*) FROM hdl_retention_due d WHERE d.rule_id = r.rule_id) AS resources
		FROM hdl.retention_rule r) x;
	IF NOT apply_retention.dry_run AND total > 0 THEN
		removed := (hdl._remove_resources(ARRAY(SELECT d.resource_type || '/' || d.id FROM hdl_retention_due d))).resources;
		IF removed <> total THEN
			RAISE EXCEPTION 'retention found % records but removed %', total, removed USING ERRCODE = 'internal_error';
		END IF;
	END IF;
	INSERT INTO hdl.retention_run (run_by, dry_run, resources, per_rule)
	VALUES (hdl._outer_role(), apply_retention.dry_run, total, per);
	PERFORM hdl.audit_write('retention_run', 'retention:lake',
		jsonb_build_object('dry_run', apply_retention.dry_run, 'resources', total, 'rules', per));
	DROP TABLE hdl_retention_due;
	RETURN QUERY SELECT (e ->> 'rule_id')::bigint, e ->> 'resource_type', e ->> 'source', (e ->> 'max_age')::interval,
		(e ->> 'resources')::bigint FROM jsonb_array_elements(per) e;
END
$$;
COMMENT ON FUNCTION hdl.apply_retention(boolean) IS 'Applies the retention rules (hdl.retention_rule): with dry_run (the default) reports per rule the records that would go and removes nothing; with dry_run => false removes them from the lake, their history and the marts. Recorded in hdl.retention_run and audited (counts only). Engineers only.';

-- What ETL jobs of kind retention call (src/etl/body.cpp): target lake, options {"dry_run": false}
-- (a job that says nothing is a dry run, so that scheduling one removes nothing by surprise).
CREATE FUNCTION hdl.etl_retention(target text, options jsonb) RETURNS bigint
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	dry boolean;
BEGIN
	PERFORM hdl._not_null(target, 'target');
	IF target IS DISTINCT FROM 'lake' THEN
		RAISE EXCEPTION 'a retention job''s target is lake, not "%"', target
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF options ? 'dry_run' AND jsonb_typeof(options -> 'dry_run') <> 'boolean' THEN
		RAISE EXCEPTION 'the dry_run option of a retention job must be true or false'
			USING ERRCODE = 'invalid_parameter_value', HINT = 'For example options => ''{"dry_run": false}''.';
	END IF;
	dry := coalesce((options -> 'dry_run')::boolean, true);
	RETURN (SELECT coalesce(sum(a.resources), 0)::bigint FROM hdl.apply_retention(dry) a);
END
$$;
COMMENT ON FUNCTION hdl.etl_retention(text, jsonb) IS 'For retention jobs: target = lake, options = {"dry_run": false} to remove (the default is a dry run); returns the records removed (or found).';

-- The console's view (counts only): each rule with what its last run found or removed.
CREATE VIEW hdl.console_retention AS
	SELECT r.rule_id, r.resource_type, coalesce(r.source, '(every source)') AS source, r.max_age, r.reason, r.set_by, r.set_at,
		last.run_at AS last_run_at, last.dry_run AS last_run_dry, (last.e ->> 'resources')::bigint AS last_run_resources
	FROM hdl.retention_rule r
	LEFT JOIN LATERAL (SELECT x.run_at, x.dry_run, e FROM hdl.retention_run x, jsonb_array_elements(x.per_rule) e
		WHERE (e ->> 'rule_id')::bigint = r.rule_id ORDER BY x.run_id DESC LIMIT 1) last ON true;
COMMENT ON VIEW hdl.console_retention IS 'Retention rules and their last run: type, source, age, reason, who set it, when the last run was, whether it was dry, what it found or removed. Counts only.';
COMMENT ON COLUMN hdl.console_retention.rule_id IS 'The rule.';
COMMENT ON COLUMN hdl.console_retention.resource_type IS 'The resource type it applies to.';
COMMENT ON COLUMN hdl.console_retention.source IS 'The source (ODS code) it applies to, or (every source).';
COMMENT ON COLUMN hdl.console_retention.max_age IS 'Records go once the lake has not stored a version of them for this long.';
COMMENT ON COLUMN hdl.console_retention.reason IS 'The policy the rule follows.';
COMMENT ON COLUMN hdl.console_retention.set_by IS 'Who set it last.';
COMMENT ON COLUMN hdl.console_retention.set_at IS 'When it was set last.';
COMMENT ON COLUMN hdl.console_retention.last_run_at IS 'When a run (dry or not) last applied it; NULL: never.';
COMMENT ON COLUMN hdl.console_retention.last_run_dry IS 'Whether that run was a dry run.';
COMMENT ON COLUMN hdl.console_retention.last_run_resources IS 'The records that run removed under this rule (or, dry, would have).';
GRANT SELECT ON hdl.console_retention TO hdl_engineer, hdl_auditor;

REVOKE ALL ON FUNCTION hdl.set_retention(text, interval, text, text), hdl.drop_retention(text, text),
	hdl._retention_due(timestamptz), hdl.apply_retention(boolean), hdl.etl_retention(text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hdl.set_retention(text, interval, text, text), hdl.drop_retention(text, text),
	hdl.apply_retention(boolean), hdl.etl_retention(text, jsonb) TO hdl_engineer;
