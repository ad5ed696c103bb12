-- hdl pseudonymisation: the identity vault, pseudonyms, re-identification and key rotation.

-- Identities taken out of Patients and RelatedPersons, one row per submission (append-only, so
-- an identifier a source sent once is never lost: key rotation re-links from every row),
-- encrypted with pgcrypto (AES-256) under hdl.vault_key; key_id says which vault key encrypted it.
CREATE TABLE hdl_vault.identity (
	identity_id bigserial PRIMARY KEY,
	subject text NOT NULL,          -- 'Patient/<pseudonym>' or 'RelatedPerson/<id>'
	source_id int NOT NULL,
	key_id text NOT NULL,
	payload bytea NOT NULL,
	received_at timestamptz NOT NULL
);
CREATE INDEX identity_subject_idx ON hdl_vault.identity (subject, source_id);
COMMENT ON TABLE hdl_vault.identity IS 'Encrypted direct identifiers (identifiers, names, telecom, addresses, birth details, contacts) per subject and source.';

-- Keyed hashes (HMAC-SHA256 under hdl.pseudonym_key) of NHS numbers, local identifiers and
-- local ids, each pointing at a pseudonym: linkage never decrypts anything.
CREATE TABLE hdl_vault.link (
	link_hash text PRIMARY KEY,
	key_id text NOT NULL,
	pseudonym text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);
CREATE INDEX link_pseudonym_idx ON hdl_vault.link (pseudonym);
COMMENT ON TABLE hdl_vault.link IS 'Keyed hashes of patient identifiers -> pseudonym, for linkage across feeds without decryption.';

-- Re-identifications, recorded with their audit entry by the audit writer (committed before the
-- disclosure: see hdl.reidentify).
CREATE TABLE hdl_vault.reidentification (
	reidentified_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
	role_name name NOT NULL,
	pseudonym text NOT NULL,
	purpose text NOT NULL
);
COMMENT ON TABLE hdl_vault.reidentification IS 'Every re-identification: who, which pseudonym, and why.';

CREATE FUNCTION hdl._outer_role() RETURNS name
	LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'hdl_outer_role';
COMMENT ON FUNCTION hdl._outer_role() IS 'The role the caller acts as (SET ROLE or login role), also inside SECURITY DEFINER functions.';

CREATE FUNCTION hdl.pseudonymise(value text) RETURNS text
	LANGUAGE c STRICT VOLATILE AS 'MODULE_PATHNAME', 'hdl_pseudonymise';
COMMENT ON FUNCTION hdl.pseudonymise(text) IS 'HMAC-SHA256 of value under the pseudonym key, hex: the pseudonym a patient first seen with this NHS number gets. hdl_reidentifier members only; every call and refusal is a durable audit entry naming the pseudonym.';

-- The keys the server read from hdl.key_file or hdl.key_command (src/pseudo/keys.cpp): part 1 is
-- the key id, part 2 the secret; NULL when there is no such key. The secret never leaves
-- SECURITY DEFINER code: only the extension owner may execute this.
CREATE FUNCTION hdl._key(name text, part int) RETURNS text
	LANGUAGE c STRICT STABLE AS 'MODULE_PATHNAME', 'hdl_key';

CREATE FUNCTION hdl.key_ids(OUT name text, OUT key_id text) RETURNS SETOF record
	LANGUAGE c STRICT VOLATILE AS 'MODULE_PATHNAME', 'hdl_key_ids';
COMMENT ON FUNCTION hdl.key_ids() IS 'The keys the server has (pseudonym_key, vault_key and the previous ones while rotating), by name and key id; never a secret.';

CREATE FUNCTION hdl._pgcrypto() RETURNS text
	LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
	SELECT quote_ident(n.nspname) FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
	WHERE e.extname = 'pgcrypto' $$;

-- A refusal of a release of identity: a durable audit entry (or, when even that cannot be
-- written, a server-log line), then the error, raised without the caller's statement.
CREATE FUNCTION hdl._refuse(event text, subject text, detail jsonb, sqlstate text, message text, hint text)
	RETURNS void LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	BEGIN
		PERFORM hdl._audit_durable(event, subject, detail);
	EXCEPTION WHEN OTHERS THEN
		PERFORM hdl.audit_log_line(event, subject, detail || jsonb_build_object('durable_entry', 'failed'));
	END;
	PERFORM hdl._raise(sqlstate, message, NULL, hint);
