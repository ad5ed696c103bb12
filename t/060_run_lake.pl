# scripts/run-lake.sh on a lake in a temporary directory and port (--skip-build: the hdl installed
# for the tests and the generator already built): progress and connection lines, TCP on
# localhost with a scram-sha-256 password (--listen), a second run that adds nothing, --stop
# on a running and on a stopped lake, and --reset.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;

my $synth = $ENV{HDL_SYNTH} // 'build/tools/hdl-synth/hdl-synth';
plan skip_all => "the generator is not built ($synth; cmake --build build --target hdl-synth, or set HDL_SYNTH)"
	unless -x $synth;
plan skip_all => 'run-lake.sh runs a cluster as the postgres OS user when run as root' if $> == 0;

my $bin = `pg_config --bindir`;
chomp $bin;
my $dir = PostgreSQL::Test::Utils::tempdir_short();
my $port = PostgreSQL::Test::Cluster::get_free_port();
local $ENV{HDL_SYNTH} = $synth;
# Whatever happens below, no server is left running (pg_ctl stop; the exit status is kept).
END {
	local $?;
	system("'$bin/pg_ctl' -D '$dir/data' stop -m immediate >/dev/null 2>&1") if $dir && -f "$dir/data/postmaster.pid";
}
sub lake {
	my ($stdout, $stderr) = ('', '');
	my $ok = IPC::Run::run(['bash', 'scripts/run-lake.sh', '--skip-build', '--dir', $dir, '--port', $port, @_],
		'<', \undef, '>', \$stdout, '2>', \$stderr);
	return ($ok, $stdout, $stderr);
}
sub sql {
	my ($query) = @_;
	my $out = `'$bin/psql' -XAt -h '$dir/run' -p $port -U postgres -d hdl -c "$query"`;
	chomp $out;
	return $out;
}
sub tcp {
	my ($password, $query) = @_;
	local $ENV{PGPASSWORD} = $password;
	my ($stdout, $stderr) = ('', '');
	my $ok = IPC::Run::run([ "$bin/psql", '-XAt', '-w', "host=127.0.0.1 port=$port user=postgres dbname=hdl", '-c', $query ],
		'<', \undef, '>', \$stdout, '2>', \$stderr);
	chomp $stdout;
	return ($ok, $stdout, $stderr);
}

my ($ok, $out, $err) = lake('--help');
ok($ok, '--help');
like($out, qr/--listen .*\n.*--reset .*\n.*--stop .*\n.*--dir D .*\n.*--skip-build/s, '--help lists the options');
($ok, $out, $err) = lake('--bogus');
ok(!$ok, 'an unknown option is refused');
($ok, $out, $err) = lake('--stop');
ok($ok, '--stop without a lake succeeds');
like($out, qr/there is no lake in \Q$dir\E \(nothing to stop\)/, 'and says there is nothing to stop');

($ok, $out, $err) = lake('--patients', 5, '--listen');
ok($ok, 'a lake of 5 patients, listening on localhost') or diag("$out\n$err");
like($out, qr/== cluster in .*\n.*== sample data \(5 patients.*\n(.*\n)*.*gp: \d+ bundles ingested/, 'progress lines and the feeds loaded');
like($out, qr/PGPASSFILE=\Q$dir\E\/pgpass psql "host=localhost port=$port user=postgres dbname=hdl"/, 'says how to connect over TCP');
my $password = slurp_file("$dir/password");
like($password, qr/^[0-9a-f]{32}$/, 'a random password');
is(sprintf('%04o', (stat("$dir/password"))[2] & 07777), '0600', 'readable by its owner only');
my ($tok, $tout, $terr) = tcp($password, 'SELECT count(*) > 0 FROM hdl_lake.resource');
ok($tok, 'TCP with the password') or diag($terr);
is($tout, 't', 'reads the lake');
($tok, $tout, $terr) = tcp('wrong', 'SELECT 1');
like($terr, qr/password authentication failed/, 'a wrong password is refused');
is(sql("SELECT rolpassword LIKE 'SCRAM-SHA-256\$%' FROM pg_authid WHERE rolname = 'postgres'"), 't', 'stored as scram-sha-256');
is(sql("SELECT string_agg(type || ' ' || coalesce(address, '') || ' ' || auth_method, ', ' ORDER BY line_number) FROM pg_hba_file_rules"),
	'local  trust, host 127.0.0.1 scram-sha-256, host ::1 scram-sha-256', 'sockets trusted, TCP needs a password');
is(sprintf('%04o', (stat("$dir/run"))[2] & 07777), '0700', 'the trusted socket is the server user\'s alone');

my $counts = "SELECT string_agg(resource_type || '=' || n, ',' ORDER BY resource_type) FROM
	(SELECT resource_type, count(*) AS n FROM hdl_lake.resource_history GROUP BY 1) x";
my $first = sql($counts);
like($first, qr/Observation=\d+/, 'Observations in the lake');
my $batches = sql('SELECT count(*) FROM hdl.ingest_batch');

# Again, without --listen: nothing added, TCP off
($ok, $out, $err) = lake('--patients', 5);
ok($ok, 'a second run') or diag("$out\n$err");
like($out, qr/gp: loaded before, skipped/, 'says the sample was loaded before');
is(sql($counts), $first, 'adds no resources');
is(sql('SELECT count(*) FROM hdl.ingest_batch'), $batches, 'and no batches');
is(sql("SELECT count(*) FROM hdl.etl_job WHERE name LIKE 'refresh-%'"), sql('SELECT count(*) FROM hdl.mart'), 'one refresh job per mart, not two');
($tok, $tout, $terr) = tcp($password, 'SELECT 1');
ok(!$tok, 'no TCP without --listen');

($ok, $out, $err) = lake('--stop');
ok($ok, '--stop');
like($out, qr/stopped the lake in \Q$dir\E/, 'stops it');
($ok, $out, $err) = lake('--stop');
ok($ok, '--stop on a stopped lake succeeds');
like($out, qr/the lake in \Q$dir\E is not running/, 'and says so');
is($err, '', 'with no error output');

# --reset: a new lake with new keys and the sample loaded again
my $key = slurp_file("$dir/data/hdl.keys");
is(sprintf('%04o', (stat("$dir/data/hdl.keys"))[2] & 07777), '0600', 'the keys are in a file only the server user reads');
($ok, $out, $err) = lake('--patients', 3, '--reset');
ok($ok, '--reset') or diag("$out\n$err");
like($out, qr/deleted the lake's data and keys/, 'says what it deleted');
isnt(slurp_file("$dir/data/hdl.keys"), $key, 'new keys');
ok(sql("SELECT count(*) FROM hdl_lake.resource WHERE resource_type = 'Patient'") > 0, 'the sample loaded again');
ok(!-e "$dir/password", 'the old password is gone');
($ok, $out, $err) = lake('--stop');
ok($ok, 'stopped at the end');
done_testing();
