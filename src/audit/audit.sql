-- hdl audit: the append-only log, its hash chain (sealed in commit order), verification, and
-- the one function every capability calls to record what it did (see docs/audit.md).

-- One row per audited action, written by hdl.audit_write in the acting transaction. entry_hash
-- is SHA-256 of the canonical entry (hdl_audit._canonical); the chain links are in seal.
CREATE TABLE hdl_audit.log (
	entry_id bigserial PRIMARY KEY,
	logged_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
	txid xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id(),
	role_name name NOT NULL,
	login_role name NOT NULL DEFAULT SESSION_USER,
	client_addr inet DEFAULT pg_catalog.inet_client_addr(),
	event text NOT NULL CHECK (event ~ '^[a-z][a-z0-9_]{0,62}$'),
	subject text,
	detail jsonb NOT NULL DEFAULT '{}',
	entry_hash bytea NOT NULL -- hdl.audit_write computes it
);
CREATE INDEX log_txid_idx ON hdl_audit.log (txid);
COMMENT ON TABLE hdl_audit.log IS 'The audit trail: one entry per audited action (per statement or batch), append-only; entries are chained in commit order by hdl.audit_seal().';
COMMENT ON COLUMN hdl_audit.log.entry_id IS 'Insertion order (not commit order: see hdl_audit.seal.seq).';
COMMENT ON COLUMN hdl_audit.log.role_name IS 'The acting role (SET ROLE or login role), also inside SECURITY DEFINER functions.';
COMMENT ON COLUMN hdl_audit.log.login_role IS 'The session (login) role.';
COMMENT ON COLUMN hdl_audit.log.event IS 'What happened, from the vocabulary in hdl_audit.event_kind (docs/audit.md).';
COMMENT ON COLUMN hdl_audit.log.subject IS 'What it happened to: a FHIR reference (Patient/<pseudonym>) or kind:name (batch:17, mart:mart.x).';
COMMENT ON COLUMN hdl_audit.log.entry_hash IS 'SHA-256 of the canonical entry, computed when it was written.';

