# Without shared_preload_libraries the extension still installs and ingests, but features that need
# the preloaded module (the ETL launcher) refuse with a clear error and a hint.
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use hdl_node;

my $node = PostgreSQL::Test::Cluster->new('nopreload');
$node->init;
my $conf = slurp_file('test/regress.conf');
$conf =~ s/^shared_preload_libraries.*$//m;
$node->append_conf('postgresql.conf', $conf);
hdl_node::install_keys($node, slurp_file('test/regress.keys'));
$node->append_conf('postgresql.conf', "hdl.key_file = 'hdl.keys'\n");
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION hdl CASCADE');
is($node->safe_psql('postgres', 'SELECT hdl.version()'), '0.1', 'the extension installs without preloading');

my ($ret, $stdout, $stderr) = $node->psql('postgres',
	"SELECT hdl.schedule_job('x', 'sql', 'SELECT 1', '1 minute')", extra_params => ['-v', 'VERBOSITY=verbose']);
isnt($ret, 0, 'scheduling a job fails');
like($stderr, qr/55000: scheduling ETL jobs requires hdl to be loaded via shared_preload_libraries/, 'with a clear error');
like($stderr, qr/HINT:  Add hdl to shared_preload_libraries in postgresql.conf and restart the server\./, 'and a hint');
is($node->safe_psql('postgres', 'SELECT count(*) FROM hdl.etl_job'), '0', 'nothing was scheduled');

my $log = slurp_file($node->logfile);
unlike($log, qr/terminated by signal/, 'no server process crashed');
$node->stop;
done_testing();
