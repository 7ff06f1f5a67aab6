#!/bin/bash
# The package test's driver: runs package.bats in a private mount namespace
# where /etc, /usr, /var and /run are overlays of this machine's.  The
# package is installed, started, upgraded and purged for real, but every
# file it (or dpkg, adduser, systemd's helpers) writes lands in a throw-away
# upper directory: the machine, its users, its dpkg database and the other
# tests' /usr/local install and /run/vigil are untouched, and nothing waits
# for dpkg's lock.
#
#   bash tests/package/run.sh DIR    DIR holds vigil_*.deb (make deb)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
pkgdir=$(cd "${1:?usage: run.sh DIR-WITH-DEBS}" && pwd)
[ "$(id -u)" = 0 ] || { echo "package test: needs root (mounts, dpkg)" >&2; exit 1; }
ls "$pkgdir"/vigil_*.deb >/dev/null

echo "==== lintian"
lintian -i --pedantic "$pkgdir"/vigil_*.changes 2>&1 | grep -v '^running with root privileges' || true
if lintian "$pkgdir"/vigil_*.changes 2>/dev/null | grep -q '^E:'; then
	echo "package test: lintian reports errors" >&2
	exit 1
fi

ovl=$(mktemp -d /tmp/vigil-pkgtest.XXXXXX)
trap 'rm -rf "$ovl"' EXIT
for d in etc usr var run; do
	mkdir -p "$ovl/$d/upper" "$ovl/$d/work"
done
export PKG_DIR=$pkgdir PKG_REPO=$repo PKG_OVL=$ovl
unshare --mount --propagation private -- bash -c '
	set -e
	for d in etc usr var run; do
		# the machine as it is, for the leftover check (tests see it read-only)
		mkdir -p "$PKG_OVL/lower/$d"
		mount --bind -o ro "/$d" "$PKG_OVL/lower/$d"
		mount -t overlay overlay \
			-o "lowerdir=/$d,upperdir=$PKG_OVL/$d/upper,workdir=$PKG_OVL/$d/work" "/$d"
	done
	exec bats --print-output-on-failure "$PKG_REPO/tests/package/package.bats"
'
