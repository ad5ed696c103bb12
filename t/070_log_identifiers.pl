# No identifier reaches the server log from anything hdl does. Resources carrying distinctive
# identifying values (NHS numbers, a birth date, a phone number, a local MRN and id, a name) are
# sent through every path that can fail: bad dates and numbers, bad and conditional references,
# rejected transaction Bundles, conflicts, PostgREST-style calls, re-identification and
# pseudonymisation refusals, an S3 import stopped by a bad line (when the local S3 server runs).
# The callers see their values (the OperationOutcome in the error detail); then the server log
# is searched for every value used: none may appear, in messages, details, contexts or statements.
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use hdl_node;

# Statements are not logged by configuration here (TAP nodes log every statement by default):
# what is tested is what reaches the log when something fails.
my $node = hdl_node::new_node('logs', "log_statement = none\nlog_min_error_statement = error\n");
my $nhs_patient = '9434761018';   # a Patient's NHS number
my $nhs_unknown = '9123451009';   # a conditional reference to nobody
my $nhs_asked = '9876501003';     # passed to hdl.reidentify and hdl.pseudonymise
my $nhs_s3 = '9555011001';        # inside a bad NDJSON line
my $birth = '1931-07-19';
my $bad_date = '1931-02-30';
my $phone = '07700 900461';
my $mrn = 'MRN-ZX81-4471';
my $local_id = 'pt-local-5521';
my $other_id = 'pt-local-5522';
my $family = 'Quillfeatherby';
my $bad_integer = '99999999991';
my @values = ($nhs_patient, $nhs_unknown, $nhs_asked, $nhs_s3, $birth, $bad_date, $phone, $mrn, $local_id,
	$other_id, $family, $bad_integer);

$node->safe_psql('postgres', q{
	CREATE ROLE tap_feed LOGIN IN ROLE hdl_provider;
	CREATE ROLE tap_reid LOGIN IN ROLE hdl_reidentifier;
	CREATE ROLE tap_engineer LOGIN IN ROLE hdl_engineer;
	SELECT hdl.register_source('tap_feed', 'LOG1', 'Log test feed');
});
my $patient = qq({"resourceType":"Patient","id":"$local_id",
	"identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"$nhs_patient"},
		{"system":"https://log.example.nhs.uk/Id/mrn","value":"$mrn"}],
	"name":[{"family":"$family"}],"telecom":[{"system":"phone","value":"$phone"}],"birthDate":"$birth"});
# One good ingest, so that references and conflicts have something to meet.
is($node->safe_psql('postgres', "SET ROLE tap_feed; SELECT hdl.ingest(\$\$$patient\$\$) ->> 'resourceType'"),
	'Patient', 'the patient is stored');

my @failing = (
	['an unknown element next to identifying values',
		qq({"resourceType":"Patient","nmae":[{"family":"$family"}],"birthDate":"$birth","telecom":[{"system":"phone","value":"$phone"}]})],
	['a bad birth date', qq({"resourceType":"Patient","birthDate":"$bad_date","name":[{"family":"$family"}]})],
	['a bad integer', qq({"resourceType":"RiskAssessment","status":"final","subject":{"reference":"Patient/$local_id"},
		"prediction":[{"rationale":"$phone"}],"extension":[{"url":"https://log.example/x","valueInteger":$bad_integer}]})],
	['a bad reference', qq({"resourceType":"Observation","status":"final","code":{"text":"$mrn"},"subject":{"reference":"$mrn $phone"}})],
	['a conditional reference to an unknown NHS number',
		qq({"resourceType":"Observation","status":"final","code":{"text":"x"},
		"subject":{"reference":"Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|$nhs_unknown"}})],
	['a literal reference to an unknown local id',
		qq({"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/$other_id"}})],
);
for my $case (@failing) {
	my ($what, $json) = @$case;
	my ($ret, $out, $err) = $node->psql('postgres', "SET ROLE tap_feed; SELECT hdl.ingest(\$\$$json\$\$)");
	isnt($ret, 0, "refused: $what");
	like($err, qr/OperationOutcome/, "the caller gets the OperationOutcome: $what") or diag($err);
}

