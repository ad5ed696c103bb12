#!/usr/bin/env bash
# Runs today's regression tests against an older build of hdl, to see that a new test can fail:
# a test written for a bug should fail on the commit that still has the bug.
#
#   scripts/test-against.sh COMMIT TEST...          e.g. scripts/test-against.sh 6b1bc4b extension null_args
#   scripts/test-against.sh COMMIT --iso SPEC...    the isolation specs instead
#
# COMMIT is built (PGXS) into a private copy of the Postgres 15 installation under
# ${HDL_OLD_DIR:-/tmp/hdl-against}, so the system's hdl stays as it is; the working tree's sql/,
# expected/, specs/ and test/ replace the old ones; the tests run against temporary instances as
# make installcheck-tests does (as postgres when run as root), with the local S3 server when
# test/s3/s3rver.sh can start it. Prints pg_regress's summary, any server crash in the log, and
# where the diffs are. List "extension" first, as for make installcheck-tests.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
[ $# -ge 2 ] || { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
COMMIT=$1
shift
WORK=${HDL_OLD_DIR:-/tmp/hdl-against}
PGBIN=$(pg_config --bindir)
PGSHARE=$(pg_config --sharedir)
PGLIB=$(cd "$PGBIN/.." && pwd)
PREFIX=$WORK/pg
TREE=$WORK/tree

git rev-parse --verify -q "$COMMIT^{commit}" >/dev/null || { echo "test-against: no commit $COMMIT"; exit 2; }
mkdir -p "$WORK"
# A relocated copy of the installation: Postgres finds its share directory relative to its binaries.
if [ ! -x "$PREFIX$PGBIN/pg_config" ]; then
	mkdir -p "$PREFIX$(dirname "$PGLIB")" "$PREFIX$(dirname "$PGSHARE")" "$PREFIX/usr/include"
	cp -a "$PGLIB" "$PREFIX$(dirname "$PGLIB")/"
	cp -a "$PGSHARE" "$PREFIX$(dirname "$PGSHARE")/"
	ln -sfn /usr/include/postgresql "$PREFIX/usr/include/postgresql"
fi
PGC=$PREFIX$PGBIN/pg_config

rm -rf "$TREE" && mkdir -p "$TREE"
git archive "$COMMIT" | tar -x -C "$TREE"
echo "test-against: building $(git log -1 --format='%h %s' "$COMMIT" | cut -c1-100)"
cc=()
command -v ccache >/dev/null && cc=(CXX="ccache g++")
make -C "$TREE" -j2 PG_CONFIG="$PGC" "${cc[@]}" >"$WORK/build.log" 2>&1 && make -C "$TREE" install PG_CONFIG="$PGC" >>"$WORK/build.log" 2>&1 ||
	{ tail -30 "$WORK/build.log"; echo "test-against: $COMMIT did not build"; exit 1; }
rm -rf "$TREE/sql" "$TREE/expected" "$TREE/specs" "$TREE/test"
cp -a "$ROOT/sql" "$ROOT/expected" "$ROOT/specs" "$ROOT/test" "$TREE/"
chmod 0600 "$TREE/test/regress.keys"

S3_ENV=$(HDL_S3_STATE_DIR=$WORK/s3 bash "$ROOT/test/s3/s3rver.sh" start 2>/dev/null) || S3_ENV=""
RUN=()
if [ "$(id -u)" -eq 0 ]; then
	chown -R postgres:postgres "$TREE" && chmod 755 "$WORK" "$TREE"
	RUN=(runuser -u postgres --)
fi
if [ "$1" = --iso ]; then
	shift
	"${RUN[@]}" env PATH="$PREFIX$PGBIN:$PATH" $S3_ENV make -C "$TREE" isolationcheck PG_CONFIG="$PGC" SPECS="$*" >"$WORK/run.log" 2>&1
	diffs=$TREE/output_iso/regression.diffs
else
	"${RUN[@]}" env PATH="$PREFIX$PGBIN:$PATH" $S3_ENV HDL_SHARED_DIR="${HDL_SHARED_DIR:-$ROOT/../shared}" \
		make -C "$TREE" installcheck-tests PG_CONFIG="$PGC" TESTS="$*" >"$WORK/run.log" 2>&1
	diffs=$TREE/regression.diffs
fi
grep -E '\.\.\. |tests (passed|failed)' "$WORK/run.log"
grep -h 'terminated by signal' "$TREE"/log/postmaster.log "$TREE"/output_iso/log/postmaster.log 2>/dev/null | sed 's/^/server crash: /'
[ -n "$S3_ENV" ] && HDL_S3_STATE_DIR=$WORK/s3 bash "$ROOT/test/s3/s3rver.sh" stop >/dev/null 2>&1
[ -f "$diffs" ] && echo "test-against: diffs in $diffs"
exit 0
