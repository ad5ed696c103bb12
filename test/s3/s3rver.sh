#!/usr/bin/env bash
# Starts and stops a real S3 server on 127.0.0.1 for hdl's tests (npm @20minutes/s3rver, which
# verifies SigV4 signatures and rejects wrong secrets).
#
#   export $(test/s3/s3rver.sh start)   # prints HDL_S3_ENDPOINT, HDL_S3_ACCESS_KEY, HDL_S3_SECRET_KEY, HDL_S3_REGION
#   test/s3/s3rver.sh selftest          # signed requests with curl's own signer: right secret 200, wrong 403
#   test/s3/s3rver.sh stop
#
# Needs node >= 20 and npm (Debian: nodejs npm); installs its npm packages with `npm ci` on first use.
# HDL_S3_ACCESS_KEY / HDL_S3_SECRET_KEY override the test credentials, HDL_S3_STATE_DIR the state directory,
# HDL_S3_VERBOSE=1 keeps the server's request log (in $HDL_S3_STATE_DIR/server.log).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state="${HDL_S3_STATE_DIR:-${TMPDIR:-/tmp}/hdl-s3rver-$(id -u)}"
access_key="${HDL_S3_ACCESS_KEY:-hdl-test-access-key}"
secret_key="${HDL_S3_SECRET_KEY:-hdl-test-secret-key}"
region="${HDL_S3_REGION:-us-east-1}"

die() {
	echo "s3rver.sh: $*" >&2
	exit 1
}

running() {
	[[ -f "$state/pid" ]] && kill -0 "$(cat "$state/pid")" 2>/dev/null
}

print_env() {
	echo "HDL_S3_ENDPOINT=http://127.0.0.1:$(cat "$state/port")"
	echo "HDL_S3_ACCESS_KEY=$(cat "$state/access_key")"
	echo "HDL_S3_SECRET_KEY=$(cat "$state/secret_key")"
	echo "HDL_S3_REGION=$region"
}

install_packages() {
	command -v node >/dev/null || die "node is not installed (Debian: apt-get install nodejs npm)"
	local stamp="$here/node_modules/.package-lock.json"
	if [[ ! -f "$here/node_modules/@20minutes/s3rver/package.json" || "$here/package-lock.json" -nt "$stamp" ]]; then
		command -v npm >/dev/null || die "npm is not installed (Debian: apt-get install npm)"
		(cd "$here" && npm ci --no-audit --no-fund --loglevel=error >"$state/npm.log" 2>&1) ||
			die "npm ci failed, see $state/npm.log"
	fi
}

# True once something accepts TCP connections on the port.
answers() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
	mkdir -p "$state"
	if running; then
		print_env
		return
	fi
	install_packages
	rm -rf "$state/data" "$state/port"
	mkdir -p "$state/data"
	printf '%s' "$access_key" >"$state/access_key"
	printf '%s' "$secret_key" >"$state/secret_key"
	# --openssl-legacy-provider: s3rver encrypts ListObjectsV2 continuation tokens with DES, which
	# OpenSSL 3 only offers through its legacy provider (without it every truncated listing fails with 500).
	HDL_S3_ACCESS_KEY="$access_key" HDL_S3_SECRET_KEY="$secret_key" \
		setsid node --openssl-legacy-provider "$here/server.js" "$state/data" "$state/port" </dev/null >"$state/server.log" 2>&1 &
	echo $! >"$state/pid"
	for _ in $(seq 1 300); do
		if [[ -s "$state/port" ]] && answers "$(cat "$state/port")"; then
			print_env
			return
		fi
		running || break
		sleep 0.1
	done
	cat "$state/server.log" >&2 || true
	stop >/dev/null 2>&1 || true
	die "the server did not come up"
}

stop() {
	if running; then
		local pid
		pid="$(cat "$state/pid")"
		kill "$pid"
		for _ in $(seq 1 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
	fi
	rm -rf "$state"
}

# Independent of hdl's signer: curl's --aws-sigv4 with the right secret must pass, with a wrong one fail.
selftest() {
	running || die "not running; call start first"
	command -v curl >/dev/null || die "the curl command is not installed"
	local url code
	url="http://127.0.0.1:$(cat "$state/port")/hdl-selftest"
	sign=(--aws-sigv4 "aws:amz:$region:s3" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD")
	code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT "${sign[@]}" -u "$(cat "$state/access_key"):$(cat "$state/secret_key")" "$url")
	[[ "$code" == 200 ]] || die "create bucket with the right secret answered $code"
	code=$(curl -s -o "$state/selftest.xml" -w '%{http_code}' "${sign[@]}" -u "$(cat "$state/access_key"):wrong-secret" "$url")
	[[ "$code" == 403 ]] && grep -q SignatureDoesNotMatch "$state/selftest.xml" ||
		die "a wrong secret was not rejected (HTTP $code)"
	echo "s3rver.sh: signature checking works (right secret 200, wrong secret 403 SignatureDoesNotMatch)"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
env) running && print_env || die "not running" ;;
selftest) selftest ;;
*) die "usage: $0 start|stop|env|selftest" ;;
esac