my @bundles = (
	['a transaction with a conditional reference to an unknown NHS number', qq({"resourceType":"Bundle","type":"transaction","entry":[
		{"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},
			"subject":{"reference":"Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|$nhs_unknown"}},
		 "request":{"method":"POST","url":"Observation"}}]})],
	['a transaction whose resource id does not match its url', qq({"resourceType":"Bundle","type":"transaction","entry":[
		{"resource":{"resourceType":"Patient","id":"$other_id","birthDate":"$birth"},"request":{"method":"PUT","url":"Patient/$local_id"}}]})],
	['a transaction with a version conflict', qq({"resourceType":"Bundle","type":"transaction","entry":[
		{"resource":$patient,"request":{"method":"PUT","url":"Patient/$local_id","ifMatch":"W/\\"7\\""}}]})],
	['a transaction with an unsupported method naming a local id', qq({"resourceType":"Bundle","type":"transaction","entry":[
		{"request":{"method":"DELETE","url":"Patient/$local_id"}}]})],
	['a transaction with a bad request url', qq({"resourceType":"Bundle","type":"transaction","entry":[
		{"resource":{"resourceType":"Patient"},"request":{"method":"PUT","url":"Patient?identifier=$mrn&family=$family"}}]})],
	['a conditional update with an NHS number of a bad request type', qq({"resourceType":"Bundle","type":"transaction","entry":[
		{"resource":{"resourceType":"Patient"},"request":{"method":"PUT","url":"Observation?identifier=https://fhir.nhs.uk/Id/nhs-number|$nhs_unknown"}}]})],
);
for my $case (@bundles) {
	my ($what, $json) = @$case;
	my ($ret, $out, $err) = $node->psql('postgres', "SET ROLE tap_feed; SELECT hdl.ingest_bundle(\$\$$json\$\$)");
	isnt($ret, 0, "refused: $what");
	like($err, qr/ERROR/, "the caller gets an error: $what") or diag($err);
}

# PostgREST: a transaction, the JWT's role, the claims, the body as a bound parameter.
my ($ret, $out, $err) = $node->psql('postgres', qq{
	BEGIN;
	SELECT set_config('role', 'tap_feed', true), set_config('request.jwt.claims', '{"role":"tap_feed"}', true);
	SELECT hdl_api.pre_request();
	PREPARE rpc(jsonb) AS SELECT hdl_api.ingest(\$1);
	EXECUTE rpc(\$\$$failing[1][1]\$\$);
	ROLLBACK;
});
like($err, qr/22Z01|FHIR validation failed/, 'PostgREST-style: refused') or diag($err);
($ret, $out, $err) = $node->psql('postgres', qq{
	BEGIN;
	SELECT set_config('role', 'tap_feed', true), set_config('request.jwt.claims', '{"role":"tap_feed"}', true);
	PREPARE rpc(jsonb) AS SELECT hdl_api.ingest_bundle(\$1);
	EXECUTE rpc(\$\$$bundles[0][1]\$\$);
	ROLLBACK;
});
like($err, qr/FHIR reference could not be resolved/, 'PostgREST-style Bundle: refused') or diag($err);
# The caller still sees its value: the OperationOutcome it gets quotes it.
like($err, qr/\Q$nhs_unknown\E/, 'the caller\'s OperationOutcome quotes what it sent');

# Re-identification and linkage with an NHS number where a pseudonym belongs, and by the wrong role.
($ret, $out, $err) = $node->psql('postgres', "SELECT hdl.reidentify('$nhs_asked', 'checking $family for $mrn')",
	extra_params => ['-U', 'tap_reid']);
isnt($ret, 0, 'hdl.reidentify with an NHS number is refused');
($ret, $out, $err) = $node->psql('postgres', "SELECT hdl.pseudonymise('$nhs_asked')", extra_params => ['-U', 'tap_engineer']);
isnt($ret, 0, 'hdl.pseudonymise by an engineer is refused');

