-- The extension installs, drops and reinstalls cleanly, and works in a second database of the
-- same cluster (group roles are cluster-wide and already exist there).
CREATE EXTENSION hdl CASCADE;
SELECT hdl.version();
SELECT extname, extversion FROM pg_extension WHERE extname IN ('hdl', 'pgcrypto') ORDER BY 1;
SELECT nspname FROM pg_namespace WHERE nspname LIKE 'hdl%' OR nspname = 'mart' ORDER BY 1;
SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE 'hdl\_%' ORDER BY 1;
-- hdl loaded through shared_preload_libraries in the test instance
SHOW shared_preload_libraries;
-- unprivileged roles cannot touch the internal schemas
CREATE ROLE regress_nobody LOGIN;
SET ROLE regress_nobody;
SELECT hdl.version();  -- ERROR: no usage on schema hdl
RESET ROLE;
DROP EXTENSION hdl CASCADE;
SELECT nspname FROM pg_namespace WHERE nspname IN ('hdl', 'hdl_lake', 'hdl_vault', 'hdl_audit', 'mart');
CREATE EXTENSION hdl;
SELECT hdl.version();
CREATE DATABASE regress_hdl_second;
\c regress_hdl_second
CREATE EXTENSION hdl CASCADE;
SELECT hdl.version();
\c regression
DROP DATABASE regress_hdl_second;
DROP ROLE regress_nobody;
