#!/usr/bin/env bash
# Runs a command inside a Debian root made with debootstrap, with this source tree mounted
# read-only at /src and the public datasets (LOGBERT_DATASETS) read-only at /datasets.
#   scripts/debian-root.sh SUITE full|cli COMMAND...
# SUITE is a Debian release (trixie, bookworm); full|cli is what scripts/install-deps.sh installs
# in it (cli: no Qt). The root is cached in build-debian/SUITE-MODE/root (outside git): the first
# run takes a few minutes (debootstrap ~1 min, packages ~3 min), later runs only check the packages.
# Build output belongs under /work inside the root (build-debian/SUITE-MODE/root/work here), so
# the source stays untouched. Needs root (debootstrap, chroot, mount).
set -euo pipefail
suite=${1:?usage: scripts/debian-root.sh SUITE full|cli COMMAND...}
mode=${2:?usage: scripts/debian-root.sh SUITE full|cli COMMAND...}
shift 2
(($# > 0)) || { echo "debian-root: no command given" >&2; exit 2; }
case $mode in full) deps_args=() ;; cli) deps_args=(--cli-only) ;;
  *) echo "debian-root: mode must be full or cli, not '$mode'" >&2; exit 2 ;; esac

src=$(cd "$(dirname "$0")/.." && pwd)
cache=${LOGBERT_DEBIAN_ROOTS:-$src/build-debian}/$suite-$mode
root=$cache/root
mirror=${LOGBERT_DEBIAN_MIRROR:-http://deb.debian.org/debian}
[[ $(id -u) -eq 0 ]] || { echo "debian-root: needs root (debootstrap, chroot and mount)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "debian-root: needs debootstrap (apt-get install debootstrap)" >&2; exit 1; }

mounted=()
cleanup() {
  # Unmount in reverse order; a root left mounted would expose /src (and /dev) to `rm -rf`.
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount -R "${mounted[i]}" 2>/dev/null || umount -R -l "${mounted[i]}" || true
  done
}
trap cleanup EXIT
bind() { # bind --bind|--rbind SOURCE TARGET [ro]
  mkdir -p "$3"
  mount "$1" "$2" "$3"
  mount --make-rslave "$3"
  mounted+=("$3")
  if [[ ${4:-} == ro ]]; then mount -o remount,bind,ro "$3"; fi
}
if findmnt -rn -o TARGET | grep -q "^$root/"; then
  echo "debian-root: $root is in use by another run (its mounts are still there)" >&2
  exit 1
fi

if [[ ! -e $cache/debootstrap.done ]]; then
  rm -rf "$root"
  mkdir -p "$cache"
  echo "debian-root: debootstrap $suite into $root"
  start=$SECONDS
  debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
    { tail -20 "$cache/debootstrap.log" >&2; echo "debian-root: debootstrap failed (log: $cache/debootstrap.log)" >&2; exit 1; }
  echo "debian-root: debootstrap took $((SECONDS - start)) s"
  touch "$cache/debootstrap.done"
fi

mount -t proc proc "$root/proc"; mounted+=("$root/proc")
bind --rbind /sys "$root/sys"
bind --rbind /dev "$root/dev"
bind --bind "$src" "$root/src" ro
if [[ -n ${LOGBERT_DATASETS:-} && -d $LOGBERT_DATASETS ]]; then
  bind --bind "$LOGBERT_DATASETS" "$root/datasets" ro
  datasets=/datasets
else
  datasets=
fi
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
mkdir -p "$root/work"

in_root() {
  chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 TERM="${TERM:-dumb}" LOGBERT_DATASETS="$datasets" "$@"
}
start=$SECONDS
in_root bash /src/scripts/install-deps.sh "${deps_args[@]}"
echo "debian-root: packages ready in $((SECONDS - start)) s ($(in_root bash -c '. /etc/os-release; echo "$PRETTY_NAME"'))"
in_root bash -c 'cd /work && "$@"' -- "$@"
