# A PostgreSQL::Test::Cluster node with hdl preloaded and the test settings of
# test/regress.conf, for hdl's TAP tests.
package hdl_node;
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

sub new_node {
	my ($name, $extra) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init;
	$node->append_conf('postgresql.conf', slurp_file('test/regress.conf'));
	# The test keys in the node's data directory, readable only by the server's OS user.
	install_keys($node, slurp_file('test/regress.keys'));
	$node->append_conf('postgresql.conf', "hdl.key_file = 'hdl.keys'\nhdl.etl_poll_interval = 200\n" . ($extra // ''));
	$node->start;
	$node->safe_psql('postgres', 'CREATE EXTENSION hdl CASCADE');
	return $node;
}

# Writes a key file (mode 0600) into the node's data directory.
sub install_keys {
	my ($node, $text, $file) = @_;
	my $path = $node->data_dir . '/' . ($file // 'hdl.keys');
	open(my $fh, '>', $path) or die "cannot write $path: $!";
	print $fh $text;
	close($fh);
	chmod(0600, $path) or die "cannot chmod $path: $!";
	return $path;
}

# No backend may die of a signal: that would be a crash, whatever the test saw.
sub check_no_crash {
	my ($node) = @_;
	my $log = slurp_file($node->logfile);
	unlike($log, qr/terminated by signal|was terminated by/, 'no server process was terminated by a signal');
}

1;
