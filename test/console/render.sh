#!/usr/bin/env bash
# Renders an HTML file in headless Chromium (Debian's chromium package): prints the rendered
# DOM to stdout and writes a PNG screenshot. Used by t/020_console_browser.pl.
#   test/console/render.sh page.html screenshot.png [width,height] [#fragment]
set -euo pipefail
page=$1
png=$2
size=${3:-1280,1600}
fragment=${4:-}
profile=$(mktemp -d "${TMPDIR:-/tmp}/hdl-chromium.XXXXXX")
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
	--disable-sync --no-first-run --disable-dev-shm-usage --hide-scrollbars --user-data-dir="$profile")
url="file://$(realpath "$page")$fragment"
export HOME=$profile
timeout 60 chromium "${flags[@]}" --window-size="$size" --screenshot="$png" "$url" >/dev/null 2>&1
timeout 60 chromium "${flags[@]}" --dump-dom "$url" 2>/dev/null