-- The chain: seq is the order entries became visible to the sealer (commit order), chain_hash
-- = SHA-256(previous chain_hash || canonical entry). Append-only as well.
CREATE TABLE hdl_audit.seal (
	seq bigint PRIMARY KEY,
	entry_id bigint NOT NULL UNIQUE,
	entry_hash bytea NOT NULL,
	chain_hash bytea NOT NULL,
	sealed_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE hdl_audit.seal IS 'The hash chain over hdl_audit.log in commit order: chain_hash = SHA-256(previous chain_hash || canonical entry).';

-- One row per seal run that sealed something: the snapshot horizon (every transaction below it
-- had finished, so its entries were sealed) and the chain tip it left.
CREATE TABLE hdl_audit.seal_run (
	run_id bigserial PRIMARY KEY,
	sealed_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	horizon xid8 NOT NULL,
	first_seq bigint NOT NULL,
	last_seq bigint NOT NULL,
	tip bytea NOT NULL
);
COMMENT ON TABLE hdl_audit.seal_run IS 'Seal runs: the transaction horizon each run sealed up to and the chain tip it left (also written to the server log).';

-- The event vocabulary and its FHIR AuditEvent coding.
CREATE TABLE hdl_audit.event_kind (
	event text PRIMARY KEY,
	type_system text NOT NULL,
	type_code text NOT NULL,
	type_display text NOT NULL,
	action text NOT NULL CHECK (action IN ('C', 'R', 'U', 'D', 'E')),
	written_by text NOT NULL,
	description text NOT NULL
);
COMMENT ON TABLE hdl_audit.event_kind IS 'The audit event vocabulary: each event name, its AuditEvent type and action, and the capability that writes it.';
INSERT INTO hdl_audit.event_kind VALUES
	('ingest', 'http://terminology.hl7.org/CodeSystem/audit-event-type', 'rest', 'RESTful Operation', 'C', 'ingest',
	 'One ingest call (resource or Bundle): source, stored and rejected counts, every stored Type/id/_history/version.'),
	('import', 'http://dicom.nema.org/resources/ontology/DCM', '110107', 'Import', 'C', 's3 import',
	 'Data imported from outside (e.g. hdl.import_s3); the rows themselves are also recorded as ingest entries.'),
	('export', 'http://dicom.nema.org/resources/ontology/DCM', '110106', 'Export', 'R', 'marts, s3 export',
	 'Data exported out of the database (e.g. a mart to S3).'),
	('reidentify', 'http://dicom.nema.org/resources/ontology/DCM', '110110', 'Patient Record', 'R', 'pseudo',
	 'A re-identification: who, which pseudonym, and the stated purpose; durable, written before any identity is released.'),
	('mart_create', 'http://dicom.nema.org/resources/ontology/DCM', '110100', 'Application Activity', 'C', 'marts',
	 'A mart was created.'),
	('mart_refresh', 'http://dicom.nema.org/resources/ontology/DCM', '110100', 'Application Activity', 'U', 'marts',
	 'A mart was refreshed (full or incremental).'),
	('mart_drop', 'http://dicom.nema.org/resources/ontology/DCM', '110100', 'Application Activity', 'D', 'marts',
	 'A mart was dropped.'),
	('job_change', 'http://dicom.nema.org/resources/ontology/DCM', '110100', 'Application Activity', 'U', 'etl',
	 'An ETL job was scheduled, changed or unscheduled.'),
	('source_register', 'http://dicom.nema.org/resources/ontology/DCM', '110100', 'Application Activity', 'C', 'audit (trigger on hdl.source)',
	 'A provider source was registered.'),
	('source_change', 'http://dicom.nema.org/resources/ontology/DCM', '110100', 'Application Activity', 'U', 'audit (trigger on hdl.source)',
	 'A provider source was changed.'),
	('source_remove', 'http://dicom.nema.org/resources/ontology/DCM', '110100', 'Application Activity', 'D', 'audit (trigger on hdl.source)',
	 'A provider source was removed.'),
	('reidentify_refused', 'http://dicom.nema.org/resources/ontology/DCM', '110110', 'Patient Record', 'R', 'pseudo',
	 'A refused re-identification (not a re-identifier, no purpose, unknown pseudonym, no vault key): who and why; durable.'),
	('pseudonymise', 'http://dicom.nema.org/resources/ontology/DCM', '110112', 'Query', 'E', 'pseudo',
	 'An NHS number turned into its pseudonym (hdl.pseudonymise): who and which pseudonym (never the number); durable.'),
	('pseudonymise_refused', 'http://dicom.nema.org/resources/ontology/DCM', '110112', 'Query', 'E', 'pseudo',
	 'A refused hdl.pseudonymise call (not a member of hdl_reidentifier): who and why; durable.'),
	('s3_read', 'http://dicom.nema.org/resources/ontology/DCM', '110100', 'Application Activity', 'R', 's3 (hdl_s3 scans)',
	 'One scan of an hdl_s3 foreign table: the server, bucket, objects read and rows returned; durable.'),
	('key_rotate', 'http://dicom.nema.org/resources/ontology/DCM', '110100', 'Application Activity', 'U', 'pseudo',
	 'A key rotation (hdl.rotate_vault_key, hdl.rotate_pseudonym_key): key ids and row counts, never secrets.'),
	('setting_change', 'http://dicom.nema.org/resources/ontology/DCM', '110100', 'Application Activity', 'U', 'any',
	 'A change of an hdl setting recorded by the capability that made it (values of key settings are redacted).');

-- The canonical text of an entry: a JSON array of its fields (jsonb's text form is
-- deterministic; the time is in microseconds since the Unix epoch, independent of TimeZone and
-- DateStyle). Everything except entry_hash is covered. No SET clause, so that callers inline
-- it into their cached plans: everything in it is schema-qualified instead.
CREATE FUNCTION hdl_audit._canonical(l hdl_audit.log) RETURNS text
	LANGUAGE sql STABLE AS $$
	SELECT pg_catalog.jsonb_build_array(l.entry_id,
		(extract(epoch FROM l.logged_at) OPERATOR(pg_catalog.*) 1000000)::pg_catalog.int8,
		l.txid::pg_catalog.text, l.role_name::pg_catalog.text, l.login_role::pg_catalog.text,
		pg_catalog.host(l.client_addr), l.event, l.subject, l.detail)::pg_catalog.text $$;

CREATE FUNCTION hdl_audit._genesis() RETURNS bytea
	LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
	SELECT sha256(convert_to('hdl audit chain', 'UTF8')) $$;

-- Refuses UPDATE, DELETE and TRUNCATE for every role, the owner included. A superuser can
-- disable triggers; hdl.audit_verify() catches what they then change.
CREATE FUNCTION hdl_audit._refuse_change() RETURNS trigger
	LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	RAISE EXCEPTION '%.% is append-only', TG_TABLE_SCHEMA, TG_TABLE_NAME
		USING ERRCODE = 'insufficient_privilege',
		      DETAIL = pg_catalog.format('%s is refused for every role.', TG_OP),
		      HINT = 'Audit entries are never changed; hdl.audit_verify() reports any entry that was.';
END
$$;
CREATE TRIGGER log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON hdl_audit.log
	FOR EACH STATEMENT EXECUTE FUNCTION hdl_audit._refuse_change();
CREATE TRIGGER seal_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON hdl_audit.seal
	FOR EACH STATEMENT EXECUTE FUNCTION hdl_audit._refuse_change();
CREATE TRIGGER seal_run_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON hdl_audit.seal_run
	FOR EACH STATEMENT EXECUTE FUNCTION hdl_audit._refuse_change();

-- Inserts one entry for the given actor (the hashing and the event check in one place).
CREATE FUNCTION hdl_audit._insert(role_name name, login_role name, client_addr inet, event text, subject text,
	detail jsonb) RETURNS bigint
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	e hdl_audit.log;
BEGIN
	PERFORM hdl._not_null(_insert.event, 'audit event'), hdl._not_null(_insert.role_name, 'role_name'),
		hdl._not_null(_insert.login_role, 'login_role');
	IF _insert.event IS NULL OR _insert.event !~ '^[a-z][a-z0-9_]{0,62}$' THEN
		RAISE EXCEPTION 'invalid audit event name "%"', _insert.event
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Event names are lower case letters, digits and underscores; see hdl_audit.event_kind.';
	END IF;
	e.entry_id := nextval('hdl_audit.log_entry_id_seq');
	e.logged_at := clock_timestamp();
	e.txid := pg_current_xact_id();
	e.role_name := _insert.role_name;
	e.login_role := _insert.login_role;
	e.client_addr := _insert.client_addr;
	e.event := _insert.event;
	e.subject := _insert.subject;
	e.detail := coalesce(_insert.detail, '{}'::jsonb);
	e.entry_hash := sha256(convert_to(hdl_audit._canonical(e), 'UTF8'));
	INSERT INTO hdl_audit.log VALUES (e.*);
	RETURN e.entry_id;
END
$$;

-- The one function capabilities call, in the transaction that acts. SECURITY DEFINER so that
-- SECURITY DEFINER callers and the owner write; nobody else may call it.
CREATE FUNCTION hdl.audit_write(event text, subject text, detail jsonb) RETURNS bigint
	LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	SELECT hdl_audit._insert(hdl._outer_role(), session_user, inet_client_addr(), event, subject, detail) $$;
COMMENT ON FUNCTION hdl.audit_write(text, text, jsonb) IS 'Records an audit entry in the calling transaction: event (see hdl_audit.event_kind), subject (a FHIR reference with pseudonyms, or kind:name), detail. Records the acting role, login role, client address, time and transaction. Returns the entry id.';

-- Durable entries (docs/audit.md): hdl._audit_durable starts a background worker that calls
-- hdl_audit._write_durable in a transaction of its own and commits before the caller goes on. A
-- re-identification also gets its hdl_vault.reidentification row in that transaction.
CREATE FUNCTION hdl_audit._write_durable(role_name name, login_role name, client_addr inet, event text,
	subject text, detail jsonb) RETURNS bigint
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	id bigint := hdl_audit._insert(role_name, login_role, client_addr, event, subject, detail);
BEGIN
	IF event = 'reidentify' THEN
		INSERT INTO hdl_vault.reidentification (role_name, pseudonym, purpose)
		VALUES (_write_durable.role_name, substr(subject, 9), detail ->> 'purpose');
	END IF;
	RETURN id;
END
$$;
CREATE FUNCTION hdl._audit_durable(event text, subject text, detail jsonb) RETURNS bigint
	LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'hdl_audit_durable';
COMMENT ON FUNCTION hdl._audit_durable(text, text, jsonb) IS 'Writes an audit entry for the calling role in a transaction of its own (a background worker) and returns its id once it has committed: no rollback of the caller takes it back. For releases of identity and their refusals.';

-- A structured server-log line ("hdl audit: {json}", LOG_SERVER_ONLY) that survives a rollback:
-- for refusals and failures, which leave no row in hdl_audit.log.
CREATE FUNCTION hdl.audit_log_line(event text, subject text, detail jsonb) RETURNS void
	LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'hdl_audit_log_line';
COMMENT ON FUNCTION hdl.audit_log_line(text, text, jsonb) IS 'Writes an audit line to the server log only ("hdl audit: " and one JSON object), which survives a rollback; used for refusals. hdl.audit_log_client also sends it to the client as a NOTICE.';

-- Seals the entries committed since the last run, in the order they became visible: a short
-- lock that only other sealers wait for; writers never do.
CREATE FUNCTION hdl.audit_seal() RETURNS bigint
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	last_run hdl_audit.seal_run;
	from_xid xid8;
	horizon xid8;
	ids bigint[];
	id bigint;
	tip_seq bigint;
	tip bytea;
	first bigint;
	canon text;
	stored bytea;
BEGIN
	IF current_setting('transaction_isolation') <> 'read committed' THEN
		RAISE EXCEPTION 'hdl.audit_seal() needs a read committed transaction'
			USING ERRCODE = 'invalid_transaction_state',
			      DETAIL = 'Sealing must see every entry committed before it takes its lock.',
			      HINT = 'Call it outside REPEATABLE READ and SERIALIZABLE transactions.';
	END IF;
	LOCK TABLE hdl_audit.seal IN SHARE ROW EXCLUSIVE MODE;
	-- new statements from here on: their snapshots see every earlier sealer's commit
	SELECT * INTO last_run FROM hdl_audit.seal_run ORDER BY run_id DESC LIMIT 1;
	from_xid := coalesce(last_run.horizon, '0'::xid8);
	IF from_xid > pg_snapshot_xmax(pg_current_snapshot()) THEN
		from_xid := '0'::xid8; -- restored from another cluster: look at everything
	END IF;
	-- one statement, one snapshot: the horizon and the entries found agree
	SELECT array_agg(l.entry_id ORDER BY l.entry_id), pg_snapshot_xmin(pg_current_snapshot())
	INTO ids, horizon
	FROM hdl_audit.log l
	WHERE l.txid >= from_xid
	  AND NOT EXISTS (SELECT 1 FROM hdl_audit.seal s WHERE s.entry_id OPERATOR(pg_catalog.=) l.entry_id);
	IF ids IS NULL THEN
		RETURN 0;
	END IF;
	SELECT s.seq, s.chain_hash INTO tip_seq, tip FROM hdl_audit.seal s ORDER BY s.seq DESC LIMIT 1;
	tip_seq := coalesce(tip_seq, 0);
	tip := coalesce(tip, hdl_audit._genesis());
	first := tip_seq + 1;
	FOREACH id IN ARRAY ids LOOP
		SELECT hdl_audit._canonical(l), l.entry_hash INTO canon, stored FROM hdl_audit.log l
		WHERE l.entry_id OPERATOR(pg_catalog.=) id;
		tip_seq := tip_seq + 1;
		tip := sha256(tip || convert_to(canon, 'UTF8'));
		INSERT INTO hdl_audit.seal (seq, entry_id, entry_hash, chain_hash) VALUES (tip_seq, id, stored, tip);
	END LOOP;
	INSERT INTO hdl_audit.seal_run (horizon, first_seq, last_seq, tip) VALUES (horizon, first, tip_seq, tip);
	-- an anchor outside the database: truncating the chain's tail would contradict the log
	PERFORM hdl.audit_log_line('seal', NULL, jsonb_build_object('last_seq', tip_seq, 'tip', encode(tip, 'hex'),
		'sealed', tip_seq - first + 1));
	RETURN tip_seq - first + 1;
END
$$;
COMMENT ON FUNCTION hdl.audit_seal() IS 'Chains the audit entries committed since the last seal, in commit order, and returns how many it sealed. Called by hdl.audit_verify() and by a scheduled job; an entry is tamper-evident once sealed.';

-- Seals, then walks the chain: the first entry whose content, hash or link does not match is
-- reported; OK otherwise.
CREATE FUNCTION hdl.audit_verify(OUT status text, OUT sealed bigint, OUT broken_entry bigint, OUT broken_seq bigint,
	OUT problem text)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	r record;
	prev bytea := hdl_audit._genesis();
	expect bigint := 1;
	last_run hdl_audit.seal_run;
	forged bigint;
BEGIN
	PERFORM hdl.audit_seal();
	status := 'BROKEN';
	FOR r IN
		SELECT s.seq, s.entry_id, s.entry_hash, s.chain_hash, l.entry_id AS log_id, l.entry_hash AS log_hash,
		       CASE WHEN l.entry_id IS NOT NULL THEN hdl_audit._canonical(l) END AS canon
		FROM hdl_audit.seal s LEFT JOIN hdl_audit.log l ON l.entry_id OPERATOR(pg_catalog.=) s.entry_id
		ORDER BY s.seq
	LOOP
		broken_entry := r.entry_id;
		broken_seq := r.seq;
		IF r.seq <> expect THEN
			problem := pg_catalog.format('seal records %s to %s are missing', expect, r.seq - 1);
		ELSIF r.log_id IS NULL THEN
			problem := 'entry deleted';
		ELSIF sha256(convert_to(r.canon, 'UTF8')) <> r.entry_hash THEN
			problem := 'entry changed after sealing';
		ELSIF r.log_hash <> r.entry_hash THEN
			problem := 'stored entry hash changed';
		ELSIF sha256(prev || convert_to(r.canon, 'UTF8')) <> r.chain_hash THEN
			problem := 'chain link broken';
		END IF;
		IF problem IS NOT NULL THEN
			sealed := expect - 1;
			RETURN;
		END IF;
		prev := r.chain_hash;
		expect := expect + 1;
	END LOOP;
	sealed := expect - 1;
	SELECT * INTO last_run FROM hdl_audit.seal_run ORDER BY run_id DESC LIMIT 1;
	IF last_run.run_id IS NOT NULL AND (last_run.last_seq <> sealed OR last_run.tip <> prev) THEN
		broken_seq := last_run.last_seq;
		broken_entry := NULL;
		problem := 'the chain ends before the tip of the last seal run';
		RETURN;
	END IF;
	-- entries the sealer must have seen but never chained were inserted out of band
	SELECT min(l.entry_id) INTO forged FROM hdl_audit.log l
	WHERE l.txid < last_run.horizon
	  AND NOT EXISTS (SELECT 1 FROM hdl_audit.seal s WHERE s.entry_id OPERATOR(pg_catalog.=) l.entry_id);
	IF forged IS NOT NULL THEN
		broken_entry := forged;
		broken_seq := NULL;
		problem := 'entry inserted out of band (never sealed)';
		RETURN;
	END IF;
	status := 'OK';
	broken_entry := NULL;
	broken_seq := NULL;
END
$$;
COMMENT ON FUNCTION hdl.audit_verify() IS 'Seals pending entries, then checks every entry against its seal and every chain link; returns OK, or BROKEN with the first broken entry, its chain position and the problem.';

-- The chain tip, for anchoring outside the database (e.g. printed into a ticket or a WORM store).
CREATE FUNCTION hdl.audit_tip(OUT seq bigint, OUT chain_hash text, OUT sealed_at timestamptz)
	LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	SELECT s.seq, encode(s.chain_hash, 'hex'), s.sealed_at FROM hdl_audit.seal s ORDER BY s.seq DESC LIMIT 1 $$;
COMMENT ON FUNCTION hdl.audit_tip() IS 'The last sealed chain position and its hash: record it outside the database to make truncation of the chain evident.';

-- The subject of a re-identification attempt: a caller may pass anything as the pseudonym (even
-- an NHS number by mistake), so only a well-formed pseudonym is named.
CREATE FUNCTION hdl_audit._pseudonym_subject(pseudonym text) RETURNS text
	LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
	SELECT CASE WHEN pseudonym ~ '^[0-9a-f]{64}$' THEN 'Patient/' || pseudonym ELSE 'Patient/<not a pseudonym>' END $$;

-- Source registrations and changes, however they are made (hdl.register_source or DML).
CREATE FUNCTION hdl_audit._source_changed() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	r hdl.source;
BEGIN
	-- A restore (pg_restore, or a pg_dump script in psql) loads hdl.source by a superuser's
	-- COPY ... FROM stdin; the registrations it loads are in the audit log it restores too, and an
	-- entry written now would take the entry ids that log brings (docs/backup.md).
	IF TG_OP = 'INSERT' AND pg_catalog.current_query() ~* '^\s*COPY\s+hdl\.source\s*\([^)]*\)\s+FROM\s+stdin'
	   AND (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) session_user) THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'DELETE' THEN
		r := OLD;
	ELSE
		r := NEW;
	END IF;
	PERFORM hdl.audit_write(CASE TG_OP WHEN 'INSERT' THEN 'source_register' WHEN 'UPDATE' THEN 'source_change'
	                                   ELSE 'source_remove' END,
		'source:' || r.source_id,
		jsonb_build_object('role', r.role_name, 'org_code', r.org_code, 'display', r.display, 'gateway', r.is_gateway));
	RETURN NULL;
