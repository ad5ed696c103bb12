#!/usr/bin/env bash
# Makes the lake's keys on first start, in a directory only the server's OS user can read:
# DIR (mode 0700) gets hdl.keys (mode 0600), the key file hdl.key_file names in
# docker/postgresql.conf: "pseudonym_key = <key id>:<secret>" and "vault_key = ...", each secret
# 32 random bytes in hex. Made once, never changed afterwards (rotation: docs/pseudonymisation.md).
# Prints no secret.
#   hdl-keys.sh DIR [OWNER]     (OWNER: chown to this OS user; the image's entry point passes postgres)
set -euo pipefail
dir=${1:?usage: hdl-keys.sh DIR [OWNER]}
owner=${2:-}
umask 077
mkdir -p "$dir"
chmod 0700 "$dir"
file=$dir/hdl.keys
if [ ! -s "$file" ]; then
	secret() { od -An -tx1 -N32 /dev/urandom | tr -d ' \n'; }
	printf 'pseudonym_key = docker-pseudonym-1:%s\nvault_key = docker-vault-1:%s\n' "$(secret)" "$(secret)" >"$file.new"
	mv "$file.new" "$file"
	echo "hdl-keys: created $file"
fi
chmod 0600 "$file"
if [ -n "$owner" ]; then
	chown -R "$owner:" "$dir"
fi
