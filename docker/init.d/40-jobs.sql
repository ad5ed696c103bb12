-- The starter marts and the jobs that keep the lake tidy, owned by the engineer (jobs run as
-- the role that scheduled them): each mart refreshed every 5 minutes, the audit chain sealed and
-- the catalogue compacted every minute (docs/etl.md). GET /rpc/console shows them.
SET ROLE lake_engineer;
SELECT count(*) AS starter_marts FROM hdl.install_starter_marts();
SELECT hdl.schedule_job('refresh-' || name, 'refresh_mart', name, '5 minutes') FROM hdl.mart ORDER BY name;
SELECT hdl.schedule_job('hdl-maintenance', 'sql', 'SELECT hdl.audit_seal(); SELECT hdl.catalog_compact()', '1 minute');
RESET ROLE;
