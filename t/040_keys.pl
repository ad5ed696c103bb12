# hdl's keys on a real cluster: the key file named by hdl.key_file (mode 0600) or the output of
# hdl.key_command, through ALTER SYSTEM and reloads; a monitoring role never reads a key; no secret
# ever reaches the server log, however the DBA tries to set one.
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use hdl_node;

# Statements are not logged here (TAP nodes log every statement by default): the test is about
# what hdl and Postgres write of their own.
my $node = hdl_node::new_node('keys', "log_statement = none\n");
my @secrets = ('regress-pseudonym-key-0123456789abcdef', 'regress-vault-key-0123456789abcdef');
sub ids {
	my ($session_sql) = @_;
	return $node->safe_psql('postgres', ($session_sql // '') . "SELECT string_agg(name || '=' || key_id, ',' ORDER BY name) FROM hdl.key_ids()");
}
is(ids(), 'pseudonym_key=test1,vault_key=vault1', 'the node reads its key file');

# A monitoring role: the key file's path, never a key.
$node->safe_psql('postgres', 'CREATE ROLE tap_monitor LOGIN IN ROLE pg_monitor');
my $seen = $node->safe_psql('postgres',
	"SELECT string_agg(name || '=' || setting, ',' ORDER BY name) FROM pg_settings WHERE name LIKE 'hdl.%'",
	extra_params => ['-U', 'tap_monitor']);
like($seen, qr/hdl\.key_file=hdl\.keys/, 'pg_monitor sees where the keys are');
unlike($seen, qr/regress-(pseudonym|vault)-key/, 'and no key');
my ($ret, $out, $err) = $node->psql('postgres', 'SHOW hdl.vault_key', extra_params => ['-U', 'tap_monitor']);
like($err, qr/unrecognized configuration parameter "hdl.vault_key"/, 'SHOW hdl.vault_key: no such setting');

# Rotation through a new file and ALTER SYSTEM + reload: a session opened before sees the new keys.
hdl_node::install_keys($node, "pseudonym_key = test1:regress-pseudonym-key-0123456789abcdef\n"
	. "vault_key = vault2:tap-rotated-vault-key-0123456789abcdef\n"
	. "vault_key_previous = vault1:regress-vault-key-0123456789abcdef\n", 'rotated.keys');
push @secrets, 'tap-rotated-vault-key-0123456789abcdef';
my $session = $node->background_psql('postgres');
is($session->query_safe("SELECT count(*) FROM hdl.key_ids()"), '2', 'an open session has the first keys');
$node->safe_psql('postgres', "ALTER SYSTEM SET hdl.key_file = 'rotated.keys'");
$node->reload;
$node->poll_query_until('postgres', "SELECT setting = 'rotated.keys' FROM pg_settings WHERE name = 'hdl.key_file'");
# the open session applies the reload at its next statement
my $found = 0;
for (1 .. 50) {
	if ($session->query_safe("SELECT count(*) FROM hdl.key_ids()") eq '3') { $found = 1; last; }
	sleep(0.1);
}
ok($found, 'after a reload the open session reads the new key file');
is(ids(), 'pseudonym_key=test1,vault_key=vault2,vault_key_previous=vault1', 'new sessions too');

# The same file rewritten in place (same path, no reload) is read again.
hdl_node::install_keys($node, "pseudonym_key = test1:regress-pseudonym-key-0123456789abcdef\n"
	. "vault_key = vault2:tap-rotated-vault-key-0123456789abcdef\n", 'rotated.keys');
is($session->query_safe("SELECT count(*) FROM hdl.key_ids()"), '2', 'a changed key file is read again without a reload');

# A key file others can read is refused, in every session.
chmod(0644, $node->data_dir . '/rotated.keys');
($ret, $out, $err) = $node->psql('postgres', 'SELECT * FROM hdl.key_ids()');
like($err, qr/could not use key file "rotated.keys": it has group or world access/, 'a world-readable key file is refused');
chmod(0600, $node->data_dir . '/rotated.keys');

# The key command, switched on by ALTER SYSTEM + reload; it runs again after each reload.
hdl_node::install_keys($node, "pseudonym_key = cmd1:tap-command-pseudonym-key-0123456789\n"
	. "vault_key = cmd1:tap-command-vault-key-0123456789abc\n", 'command.keys');
push @secrets, 'tap-command-pseudonym-key-0123456789', 'tap-command-vault-key-0123456789abc';
$node->safe_psql('postgres', "ALTER SYSTEM SET hdl.key_file = ''");
$node->safe_psql('postgres', "ALTER SYSTEM SET hdl.key_command = 'cat command.keys'");
$node->reload;
$node->poll_query_until('postgres', "SELECT setting = 'cat command.keys' FROM pg_settings WHERE name = 'hdl.key_command'");
$found = 0;
for (1 .. 50) {
	if ($session->query_safe("SELECT string_agg(key_id, ',') FROM hdl.key_ids()") eq 'cmd1,cmd1') { $found = 1; last; }
	sleep(0.1);
}
ok($found, 'the open session runs the key command after the reload');
hdl_node::install_keys($node, "pseudonym_key = cmd2:tap-command-pseudonym-key-0123456789\n"
	. "vault_key = cmd2:tap-command-vault-key-0123456789abc\n", 'command.keys');
is($session->query_safe("SELECT string_agg(key_id, ',') FROM hdl.key_ids()"), 'cmd1,cmd1',
	'between reloads the command output is kept');
$node->reload;
$found = 0;
for (1 .. 50) {
	if ($session->query_safe("SELECT string_agg(key_id, ',') FROM hdl.key_ids()") eq 'cmd2,cmd2') { $found = 1; last; }
	sleep(0.1);
}
ok($found, 'a reload runs the key command again');
$session->quit;

# A DBA who still tries to set a key as a setting: refused, and nothing of it in the log.
($ret, $out, $err) = $node->psql('postgres', "ALTER SYSTEM SET hdl.vault_key_previous = 'k1:tap-secret-in-alter-system-0001'");
like($err, qr/hdl keys are not settings/, 'ALTER SYSTEM SET hdl.vault_key_previous is refused');
push @secrets, 'tap-secret-in-alter-system-0001';
$node->reload;
# An old postgresql.conf line with a key: the server warns without the value.
$node->append_conf('postgresql.conf', "hdl.vault_key = 'k1:tap-secret-in-postgresql-conf-0002'\n");
push @secrets, 'tap-secret-in-postgresql-conf-0002';
$node->reload;
$node->restart;
is($node->safe_psql('postgres', "SELECT string_agg(key_id, ',') FROM hdl.key_ids()"), 'cmd2,cmd2',
	'the server starts with the key command');

# Ingest and re-identify under the command's keys, then look for every secret in the server log.
$node->safe_psql('postgres', q{
	CREATE ROLE tap_feed IN ROLE hdl_provider;
	SELECT hdl.register_source('tap_feed', 'TAPK1', 'TAP key feed');
	SET ROLE tap_feed;
	SELECT hdl.ingest('{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}],"gender":"female"}');
});
my $log = slurp_file($node->logfile);
for my $s (@secrets) {
	unlike($log, qr/\Q$s\E/, "the server log never holds the secret $s");
}
like($log, qr/parameter "hdl.key_command" changed to "cat command.keys"/, 'the log names where keys come from');
hdl_node::check_no_crash($node);
$node->stop;
done_testing();
