-- hdl backup: what pg_dump keeps. pg_dump leaves out the rows of tables an extension creates
-- unless they are marked as its configuration; a dump without them would hold the marts and
-- lose every patient record. So every table and sequence of hdl that holds data is marked: the
-- lake's partitions, the vault, sources, batches, catalogue, marts and workspaces registries,
-- ETL jobs and runs, quarantine and the audit trail (docs/backup.md). Not
-- marked: hdl_audit.event_kind, the vocabulary this script writes itself; partitioned parents,
-- which hold no rows of their own. sql/backup_members.sql fails when a table is left unmarked.
DO $dump$
DECLARE
	rel regclass;
BEGIN
	FOR rel IN
		SELECT c.oid::regclass FROM pg_catalog.pg_depend d
		JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) d.objid
		WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
		  AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass
		  AND d.refobjid OPERATOR(pg_catalog.=) (SELECT oid FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.=) 'hdl')
		  AND d.deptype OPERATOR(pg_catalog.=) 'e' AND c.relkind IN ('r', 'S')
		  AND c.oid OPERATOR(pg_catalog.<>) 'hdl_audit.event_kind'::pg_catalog.regclass
		ORDER BY 1
	LOOP
		PERFORM pg_catalog.pg_extension_config_dump(rel, '');
	END LOOP;
END
$dump$;