END
$$;
CREATE TRIGGER source_audit AFTER INSERT OR UPDATE OR DELETE ON hdl.source
	FOR EACH ROW EXECUTE FUNCTION hdl_audit._source_changed();

ALTER TABLE hdl_audit.log SET (fillfactor = 100);
SELECT pg_catalog.pg_extension_config_dump('hdl_audit.log', '');
SELECT pg_catalog.pg_extension_config_dump('hdl_audit.seal', '');
SELECT pg_catalog.pg_extension_config_dump('hdl_audit.seal_run', '');

REVOKE ALL ON ALL TABLES IN SCHEMA hdl_audit FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA hdl_audit FROM PUBLIC;
REVOKE ALL ON FUNCTION hdl.audit_write(text, text, jsonb), hdl._audit_durable(text, text, jsonb),
	hdl.audit_log_line(text, text, jsonb), hdl.audit_seal(),
	hdl.audit_verify(), hdl.audit_tip() FROM PUBLIC;
GRANT USAGE ON SCHEMA hdl_audit TO hdl_auditor;
GRANT SELECT ON hdl_audit.log, hdl_audit.seal, hdl_audit.seal_run, hdl_audit.event_kind TO hdl_auditor;
GRANT EXECUTE ON FUNCTION hdl.audit_seal(), hdl.audit_verify(), hdl.audit_tip() TO hdl_auditor;
-- Sealing reads and returns nothing of the entries (a count) and adds none: engineers run it in
-- the maintenance job docs/catalogue.md describes.
GRANT EXECUTE ON FUNCTION hdl.audit_seal() TO hdl_engineer;
