#!/usr/bin/env bash
# Checks the static bwlicense from `make dist` (x86_64-unknown-linux-musl):
#   - `file` and `ldd` call it statically linked;
#   - in a clean Debian 12 root with no desktop or D-Bus library, a command that talks HTTPS
#     asks for the system's CA certificates until they are there (exit 3); with only
#     ca-certificates added, as every server has, `--version` and `inspect` work, and a
#     command that would keep a secret refuses with advice (exit 3), since no Secret
#     Service is running there;
#   - on this machine's throw-away desktop session (scripts/with-desktop.sh: D-Bus and an
#     unlocked gnome-keyring) against fake-bitwarden on loopback, its pure-Rust Secret
#     Service client keeps secrets across runs: API-key login, then orgs, token set and token
#     status, each a separate run that signs in only with what the keychain kept.
set -euo pipefail
# shellcheck source=scripts/dist/chroot.sh
source "$(dirname "$0")/chroot.sh"
cd "$repo"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
static=$repo/target/dist/bwlicense-$version-x86_64-linux-static
[[ -x $static ]] || { echo "$static is missing: run make dist" >&2; exit 1; }
out=${TEST_OUTPUT_DIR:-$repo/test-output}/dist-musl
fail() { echo "FAIL $*" >&2; exit 1; }

if [[ -n ${LC_DESKTOP_SESSION:-} ]]; then
  # Second part, inside the desktop session.
  readonly OWNER_ID=user.50000000-0000-4000-8000-000000000001
  readonly OWNER_SECRET=OwnerSelfHostedApiKeySecret012
  readonly ACME_SELF_HOSTED=b0000000-0000-4000-8000-000000000001
  readonly TOKEN=AcmeBillingSyncToken0123456789
  "$repo/target/debug/fake-bitwarden" --port-file "$out/fake.json" >/dev/null &
  fake=$!
  trap 'kill $fake 2>/dev/null || true' EXIT
  for _ in $(seq 100); do [[ -s $out/fake.json ]] && break; sleep 0.1; done
  server=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['self_hosted_url'])" "$out/fake.json")
  failures=0
  run() { # NAME EXPECTED_CODE PATTERN STDIN -- ARGS...
    local name=$1 want=$2 pattern=$3 input=$4 code=0
    shift 5
    printf '%s' "$input" | NO_COLOR=1 timeout 60 "$static" "$@" >"$out/$name.txt" 2>&1 || code=$?
    if [[ $code -ne $want ]] || ! grep -qE "$pattern" "$out/$name.txt"; then
      echo "FAIL $name: exit $code (wanted $want), output must match /$pattern/:" >&2
      sed 's/^/    /' "$out/$name.txt" >&2
      failures=$((failures + 1))
    else
      echo "ok   static $name"
    fi
  }
  BW_CLIENTID=$OWNER_ID BW_CLIENTSECRET=$OWNER_SECRET \
    run login 0 "Signed in to .* as owner@example.com" '' -- login --server "$server"
  run orgs 0 'Acme Corp' '' -- orgs --server "$server"
  run token-set 0 'and in the keychain' "$TOKEN"$'\n' -- token set --server "$server" --org "$ACME_SELF_HOSTED"
  run token-status 0 "Token: .*${TOKEN: -4} \(keychain and server agree\)" '' -- \
    token status --server "$server" --org "$ACME_SELF_HOSTED"
  if grep -rqs "$TOKEN\|$OWNER_SECRET" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$out"/*.txt; then
    echo "FAIL a secret was written to a file or printed" >&2
    failures=$((failures + 1))
  fi
  ((failures == 0)) || fail "$failures check(s) of the static bwlicense with a Secret Service"
  exit 0
fi

enter_namespace "$@"
rm -rf "$out" && mkdir -p "$out"
cargo build --locked -p companion-tests --bin fake-bitwarden >"$out/build.log" 2>&1 ||
  { cat "$out/build.log" >&2; fail "building fake-bitwarden"; }
start=$SECONDS
file "$static" | grep -Eq 'static(-pie)? linked' || fail "file does not call it static: $(file "$static")"
ldd "$static" 2>&1 | grep -Eq 'not a dynamic executable|statically linked' ||
  fail "ldd lists libraries: $(ldd "$static" 2>&1)"
echo "ok   $(basename "$static") is statically linked ($(du -h "$static" | cut -f1))"

new_root "$repo/target/dist/root-musl"
install -m755 "$static" "$root/usr/local/bin/bwlicense"
# Before the trust store is there, a command that talks HTTPS says what to install.
code=0
in_root sh -c 'echo SomeBillingSyncToken0123456789 | bwlicense token set --server https://vault.example.invalid \
  --org b0000000-0000-4000-8000-000000000001' >"$out/no-trust-store.txt" 2>&1 || code=$?
if [[ $code -ne 3 ]] || ! grep -q "CA certificates could not be loaded" "$out/no-trust-store.txt" ||
  ! grep -q "ca-certificates package" "$out/no-trust-store.txt"; then
  cat "$out/no-trust-store.txt" >&2
  fail "without CA certificates (exit $code)"
fi
echo "ok   without the system's CA certificates, bwlicense says to install them (exit 3)"
# A server's usual trust store (HTTPS to the vault and to Bitwarden cloud); nothing else.
apt_in_root --no-install-recommends ca-certificates >"$out/apt.log" 2>&1 ||
  { tail -20 "$out/apt.log" >&2; fail "apt-get install ca-certificates in the clean root"; }
libraries=$(in_root ldconfig -p)
for lib in libgtk-3.so.0 libwebkit2gtk-4.1.so.0 libdbus-1.so.3; do
  [[ $libraries != *"$lib"* ]] || fail "the clean root has $lib"
done
version_line=$(in_root bwlicense --version)
[[ $version_line == "bwlicense $version"* ]] || fail "bwlicense --version said: $version_line"
echo "ok   in a clean Debian 12 root without desktop or D-Bus libraries: $version_line"

cp tests/data/upstream/organization_license_fixture_version12_licversion11.json "$root/root/license.json"
code=0
in_root bwlicense inspect /root/license.json >"$out/inspect.txt" 2>&1 || code=$?
if [[ $code -ne 1 ]] || ! grep -q "78900000-0000-0000-0000-000000000123" "$out/inspect.txt" ||
  ! grep -q "The license has expired" "$out/inspect.txt" || ! grep -q "Signature: missing" "$out/inspect.txt"; then
  cat "$out/inspect.txt" >&2
  fail "bwlicense inspect (exit $code)"
fi
echo "ok   inspect reports the license and refuses it (exit 1)"

code=0
in_root sh -c 'echo SomeBillingSyncToken0123456789 | bwlicense token set --server https://vault.example.invalid \
  --org b0000000-0000-4000-8000-000000000001' >"$out/token-set.txt" 2>&1 || code=$?
if [[ $code -ne 3 ]] || ! grep -q "No Secret Service is running" "$out/token-set.txt"; then
  cat "$out/token-set.txt" >&2
  fail "token set without a Secret Service (exit $code)"
fi
echo "ok   without a Secret Service, token set refuses with advice (exit 3)"
remove_root

scripts/with-desktop.sh "$0"
echo "The static bwlicense: all checks passed ($((SECONDS - start)) s)"
