# Hand-off of marts to an analytics environment by logical replication (issue 18 item 5): the lake
# (wal_level = logical) publishes its mart schemas with hdl.publish_marts; a second cluster on
# loopback, a plain PostgreSQL without hdl, subscribes as docs/marts.md says (schema from
# pg_dump --schema-only, CREATE SUBSCRIPTION). Its copy equals the lake's marts after the initial
# sync, an incremental refresh (rows deleted and inserted, duplicates too), a full refresh
# (TRUNCATE and load), a resource that leaves a view (its rows deleted only), and a new mart added
# by the documented procedure.
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use hdl_node;

my $lake = hdl_node::new_node('repl_lake', "wal_level = logical\nmax_wal_senders = 4\nmax_replication_slots = 4\n");
my $sub = PostgreSQL::Test::Cluster->new('repl_analytics');
$sub->init;
$sub->start;

sub ingest {
	my ($json) = @_;
	$lake->safe_psql('postgres', "SET ROLE tap_repl_feed; SELECT hdl.ingest('$json')");
}

$lake->safe_psql('postgres', q{
	CREATE ROLE tap_repl_feed IN ROLE hdl_provider;
	CREATE ROLE tap_repl_engineer IN ROLE hdl_engineer;
	CREATE ROLE tap_repl_analyst IN ROLE hdl_analyst;
	SELECT hdl.register_source('tap_repl_feed', 'REPL1', 'replication feed');
	SET ROLE tap_repl_feed;
	SELECT hdl.ingest(jsonb_build_object('resourceType', 'Patient', 'identifier', jsonb_build_array(jsonb_build_object(
		'system', 'https://fhir.nhs.uk/Id/nhs-number', 'value', '9434765919')), 'name', jsonb_build_array(jsonb_build_object(
		'family', 'Replfamily')), 'gender', 'female', 'birthDate', '1970-05-06'));
	-- one row per name: several rows per resource, two of them identical
	SELECT hdl.ingest(jsonb_build_object('resourceType', 'Practitioner', 'id', 'repl-dr-' || i, 'active', true, 'name',
		jsonb_build_array(jsonb_build_object('family', 'Doc' || i), jsonb_build_object('family', 'Same'),
			jsonb_build_object('family', 'Same')))) FROM generate_series(1, 30) i;
	SELECT hdl.ingest(jsonb_build_object('resourceType', 'Observation', 'id', 'repl-obs-' || i, 'status', 'final',
		'code', jsonb_build_object('text', 'weight'), 'valueQuantity', jsonb_build_object('value', i, 'unit', 'kg')))
		FROM generate_series(1, 10) i;
	RESET ROLE;
	SET ROLE tap_repl_engineer;
	SELECT hdl.create_mart('patients', (SELECT view FROM hdl.starter_views() WHERE name = 'patients'));
	SELECT hdl.create_mart('repl_names', '{"resourceType":"ViewDefinition","name":"repl_names","resource":"Practitioner",
		"where":[{"path":"active"}],
		"select":[{"column":[{"name":"id","path":"getResourceKey()","type":"id"}]},
			{"forEach":"name","column":[{"name":"family","path":"family","type":"string"}]}]}');
	SELECT hdl.create_mart('mart_research.repl_weights', '{"resourceType":"ViewDefinition","name":"repl_weights","resource":"Observation",
		"select":[{"column":[{"name":"id","path":"getResourceKey()","type":"id"},
			{"name":"kg","path":"value.ofType(Quantity).value","type":"decimal"}]}]}');
});

# refusals that need wal_level = logical to be reached
$lake->safe_psql('postgres', 'CREATE PUBLICATION tap_other');
my ($rc, $out, $err) = $lake->psql('postgres', "SET ROLE tap_repl_engineer; SELECT hdl.publish_marts('tap_other')");
like($err, qr/publication "tap_other" exists and was not made by hdl.publish_marts/, 'another publication is not taken over');
($rc, $out, $err) = $lake->psql('postgres', "SET ROLE tap_repl_engineer; SELECT hdl.publish_marts('tap_marts', ARRAY['mart', 'hdl_lake'])");
like($err, qr/schema "hdl_lake" is not a mart schema/, 'the lake cannot be published');
($rc, $out, $err) = $lake->psql('postgres', "SET ROLE tap_repl_analyst; SELECT hdl.publish_marts('tap_marts')");
like($err, qr/permission denied for function publish_marts/, 'an analyst cannot publish');
is($lake->safe_psql('postgres', "SELECT count(*) FROM pg_publication WHERE pubname = 'tap_marts'"), '0', 'refusals leave no publication');

