-- What scripts/run-lake.sh made: the lake, its sources, the marts, the jobs and the audit chain.
\echo '-- resources in the lake (pseudonymised), by type'
SELECT resource_type, resources, versions FROM hdl.catalog_resource_types ORDER BY resources DESC;
\echo '-- provider sources'
SELECT organisation, display, role_name, batches, versions_stored FROM hdl.catalog_sources ORDER BY organisation;
\echo '-- patients: identifiers only in the encrypted vault'
SELECT (SELECT count(*) FROM hdl_lake.resource WHERE resource_type = 'Patient') AS patients,
       (SELECT count(DISTINCT subject) FROM hdl_vault.identity) AS vault_subjects,
       (SELECT count(*) FROM hdl_vault.link) AS linkage_hashes;
\echo '-- marts for analysts (schema mart)'
SELECT name, "table", rows, last_refresh_mode, round(last_refresh_duration_ms::numeric, 1) AS last_refresh_ms FROM hdl.marts ORDER BY name;
\echo '-- ETL jobs (run by the background launcher)'
SELECT job, kind, schedule_description, status FROM hdl.console_jobs ORDER BY job;
\echo '-- audit trail'
SELECT * FROM hdl.audit_verify();
