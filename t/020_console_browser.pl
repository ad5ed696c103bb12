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
});
$node->safe_psql('postgres', q{
	SELECT hdl.run_job_now('nightly-load');
	SELECT hdl.run_job_now('broken-export');
	SELECT hdl.run_job_now('hostile');
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
like($dom, qr{<td>RR8</td><td>Regress acute trust</td><td class="num">1</td><td class="num">1</td>},
	'ingest volume per source');
like($dom, qr{&lt;img src=x onerror=alert\(1\)&gt;}, 'a hostile error message is shown as text');
unlike($dom, qr{<img}i, 'and creates no element');
my $svgs = () = $dom =~ /<svg /g;
is($svgs, 2, 'two inline SVG charts');
ok(-s "$dir/console.png" > 10000, 'a screenshot was taken');
open(my $png, '<:raw', "$dir/console.png") or die;
read($png, my $magic, 8);
close($png);
is($magic, "\x89PNG\r\n\x1a\n", 'the screenshot is a PNG');
mkdir 'tmp_check' unless -d 'tmp_check';
system('cp', "$dir/console.png", 'tmp_check/console.png');

hdl_node::check_no_crash($node);
$node->stop;
done_testing();
