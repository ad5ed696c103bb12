# A pg_dump of a database with hdl is a backup of the lake: restored into a new database of the
# same cluster and into a fresh cluster (whose transaction ids are far behind the first one's),
# it holds every current and historical version, the vault, sources, batches, catalogue, marts,
# jobs, workspaces and an audit trail that still verifies; the restore adds no audit entry; and
# the restored lake goes on working: ingest (ids continue), re-identification with the same keys,
# an incremental mart refresh that sees what is ingested after the restore.
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use hdl_node;

my $old = hdl_node::new_node('backup_old');
$old->safe_psql('postgres', q{
	CREATE ROLE tap_bk_feed IN ROLE hdl_provider;
	CREATE ROLE tap_bk_analyst IN ROLE hdl_analyst;
	SELECT hdl.register_source('tap_bk_feed', 'BKP1', 'backup feed');
	SET ROLE tap_bk_feed;
	SELECT hdl.ingest(jsonb_build_object('resourceType', 'Patient', 'identifier', jsonb_build_array(jsonb_build_object(
		'system', 'https://fhir.nhs.uk/Id/nhs-number', 'value', '9434765919')), 'name', jsonb_build_array(jsonb_build_object(
		'family', 'Backupfamily')), 'gender', 'female', 'birthDate', '1970-05-06'));
	SELECT hdl.ingest(jsonb_build_object('resourceType', 'Practitioner', 'id', 'bk-dr-' || i, 'name',
		jsonb_build_array(jsonb_build_object('family', 'Doc' || i)))) FROM generate_series(1, 20) i;
	SELECT hdl.ingest('{"resourceType":"Practitioner","id":"bk-dr-1","name":[{"family":"Doc1b"}]}');
	RESET ROLE;
	SELECT hdl.create_mart('patients', (SELECT view FROM hdl.starter_views() WHERE name = 'patients'));
	SELECT hdl.create_mart('bk_practitioners', '{"resourceType":"ViewDefinition","name":"bk_practitioners","resource":"Practitioner",
		"select":[{"column":[{"name":"id","path":"getResourceKey()","type":"id"},{"name":"family","path":"name.family.first()","type":"string"}]}]}');
	SELECT hdl.create_workspace('tap_bk_analyst');
	SELECT hdl.schedule_job('refresh-bk', 'refresh_mart', 'bk_practitioners', '@daily', enabled => false);
	SELECT hdl.audit_seal();
});
# Push this cluster's transaction ids well ahead of a fresh cluster's.
$old->safe_psql('postgres', 'DO $$ BEGIN FOR i IN 1..3000 LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP; END $$');
$old->safe_psql('postgres', "SELECT hdl.refresh_mart('bk_practitioners')");

# What a restore must give back, table by table.
my $census = q{
	SELECT string_agg(t || '=' || n, ' ' ORDER BY t) FROM (
		SELECT 'resource' AS t, count(*) AS n FROM hdl_lake.resource
		UNION ALL SELECT 'history', count(*) FROM hdl_lake.resource_history
		UNION ALL SELECT 'vault', count(*) FROM hdl_vault.identity
		UNION ALL SELECT 'link', count(*) FROM hdl_vault.link
		UNION ALL SELECT 'source', count(*) FROM hdl.source
		UNION ALL SELECT 'batch', count(*) FROM hdl.ingest_batch
		UNION ALL SELECT 'catalog', sum(resources) FROM hdl.catalog_resource_types
		UNION ALL SELECT 'mart', count(*) FROM hdl.mart
		UNION ALL SELECT 'mart_rows', (SELECT count(*) FROM mart.bk_practitioners)
		UNION ALL SELECT 'workspace', count(*) FROM hdl.workspace
		UNION ALL SELECT 'job', count(*) FROM hdl.etl_job
		UNION ALL SELECT 'audit', count(*) FROM hdl_audit.log
		UNION ALL SELECT 'seal', count(*) FROM hdl_audit.seal) c };
my $before = $old->safe_psql('postgres', $census);
like($before, qr/history=22 job=1 .*resource=21 /, 'the lake to back up: 21 resources, 22 versions, a job');

my $dump = $PostgreSQL::Test::Utils::tmp_check . '/lake.dump';
$old->command_ok(['pg_dump', '-Fc', '-d', $old->connstr('postgres'), '-f', $dump], 'pg_dump of the lake');

# Restore 1: a new database of the same cluster.
$old->safe_psql('postgres', 'CREATE DATABASE restored');
$old->command_ok(['pg_restore', '--exit-on-error', '-d', $old->connstr('restored'), $dump], 'pg_restore into a new database');
is($old->safe_psql('restored', $census), $before, 'same cluster: every table holds what was dumped, the restore added no audit entry');
is($old->safe_psql('restored', 'SELECT status FROM hdl.audit_verify()'), 'OK', 'same cluster: the audit chain verifies');

