#!/usr/bin/env bash
# The PGXS Makefile (build of record) and CMakeLists.txt (unit tests, tooling) must compile
# the same core areas, so the two builds cannot drift apart.
cd "$(dirname "$0")/.."
make_areas=$(sed -n 's/^CORE_AREAS *= *//p' Makefile | tr ' ' '\n' | sed '/^$/d' | sort)
cmake_areas=$(sed -n 's/^set(HDL_CORE_AREAS \(.*\))/\1/p' CMakeLists.txt | tr ' ' '\n' | sed '/^$/d' | sort)
if [ "$make_areas" != "$cmake_areas" ]; then
	echo "check-source-lists: core areas differ between Makefile (CORE_AREAS) and CMakeLists.txt (HDL_CORE_AREAS):"
	diff <(echo "$make_areas") <(echo "$cmake_areas")
	exit 1
fi
for area in $make_areas; do
	[ -d "src/core/$area" ] || { echo "check-source-lists: core area $area has no folder src/core/$area"; exit 1; }
done
exit 0
