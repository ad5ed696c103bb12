# The docker stack's database side on a test cluster (CI has no docker daemon): the key script
# of the image's entrypoint, docker/postgresql.conf's settings, and docker/init.d's SQL run as
# the official image runs it (psql, ON_ERROR_STOP, its environment). Then what the compose stack
# promises: keys readable by the server's OS user only, the demo provider and gateway
# registered (PostgREST requests replayed with their JWT claims), an engineer's JWT that reaches
# the console, the MinIO server allowed and mapped, the starter marts and their jobs.
# (scripts/check-docker.sh validates compose.yaml against the compose specification.)
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;

my $keys = PostgreSQL::Test::Utils::tempdir() . '/hdl-keys';
is(system('bash', 'docker/hdl-keys.sh', $keys), 0, 'hdl-keys.sh made the keys');
is(sprintf('%04o', (stat($keys))[2] & 07777), '0700', 'the key directory is the owner\'s only');
is(sprintf('%04o', (stat("$keys/hdl.keys"))[2] & 07777), '0600', 'the key file is readable by its owner only');
my $first = slurp_file("$keys/hdl.keys");
like($first, qr/^pseudonym_key = docker-pseudonym-1:[0-9a-f]{64}\nvault_key = docker-vault-1:[0-9a-f]{64}\n$/,
	'a key id and 32 random bytes for each key');
my ($p, $v) = $first =~ /:([0-9a-f]{64})\n/g;
isnt($p, $v, 'two different keys');
system('bash', 'docker/hdl-keys.sh', $keys);
is(slurp_file("$keys/hdl.keys"), $first, 'a second start keeps the keys');

# docker/postgresql.conf, with the test cluster's own addresses and the key file made above.
my $conf = slurp_file('docker/postgresql.conf');
like($conf, qr{^hdl.key_file = '/var/lib/postgresql/hdl-keys/hdl.keys'$}m, 'the image reads the keys from the keys volume');
$conf =~ s/^(listen_addresses|include_if_exists|hdl.key_file)\b.*$//mg;
my $node = PostgreSQL::Test::Cluster->new('docker');
$node->init;
$node->append_conf('postgresql.conf', $conf . "hdl.key_file = '$keys/hdl.keys'\n");
$node->start;

# docker/init.d/*, in name order, as docker-entrypoint.sh runs them.
local $ENV{HDL_AUTHENTICATOR_PASSWORD} = 'authenticator-test';
local $ENV{HDL_ENGINEER_PASSWORD} = 'engineer-test';
local $ENV{HDL_ANALYST_PASSWORD} = 'analyst-test';
local $ENV{HDL_S3_ACCESS_KEY} = 'hdl-lake';
local $ENV{HDL_S3_SECRET_KEY} = 'hdl-lake-test-secret';
for my $file (sort glob('docker/init.d/*')) {
	like($file, qr/\.sql$/, "$file is SQL");
	my ($stdout, $stderr);
	my $ok = IPC::Run::run(['psql', '-X', '-v', 'ON_ERROR_STOP=1', '--no-password', '--no-psqlrc', '-q',
		'-h', $node->host, '-p', $node->port, '-U', $ENV{USER} // scalar getpwuid($<), '-d', 'postgres', '-f', $file],
		'>', \$stdout, '2>', \$stderr);
	ok($ok, "$file ran") or diag($stderr);
	unlike($stderr // '', qr/ERROR/, "$file raised no error");
}

is($node->safe_psql('postgres', q{SELECT string_agg(rolname || ':' || rolcanlogin, ',' ORDER BY rolname) FROM pg_roles
	WHERE rolname IN ('authenticator', 'web_anon', 'gp_feed', 'feeds_gateway', 'lake_engineer', 'lake_analyst')}),
	'authenticator:true,feeds_gateway:false,gp_feed:false,lake_analyst:true,lake_engineer:true,web_anon:false', 'the roles');
is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_authid WHERE rolname IN ('authenticator', 'lake_engineer', 'lake_analyst')
	AND rolpassword LIKE 'SCRAM-SHA-256$%'}), '3', 'logins have scram passwords from the environment');
is($node->safe_psql('postgres', q{SELECT string_agg(org_code || ':' || role_name || ':' || is_gateway, ',' ORDER BY org_code) FROM hdl.source}),
	'B99001:gp_feed:false,R9C:feeds_gateway:true,R9M:feeds_gateway:true', 'the demo provider and the gateway are registered');

