# Sourced by the bench scripts: a throwaway cluster in a temp dir with hdl preloaded and bench keys.
#   bench_cluster_init NAME PORT [extra postgresql.conf lines]  -> sets PGBIN WORK AS, defines psql, trap
#   bench_cluster_start                                          -> starts it
bench_cluster_init() {
	local name=$1
	BENCH_PORT=$2
	PGBIN=${PGBIN:-$(pg_config --bindir)}  # PGBIN=/other/bin: a server tree with hdl installed elsewhere
	WORK=$(mktemp -d "/tmp/hdl-bench-$name.XXXXXX")
	AS=""
	if [ "$(id -u)" -eq 0 ]; then AS="runuser -u postgres --"; chown postgres "$WORK"; fi
	# KEEP=1 leaves the cluster running (for perf/psql afterwards) and prints where it is.
	if [ "${KEEP:-0}" = 1 ]; then
		trap 'echo "cluster kept: $WORK (port $BENCH_PORT)" >&2' EXIT
	else
		trap '$AS "$PGBIN/pg_ctl" -D "$WORK/data" stop -m fast >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
	fi
	$AS "$PGBIN/initdb" -D "$WORK/data" -U postgres --auth=trust >/dev/null
	cat >>"$WORK/data/postgresql.conf" <<CONF
listen_addresses = ''
port = $BENCH_PORT
unix_socket_directories = '$WORK'
shared_preload_libraries = 'hdl'
hdl.key_file = 'hdl.keys'
${3:-}
CONF
	# Bench keys, in a file only the server's OS user reads (hdl refuses others).
	printf '%s\n' 'pseudonym_key = bench1:bench-pseudonym-key-0123456789abcdef' \
		'vault_key = bench1:bench-vault-key-0123456789abcdef' | $AS tee "$WORK/data/hdl.keys" >/dev/null
	$AS chmod 0600 "$WORK/data/hdl.keys"
}

bench_cluster_start() {
	$AS "$PGBIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w start >/dev/null
}

psql() { $AS "$PGBIN/psql" -h "$WORK" -p "$BENCH_PORT" -U postgres -d postgres -X -q -v ON_ERROR_STOP=1 "$@"; }