END
$$;

-- Re-identification (docs/audit.md, "Durable entries"): every check that fails is a durable
-- refusal entry; a release is recorded (audit entry and hdl_vault.reidentification row) and
-- committed by the audit writer before any identity is decrypted and returned, so that rolling
-- back the caller's transaction takes nothing back. Executable by every role that may use the
-- schema, so that attempts by the wrong role are recorded too.
CREATE FUNCTION hdl.reidentify(pseudonym text, purpose text) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	caller name := hdl._outer_role();
	crypto text := hdl._pgcrypto();
	subject text := hdl_audit._pseudonym_subject(reidentify.pseudonym);
	result jsonb;
BEGIN
	IF NOT pg_has_role(caller, 'hdl_reidentifier', 'USAGE') THEN
		PERFORM hdl._refuse('reidentify_refused', subject,
			jsonb_build_object('reason', 'not a member of hdl_reidentifier', 'purpose', purpose),
			'42501', 'permission denied to re-identify',
			'Only members of hdl_reidentifier may re-identify; the attempt is recorded in the audit trail.');
	END IF;
	IF purpose IS NULL OR length(btrim(purpose)) < 10 THEN
		PERFORM hdl._refuse('reidentify_refused', subject, jsonb_build_object('reason', 'no purpose given'),
			'22023', 're-identification needs a purpose',
			'Say why, in at least 10 characters (e.g. ''safeguarding referral 2024-118'').');
	END IF;
	IF hdl._key('vault_key', 1) IS NULL THEN
		PERFORM hdl._refuse('reidentify_refused', subject, jsonb_build_object('reason', 'no vault key', 'purpose', purpose),
			'55000', 'the keys have no vault_key',
			'A superuser adds vault_key to the key file named by hdl.key_file (docs/pseudonymisation.md).');
	END IF;
	IF NOT EXISTS (SELECT 1 FROM hdl_vault.identity i WHERE i.subject OPERATOR(pg_catalog.=) ('Patient/' || reidentify.pseudonym)) THEN
		PERFORM hdl._refuse('reidentify_refused', subject, jsonb_build_object('reason', 'no such pseudonym', 'purpose', purpose),
			'42704', 'no patient has this pseudonym',
			'A pseudonym is 64 hexadecimal characters: the pseudonym column of hdl_lake.linked_patients.');
	END IF;
	-- committed before anything is decrypted; an error here releases nothing
	PERFORM hdl._audit_durable('reidentify', subject, jsonb_build_object('purpose', purpose));
	EXECUTE format($q$
		SELECT jsonb_build_object('pseudonym', $1, 'identities', jsonb_agg(jsonb_build_object(
			'source', s.org_code, 'received', i.received_at,
			'identity', %1$s.pgp_sym_decrypt(i.payload,
				CASE i.key_id WHEN hdl._key('vault_key', 1) THEN hdl._key('vault_key', 2)
				              ELSE hdl._key('vault_key_previous', 2) END)::jsonb - 'hdlLocalId')
			ORDER BY s.org_code, i.identity_id))
		FROM hdl_vault.identity i JOIN hdl.source s ON s.source_id = i.source_id
		WHERE i.subject = 'Patient/' || $1
		HAVING count(*) > 0 $q$, crypto)
	INTO result USING reidentify.pseudonym;
	RETURN result;
END
$$;
COMMENT ON FUNCTION hdl.reidentify(text, text) IS 'Decrypts the identities behind a pseudonym, for hdl_reidentifier members only, with a purpose; every call and every refusal is a durable audit entry, committed before anything is returned.';

