-- Keys are not settings: the server reads them from the file hdl.key_file names (mode 0600, owned
-- by its OS user, as ssl_key_file) or from hdl.key_command's output. A monitoring role
-- (pg_monitor, pg_read_all_settings) sees where the keys are, never a key; statements that try to
-- set a key are refused without being logged; key file errors name the line, never its text.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\i :abs_srcdir/test/sql/keys.sql
\set ECHO all
\set VERBOSITY terse
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
-- the test keys (test/regress.keys) are loaded
SELECT * FROM hdl.key_ids() ORDER BY name;

-- a monitoring role sees no key: not with SHOW, SHOW ALL, pg_settings or current_setting
CREATE ROLE regress_keys_monitor IN ROLE pg_monitor;
CREATE ROLE regress_keys_settings IN ROLE pg_read_all_settings;
CREATE FUNCTION pg_temp.secrets_visible() RETURNS bigint LANGUAGE sql AS $$
	SELECT count(*) FROM pg_catalog.pg_settings
	WHERE setting ~ 'regress-(pseudonym|vault)-key' OR reset_val ~ 'regress-(pseudonym|vault)-key'
	   OR boot_val ~ 'regress-(pseudonym|vault)-key' $$;
SET ROLE regress_keys_monitor;
SELECT name, setting FROM pg_settings WHERE name LIKE 'hdl.key%' ORDER BY name;
SELECT pg_temp.secrets_visible() AS secrets_in_pg_settings;
SELECT pg_temp.regress_try('SHOW hdl.pseudonym_key');
SELECT pg_temp.regress_try('SHOW hdl.vault_key');
SELECT current_setting('hdl.vault_key_previous', true) IS NULL AS no_vault_key_setting;
DO $$ DECLARE r record; n int := 0; BEGIN
	FOR r IN EXECUTE 'SHOW ALL' LOOP
		IF r.setting ~ 'regress-(pseudonym|vault)-key' THEN n := n + 1; END IF;
	END LOOP;
	RAISE NOTICE 'secrets in SHOW ALL: %', n;
END $$;
RESET ROLE;
SET ROLE regress_keys_settings;
SELECT pg_temp.secrets_visible() AS secrets_in_pg_settings;
SELECT pg_temp.regress_try('SELECT hdl._key(''vault_key'', 2)');
SELECT pg_temp.regress_try('SELECT * FROM hdl.key_ids()');
RESET ROLE;
-- nor does a superuser's pg_settings: no setting holds a key
SELECT pg_temp.secrets_visible() AS secrets_in_pg_settings;

-- statements that try to make a key a setting are refused before Postgres runs them
SELECT pg_temp.regress_try($$SET hdl.pseudonym_key = 'k1:regress-secret-in-a-statement-0001'$$);
SELECT pg_temp.regress_try($$SET LOCAL hdl.vault_key = 'k1:regress-secret-in-a-statement-0002'$$);
SELECT pg_temp.regress_try($$ALTER DATABASE regression SET hdl.vault_key_previous = 'k1:regress-secret-in-a-statement-0003'$$);
ALTER SYSTEM SET hdl.pseudonym_key_previous = 'k1:regress-secret-in-a-statement-0004'; -- ERROR
ALTER SYSTEM SET hdl.s3_secret = 'regress-secret-in-a-statement-0005'; -- ERROR
-- RESET of such a name is harmless (nothing to leak) and Postgres answers it
SELECT pg_temp.regress_try('RESET hdl.vault_key');

