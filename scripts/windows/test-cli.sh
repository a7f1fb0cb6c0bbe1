#!/usr/bin/env bash
# Runs the cross-built bwlicense.exe under Wine against fake-bitwarden on loopback: a
# Windows-style install read, API-key login, license download, inspect and upload, billing
# sync token set/status kept in Wine's Credential Manager, sync. Every command is its own
# exe run, so what a later run sees was really kept between runs.
# Needs: scripts/windows/build.sh done, target/debug/fake-bitwarden built.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
exe_dir="$repo/target/x86_64-pc-windows-gnu/debug"
work="$repo/target/windows-test/cli"
source "$repo/scripts/windows/wine-env.sh"

readonly OWNER_ID=user.50000000-0000-4000-8000-000000000001
readonly OWNER_SECRET=OwnerSelfHostedApiKeySecret012
readonly CLOUD_ID=user.c0000000-0000-4000-8000-000000000001
readonly CLOUD_SECRET=OwnerPersonalApiKeySecret01234
readonly ACME_SELF_HOSTED=b0000000-0000-4000-8000-000000000001
readonly ACME_CLOUD=a0000000-0000-4000-8000-000000000001
# The token the fake cloud gives Acme, so the sync at the end is accepted.
readonly TOKEN=AcmeBillingSyncToken0123456789

rm -rf "$work" && mkdir -p "$work"
fresh_prefix "$repo/target/windows-test/prefix-cli"

"$repo/target/debug/fake-bitwarden" --port-file "$work/fake.json" >/dev/null &
fake=$!
trap 'kill $fake 2>/dev/null || true' EXIT
for _ in $(seq 100); do [[ -s $work/fake.json ]] && break; sleep 0.1; done
info() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$work/fake.json" "$1"; }
server=$(info self_hosted_url)
cloud=(--cloud us --cloud-api "$(info cloud_api_url)" --cloud-identity "$(info cloud_identity_url)")
cert=$(winpath "$(info licensing_cert_pem_path)")

# A Windows install as bitwarden.ps1 leaves it, CRLF env file, for this server.
install="$work/Bitwarden"
mkdir -p "$install/bwdata/env"
printf '# bitwarden.ps1 stand-in\r\n' >"$install/bitwarden.ps1"
printf '%s\r\n' "globalSettings__baseServiceUri__vault=$server" \
  globalSettings__baseServiceUri__cloudRegion=US \
  "globalSettings__installation__id=$(info installation_id)" \
  globalSettings__installation__key=fake-installation-key \
  globalSettings__enableCloudCommunication=true >"$install/bwdata/env/global.override.env"

failures=0
# run NAME EXPECTED_CODE PATTERN [STDIN] -- ARGS...: one exe run; its exit code and output checked.
run() {
  local name=$1 want=$2 pattern=$3 input=$4 code=0
  shift 5
  printf '%s' "$input" | env NO_COLOR=1 "$WINE" "$exe_dir/bwlicense.exe" "$@" >"$work/$name.out" 2>&1 || code=$?
  tr -d '\r' <"$work/$name.out" >"$work/$name.txt"
  if [[ $code -ne $want ]] || ! grep -qE "$pattern" "$work/$name.txt"; then
    echo "FAIL $name: exit $code (wanted $want), output must match /$pattern/:" >&2
    sed 's/^/    /' "$work/$name.txt" >&2
    failures=$((failures + 1))
  else
    echo "ok   $name"
  fi
}

run version 0 '^bwlicense [0-9]' '' -- --version
run installation 0 "$(info installation_id)" '' -- installation --bwdata "$(winpath "$install")"
run installation-by-script 0 "$(info installation_id)" '' -- \
  installation --bwdata "$(winpath "$install/bitwarden.ps1")"

export BW_CLIENTID=$OWNER_ID BW_CLIENTSECRET=$OWNER_SECRET
run login 0 "Signed in to .* as owner@example.com" '' -- login --server "$server"
export BW_CLIENTID=$CLOUD_ID BW_CLIENTSECRET=$CLOUD_SECRET
run download 0 'Saved|saved' '' -- download "${cloud[@]}" --org "$ACME_CLOUD" \
  --bwdata "$(winpath "$install/bwdata")" --output "$(winpath "$work/acme.json")"
unset BW_CLIENTID BW_CLIENTSECRET

# From here on only what the earlier runs kept in Credential Manager signs in.
run orgs 0 'Acme Corp' '' -- orgs --server "$server"
run inspect 0 'Acme' '' -- inspect "$(winpath "$work/acme.json")" --trust-cert "$cert" \
  --bwdata "$(winpath "$install/bwdata")"
run upload 0 'The server accepted the license' '' -- upload --server "$server" --org "$ACME_SELF_HOSTED" \
  "$(winpath "$work/acme.json")" --trust-cert "$cert"
run token-set 0 'and in the keychain' "$TOKEN"$'\n' -- token set --server "$server" --org "$ACME_SELF_HOSTED"
run token-status 0 "Token: .*${TOKEN: -4} \(keychain and server agree\)" '' -- token status --server "$server" --org "$ACME_SELF_HOSTED"
run sync 0 'license synced' '' -- sync --server "$server" --org "$ACME_SELF_HOSTED"

if grep -rqs "$TOKEN\|$OWNER_SECRET" "$WINEPREFIX/drive_c/users" "$work"/*.txt; then
  echo "FAIL a secret was written to a file or printed" >&2
  failures=$((failures + 1))
fi
((failures == 0)) || { echo "$failures Windows CLI check(s) failed" >&2; exit 1; }
echo "Windows CLI under Wine: all checks passed"