# PostgREST's requests replayed: it logs in as authenticator, switches to the JWT's role, sets the
# claims and calls hdl_api.pre_request, then the function.
sub request {
	my ($claims, $sql) = @_;
	my $role = $claims =~ /"role":"(\w+)"/ ? $1 : 'web_anon';
	my ($ret, $out, $err) = $node->psql('postgres', qq{BEGIN;
		SELECT set_config('role', '$role', true), set_config('request.jwt.claims', '$claims', true);
		SELECT hdl_api.pre_request();
		$sql;
		COMMIT;}, extra_params => ['-U', 'authenticator', '-At']);
	return ($ret, $out, $err);
}
my $bundle = q{{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Patient",
	"identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}],"gender":"female"},
	"request":{"method":"POST","url":"Patient"}}]}};
$bundle =~ s/\n\s*//g;
my ($ret, $out, $err) = request('{"role":"gp_feed"}', "SELECT hdl_api.ingest_bundle('$bundle') ->> 'type'");
is($ret, 0, 'POST /rpc/ingest_bundle as gp_feed') or diag($err);
like($out, qr/transaction-response/, 'answers a transaction-response (the keys were read)');
($ret, $out, $err) = request('{"role":"feeds_gateway","hdl_org":"R9C"}',
	q{SELECT hdl_api.ingest('{"resourceType":"Encounter","status":"planned","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"}}') -> 'meta' ->> 'versionId'});
is($ret, 0, 'POST /rpc/ingest as the gateway for R9C') or diag($err);
($ret, $out, $err) = request('{"role":"feeds_gateway","hdl_org":"B99001"}', 'SELECT 1');
like($err, qr/is not a registered hdl source/, 'the gateway cannot send for an organisation it is not registered for');
($ret, $out, $err) = request('{}', 'SELECT 1');
# (web_anon has no USAGE on hdl_api: 42501 either way, which PostgREST answers with 401)
like($err, qr/permission denied for schema hdl_api|role "web_anon" is not a registered hdl source/,
	'a request without a JWT is refused');
($ret, $out, $err) = request('{"role":"lake_engineer"}', 'SELECT left(hdl_api.console()::text, 15)');
is($ret, 0, 'GET /rpc/console with the engineer\'s JWT') or diag($err);
like($out, qr/<!DOCTYPE html>/, 'answers the console page');
is($node->safe_psql('postgres', q{SELECT count(*) FROM hdl_lake.resource r JOIN hdl.source s USING (source_id)
	WHERE s.org_code IN ('B99001', 'R9C')}), '2', 'both requests stored their resource');
unlike($node->safe_psql('postgres', q{SELECT string_agg(resource::text, ' ') FROM hdl_lake.resource}), qr/9434765919/,
	'no NHS number in the lake');

# MinIO: the server is allowed and mapped; the engineer has an import schema.
is($node->safe_psql('postgres', q{SELECT srvoptions::text FROM pg_foreign_server WHERE srvname = 'minio'}),
	'{endpoint=http://minio:9000,region=us-east-1,url_style=path}', 'the MinIO server');
is($node->safe_psql('postgres', q{SELECT current_setting('hdl.s3_allowed_endpoints')}), 'http://minio:9000',
	'MinIO is the allowed endpoint');
is($node->safe_psql('postgres', q{SELECT string_agg(usename, ',' ORDER BY usename) FROM pg_user_mappings WHERE srvname = 'minio'}),
	"gp_feed,lake_engineer," . ($ENV{USER} // scalar getpwuid($<)), 'user mappings for the engineer, the feed and the DBA');
is($node->safe_psql('postgres', q{SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 's3_bulk'}), 'lake_engineer',
	'the engineer\'s import schema');

# The starter marts and their jobs, owned by the engineer; the maintenance job works for it.
is($node->safe_psql('postgres', q{SELECT count(*) FROM hdl.etl_job j JOIN hdl.mart m ON j.target = m.name
	WHERE j.kind = 'refresh_mart' AND j.owner = 'lake_engineer'}),
	$node->safe_psql('postgres', 'SELECT count(*) FROM hdl.mart'), 'one refresh job per mart');
is($node->safe_psql('postgres', q{SET ROLE lake_engineer; SELECT status FROM hdl.run_job_now('hdl-maintenance')}),
	'succeeded', 'the maintenance job runs for the engineer');
is($node->safe_psql('postgres', q{SET ROLE lake_engineer; SELECT status FROM hdl.run_job_now('refresh-patients')}),
	'succeeded', 'a mart refresh job runs');

$node->stop;
done_testing();
