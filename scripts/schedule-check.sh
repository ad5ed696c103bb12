#!/usr/bin/env bash
# Fails if a sql/*.sql regress test is missing from test/schedule, or the schedule names a
# test with no sql/ file (pg_duckdb's schedule check).
cd "$(dirname "$0")/.."
status=0
scheduled=$(sed -n 's/^test: *//p' test/schedule | tr ' ' '\n' | sed '/^$/d' | sort)
present=$(ls sql/*.sql 2>/dev/null | xargs -n1 basename | sed 's/\.sql$//' | sort)
for t in $present; do
	echo "$scheduled" | grep -qx "$t" || { echo "schedule-check: sql/$t.sql is not in test/schedule"; status=1; }
done
for t in $scheduled; do
	echo "$present" | grep -qx "$t" || { echo "schedule-check: test/schedule names $t but sql/$t.sql is missing"; status=1; }
	[ -f "expected/$t.out" ] || { echo "schedule-check: expected/$t.out is missing"; status=1; }
done
exit $status
