# The console page in a real browser: headless Chromium renders hdl.console_html(), a
# screenshot is taken, and the rendered DOM shows each job with its status.
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use hdl_node;

if (system('command -v chromium >/dev/null 2>&1') != 0) {
	plan skip_all => 'chromium is not installed (scripts/install-deps.sh installs it)';
}

my $node = hdl_node::new_node('console', "hdl.etl_enabled = off\n");
$node->safe_psql('postgres', q{
	CREATE ROLE regress_feed LOGIN IN ROLE hdl_provider;
	SELECT hdl.register_source('regress_feed', 'RR8', 'Regress acute trust');
	SELECT hdl.schedule_job('nightly-load', 'sql', 'SELECT g FROM generate_series(1, 5) g', '0 2 * * *');
	SELECT hdl.schedule_job('broken-export', 'sql', 'SELECT 1 / 0', '15 minutes');
	SELECT hdl.schedule_job('paused-job', 'sql', 'SELECT 1', '@hourly', enabled => false);
	SELECT hdl.schedule_job('hostile', 'sql', $x$DO $$BEGIN RAISE EXCEPTION '<img src=x onerror=alert(1)>'; END$$$x$, '@daily');
	SET ROLE regress_feed;
	SELECT hdl.ingest('{"resourceType":"Practitioner","id":"dr-1","birthDate":"1970-01-02"}');
	RESET ROLE;
	SELECT hdl.create_mart('born', '{"resource":"Practitioner","select":[{"column":[{"name":"id","path":"id"},
		{"name":"born","path":"birthDate","type":"date","tag":[{"name":"postgres/type","value":"date"}]}]}]}');
	SELECT hdl.schedule_job('refresh-born', 'refresh_mart', 'born', '@hourly');
	SET ROLE regress_feed;
	SELECT hdl.ingest('{"resourceType":"Practitioner","id":"dr-2","birthDate":"1971"}');
	RESET ROLE;
	-- an import of one object with a rejected line, as hdl.import_s3 records them
	INSERT INTO hdl.ingest_batch (source_id, submitted_by, kind, received_at, stored, rejected, resource_counts)
	SELECT source_id, 'regress_feed', 'import', now(), 9, 2, '{}' FROM hdl.source WHERE org_code = 'RR8';
	INSERT INTO hdl.import_quarantine (server_name, bucket, object_key, line, raw, outcome, sqlstate, source_id, submitted_by)
	SELECT 'minio', 'hdl', 'bulk/Patient.ndjson', n, '{}', '{}', '22007', source_id, 'regress_feed'
	FROM hdl.source, generate_series(1, 2) n WHERE org_code = 'RR8';
});
$node->safe_psql('postgres', q{
	SELECT hdl.run_job_now('nightly-load');
	SELECT hdl.run_job_now('broken-export');
	SELECT hdl.run_job_now('hostile');
	SELECT hdl.run_job_now('refresh-born');
	SET ROLE regress_feed;
	SELECT hdl.ingest('{"resourceType":"Practitioner","name":[{"family":"Jones"}]}');
});
my $dir = PostgreSQL::Test::Utils::tempdir();
my $html = $node->safe_psql('postgres', 'SELECT hdl.console_html()');
open(my $fh, '>:raw', "$dir/console.html") or die;
print $fh $html;
close($fh);

my $dom = `bash test/console/render.sh '$dir/console.html' '$dir/console.png'`;
is($?, 0, 'chromium rendered the page');
like($dom, qr{<title>hdl console</title>}, 'the DOM is the console');
for my $case (['nightly-load', 'succeeded'], ['broken-export', 'failed'], ['paused-job', 'disabled']) {
	my ($job, $status) = @$case;
	like($dom, qr{<tr data-job="\Q$job\E"><td class="job">\Q$job\E</td>.*?<span class="status status-$status">$status</span>}s,
		"job $job shows as $status");
}
like($dom, qr{division by zero}, 'the failure is listed');
like($dom, qr{<meta http-equiv="refresh" content="60">}, 'the page reloads itself every minute');

# Drill-down: the failed refresh links to its details, which say where it failed
my $run = $node->safe_psql('postgres', "SELECT max(run_id) FROM hdl.etl_run WHERE job_name = 'refresh-born'");
like($dom, qr{<tr data-job="refresh-born">.*?<a class="drill" href="#run-$run">details</a>}s, 'the failing job links to its run');
like($dom, qr{<tr data-run="$run"><td class="num"><a class="drill" href="#run-$run">$run</a>}, 'the failure row links to its run');
like($dom, qr{<article class="run-detail" id="run-$run">.*?<dd class="sqlstate">22007</dd>.*?<pre class="context">column "born" of the row for Practitioner/dr-2}s,
	'the run details show the SQLSTATE and where it failed (column and resource)');

# Marts with size and freshness; imports and quarantine counts
like($dom, qr{<tr data-mart="born"><td class="job">born</td><td>mart.born</td><td>Practitioner</td><td class="num">1</td><td class="num" data-bytes="[1-9]\d*">\d+ kB</td>.*?<td class="num fresh">[^<]+</td><td>refresh-born</td><td><span class="status status-failed">failed</span>}s,
	'the mart shows rows, size, freshness and its failing refresh job');
like($dom, qr{<section id="imports">.*?<td>RR8</td><td>Regress acute trust</td><td class="num">1</td><td class="num">9</td><td class="num">2</td>}s,
	'imports per day and source');
like($dom, qr{<tr data-quarantine="minio/hdl/RR8"><td>minio</td><td>hdl</td><td>RR8</td><td class="num">2</td><td class="num">1</td>},
	'quarantined lines counted per server, bucket and source');
like($dom, qr{<div class="tile alert" id="tile-quarantine"><b>2</b>lines in quarantine</div>}, 'a quarantine tile');
like($dom, qr{<section id="ingest">.*?<td>RR8</td><td>Regress acute trust</td><td class="num">4</td><td class="num">12</td><td class="num">2</td>}s,
	'ingest volume per source');
like($dom, qr{&lt;img src=x onerror=alert\(1\)&gt;}, 'a hostile error message is shown as text');
unlike($dom, qr{<img}i, 'and creates no element');
my $svgs = () = $dom =~ /<svg /g;
is($svgs, 2, 'two inline SVG charts');
unlike($dom, qr{<script|href="(?!#)}i, 'no scripts and no links off the page');
ok(-s "$dir/console.png" > 10000, 'a screenshot was taken');
# The drill-down target, as a browser shows it after following the link
my $detail_dom = `bash test/console/render.sh '$dir/console.html' '$dir/console-run.png' 1280,1600 '#run-$run'`;
is($?, 0, 'chromium rendered the page at a failed run');
like($detail_dom, qr{id="run-$run"}, 'the run details are on the page');
ok(-s "$dir/console-run.png" > 10000, 'a screenshot of the run details was taken');
open(my $png, '<:raw', "$dir/console.png") or die;
read($png, my $magic, 8);
close($png);
is($magic, "\x89PNG\r\n\x1a\n", 'the screenshot is a PNG');
mkdir 'tmp_check' unless -d 'tmp_check';
system('cp', "$dir/console.png", 'tmp_check/console.png');
system('cp', "$dir/console-run.png", 'tmp_check/console-run.png');

hdl_node::check_no_crash($node);
$node->stop;
done_testing();
