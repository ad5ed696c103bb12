#!/usr/bin/env bash
# Everything hdl-synth emits validates against FHIR R4 at the strict level, in both output
# formats (run by ctest as synth_output_validates).
# Usage: validate.sh HDL_SYNTH HDL_FHIR_VALIDATE
set -euo pipefail
synth=$1
validate=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$synth" --patients 60 --seed 11 --format bundles --out "$out/bundles" --quiet
"$synth" --patients 60 --seed 12 --format ndjson --out "$out/ndjson" --quiet
mapfile -t files < <(find "$out" -name '*.ndjson' | sort)
[ "${#files[@]}" -gt 5 ] || { echo "generator wrote too few files: ${#files[@]}"; exit 1; }
"$validate" --level strict "${files[@]}"
