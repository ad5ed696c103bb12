#!/usr/bin/env bash
# Entry point of the hdl image: makes the lake's keys on first start (hdl-keys.sh, in the keys
# volume, readable only by the postgres OS user), then hands over to the official image's
# docker-entrypoint.sh (initdb on first start, docker-entrypoint-initdb.d, then postgres).
set -euo pipefail
keys=${HDL_KEYS_DIR:-/var/lib/postgresql/hdl-keys}
if [ "$(id -u)" = 0 ]; then
	hdl-keys.sh "$keys" postgres
else
	hdl-keys.sh "$keys"
fi
exec docker-entrypoint.sh "$@"