-- Re-encrypts every vault row written under vault_key_previous with vault_key (the key file's).
CREATE FUNCTION hdl.rotate_vault_key() RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	crypto text := hdl._pgcrypto();
	n bigint;
BEGIN
	IF hdl._key('vault_key', 1) IS NULL OR hdl._key('vault_key_previous', 1) IS NULL THEN
		RAISE EXCEPTION 'rotating the vault key needs vault_key and vault_key_previous'
			USING ERRCODE = 'object_not_in_prerequisite_state',
			      HINT = 'Put the new key as vault_key and the old one as vault_key_previous in the key file.';
	END IF;
	EXECUTE format($q$
		UPDATE hdl_vault.identity SET
			payload = %1$s.pgp_sym_encrypt(%1$s.pgp_sym_decrypt(payload, hdl._key('vault_key_previous', 2)),
			                               hdl._key('vault_key', 2), 'cipher-algo=aes256, s2k-mode=1'),
			key_id = hdl._key('vault_key', 1)
		WHERE key_id = hdl._key('vault_key_previous', 1) $q$, crypto);
	GET DIAGNOSTICS n = ROW_COUNT;
	PERFORM hdl.audit_write('key_rotate', 'key:vault_key', jsonb_build_object(
		'from_key_id', hdl._key('vault_key_previous', 1), 'to_key_id', hdl._key('vault_key', 1), 'rows', n));
	RETURN n;
END
$$;

-- Rebuilds every link under the key file's pseudonym_key from the vault (decrypting it), keeping every
-- pseudonym as it is, then drops the links made with other keys.
CREATE FUNCTION hdl.rotate_pseudonym_key() RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	crypto text := hdl._pgcrypto();
	new_id text := hdl._key('pseudonym_key', 1);
	n bigint;
BEGIN
	IF new_id IS NULL OR hdl._key('vault_key', 1) IS NULL THEN
		RAISE EXCEPTION 'rotating the pseudonym key needs pseudonym_key and vault_key'
			USING ERRCODE = 'object_not_in_prerequisite_state',
			      HINT = 'Put the new key as pseudonym_key in the key file (the vault key decrypts the identities to re-link).';
	END IF;
	EXECUTE format($q$
		WITH ident AS (
			SELECT substr(i.subject, 9) AS pseudonym, s.org_code,
			       %1$s.pgp_sym_decrypt(i.payload,
			           CASE i.key_id WHEN hdl._key('vault_key', 1) THEN hdl._key('vault_key', 2)
			                         ELSE hdl._key('vault_key_previous', 2) END)::jsonb AS doc
			FROM hdl_vault.identity i JOIN hdl.source s ON s.source_id = i.source_id
			WHERE i.subject LIKE 'Patient/%%'),
		message AS (
			SELECT pseudonym, CASE WHEN id ->> 'system' = 'https://fhir.nhs.uk/Id/nhs-number' THEN id ->> 'value'
			                       ELSE 'identifier|' || org_code || '|' || coalesce(id ->> 'system', '') || '|' || (id ->> 'value') END AS m
			FROM ident, jsonb_array_elements(coalesce(doc -> 'identifier', '[]')) id
			WHERE id ? 'value'
			UNION
			SELECT pseudonym, 'id|' || org_code || '|Patient/' || (doc ->> 'hdlLocalId') FROM ident WHERE doc ? 'hdlLocalId')
		INSERT INTO hdl_vault.link (link_hash, key_id, pseudonym)
		SELECT encode(%1$s.hmac(m, hdl._key('pseudonym_key', 2), 'sha256'), 'hex'), $1, pseudonym FROM message
		ON CONFLICT (link_hash) DO NOTHING $q$, crypto) USING new_id;
	GET DIAGNOSTICS n = ROW_COUNT;
	DELETE FROM hdl_vault.link WHERE key_id <> new_id;
	PERFORM hdl.audit_write('key_rotate', 'key:pseudonym_key', jsonb_build_object(
		'to_key_id', new_id, 'links', n));
	RETURN n;
END
$$;
COMMENT ON FUNCTION hdl.rotate_vault_key() IS 'Re-encrypts the vault from the key file''s vault_key_previous to its vault_key; returns the rows re-encrypted.';
COMMENT ON FUNCTION hdl.rotate_pseudonym_key() IS 'Re-links every patient under the key file''s new pseudonym_key, keeping pseudonyms; returns the links made.';

REVOKE ALL ON ALL TABLES IN SCHEMA hdl_vault FROM PUBLIC;
REVOKE ALL ON FUNCTION hdl._outer_role(), hdl.pseudonymise(text), hdl._key(text, int), hdl.key_ids(), hdl._pgcrypto(),
	hdl._refuse(text, text, jsonb, text, text, text), hdl.reidentify(text, text), hdl.rotate_vault_key(),
	hdl.rotate_pseudonym_key() FROM PUBLIC;
-- Every role that may use the schema may try: the functions check hdl_reidentifier themselves and
-- record refusals (docs/audit.md).
GRANT EXECUTE ON FUNCTION hdl.reidentify(text, text), hdl.pseudonymise(text) TO PUBLIC;
