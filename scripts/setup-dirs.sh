#!/bin/sh
# Create the directories vigil uses by default (idempotent; run as root
# after `make users`):
#
#   /var/lib/vigil        root:_vigil 1770  the monitor writes its state file
#                                           here; the sticky bit stops it
#                                           renaming what it does not own
#   /var/lib/vigil/empty  root:root   0755  the web interface's chroot: empty,
#                                           root-owned
#   /run/vigil            root:_vigil 1775  the
#                                           control socket (monitor); others
#                                           may reach the socket, which checks
#                                           who connects
#
# /run is emptied at boot: the script also writes /etc/tmpfiles.d/vigil.conf
# so systemd recreates /run/vigil.
set -eu
if [ "$(id -u)" != 0 ]; then
	echo "setup-dirs: must run as root" >&2
	exit 1
fi
if ! getent passwd _vigil >/dev/null; then
	echo "setup-dirs: user _vigil missing: run 'make users' first" >&2
	exit 1
fi
mk() {	# mode owner group path
	install -d -m "$1" -o "$2" -g "$3" "$4"
	chmod "$1" "$4"		# install -d leaves an existing dir's mode alone
	chown "$2:$3" "$4"
	echo "$1 $2:$3 $4"
}
mk 1770 root _vigil /var/lib/vigil
mk 0755 root root /var/lib/vigil/empty
mk 1775 root _vigil /run/vigil
mk 0755 root root /etc/vigil
if [ -d /etc/tmpfiles.d ] || [ -d /usr/lib/tmpfiles.d ]; then
	install -d -m 0755 /etc/tmpfiles.d
	printf 'd /run/vigil 1775 root _vigil -\n' > /etc/tmpfiles.d/vigil.conf
	chmod 0644 /etc/tmpfiles.d/vigil.conf
fi
