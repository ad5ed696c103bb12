-- pg_dump keeps the lake (docs/backup.md): every table and sequence the extension creates is
-- marked as extension configuration, so that its rows are dumped, except the audit event
-- vocabulary (written by the install script) and the partitioned parents (no rows of their own).
-- A new table that holds data is covered by the loop in src/backup/dump.sql; this lists what is
-- not, and fails if anything else is left out. The restore itself: t/080_backup_restore.pl.
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
SELECT c.oid::regclass AS not_dumped, c.relkind
FROM pg_depend d JOIN pg_class c ON c.oid = d.objid AND d.classid = 'pg_class'::regclass
WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'hdl')
  AND c.relkind IN ('r', 'p', 'S')
  AND NOT c.oid = ANY ((SELECT extconfig FROM pg_extension WHERE extname = 'hdl')::oid[])
ORDER BY 1::text;
-- and what is dumped, by schema
SELECT n.nspname, c.relkind, count(*)
FROM pg_extension e, unnest(e.extconfig) cfg(oid) JOIN pg_class c ON c.oid = cfg.oid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE e.extname = 'hdl' GROUP BY 1, 2 ORDER BY 1, 2;
-- every table's filter is empty: all rows are kept
SELECT count(*) AS filtered FROM pg_extension e, unnest(e.extcondition) f WHERE e.extname = 'hdl' AND f <> '';