is($lake->safe_psql('postgres', "SET ROLE tap_repl_engineer; SELECT hdl.publish_marts('tap_marts', ARRAY['mart'])"), '{mart}',
	'an engineer publishes the mart schema');
is($lake->safe_psql('postgres', "SET ROLE tap_repl_engineer; SELECT hdl.publish_marts('tap_marts', ARRAY['mart_research', 'mart'])"),
	'{mart,mart_research}', 'and again with a second schema (the list is replaced)');
is($lake->safe_psql('postgres', q{SELECT string_agg(schemaname || '.' || tablename, ' ' ORDER BY schemaname || '.' || tablename COLLATE "C") FROM pg_publication_tables
	WHERE pubname = 'tap_marts'}), 'mart.patients mart.repl_names mart_research.repl_weights', 'the publication holds the marts, nothing else');
is($lake->safe_psql('postgres', q{SELECT pubinsert AND pubupdate AND pubdelete AND pubtruncate FROM pg_publication WHERE pubname = 'tap_marts'}),
	't', 'inserts, updates, deletes and truncates are published');
is($lake->safe_psql('postgres', q{SELECT string_agg(DISTINCT relreplident::text, ',') FROM pg_class c
	JOIN pg_publication_tables p ON p.schemaname = c.relnamespace::regnamespace::text AND p.tablename = c.relname}), 'f',
	'every published mart has the whole row as its replica identity');
is($lake->safe_psql('postgres', q{SELECT string_agg(event || ' ' || subject || ' ' || (detail ->> 'tables'), ', ' ORDER BY entry_id)
	FROM hdl_audit.log WHERE event = 'mart_publish'}), 'mart_publish publication:tap_marts 2, mart_publish publication:tap_marts 3',
	'each publication is audited');

# The subscriber, as docs/marts.md says: the schemas (mart is part of the extension on the lake,
# so pg_dump leaves its CREATE SCHEMA out), then the subscription.
my $dump = $PostgreSQL::Test::Utils::tmp_check . '/marts.sql';
$lake->command_ok(['pg_dump', '--schema-only', '--no-owner', '--no-privileges', '-n', 'mart', '-n', 'mart_research',
	'-d', $lake->connstr('postgres'), '-f', $dump], 'pg_dump of the mart schemas');