# Restore 2: a fresh cluster with the same keys, its transaction ids far behind.
my $new = hdl_node::new_node('backup_new');
$new->safe_psql('postgres', 'CREATE ROLE tap_bk_feed IN ROLE hdl_provider; CREATE ROLE tap_bk_analyst IN ROLE hdl_analyst');
$new->safe_psql('postgres', 'CREATE DATABASE restored');
$new->command_ok(['pg_restore', '--exit-on-error', '-d', $new->connstr('restored'), $dump], 'pg_restore into a fresh cluster');
cmp_ok($new->safe_psql('restored', 'SELECT pg_current_xact_id()::text::bigint'), '<',
	$old->safe_psql('postgres', 'SELECT pg_current_xact_id()::text::bigint'), 'the fresh cluster is behind in transaction ids');
is($new->safe_psql('restored', $census), $before, 'fresh cluster: every table holds what was dumped');
is($new->safe_psql('restored', 'SELECT status FROM hdl.audit_verify()'), 'OK', 'fresh cluster: the audit chain verifies');
is($new->safe_psql('restored', q{SELECT resource #>> '{name,0,family}' FROM hdl_lake.resource_history
	WHERE resource_type = 'Practitioner' AND id = 'bk-dr-1' ORDER BY version}), "Doc1\nDoc1b", 'every version is kept');
is($new->safe_psql('restored', "SELECT schema_name FROM hdl.workspace"), 'ws_tap_bk_analyst', 'the workspace registry');
is($new->safe_psql('restored', "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'ws_tap_bk_analyst'"),
	'tap_bk_analyst', 'the workspace schema, owned by its analyst');

# The restored lake works: the vault opens with the same keys, ingest continues its ids, and an
# incremental refresh sees the new version although the mart's watermark came from the other cluster.
my $family = $new->safe_psql('restored', q{
	SELECT hdl.reidentify((SELECT patient_id FROM mart.patients LIMIT 1), 'backup restore check') #>> '{identities,0,identity,name,0,family}'});
is($family, 'Backupfamily', 'the restored vault re-identifies with the same keys');
$new->safe_psql('restored', q{SET ROLE tap_bk_feed;
	SELECT hdl.ingest('{"resourceType":"Practitioner","id":"bk-dr-2","name":[{"family":"Doc2b"}]}');
	SELECT hdl.ingest('{"resourceType":"Practitioner","id":"bk-dr-new","name":[{"family":"Docnew"}]}');});
is($new->safe_psql('restored', "SELECT count(*) FROM hdl.ingest_batch"),
	$old->safe_psql('postgres', "SELECT count(*) FROM hdl.ingest_batch") + 2, 'new batches after the restore');
is($new->safe_psql('restored', q{SELECT hdl.refresh_mart('bk_practitioners') > 0;
	SELECT last_refresh_mode FROM hdl.mart WHERE name = 'bk_practitioners'}), "t\nfull",
	'the first refresh after a restore from another cluster rebuilds');
is($new->safe_psql('restored', q{SELECT string_agg(family, ',' ORDER BY id) FROM mart.bk_practitioners
	WHERE id IN ('Practitioner/bk-dr-2', 'Practitioner/bk-dr-new', 'bk-dr-2', 'bk-dr-new')}), 'Doc2b,Docnew', 'and sees what came after it');
$new->safe_psql('restored', q{SET ROLE tap_bk_feed;
	SELECT hdl.ingest('{"resourceType":"Practitioner","id":"bk-dr-3","name":[{"family":"Doc3b"}]}');});
is($new->safe_psql('restored', q{SELECT hdl.refresh_mart('bk_practitioners');
	SELECT last_refresh_mode || ' ' || (SELECT family FROM mart.bk_practitioners WHERE id LIKE '%bk-dr-3') FROM hdl.mart WHERE name = 'bk_practitioners'}),
	"2\nincremental Doc3b", 'later refreshes are incremental again');
$new->safe_psql('restored', "SELECT hdl.register_source('tap_bk_feed', 'BKP2', 'second')");
is($new->safe_psql('restored', 'SELECT status FROM hdl.audit_verify()'), 'OK', 'new audit entries extend the restored chain');
is($new->safe_psql('restored', q{SELECT count(*) FROM hdl_audit.log WHERE event = 'source_register'}), '2',
	'a registration after the restore is audited (the one restored, and the new one)');

hdl_node::check_no_crash($old);
hdl_node::check_no_crash($new);
done_testing();
