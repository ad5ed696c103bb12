-- Which functions each hdl role (and PUBLIC) may execute: exactly the list in docs/security.md.
-- Internal functions (hdl._*, hdl_audit._*) are executable by no hdl role unless that page says
-- why (a view's body, a pure helper of an API function that runs as its caller); nothing lets
-- a role write an audit entry of its own making.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\set ECHO all
\set VERBOSITY terse
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
-- every (function, grantee) with EXECUTE, from the catalogue
CREATE TEMP VIEW granted AS
SELECT p.oid::regprocedure::text AS fn, coalesce(nullif(a.grantee, 0)::regrole::text, 'PUBLIC') AS grantee
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
CROSS JOIN LATERAL aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
WHERE n.nspname ~ '^hdl' AND a.privilege_type = 'EXECUTE'
  AND (a.grantee = 0 OR a.grantee::regrole::text ~ '^hdl_');
-- the same, from the table in docs/security.md: | `function(args)` | grantee, grantee | why |
\set doc :abs_srcdir/docs/security.md
CREATE TEMP VIEW documented AS
SELECT m[1] AS fn, btrim(g) AS grantee
FROM regexp_matches(pg_read_file(:'doc'), '^\| `(hdl[a-z_]*\.[a-z_0-9]+\([^`]*\))` \| ([^|]+) \|', 'gn') m,
	regexp_split_to_table(m[2], ',') g;
SELECT count(*) > 50 AS documented_rows FROM documented;
-- what differs (no rows when the page is true)
SELECT coalesce(g.fn, d.fn) AS fn, coalesce(g.grantee, d.grantee) AS grantee,
	CASE WHEN d.fn IS NULL THEN 'granted, not in docs/security.md' ELSE 'in docs/security.md, not granted' END AS problem
FROM granted g FULL JOIN documented d ON d.fn = g.fn AND d.grantee = g.grantee
WHERE g.fn IS NULL OR d.fn IS NULL ORDER BY 1, 2;
-- internal functions executable by some hdl role or PUBLIC: each one is in the page
SELECT DISTINCT fn FROM granted WHERE fn ~ '^hdl[a-z_]*\._' ORDER BY 1;

-- the issue's case: no hdl role writes audit entries directly, whatever it passes
CREATE ROLE regress_fp_engineer IN ROLE hdl_engineer;
CREATE ROLE regress_fp_auditor IN ROLE hdl_auditor;
SELECT coalesce(max(entry_id), 0) AS mark FROM hdl_audit.log \gset
SET ROLE regress_fp_engineer;
SELECT pg_temp.regress_try($$SELECT hdl.audit_write('export', 'mart.anything', '{"rows": 1}')$$);
SELECT pg_temp.regress_try($$SELECT hdl_audit._insert('postgres', 'postgres', NULL, 'export', 'x', '{}')$$);
SELECT pg_temp.regress_try($$SELECT hdl._audit_durable('export', 'x', '{}')$$);
SELECT pg_temp.regress_try($$SELECT hdl._etl_audit('schedule', 'x', '{}')$$);
SELECT pg_temp.regress_try($$SELECT hdl._mart_audit('mart_refresh', 'mart', 'x', '{}')$$);
RESET ROLE;
SET ROLE regress_fp_auditor;
SELECT pg_temp.regress_try($$SELECT hdl.audit_write('export', 'mart.anything', '{"rows": 1}')$$);
RESET ROLE;
SELECT count(*) AS entries_written FROM hdl_audit.log WHERE entry_id > :mark;
DROP ROLE regress_fp_engineer, regress_fp_auditor;
