#!/bin/sh
# Create vigil's system users when they are missing (idempotent).
#   _vigil      the monitor
#   _vigilweb   the web interface
#   _vigilauth  the PAM helper, with supplementary group shadow
set -eu
nologin=/usr/sbin/nologin
[ -x "$nologin" ] || nologin=/bin/false
mk() {
	if getent passwd "$1" >/dev/null; then
		echo "user $1 exists"
	else
		useradd --system --no-create-home --home-dir /nonexistent \
			--shell "$nologin" --user-group "$1"
		echo "created user $1"
	fi
}
if [ "$(id -u)" != 0 ]; then
	echo "make users: must run as root" >&2
	exit 1
fi
mk _vigil
mk _vigilweb
mk _vigilauth
if getent group shadow >/dev/null; then
	if id -nG _vigilauth | tr ' ' '\n' | grep -qx shadow; then
		echo "_vigilauth is in group shadow"
	else
		usermod -a -G shadow _vigilauth
		echo "added _vigilauth to group shadow"
	fi
else
	echo "make users: no group 'shadow' on this system; PAM password checks need it" >&2
fi
