#!/usr/bin/env bash
# Installs hdl's build and test dependencies on Debian 12 (apt), quietly and idempotently.
set -euo pipefail
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
PACKAGES=(
	build-essential g++ cmake pkg-config python3
	postgresql-15 postgresql-client-15 postgresql-server-dev-15 postgresql-contrib
	nlohmann-json3-dev libcurl4-openssl-dev libssl-dev zlib1g-dev
	libgtest-dev googletest libipc-run-perl chromium
	clang-14 libclang-rt-14-dev
	nodejs npm
	docker-compose
)
missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# nodejs/npm may come from outside Debian's packages (a newer node on PATH): then skip them.
if command -v node >/dev/null && command -v npm >/dev/null; then
	missing=("${missing[@]/nodejs}")
	missing=("${missing[@]/npm}")
fi
read -r -a missing <<<"${missing[*]}"
if [ ${#missing[@]} -gt 0 ]; then
	echo "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian's postgresql-common creates a default cluster; hdl's scripts run their own.
echo "dependencies ready"
