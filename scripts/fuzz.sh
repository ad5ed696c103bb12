#!/usr/bin/env bash
# Coverage-guided fuzzing of the core's parsers and walkers (test/fuzz/*_fuzz.cpp) with clang's
# libFuzzer, ASan and UBSan: builds the targets in build/fuzz/, makes seed corpora from the
# project's own data (the generator's output, test/data, the starter marts), runs each target
# for SECONDS (default 20) and fails on any crash, leak, timeout or sanitizer report.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     e.g. scripts/fuzz.sh 600   (10 minutes a target)
#
# Prints "fuzz NAME: ok ..." or "fuzz NAME: FAILED ..." per target (the reproducer is kept in
# build/fuzz/artifacts/), then "fuzz: N passed, N failed". Findings reproduce with
# build/fuzz/NAME_fuzz build/fuzz/artifacts/NAME-crash-... (the path is printed).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECONDS_PER_TARGET=${1:-20}
shift || true
BUILD=$ROOT/build/fuzz
CXX_FUZZ=${HDL_FUZZ_CXX:-$(command -v clang++-14 || command -v clang++ || true)}
[ -n "$CXX_FUZZ" ] || { echo "fuzz: no clang++ (Debian: apt-get install clang-14 libclang-rt-14-dev)"; echo "fuzz: 0 passed, 1 failed"; exit 1; }

echo "fuzz: building the targets with $CXX_FUZZ in $BUILD"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
mkdir -p "$BUILD"
if ! cmake -S . -B "$BUILD" -DHDL_FUZZ=ON -DCMAKE_CXX_COMPILER="$CXX_FUZZ" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >"$BUILD.log" 2>&1 ||
	! cmake --build "$BUILD" -j"${HDL_FUZZ_JOBS:-2}" --target fuzz hdl-synth >>"$BUILD.log" 2>&1; then
	tail -40 "$BUILD.log"
	echo "fuzz: build failed"
	echo "fuzz: 0 passed, 1 failed"
	exit 1
fi

# Seeds, made fresh each run from what the project has and generates (nothing third-party).
SEEDS=$BUILD/seeds
rm -rf "$SEEDS" && mkdir -p "$SEEDS"
seed() { # seed TARGET NAME < content
	mkdir -p "$SEEDS/$1"
	cat >"$SEEDS/$1/$2"
}
synth=$BUILD/synth
rm -rf "$synth"
"$BUILD/tools/hdl-synth/hdl-synth" --out "$synth/ndjson" --patients 4 --format ndjson --quiet >/dev/null 2>&1
"$BUILD/tools/hdl-synth/hdl-synth" --out "$synth/bundles" --patients 2 --format bundles --quiet >/dev/null 2>&1
n=0
resources=()
# up to 15 resources of each generated type and feed, and the test data's
for f in "$synth"/ndjson/*/*.ndjson test/data/s3/export1/*.ndjson test/data/s3/import2/*.ndjson; do
	[ -f "$f" ] || continue
	while IFS= read -r line; do
		n=$((n + 1))
		printf '%s' "$line" | seed json "r$n"
		printf '%s' "$line" | seed validator "r$n"
		[ $((n % 8)) -eq 1 ] && resources+=("$line")
	done < <(head -15 "$f")
done
# a few generated transaction Bundles of each feed (one a line), and the test data's JSON
for f in "$synth"/bundles/*.ndjson; do
	[ -f "$f" ] || continue
	while IFS= read -r line; do
		n=$((n + 1))
		printf '%s' "$line" | head -c 200000 | seed validator "b$n"
		printf '%s' "$line" | head -c 200000 | seed json "b$n"
	done < <(head -3 "$f")
done
for f in test/data/*.json; do
	n=$((n + 1))
	head -c 200000 "$f" | seed validator "d$n"
done
for f in marts/*.json; do
	seed view "$(basename "$f")" <"$f"
	seed json "$(basename "$f")" <"$f"
done
# FHIRPath: the starter marts' paths, each over a generated resource
i=0
while IFS= read -r path; do
	i=$((i + 1))
	r=${resources[$((i % ${#resources[@]}))]:-'{"resourceType":"Patient"}'}
	printf '%s\n%s' "$path" "$r" | seed fhirpath "p$i"
done < <(grep -ho '"path": *"[^"]*"' marts/*.json | sed 's/"path": *"\(.*\)"/\1/' | sort -u)
printf '%s\n%s' "name.where(use = 'official').given.first() & ' ' + 1.5 'mg'" '{"resourceType":"Patient","name":[{"use":"official","given":["A"]}]}' | seed fhirpath ops
printf '%s\n%s' "descendants().ofType(Reference).reference.replace('Patient/', '') | repeat(item)" '{"resourceType":"Questionnaire","item":[{"item":[{"linkId":"a"}]}]}' | seed fhirpath repeat
printf '%s\n%s' "(birthDate + 1 year) > @2000-01-01T10:00:00Z and iif(active, 1, 2) = 1" '{"resourceType":"Patient","birthDate":"1961-07-23","active":true}' | seed fhirpath dates
# S3 replies, written as S3 sends them
seed s3_xml list <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>imports</Name><Prefix>export1/</Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated><NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken><Contents><Key>export1/Patient.ndjson</Key><LastModified>2026-01-02T03:04:05.000Z</LastModified><ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>412</Size><StorageClass>STANDARD</StorageClass></Contents><Contents><Key>export1/Observation &amp; co.ndjson.gz</Key><Size>0</Size></Contents><CommonPrefixes><Prefix>export1/sub/</Prefix></CommonPrefixes></ListBucketResult>
EOF
seed s3_xml error <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>NoSuchKey</Code><Message>The resource you requested does not exist</Message><Resource>/imports/x</Resource><RequestId>4442587FB7D0A2F9</RequestId></Error>
EOF
seed s3_xml multipart <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<InitiateMultipartUploadResult><Bucket>marts</Bucket><Key>a.ndjson</Key><UploadId>VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA</UploadId></InitiateMultipartUploadResult>
EOF
seed s3_xml complete <<'EOF'
<CompleteMultipartUploadResult><Location>http://127.0.0.1/marts/a.ndjson</Location><Bucket>marts</Bucket><Key>a.ndjson</Key><ETag>"3858f62230ac3c915f300c664312c11f-9"</ETag></CompleteMultipartUploadResult>
EOF
# CSV and gzip: an options byte and a chunk-size byte, then the data
for opt in A B C G; do
	{ printf '%s\003' "$opt"; cat test/data/s3/csv/observations.csv; } | seed csv "observations-$opt"
done
printf 'A\005id,"a ""quoted"", field",x\r\n1,"line\nbreak",\r\n2,,\n' | seed csv quoted
{ printf '\007'; gzip -c test/data/s3/export1/Patient.ndjson; } | seed gzip patient
{ printf '\003'; gzip -c test/data/s3/export1/Observation.000.ndjson; gzip -c test/data/s3/import2/Observation.ndjson; } | seed gzip members
{ printf '\011'; cat test/data/s3/export1/Patient.ndjson; } | seed gzip plain
# schedules and entry requests, as the docs write them
i=0
for s in '30 seconds' '1 hour' '2 days' '*/5 * * * *' '0 4 * * *' '5 4 * * sun' '0 0 1 * *' '0 0 1 1 *' \
	'15,45 8-18/2 * 1-6 mon-fri' '@daily' '@hourly' '59 23 31 12 *' '0 0 29 2 *'; do
	i=$((i + 1))
	printf '%s' "$s" | seed schedule "s$i"
