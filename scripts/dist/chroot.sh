# shellcheck shell=bash
# Sourced by the dist tests: a fresh Debian 12 root unpacked from the cached debootstrap
# tarball, entered with chroot. The caller runs in its own mount namespace (enter_namespace),
# so the root's /proc, /dev and /sys mounts vanish with it whatever happens.
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Re-runs the calling script in a private mount namespace (once).
enter_namespace() {
  if [[ -z ${DIST_MOUNT_NAMESPACE:-} ]]; then
    exec unshare --mount --propagation private env DIST_MOUNT_NAMESPACE=1 "$0" "$@"
  fi
}

# Unpacks a clean root at $1 (made and cached by debian-root.sh) and mounts what programs
# inside need. Downloaded packages are kept in target/dist/apt-archives between runs.
new_root() {
  root=$1
  "$repo/scripts/dist/debian-root.sh"
  remove_root
  mkdir -p "$root"
  tar --numeric-owner -C "$root" -I zstd -xf "$repo/target/dist/debian12-root.tar.zst"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  mount --rbind /sys "$root/sys"
  trap remove_root EXIT
}

# Runs a command inside the root with a clean environment.
in_root() {
  chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
    LANG=C.UTF-8 "$@"
}

# apt-get install inside the root, with downloaded packages cached outside it.
apt_in_root() {
  local cache=$repo/target/dist/apt-archives
  mkdir -p "$cache"
  cp -l "$cache"/*.deb "$root/var/cache/apt/archives/" 2>/dev/null || true
  in_root apt-get update -q >/dev/null
  in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
  cp -l -n "$root/var/cache/apt/archives/"*.deb "$cache/" 2>/dev/null || true
}

# Ends every process still running inside the root, unmounts it and deletes it.
remove_root() {
  [[ -n ${root:-} && -d $root ]] || return 0
  local proc
  for proc in /proc/[0-9]*; do
    if [[ $(readlink "$proc/root" 2>/dev/null) == "$root" ]]; then
      kill -KILL "${proc#/proc/}" 2>/dev/null || true
    fi
  done
  umount -R -l "$root/proc" "$root/dev" "$root/sys" 2>/dev/null || true
  rm -rf --one-file-system "$root"
}
