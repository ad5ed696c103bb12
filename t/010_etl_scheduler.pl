# The ETL launcher on a real cluster: scheduled runs, retries with backoff, timeouts, the
# launcher killed and back (stale runs failed), SIGHUP of hdl.etl_enabled, NOTIFY hdl_etl and
# hdl_ingest, and no free worker slot (a WARNING and a failed run, no crash).
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time sleep);
use hdl_node;

my $node = hdl_node::new_node('etl');

sub launcher_pid {
	return $node->safe_psql('postgres',
		"SELECT coalesce(max(pid), 0) FROM pg_stat_activity WHERE backend_type = 'hdl etl launcher'");
}

# Makes an interval job due now (its schedule counts from an hour ago).
sub make_due {
	my ($job) = @_;
	$node->safe_psql('postgres',
		"UPDATE hdl.etl_job SET schedule_set_at = now() - interval '1 hour' WHERE name = '$job'");
}

ok($node->poll_query_until('postgres',
	"SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'hdl etl launcher'"), 'the launcher runs');

# A job scheduled every second runs within its interval, in a worker, as scheduled runs.
$node->safe_psql('postgres', 'CREATE TABLE public.ticks (at timestamptz DEFAULT clock_timestamp())');
my $t0 = time();
$node->safe_psql('postgres', "SELECT hdl.schedule_job('tick', 'sql', 'INSERT INTO public.ticks DEFAULT VALUES', '1 second')");
ok($node->poll_query_until('postgres',
	"SELECT count(*) >= 1 FROM hdl.etl_run WHERE job_name = 'tick' AND status = 'succeeded'"), 'the job ran');
