#!/usr/bin/env bash
# Checks the docker stack without a docker daemon (CI has none): docker/compose.yaml against the
# compose specification (docker-compose's own validator, Debian package docker-compose), the
# shell scripts' syntax, that what the Dockerfile copies and compose mounts exists and is not
# kept out by .dockerignore, pinned images, and that docker/jwt.sh signs what PostgREST checks.
# The init SQL runs against a test cluster in t/040_docker_init.pl.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
bad() { echo "check-docker: $*" >&2; fail=1; }

if command -v docker-compose >/dev/null; then
	out=$(docker-compose -f docker/compose.yaml config -q 2>&1) || bad "docker/compose.yaml is invalid: $out"
	# the same with every variable set, as a user would
	out=$(env POSTGRES_PASSWORD=p PGRST_JWT_SECRET=0123456789abcdef0123456789abcdef HDL_S3_BUCKET=b \
		docker-compose -f docker/compose.yaml config -q 2>&1) || bad "docker/compose.yaml is invalid with variables set: $out"
else
	bad "docker-compose is not installed (scripts/install-deps.sh installs it)"
fi

for f in docker/*.sh; do
	case $(head -1 "$f") in
	*bash*) bash -n "$f" || bad "$f: bash syntax error" ;;
	*) sh -n "$f" || bad "$f: sh syntax error" ;;
	esac
	[ -x "$f" ] || bad "$f is not executable"
done

# COPY sources of the Dockerfile's last stages and files compose mounts must exist.
for src in $(grep '^COPY ' docker/Dockerfile | grep -v -- '--from' | awk '{for (i = 2; i < NF; i++) print $i}'); do
	[ "$src" = . ] || [ -e "$src" ] || bad "docker/Dockerfile copies $src, which does not exist"
done
for src in $(sed -n 's/.*"\(\.\/[^:"]*\):.*/\1/p' docker/compose.yaml); do
	[ -e "docker/$src" ] || bad "docker/compose.yaml mounts $src, which does not exist"
done
for entry in .git .hdl build tmp_check; do
	grep -qx "$entry" .dockerignore || bad ".dockerignore does not keep out $entry"
done
grep -q '^docker' .dockerignore && bad ".dockerignore keeps out docker/, which the image needs"
if grep -nE '^\s*image:' docker/compose.yaml | grep -vE ':[vR0-9][^ ]*$' | grep -E 'image: *[^: ]+$|:latest'; then
	bad "every image in docker/compose.yaml must name a fixed version"
fi

# docker/jwt.sh: an HS256 token PostgREST accepts (signature over header.payload with the secret).
token=$(PGRST_JWT_SECRET=check-docker-secret-0123456789abcdef bash docker/jwt.sh feeds_gateway R9C)
python3 - "$token" <<'PY' || bad "docker/jwt.sh made a token that does not verify"
import base64, hashlib, hmac, json, sys, time
h, p, s = sys.argv[1].split('.')
dec = lambda x: base64.urlsafe_b64decode(x + '=' * (-len(x) % 4))
want = hmac.new(b'check-docker-secret-0123456789abcdef', f'{h}.{p}'.encode(), hashlib.sha256).digest()
claims = json.loads(dec(p))
assert json.loads(dec(h)) == {'alg': 'HS256', 'typ': 'JWT'}
assert hmac.compare_digest(dec(s), want)
assert claims['role'] == 'feeds_gateway' and claims['hdl_org'] == 'R9C' and claims['exp'] > time.time()
PY
bash docker/jwt.sh 'x","role":"postgres' >/dev/null 2>&1 && bad "docker/jwt.sh accepted a role name that breaks its JSON"

[ "$fail" -eq 0 ] && echo "check-docker: ok"
exit "$fail"
