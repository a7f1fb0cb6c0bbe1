#!/usr/bin/env bash
# Opens the app on the demo: a Bitwarden-compatible test server (fake-bitwarden, built by
# `make build`) seeded from scripts/demo/seed.json, serving HTTPS on its self-hosted role (so
# Bitwarden's own clients can sign in to it too), and a private config and data folder in
# .demo/ holding one instance, "Demo vault", with a sample bwdata folder. Quitting the app
# (tray -> Quit) stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."

app=target/debug/license-companion
server=target/debug/fake-bitwarden
if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} ]]; then
  echo "No display found (\$DISPLAY is not set), so the window cannot open." >&2
  echo "Run the demo on a virtual display instead:" >&2
  echo "  xvfb-run -a dbus-run-session -- scripts/demo.sh" >&2
  echo "or the app alone:" >&2
  echo "  xvfb-run -a dbus-run-session -- $app" >&2
  exit 1
fi
for binary in "$app" "$server"; do
  [[ -x $binary ]] || { echo "$binary is not built: run \`make build\` first." >&2; exit 1; }
done

home=$PWD/.demo
rm -rf "$home"
mkdir -p "$home/config/license-companion" "$home/data" "$home/cache" "$home/server"

"$server" --seed scripts/demo/seed.json --https-self-hosted-only --state-dir "$home/server" \
  --port-file "$home/server.json" >"$home/server.log" 2>&1 &
server_pid=$!
stop_server() {
  kill -INT "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
}
trap stop_server EXIT

for _ in $(seq 600); do
  [[ -s $home/server.json ]] && break
  kill -0 "$server_pid" 2>/dev/null || { echo "fake-bitwarden stopped; see $home/server.log" >&2; exit 1; }
  sleep 0.1
done
[[ -s $home/server.json ]] || { echo "fake-bitwarden did not get ready; see $home/server.log" >&2; exit 1; }

# A string field of the server's ready line (one JSON object on one line).
ready() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" "$home/server.json"; }
vault_url=$(ready self_hosted_url)
installation_id=$(ready installation_id)
expected_id=$(sed -n 's/^globalSettings__installation__id=//p' scripts/demo/global.override.env)
if [[ $installation_id != "$expected_id" ]]; then
  echo "The demo seed's installation ($installation_id) is not the sample bwdata's ($expected_id)." >&2
  exit 1
fi

bwdata=$home/bwdata
mkdir -p "$bwdata/env"
sed "s|@VAULT_URL@|$vault_url|" scripts/demo/global.override.env >"$bwdata/env/global.override.env"

cat >"$home/config/license-companion/settings.json" <<JSON
{
  "language": null,
  "startAtLogin": false,
  "cloudRegion": "US",
  "instances": [
    {
      "id": "de300000-0000-4000-8000-000000000001",
      "name": "Demo vault",
      "url": "$vault_url",
      "caFile": "$(ready ca_cert_path)",
      "installation": { "kind": "folder", "path": "$bwdata" }
    }
  ]
}
JSON

echo "Demo vault: $vault_url (test server log: $home/server.log)"
echo "Sign in with owner@example.com / correct horse battery staple. Quit from the tray to end the demo."
echo "Bitwarden's CLI signs in to it too: NODE_EXTRA_CA_CERTS=$(ready ca_cert_path) bw config server $vault_url"
status=0
XDG_CONFIG_HOME=$home/config XDG_DATA_HOME=$home/data XDG_CACHE_HOME=$home/cache \
  LICENSE_COMPANION_DEMO=1 \
  LICENSE_COMPANION_TRUST_CERT="$(ready licensing_cert_pem_path)" \
  LICENSE_COMPANION_CLOUD_API="$(ready cloud_api_url)" \
  LICENSE_COMPANION_CLOUD_IDENTITY="$(ready cloud_identity_url)" \
  RUST_LOG=${RUST_LOG:-info} \
  "$app" || status=$?
exit "$status"