cmp_ok(time() - $t0, '<', 4, 'the first run came within its interval (plus a poll)');
my $lpid = launcher_pid();
is($node->safe_psql('postgres', "SELECT trigger, attempt, rows_out, worker_pid <> $lpid AND worker_pid <> pg_backend_pid(),
	finished_at >= started_at FROM hdl.etl_run WHERE job_name = 'tick' ORDER BY run_id LIMIT 1"),
	'schedule|1|1|t|t', 'a scheduled run in its own worker, one row out');
ok($node->poll_query_until('postgres', "SELECT count(*) >= 3 FROM public.ticks"), 'it keeps running');

# NOTIFY hdl_etl per finished run, heard by a login role that holds no hdl role: the run id and
# nothing else (any login role may LISTEN); the details stay behind hdl.etl_run's privileges.
$node->safe_psql('postgres', 'CREATE ROLE tap_listener LOGIN');
my ($ret, $out, $err) = $node->psql('postgres', 'LISTEN hdl_etl; SELECT pg_sleep(2.5);',
	extra_params => ['-U', 'tap_listener']);
my @runs = ($out =~ /Asynchronous notification "hdl_etl" with payload "([^\n]*)" received/g);
cmp_ok(scalar(@runs), '>=', 1, 'NOTIFY hdl_etl reports each finished run') or diag($out . $err);
is(scalar(grep { !/^\{"run_id" : \d+\}$/ } @runs), 0, 'its payload is the run id alone') or diag(join("\n", @runs));
my ($run_id) = ($runs[0] // '') =~ /(\d+)/;
is($node->safe_psql('postgres', "SELECT job_name || ':' || status FROM hdl.etl_run WHERE run_id = " . ($run_id // 0)),
	'tick:succeeded', 'an engineer reads the run behind the id');
($ret, $out, $err) = $node->psql('postgres', 'SELECT * FROM hdl.etl_run', extra_params => ['-U', 'tap_listener']);
like($err, qr/permission denied/, 'the listener cannot');

# Changing a job takes effect without restart.
$node->safe_psql('postgres', "SELECT hdl.alter_job('tick', enabled => false)");
sleep(0.5);
my $n = $node->safe_psql('postgres', 'SELECT count(*) FROM public.ticks');
sleep(2);
is($node->safe_psql('postgres', 'SELECT count(*) FROM public.ticks'), $n, 'a disabled job stops at once');

# A failing job records its error and is retried with backoff (1 s, then 2 s), then stops.
$node->safe_psql('postgres',
	"SELECT hdl.schedule_job('fail', 'sql', 'SELECT 1 / 0', '1 hour', retries => 2, retry_delay => '1 second')");
make_due('fail');
ok($node->poll_query_until('postgres',
	"SELECT count(*) = 3 FROM hdl.etl_run WHERE job_name = 'fail' AND status = 'failed'"), 'three failed attempts');
is($node->safe_psql('postgres', "SELECT string_agg(trigger || ':' || attempt || ':' || sqlstate || ':' || error, ',' ORDER BY run_id)
	FROM hdl.etl_run WHERE job_name = 'fail'"),
	'schedule:1:22012:division by zero,retry:2:22012:division by zero,retry:3:22012:division by zero',
	'each attempt records its error');
my $gaps = $node->safe_psql('postgres', "SELECT string_agg((extract(epoch FROM started_at - lag)::numeric >= w)::text, ',' ORDER BY run_id)
	FROM (SELECT run_id, started_at, lag(finished_at) OVER (ORDER BY run_id), (attempt - 1) * 1.0 AS w
		FROM hdl.etl_run WHERE job_name = 'fail') x WHERE lag IS NOT NULL");
is($gaps, 'true,true', 'retries wait 1 s, then 2 s');
sleep(3);
is($node->safe_psql('postgres', "SELECT count(*) FROM hdl.etl_run WHERE job_name = 'fail'"), '3', 'no retry after the last');
is($node->safe_psql('postgres', "SELECT status FROM hdl.console_jobs WHERE job = 'fail'"), 'failed', 'the console shows it');

# A worker's failure keeps the error's hint and context (where it happened), as an interactive
# call shows them.
$node->safe_psql('postgres', q{SELECT hdl.schedule_job('context', 'sql',
	$x$DO $$BEGIN RAISE EXCEPTION 'no luck' USING HINT = 'Try again.'; END$$$x$, '1 hour')});
make_due('context');
ok($node->poll_query_until('postgres',
	"SELECT count(*) = 1 FROM hdl.etl_run WHERE job_name = 'context' AND status = 'failed'"), 'the run failed');
is($node->safe_psql('postgres', q{SELECT trigger || '|' || error || '|' || error_hint || '|' || split_part(error_context, E'\n', 1)
	FROM hdl.etl_run WHERE job_name = 'context'}),
	'schedule|no luck|Try again.|PL/pgSQL function inline_code_block line 1 at RAISE', 'with its hint and context');

# A run longer than its timeout is cancelled and recorded as failed.
$node->safe_psql('postgres', "SELECT hdl.schedule_job('slow', 'sql', 'SELECT pg_sleep(30)', '1 hour', timeout => '1 second')");
make_due('slow');
ok($node->poll_query_until('postgres',
	"SELECT count(*) = 1 FROM hdl.etl_run WHERE job_name = 'slow' AND status = 'failed'"), 'the slow run ended');
like($node->safe_psql('postgres', "SELECT sqlstate || ' ' || error || ' ' || (finished_at - started_at < interval '10 seconds')
	FROM hdl.etl_run WHERE job_name = 'slow'"), qr/^57014 canceling statement due to statement timeout .*true$/,
	'timeout: cancelled after about a second');

# Kill the launcher (and the worker of a run under way): it comes back and fails the stale run.
$node->safe_psql('postgres', "SELECT hdl.schedule_job('long', 'sql', 'SELECT pg_sleep(60)', '1 hour')");
make_due('long');
ok($node->poll_query_until('postgres',
	"SELECT count(*) = 1 FROM hdl.etl_run WHERE job_name = 'long' AND status = 'running' AND worker_pid IS NOT NULL"),
	'a long run is under way');
my $old = launcher_pid();
$node->safe_psql('postgres', "SELECT pg_terminate_backend($old),
	pg_terminate_backend((SELECT worker_pid FROM hdl.etl_run WHERE job_name = 'long'))");
ok($node->poll_query_until('postgres',
	"SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'hdl etl launcher' AND pid <> $old"),
	'the launcher restarted');
ok($node->poll_query_until('postgres',
	"SELECT status = 'failed' FROM hdl.etl_run WHERE job_name = 'long'"), 'the stale run was marked failed');
like($node->safe_psql('postgres', "SELECT error FROM hdl.etl_run WHERE job_name = 'long'"),
	qr/still marked running when the ETL launcher started/, 'by the new launcher, at its start');

# SIGHUP: hdl.etl_enabled off pauses every schedule, on resumes them.
$node->safe_psql('postgres', 'ALTER SYSTEM SET hdl.etl_enabled = off');
$node->reload;
sleep(1);
$node->safe_psql('postgres', "SELECT hdl.schedule_job('paused', 'sql', 'SELECT 1', '1 second')");
sleep(2.5);
is($node->safe_psql('postgres', "SELECT count(*) FROM hdl.etl_run WHERE job_name = 'paused'"), '0',
	'no runs while hdl.etl_enabled is off');
$node->safe_psql('postgres', 'ALTER SYSTEM RESET hdl.etl_enabled');
$node->reload;
ok($node->poll_query_until('postgres',
	"SELECT count(*) >= 1 FROM hdl.etl_run WHERE job_name = 'paused' AND status = 'succeeded'"), 'runs resume after reload');
$node->safe_psql('postgres', "SELECT hdl.unschedule_job('paused')");

# NOTIFY hdl_ingest per committed ingest call; none for a rolled-back one.
$node->safe_psql('postgres', q{
	CREATE ROLE regress_feed LOGIN IN ROLE hdl_provider;
	SELECT hdl.register_source('regress_feed', 'RR8', 'Regress acute trust');
});
# In hdl.etl_database the launcher sends them, within a poll interval, for what committed since
# its last look: an ingest commit notifies nothing itself (issue 21: every notifying commit queues
# on one lock). Heard by a listener that holds no hdl role, in a session of its own.
my $listener = $node->background_psql('postgres', extra_params => ['-U', 'tap_listener']);
$listener->query_safe('LISTEN hdl_ingest');
# Everything heard until `want` notifications came (or 5 s), then a second more for any extra.
sub hear {
	my ($want) = @_;
	my $heard = '';
	for (1 .. 50) {
		$heard .= $listener->query_safe('SELECT 1');
		my @n = ($heard =~ /Asynchronous notification "hdl_ingest"/g);
		last if scalar(@n) >= $want;
		sleep(0.1);
	}
	sleep(1.2);
	$heard .= $listener->query_safe('SELECT 1');
	return $heard;
}
sub payloads { my ($heard) = @_; return ($heard =~ /Asynchronous notification "hdl_ingest" with payload "([^\n]*)" received/g); }
($ret, $out, $err) = $node->psql('postgres', q{
	SET ROLE regress_feed;
	LISTEN hdl_ingest;
	BEGIN;
	SELECT hdl.ingest('{"resourceType":"Practitioner","name":[{"family":"Rolled"}]}') IS NOT NULL;
	ROLLBACK;
	SELECT hdl.ingest('{"resourceType":"Practitioner","name":[{"family":"Jones"}]}') IS NOT NULL;
	SELECT 1;
});
unlike($out, qr/Asynchronous notification/, 'the ingest commit itself notifies nothing here') or diag($out . $err);
my $heard = hear(1);
my @notes = payloads($heard);
is(scalar(@notes), 1, 'one hdl_ingest notification: the committed batch only') or diag($heard);
my $batch = $node->safe_psql('postgres', "SELECT max(batch_id) FROM hdl.catalog_batches WHERE organisation = 'RR8'");
is($notes[0] // '', qq({"batch" : $batch}), 'the payload is the batch id alone: no source, counts or types');
$lpid = launcher_pid();
like($heard, qr/received from server process with PID $lpid\./, 'sent by the ETL launcher');
unlike($heard, qr/RR8|Practitioner|"stored"/, 'and nothing else');

# Two feeds committing at once: every batch announced once, in batch order within a tick.
$node->safe_psql('postgres', q{
	CREATE ROLE regress_feed2 LOGIN IN ROLE hdl_provider;
	SELECT hdl.register_source('regress_feed2', 'RR9', 'Regress second trust');
});
my $first = $node->safe_psql('postgres', 'SELECT max(batch_id) FROM hdl.ingest_batch');
my @feeds = map { $node->background_psql('postgres') } (1, 2);
my @roles = ('regress_feed', 'regress_feed2');
for my $round (1 .. 10) {
	for my $f (0, 1) {
		$feeds[$f]->query_safe("SET ROLE $roles[$f]; SELECT hdl.ingest('{\"resourceType\":\"Practitioner\",\"name\":[{\"family\":\"F$f R$round\"}]}') IS NOT NULL; RESET ROLE");
	}
}
$_->quit for @feeds;
$heard = hear(20);
@notes = payloads($heard);
my @want = split(/\n/, $node->safe_psql('postgres', "SELECT format('{\"batch\" : %s}', batch_id) FROM hdl.ingest_batch WHERE batch_id > $first ORDER BY batch_id"));
is(scalar(@want), 20, 'twenty batches committed');
is(join(',', sort @notes), join(',', sort @want), 'each announced exactly once') or diag($heard);
$listener->quit;

# In a database that is not hdl.etl_database the batch's own transaction notifies.
$node->safe_psql('postgres', 'CREATE DATABASE other_lake');
$node->safe_psql('other_lake', q{CREATE EXTENSION hdl CASCADE;
	SELECT hdl.register_source('regress_feed', 'RR8', 'Regress acute trust')});
($ret, $out, $err) = $node->psql('other_lake', q{
	SET ROLE regress_feed;
	LISTEN hdl_ingest;
	SELECT hdl.ingest('{"resourceType":"Practitioner","name":[{"family":"Elsewhere"}]}') IS NOT NULL;
	SELECT 1;
});
$batch = $node->safe_psql('other_lake', "SELECT max(batch_id) FROM hdl.ingest_batch");
like($out, qr/Asynchronous notification "hdl_ingest" with payload "\{"batch" : $batch\}" received/,
	'another database: the ingest transaction notifies') or diag($out . $err);
$node->safe_psql('postgres', 'DROP DATABASE other_lake');
($ret, $out, $err) = $node->psql('postgres', 'SELECT * FROM hdl.catalog_batches', extra_params => ['-U', 'tap_listener']);
like($err, qr/permission denied/, 'nor can it read the batch');

# A scheduled run acts as its job's owner: what it audits names the owner, not the launcher's
# superuser; the run itself is recorded as run by the owner.
$node->safe_psql('postgres', q{
	CREATE ROLE tap_engineer LOGIN IN ROLE hdl_engineer;
	SET ROLE tap_engineer;
	SELECT hdl.create_mart('tap_practitioners', '{"resourceType":"ViewDefinition","name":"tap_practitioners",
		"resource":"Practitioner","select":[{"column":[{"name":"id","path":"getResourceKey()"}]}]}');
	SELECT hdl.schedule_job('tap_refresh', 'refresh_mart', 'tap_practitioners', '1 hour');
});
my $mark = $node->safe_psql('postgres', 'SELECT max(entry_id) FROM hdl_audit.log');
make_due('tap_refresh');
ok($node->poll_query_until('postgres',
	"SELECT count(*) = 1 FROM hdl.etl_run WHERE job_name = 'tap_refresh' AND status <> 'pending' AND status <> 'running'"),
	'the engineer\'s job ran');
is($node->safe_psql('postgres', "SELECT trigger || ':' || status || ':' || run_by FROM hdl.etl_run WHERE job_name = 'tap_refresh'"),
	'schedule:succeeded:tap_engineer', 'a scheduled run of the engineer\'s job');
is($node->safe_psql('postgres', "SELECT string_agg(event || ':' || role_name, ',' ORDER BY entry_id) FROM hdl_audit.log
	WHERE entry_id > $mark AND subject LIKE '%tap_practitioners%'"),
	'mart_refresh:tap_engineer', 'its refresh is audited under the engineer\'s role');
$node->safe_psql('postgres', "SELECT hdl.unschedule_job('tap_refresh')");

# No free background worker slot: a WARNING with a hint, a failed run, and no crash.
$node->safe_psql('postgres', "SELECT hdl.unschedule_job(name) FROM hdl.etl_job");
$node->append_conf('postgresql.conf', "max_worker_processes = 2\n");
$node->restart;
my $offset = -s $node->logfile;
$node->safe_psql('postgres', "SELECT hdl.schedule_job('starved', 'sql', 'SELECT 1', '1 hour', retries => 0)");
make_due('starved');
ok($node->poll_query_until('postgres',
	"SELECT count(*) = 1 FROM hdl.etl_run WHERE job_name = 'starved' AND status = 'failed'"), 'the run failed');
is($node->safe_psql('postgres', "SELECT sqlstate FROM hdl.etl_run WHERE job_name = 'starved'"), '53400',
	'as a configuration limit');
ok($node->log_contains(qr/WARNING:  could not start a background worker for ETL job "starved"/, $offset),
	'with a WARNING');
ok($node->log_contains(qr/HINT:  You might need to increase max_worker_processes/, $offset), 'and a hint');
is($node->safe_psql('postgres', 'SELECT 1'), '1', 'the server is fine');
is(launcher_pid() > 0 ? 1 : 0, 1, 'the launcher is still there');

hdl_node::check_no_crash($node);
$node->stop;
done_testing();
