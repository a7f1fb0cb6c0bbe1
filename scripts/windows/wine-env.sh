# Sourced by the Windows checks: a private, headless Wine.
readonly WINE=/usr/lib/wine/wine64
export WINEDEBUG=-all
# No Mono/Gecko install prompts; the ProcessPrng shim beside the exe wins over Wine's DLL.
export WINEDLLOVERRIDES="mscoree,mshtml=;bcryptprimitives=n,b"
# Headless: with no display Wine shows no dialogs.
unset DISPLAY WAYLAND_DISPLAY

# A new prefix at $1 (nothing from an earlier run survives), initialised.
fresh_prefix() {
  export WINEPREFIX=$1
  rm -rf "$WINEPREFIX"
  mkdir -p "$(dirname "$WINEPREFIX")"
  "$WINE" wineboot -i >/dev/null 2>&1
  # wineboot returns before its server is done writing the prefix.
  /usr/lib/wine/wineserver -w
}

# The Windows path of a Unix path (Wine maps / to Z:).
winpath() { local p=${1//\//\\}; printf 'Z:%s' "$p"; }
