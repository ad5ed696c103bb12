#!/usr/bin/env bash
# hdl's own lint checks (the style guide's custom lint): the core never sees Postgres headers,
# no ereport inside catch blocks, every regress test is scheduled, every setting documented,
# and the PGXS and CMake builds compile the same sources.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
fail() { echo "lint: $*"; status=1; }

if grep -rlE '#include *[<"](postgres|postgres_ext|fmgr|pg/postgres)\.h' src/core; then
	fail "src/core must not include Postgres headers (files above)"
fi
if grep -rn 'PG_TRY' src/core; then
	fail "src/core must not use PG_TRY"
fi
for h in $(find src/core -name '*.hpp'); do
	[ "$(basename "$h")" = cpp_only.hpp ] && continue
	grep -q '#include "core/cpp_only.hpp"' "$h" || fail "$h does not end with #include \"core/cpp_only.hpp\""
done
# ereport/elog(ERROR) lexically inside a catch block
python3 - <<'PY' || status=1
import re, pathlib, sys
bad = False
for p in pathlib.Path("src").rglob("*.cpp"):
    text = p.read_text()
    for m in re.finditer(r"catch\s*\([^)]*\)\s*\{", text):
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        body = text[m.end():i]
        if re.search(r"\b(ereport|elog)\s*\(\s*(ERROR|FATAL)", body):
            print(f"lint: {p}: ereport/elog(ERROR) inside a catch block")
            bad = True
sys.exit(1 if bad else 0)
PY
bash scripts/schedule-check.sh || status=1
python3 marts/generate.py --check || fail "src/sof/starter.sql is out of date (run python3 marts/generate.py)"
for guc in $(grep -oE '"hdl\.[a-z_]+"' src/guc.cpp | tr -d '"' | sort -u); do
	grep -q "\`$guc\`" docs/settings.md || fail "setting $guc is not documented in docs/settings.md"
done
bash scripts/check-source-lists.sh || status=1
[ $status -eq 0 ] && echo "lint: ok"
exit $status