$sub->safe_psql('postgres', 'CREATE SCHEMA mart');
$sub->command_ok(['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $sub->connstr('postgres'), '-f', $dump],
	'the mart tables created on the subscriber');
my $lake_conn = $lake->connstr . ' dbname=postgres';
$sub->safe_psql('postgres', "CREATE SUBSCRIPTION tap_sub CONNECTION '$lake_conn' PUBLICATION tap_marts");
$sub->wait_for_subscription_sync($lake, 'tap_sub');

my @marts = ('mart.patients', 'mart.repl_names', 'mart_research.repl_weights');
sub content {
	my ($node, $tbl) = @_;
	return $node->safe_psql('postgres', "SELECT count(*) || E'\\n' || coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '') FROM $tbl t");
}
my %last;
# Each step must have changed the lake's mart (or the comparison would prove nothing), and then
# the subscriber's copy must be the same.
sub compare {
	my ($step, @changed) = @_;
	$lake->wait_for_catchup('tap_sub');
	for my $tbl (@marts) {
		my $want = content($lake, $tbl);
		isnt($want, $last{$tbl}, "$step: $tbl changed on the lake") if grep { $_ eq $tbl } @changed;
		is(content($sub, $tbl), $want, "$step: the subscriber's $tbl equals the lake's");
		$last{$tbl} = $want;
	}
}
%last = map { $_ => '' } @marts;
compare('initial sync', @marts);
like($last{'mart.repl_names'}, qr/^90\n/, 'three rows per practitioner, two of them identical');

# incremental: changed resources' rows deleted and inserted (a duplicate row dropped too)
ingest('{"resourceType":"Practitioner","id":"repl-dr-1","active":true,"name":[{"family":"Doc1b"},{"family":"Same"}]}');
ingest('{"resourceType":"Practitioner","id":"repl-dr-31","active":true,"name":[{"family":"Doc31"}]}');
ingest('{"resourceType":"Observation","id":"repl-obs-1","status":"final","code":{"text":"weight"},"valueQuantity":{"value":71.5,"unit":"kg"}}');
is($lake->safe_psql('postgres', q{SET ROLE tap_repl_engineer; SELECT hdl.refresh_mart('repl_names') || ' ' || hdl.refresh_mart('mart_research.repl_weights');
	SELECT string_agg(last_refresh_mode, ',' ORDER BY name) FROM hdl.mart WHERE name IN ('repl_names', 'mart_research.repl_weights')}),
	"6 2\nincremental,incremental", 'incremental refreshes: 3 rows deleted, 2 + 1 inserted; 1 and 1');
compare('incremental refresh', 'mart.repl_names', 'mart_research.repl_weights');
like($last{'mart.repl_names'}, qr/^90\n\(repl-dr-1,Doc1b,/, 'the new version is in');

# a resource leaving the view: its rows deleted, nothing inserted
ingest('{"resourceType":"Practitioner","id":"repl-dr-2","active":false,"name":[{"family":"Doc2"}]}');
is($lake->safe_psql('postgres', q{SET ROLE tap_repl_engineer; SELECT hdl.refresh_mart('repl_names')}), '3', 'its three rows deleted');
compare('a resource gone from the view', 'mart.repl_names');
unlike($last{'mart.repl_names'}, qr/\(repl-dr-2,/, 'its rows are gone');

# full: TRUNCATE, then the load, in one transaction
ingest('{"resourceType":"Practitioner","id":"repl-dr-3","active":true,"name":[{"family":"Doc3b"}]}');
ingest('{"resourceType":"Observation","id":"repl-obs-2","status":"final","code":{"text":"weight"},"valueQuantity":{"value":82,"unit":"kg"}}');
$lake->safe_psql('postgres', q{SET ROLE tap_repl_engineer; SELECT hdl.refresh_mart('repl_names', 'full'), hdl.refresh_mart('mart_research.repl_weights', 'full'),
	hdl.refresh_mart('patients', 'full')});
compare('full refresh', 'mart.repl_names', 'mart_research.repl_weights');
is($sub->safe_psql('postgres', q{SELECT kg FROM mart_research.repl_weights WHERE id = 'repl-obs-2'}), '82', 'the reloaded rows are there');

# a new mart in a published schema joins the publication; DDL is not replicated, so the subscriber
# creates its table and refreshes the subscription (docs/marts.md)
$lake->safe_psql('postgres', q{SET ROLE tap_repl_engineer;
	SELECT hdl.create_mart('mart_research.repl_units', '{"resourceType":"ViewDefinition","name":"repl_units","resource":"Observation",
		"select":[{"column":[{"name":"id","path":"getResourceKey()","type":"id"},
			{"name":"unit","path":"value.ofType(Quantity).unit","type":"string"}]}]}')});
my $dump2 = $PostgreSQL::Test::Utils::tmp_check . '/new_mart.sql';
$lake->command_ok(['pg_dump', '--schema-only', '--no-owner', '--no-privileges', '-t', 'mart_research.repl_units',
	'-d', $lake->connstr('postgres'), '-f', $dump2], 'pg_dump of the new mart');
$sub->command_ok(['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $sub->connstr('postgres'), '-f', $dump2], 'its table on the subscriber');
$sub->safe_psql('postgres', 'ALTER SUBSCRIPTION tap_sub REFRESH PUBLICATION');
$sub->wait_for_subscription_sync($lake, 'tap_sub');
push @marts, 'mart_research.repl_units';
$last{'mart_research.repl_units'} = '';
ingest('{"resourceType":"Observation","id":"repl-obs-3","status":"final","code":{"text":"weight"},"valueQuantity":{"value":60,"unit":"lb"}}');
$lake->safe_psql('postgres', q{SET ROLE tap_repl_engineer; SELECT hdl.refresh_mart('mart_research.repl_units'), hdl.refresh_mart('mart_research.repl_weights')});
compare('a new mart', 'mart_research.repl_units', 'mart_research.repl_weights');
like($last{'mart_research.repl_units'}, qr/^10\n.*repl-obs-3,lb/s, 'the new mart, with its later change');

# unpublish: the publication goes, audited; the subscriber keeps its copy
($rc, $out, $err) = $lake->psql('postgres', "SET ROLE tap_repl_engineer; SELECT hdl.unpublish_marts('tap_other')");
like($err, qr/publication "tap_other" was not made by hdl.publish_marts/, 'another publication is not dropped');
$sub->safe_psql('postgres', 'DROP SUBSCRIPTION tap_sub');
$lake->safe_psql('postgres', q{SET ROLE tap_repl_engineer; SELECT hdl.unpublish_marts('tap_marts')});
is($lake->safe_psql('postgres', q{SELECT (SELECT string_agg(pubname, ',') FROM pg_publication) || ' '
	|| (SELECT count(*) FROM hdl_audit.log WHERE event = 'mart_unpublish' AND subject = 'publication:tap_marts')}),
	'tap_other 1', 'unpublished and audited');
is($lake->safe_psql('postgres', 'SELECT status FROM hdl.audit_verify()'), 'OK', 'the audit chain verifies');

hdl_node::check_no_crash($lake);
done_testing();
