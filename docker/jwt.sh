#!/usr/bin/env bash
# Prints a JWT (HS256) for the docker stack's PostgREST, signed with PGRST_JWT_SECRET (the
# compose file's default when unset). Claims: role (the database role PostgREST switches to),
# hdl_org for a gateway role (the registered organisation it sends for), exp (now + HDL_JWT_TTL
# seconds, default 3600).
#   docker/jwt.sh gp_feed                # the demo GP feed: POST /rpc/ingest_bundle
#   docker/jwt.sh feeds_gateway R9C      # the demo gateway, for NHS 111
#   docker/jwt.sh lake_engineer          # an engineer: GET /rpc/console
set -euo pipefail
role=${1:?usage: docker/jwt.sh ROLE [HDL_ORG]}
org=${2:-}
secret=${PGRST_JWT_SECRET:-change-me-to-a-32-character-secret!!}
[[ $role =~ ^[A-Za-z_][A-Za-z0-9_]{0,62}$ ]] || { echo "jwt.sh: invalid role name: $role" >&2; exit 2; }
[[ -z $org || $org =~ ^[A-Za-z0-9]{1,20}$ ]] || { echo "jwt.sh: invalid organisation code: $org" >&2; exit 2; }
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
exp=$(($(date +%s) + ${HDL_JWT_TTL:-3600}))
claims="{\"role\":\"$role\"${org:+,\"hdl_org\":\"$org\"},\"exp\":$exp}"
header=$(printf '%s' '{"alg":"HS256","typ":"JWT"}' | b64url)
payload=$(printf '%s' "$claims" | b64url)
signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -hmac "$secret" -binary | b64url)
echo "$header.$payload.$signature"