-- the key file: missing, readable by others, malformed (never echoed), with both sources set
\set no_file :abs_srcdir/test/no-such.keys
SET hdl.key_file = :'no_file';
SELECT regexp_replace(pg_temp.regress_try('SELECT * FROM hdl.key_ids()'), '"/.*/test/', '"<srcdir>/test/') AS missing;
SELECT pg_temp.write_keys('regress_open.keys', ARRAY['pseudonym_key = k1:regress-open-file-secret-000']) AS key_file \gset
COPY (SELECT 1) TO PROGRAM 'cat >/dev/null; chmod 0644 regress_open.keys';
SET hdl.key_file = :'key_file';
SELECT pg_temp.regress_try('SELECT * FROM hdl.key_ids()') AS world_readable;
COPY (SELECT 1) TO PROGRAM 'cat >/dev/null; chmod 0640 regress_open.keys';
SELECT pg_temp.regress_try('SELECT * FROM hdl.key_ids()') AS group_readable;
COPY (SELECT 1) TO PROGRAM 'cat >/dev/null; chmod 0600 regress_open.keys';
SELECT * FROM hdl.key_ids();
SET hdl.key_file = '.';
SELECT pg_temp.regress_try('SELECT * FROM hdl.key_ids()') AS a_directory;
SELECT pg_temp.write_keys('regress_bad.keys', ARRAY['# comment', '', 'regress-bare-secret-line-0000000001']) AS key_file \gset
SET hdl.key_file = :'key_file';
SELECT pg_temp.regress_try('SELECT * FROM hdl.key_ids()') AS no_equals;
SELECT pg_temp.write_keys('regress_bad.keys', ARRAY['regress_secret_name_0002 = k1:0123456789abcdef']) AS key_file \gset
SELECT pg_temp.regress_try('SELECT * FROM hdl.key_ids()') AS unknown_name;
SELECT pg_temp.write_keys('regress_bad.keys', ARRAY['vault_key = k1:regress-secret-0003', 'vault_key = k2:regress-secret-0003b']) AS key_file \gset
SELECT pg_temp.regress_try('SELECT * FROM hdl.key_ids()') AS twice;
SELECT pg_temp.write_keys('regress_bad.keys', ARRAY['vault_key = regress-secret-without-id-0004']) AS key_file \gset
SELECT pg_temp.regress_try('SELECT * FROM hdl.key_ids()') AS no_key_id;
SELECT pg_temp.write_keys('regress_bad.keys', ARRAY['vault_key = k1:short-0005']) AS key_file \gset
SELECT pg_temp.regress_try('SELECT * FROM hdl.key_ids()') AS short_secret;
SELECT pg_temp.write_keys('regress_bad.keys', ARRAY['vault_key = k1:regress-secret-0006-aaaaa', 'vault_key_previous = k1:regress-secret-0006-bbbbb']) AS key_file \gset
SELECT pg_temp.regress_try('SELECT * FROM hdl.key_ids()') AS same_id;
SELECT pg_temp.write_keys('regress_bad.keys', ARRAY['vault_key = k1:regress-secret-0007-same', 'pseudonym_key = k2:regress-secret-0007-same']) AS key_file \gset
SELECT pg_temp.regress_try('SELECT * FROM hdl.key_ids()') AS same_secret;
-- a changed file is read again on next use (no reload needed)
SELECT pg_temp.write_keys('regress_bad.keys', ARRAY['  vault_key =  ''k3:regress-secret-0008-quoted''  ']) AS key_file \gset
SELECT * FROM hdl.key_ids();
SET hdl.key_command = 'cat regress_bad.keys';
SELECT pg_temp.regress_try('SELECT * FROM hdl.key_ids()') AS both_set;
RESET hdl.key_file;

-- the key command: its output is a key file; a failure shows its status, never its output
SET hdl.key_file = '';
SET hdl.key_command = 'cat regress_bad.keys';
SELECT * FROM hdl.key_ids();
SET hdl.key_command = 'echo regress-secret-printed-0009; exit 3';
SELECT pg_temp.regress_try('SELECT * FROM hdl.key_ids()') AS failing_command;
SET hdl.key_command = 'echo vault_key = regress-secret-printed-0010';
SELECT pg_temp.regress_try('SELECT * FROM hdl.key_ids()') AS malformed_output;
SET hdl.key_command = 'kill -9 $$';
SELECT pg_temp.regress_try('SELECT * FROM hdl.key_ids()') AS killed_command;
RESET hdl.key_command;
RESET hdl.key_file;
SELECT * FROM hdl.key_ids() ORDER BY name;

-- only superusers may point hdl at other keys
SET ROLE regress_keys_settings;
SELECT pg_temp.regress_try('SET hdl.key_file = ''regress_bad.keys''');
SELECT pg_temp.regress_try('SET hdl.key_command = ''cat regress_bad.keys''');
RESET ROLE;
COPY (SELECT 1) TO PROGRAM 'cat >/dev/null; rm -f regress_open.keys regress_bad.keys';
DROP ROLE regress_keys_monitor, regress_keys_settings;