done
i=0
for r in 'Patient/p1' 'Patient' 'Observation/abc-1.2' 'Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919' \
	'Patient?identifier=9434765919' 'Encounter?identifier=%7Cx&_count=1' 'urn:uuid:0b0c39e1-8d6f-4a58-9d37-0c1b1c1b1c1b'; do
	for etag in 'W/"3"' '"1"' ''; do
		i=$((i + 1))
		printf '%s\n%s' "$r" "$etag" | seed bundle_request "q$i"
	done
done

# free text with identifiers and near misses, as notes are written
i=0
for t in 'NHS 943 476 5919, call 07700 900123 or +44 (0)113 496 0000' 'jo.bloggs@example.nhs.uk lives LS1 4AP' \
	'BP 120/80 on 2024-05-06, 9434765918 is not one, SW1A1AA, m60 1nw' '(0161) 496-0000; x9434765919; a@b.co.'; do
	i=$((i + 1))
	printf '%s' "$t" | seed free_text "t$i"
done

# Run each target for a bounded time; libFuzzer exits non-zero on a crash, a leak (ASan), an
# undefined-behaviour report (UBSan, not recoverable here) or a timeout.
mkdir -p "$BUILD/artifacts" "$BUILD/corpus"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	for f in test/fuzz/*_fuzz.cpp; do targets+=("$(basename "$f" _fuzz.cpp)"); done
fi
passed=0
failed=0
for t in "${targets[@]}"; do
	bin=$BUILD/${t}_fuzz
	[ -x "$bin" ] || bin=$(find "$BUILD" -name "${t}_fuzz" -type f -perm -u+x | head -1)
	corpus=$BUILD/corpus/$t
	mkdir -p "$corpus" "$SEEDS/$t"
	log=$BUILD/$t.log
	start=$(date +%s)
	"$bin" -max_total_time="$SECONDS_PER_TARGET" -timeout=20 -rss_limit_mb=2048 -max_len=262144 \
		-print_final_stats=1 -artifact_prefix="$BUILD/artifacts/$t-" "$corpus" "$SEEDS/$t" >"$log" 2>&1
	status=$?
	took=$(($(date +%s) - start))
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	if [ $status -eq 0 ]; then
		passed=$((passed + 1))
		echo "fuzz $t: ok (${runs:-?} runs in ${took}s, $(ls "$corpus" | wc -l) corpus entries)"
	else
		failed=$((failed + 1))
		echo "fuzz $t: FAILED (exit $status after ${took}s; log $log)"
		grep -E "ERROR: |SUMMARY: |runtime error|Test unit written to|deadly signal" "$log" | head -12
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ $failed -eq 0 ]
