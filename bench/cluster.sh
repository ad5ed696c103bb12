# Sourced by the bench scripts: a throwaway cluster in a temp dir with hdl preloaded and bench keys.
#   bench_cluster_init NAME PORT [extra postgresql.conf lines]  -> sets PGBIN WORK AS, defines psql, trap
#   bench_cluster_start                                          -> starts it
bench_cluster_init() {
	local name=$1
	BENCH_PORT=$2
	PGBIN=$(pg_config --bindir)
	WORK=$(mktemp -d "/tmp/hdl-bench-$name.XXXXXX")
	AS=""
	if [ "$(id -u)" -eq 0 ]; then AS="runuser -u postgres --"; chown postgres "$WORK"; fi
	trap '$AS "$PGBIN/pg_ctl" -D "$WORK/data" stop -m fast >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
	$AS "$PGBIN/initdb" -D "$WORK/data" -U postgres --auth=trust >/dev/null
	cat >>"$WORK/data/postgresql.conf" <<CONF
listen_addresses = ''
port = $BENCH_PORT
unix_socket_directories = '$WORK'
shared_preload_libraries = 'hdl'
hdl.pseudonym_key = 'bench1:bench-pseudonym-key-0123456789abcdef'
hdl.vault_key = 'bench1:bench-vault-key-0123456789abcdef'
${3:-}
CONF
}

bench_cluster_start() {
	$AS "$PGBIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w start >/dev/null
}

psql() { $AS "$PGBIN/psql" -h "$WORK" -p "$BENCH_PORT" -U postgres -d postgres -X -q -v ON_ERROR_STOP=1 "$@"; }