# An S3 import stopped by a bad line: a Postgres JSON error raised inside hdl, re-raised without
# the line, its context or the statement.
SKIP: {
	skip 'no local S3 server (HDL_S3_ENDPOINT is not set)', 2 unless $ENV{HDL_S3_ENDPOINT};
	$node->safe_psql('postgres', "ALTER SYSTEM SET hdl.s3_allowed_endpoints = '$ENV{HDL_S3_ENDPOINT}'");
	$node->reload;
	$node->poll_query_until('postgres', "SELECT current_setting('hdl.s3_allowed_endpoints') <> ''");
	$node->safe_psql('postgres', qq{
		CREATE SERVER s3 FOREIGN DATA WRAPPER hdl_s3 OPTIONS (endpoint '$ENV{HDL_S3_ENDPOINT}', region '$ENV{HDL_S3_REGION}');
		CREATE USER MAPPING FOR CURRENT_USER SERVER s3 OPTIONS (access_key_id '$ENV{HDL_S3_ACCESS_KEY}', secret_access_key '$ENV{HDL_S3_SECRET_KEY}');
		CREATE USER MAPPING FOR tap_feed SERVER s3 OPTIONS (access_key_id '$ENV{HDL_S3_ACCESS_KEY}', secret_access_key '$ENV{HDL_S3_SECRET_KEY}');
		GRANT USAGE ON FOREIGN SERVER s3 TO tap_feed;
	});
	$node->safe_psql('postgres', qq~SET hdl.enable_test_functions = on;
		SELECT hdl._test_s3_put('s3', 'tap-logs/bad/Patient.ndjson', convert_to(
			'{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"$nhs_s3"}],"birthDate":"$birth",' || chr(10), 'UTF8'))~);
	($ret, $out, $err) = $node->psql('postgres', "SET ROLE tap_feed; SELECT hdl.import_s3('s3', 's3://tap-logs/bad/', true)");
	isnt($ret, 0, 'an import stopped by a bad line fails');
	unlike($err, qr/\Q$nhs_s3\E/, 'and its error does not repeat the line') or diag($err);
}

# Opt-out lists (docs/governance.md): refused for a bad line, and ended by a lock timeout (an error
# hdl does not raise itself) while another session holds the list: neither the numbers nor the
# statement holding them reach the log.
my $nhs_opt = '9990000069';
my $nhs_opt_bad = '9990000079';   # a wrong check digit
push @values, $nhs_opt, $nhs_opt_bad;
($ret, $out, $err) = $node->psql('postgres', "SELECT * FROM hdl.load_opt_outs(current_date, E'$nhs_opt\\n$nhs_opt_bad')",
	extra_params => ['-U', 'tap_engineer']);
isnt($ret, 0, 'an opt-out list with a bad line is refused');
like($err, qr/line 2 of the opt-out list is not a valid NHS number/, 'naming the line') or diag($err);
unlike($err, qr/\Q$nhs_opt_bad\E/, 'not the value');
my $holder = $node->background_psql('postgres');
$holder->query_safe('BEGIN; LOCK TABLE hdl_vault.opt_out IN EXCLUSIVE MODE');
($ret, $out, $err) = $node->psql('postgres',
	"SET lock_timeout = '200ms'; SELECT * FROM hdl.load_opt_outs(current_date, E'$nhs_opt\\n$nhs_opt')",
	extra_params => ['-U', 'tap_engineer']);
like($err, qr/lock timeout/, 'a load that waits too long for the list fails') or diag($err);
$holder->query_safe('ROLLBACK');
$holder->quit;
is($node->safe_psql('postgres', "SELECT entries FROM hdl.load_opt_outs(current_date, E'$nhs_opt\\n$nhs_opt')",
	extra_params => ['-U', 'tap_engineer']), '1', 'then the list loads');

my $log = slurp_file($node->logfile);
like($log, qr/hdl audit: \{"event": "ingest_rejected"/, 'rejected ingests are in the log, redacted');
like($log, qr/FHIR validation failed: at Patient.birthDate: invalid date '\?'/, 'the log names the path, not the value');
for my $v (@values) {
	my @hits = grep { /\Q$v\E/ } split /\n/, $log;
	is(scalar(@hits), 0, "the server log never holds $v") or diag(join("\n", @hits[0 .. ($#hits < 4 ? $#hits : 4)]));
}
unlike($log, qr/^\s*STATEMENT:.*hdl\.(ingest|ingest_bundle|reidentify|pseudonymise|import_s3|load_opt_outs)/m,
	'no statement of a refused hdl call is logged');
hdl_node::check_no_crash($node);
$node->stop;
done_testing();
