#!/bin/sh
# Runs once when the container's database is first initialised (as the postgres OS user): random
# hdl keys in the data directory, readable only by that user (see docs/pseudonymisation.md).
set -e
if [ ! -f "$PGDATA/hdl.keys" ]; then
	umask 077
	printf 'pseudonym_key = docker1:%s\nvault_key = docker1:%s\n' \
		"$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')" "$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')" \
		>"$PGDATA/hdl.keys"
fi
