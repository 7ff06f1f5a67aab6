# Real servers from Debian for the protocol tests, each started by the test
# as root on a free loopback port with its own config and data under
# $IT/srv/NAME, and stopped by pid.  No system service is touched.
#
#   srv_start NAME           start server NAME (srv_start_NAME) on ${PORT_NAME}
#   srv_stop NAME            stop it by pid and wait for it to exit
#   srv_impostor NAME        a server on the same port answering garbage
#   srv_stop_impostor NAME
#   await_response SVC RE    run validate until SVC's port response matches RE

SRV_PY=/usr/bin/python3
SRV_SCRIPT="$IT_REPO/tests/integration/proto_server.py"

srv_dir() { echo "$IT/srv/$1"; }

# Background a server; its pid goes to $IT/srv/NAME.pid, its output to
# $IT/srv/NAME.log.
srv_spawn() {
	local name=$1; shift
	mkdir -p "$IT/srv"
	"$@" >>"$IT/srv/$name.log" 2>&1 3>&- &
	echo $! > "$IT/srv/$name.pid"
}

srv_port_open() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

srv_port_closed() { ! srv_port_open "$1"; }

srv_kill_pidfile() {
	local f=$1 pid
	pid=$(cat "$f" 2>/dev/null) || return 0
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || true
	it_wait 20 eval "! kill -0 $pid 2>/dev/null" || kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -f "$f"
}

# The process behind a protocol: one dovecot serves three, one nginx two.
srv_pidname() {
	case $1 in
	imap|pop|lmtp|sieve) echo dovecot ;;
	http|https) echo nginx ;;
	*) echo "$1" ;;
	esac
}

srv_stop() { srv_kill_pidfile "$IT/srv/$(srv_pidname "$1").pid"; }

srv_port() { local v="PORT_${1//-/_}"; echo "${!v}"; }

srv_start() {
	local name=$1 port pid
	port=$(srv_port "$name")
	pid=$(cat "$IT/srv/$(srv_pidname "$name").pid" 2>/dev/null || true)
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		return 0	# dovecot or nginx already serves it
	fi
	mkdir -p "$(srv_dir "$name")"
	"srv_start_${name//-/_}" "$port" "$(srv_dir "$name")"
}

srv_impostor() {
	local name=$1 transport=${2:-tcp}
	srv_spawn "impostor-$name" "$SRV_PY" "$SRV_SCRIPT" impostor "$(srv_port "$name")" "$transport"
	[ "$transport" = udp ] || it_wait 20 srv_port_open "$(srv_port "$name")"
}

srv_stop_impostor() { srv_stop "impostor-$1"; }

srv_scripted() {
	local mode=$1 port=$2 transport=${3:-tcp}
	srv_spawn "$mode" "$SRV_PY" "$SRV_SCRIPT" "$mode" "$port" "$transport"
	[ "$transport" = udp ] || it_wait 20 srv_port_open "$port"
}

# The "port response" row of `vigil status NAME`.
port_response() {
	it_vigil status "$1" 2>/dev/null | sed -n 's/^ *port response *//p'
}

# Run validate and wait until NAME's port response matches PATTERN.
await_response() {
	local name=$1 pattern=$2 i
	for i in $(seq 1 80); do
		it_vigil validate >/dev/null 2>&1 || true
		if port_response "$name" | grep -Eq -- "$pattern"; then
			return 0
		fi
		sleep 0.25
	done
	echo "service $name: port response is '$(port_response "$name")', wanted /$pattern/" >&2
	return 1
}

# ---- one function per real server ----------------------------------------

srv_start_redis() {
	srv_spawn redis redis-server --port "$1" --bind 127.0.0.1 --dir "$2" \
	    --save "" --appendonly no --daemonize no --protected-mode no
	it_wait 20 srv_port_open "$1"
}

srv_start_memcache() {
	srv_spawn memcache memcached -p "$1" -l 127.0.0.1 -U 0 -u memcache
	it_wait 20 srv_port_open "$1"
}

srv_start_ssh() {
	[ -f "$2/hostkey" ] || ssh-keygen -q -t ed25519 -N '' -f "$2/hostkey"
	mkdir -p /run/sshd	# sshd's privilege-separation directory
	srv_spawn ssh /usr/sbin/sshd -D -e -f /dev/null -o Port="$1" \
	    -o ListenAddress=127.0.0.1 -o HostKey="$2/hostkey" -o PidFile=none
	it_wait 20 srv_port_open "$1"
}

srv_start_ftp() {
	cat > "$2/vsftpd.conf" <<CONF
listen=YES
listen_address=127.0.0.1
listen_port=$1
background=NO
anonymous_enable=YES
anon_root=$2/empty
ftp_username=nobody
no_anon_password=YES
local_enable=NO
secure_chroot_dir=$2/empty
nopriv_user=nobody
xferlog_enable=NO
CONF
	mkdir -p "$2/empty"
	srv_spawn ftp vsftpd "$2/vsftpd.conf"
	it_wait 20 srv_port_open "$1"
}

# dovecot: imap, pop3, lmtp and managesieve from one minimal configuration;
# with SRV_DOVECOT_CERT and SRV_DOVECOT_KEY set, it offers STARTTLS.
srv_start_dovecot() {
	local ssl="ssl = no"
	[ -z "${SRV_DOVECOT_CERT:-}" ] ||
	    ssl="ssl = yes
ssl_cert = <$SRV_DOVECOT_CERT
ssl_key = <$SRV_DOVECOT_KEY"

	mkdir -p "$2/run" "$2/state" "$2/mail"
	chown dovecot:dovecot "$2/state"
	chmod 0755 "$2" "$2/run"
	cat > "$2/dovecot.conf" <<CONF
base_dir = $2/run
state_dir = $2/state
log_path = $2/dovecot.log
protocols = imap pop3 lmtp sieve
listen = 127.0.0.1
$ssl
mail_location = maildir:$2/mail/%u
passdb {
  driver = static
  args = nopassword
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$2/mail/%u
}
service imap-login {
  inet_listener imap {
    port = $PORT_imap
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = $PORT_pop
  }
  inet_listener pop3s {
    port = 0
  }
}
service managesieve-login {
  inet_listener sieve {
    address = 127.0.0.1
    port = $PORT_sieve
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $PORT_lmtp
  }
}
CONF
	srv_spawn dovecot dovecot -F -c "$2/dovecot.conf"
	it_wait 20 srv_port_open "$PORT_imap"
}
srv_start_imap() { srv_start_dovecot "$1" "$(srv_dir dovecot)"; }
srv_start_pop() { srv_start_dovecot "$1" "$(srv_dir dovecot)"; }
srv_start_lmtp() { srv_start_dovecot "$1" "$(srv_dir dovecot)"; }
srv_start_sieve() { srv_start_dovecot "$1" "$(srv_dir dovecot)"; }

srv_start_mysql() {
	if [ ! -d "$2/data/mysql" ]; then
		mkdir -p "$2/data"
		chown mysql:mysql "$2/data"
		mariadb-install-db --no-defaults --datadir="$2/data" --user=mysql \
		    --skip-test-db >"$2/install.log" 2>&1 || { cat "$2/install.log" >&2; return 1; }
	fi
	# SRV_MYSQL_ARGS: more options (--ssl-cert=... --ssl-key=... for TLS)
	# shellcheck disable=SC2086
	srv_spawn mysql mariadbd --no-defaults --datadir="$2/data" --port="$1" \
	    --bind-address=127.0.0.1 --socket="$2/data/mysqld.sock" --user=mysql \
	    --pid-file="$2/data/mysqld.pid" --skip-log-bin --innodb-buffer-pool-size=8M \
	    ${SRV_MYSQL_ARGS:-}
	it_wait 60 srv_port_open "$1"
}

srv_start_pgsql() {
	local bin=/usr/lib/postgresql/15/bin
	chown postgres:postgres "$2"
	if [ ! -f "$2/data/PG_VERSION" ]; then
		setpriv --reuid=postgres --regid=postgres --init-groups \
		    "$bin/initdb" -D "$2/data" -U postgres -A trust >"$2/initdb.log" 2>&1 ||
		    { cat "$2/initdb.log" >&2; return 1; }
	fi
	srv_spawn pgsql setpriv --reuid=postgres --regid=postgres --init-groups \
	    "$bin/postgres" -D "$2/data" -p "$1" -k "$2" -c listen_addresses=127.0.0.1
	it_wait 60 srv_port_open "$1"
}

srv_start_dns() {
	srv_spawn dns dnsmasq -k -C /dev/null -p "$1" --listen-address=127.0.0.1 \
	    --bind-interfaces --no-resolv --no-hosts --user=nobody --pid-file= \
	    --log-facility=-
	it_wait 20 srv_port_open "$1"
}

srv_start_ntp3() {
	cat > "$2/chrony.conf" <<CONF
port $1
bindaddress 127.0.0.1
allow 127.0.0.1
local stratum 10
cmdport 0
pidfile $2/chronyd.pid
driftfile $2/drift
CONF
	srv_spawn ntp3 chronyd -d -x -u root -f "$2/chrony.conf"
	sleep 0.5
}

srv_start_ldap3() {
	mkdir -p "$2/db"
	cat > "$2/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
pidfile $2/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
suffix "dc=example,dc=org"
directory $2/db
CONF
	srv_spawn ldap3 slapd -d 0 -f "$2/slapd.conf" -h "ldap://127.0.0.1:$1/"
	it_wait 20 srv_port_open "$1"
}

srv_start_mqtt() {
	printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$1" > "$2/m.conf"
	srv_spawn mqtt mosquitto -c "$2/m.conf"
	it_wait 20 srv_port_open "$1"
}

srv_start_rsync() {
	mkdir -p "$2/data"
	printf 'use chroot = no\n[data]\n  path = %s/data\n  comment = data files\n' "$2" > "$2/rsyncd.conf"
	srv_spawn rsync rsync --daemon --no-detach --port="$1" --address=127.0.0.1 \
	    --config="$2/rsyncd.conf"
	it_wait 20 srv_port_open "$1"
}

srv_start_smtp() {
	srv_spawn smtp "$SRV_PY" -m aiosmtpd -n -l "127.0.0.1:$1"
	it_wait 20 srv_port_open "$1"
}

# A self-signed certificate valid for 10 days in DIR (cert.pem, key.pem).
srv_make_cert() {
	mkdir -p "$1"
	[ -f "$1/cert.pem" ] || openssl req -x509 -newkey rsa:2048 -nodes -days 10 \
	    -subj /CN=localhost -keyout "$1/key.pem" -out "$1/cert.pem" 2>/dev/null
}

# aiosmtpd offering STARTTLS with nginx's certificate
srv_start_smtps() {
	local d
	d=$(srv_dir nginx)
	srv_make_cert "$d"
	srv_spawn smtps "$SRV_PY" -m aiosmtpd -n -l "127.0.0.1:$1" \
	    --tlscert "$d/cert.pem" --tlskey "$d/key.pem" --no-requiretls
	it_wait 20 srv_port_open "$1"
}

# nginx in the foreground with its config, temp files, log and pid under
# DIR, serving SERVERS (the `server { }` blocks of its http block), started
# as srv NAME nginx (stopped by pid: srv_kill_pidfile "$IT/srv/nginx.pid");
# waits until PORT accepts, else shows nginx's error log and fails.
#   srv_nginx DIR PORT SERVERS
srv_nginx() {
	local d=$1 port=$2 servers=$3
	mkdir -p "$d/tmp"
	cat > "$d/nginx.conf" <<CONF
daemon off;
master_process off;
pid $d/nginx.pid;
error_log $d/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $d/tmp;
  proxy_temp_path $d/tmp;
  fastcgi_temp_path $d/tmp;
  uwsgi_temp_path $d/tmp;
  scgi_temp_path $d/tmp;
$servers
}
CONF
	srv_spawn nginx nginx -c "$d/nginx.conf" -p "$d"
	it_wait 20 srv_port_open "$port" || { cat "$d/error.log" >&2; return 1; }
}

# nginx: http on PORT_http, https (a 10-day certificate) on PORT_https.
srv_start_nginx() {
	mkdir -p "$2/www/secret"
	echo "hello world" > "$2/www/page.html"
	echo "front page" > "$2/www/index.html"
	echo "secret page" > "$2/www/secret/index.html"
	# user "user", password "pass" (apr1, made by openssl)
	echo "user:$(openssl passwd -apr1 pass)" > "$2/htpasswd"
	srv_make_cert "$2"
	srv_nginx "$2" "$PORT_http" "\
  server {
    listen 127.0.0.1:$PORT_http;
    root $2/www;
    location /secret/ {
      auth_basic \"vigil test\";
      auth_basic_user_file $2/htpasswd;
    }
  }
  server {
    listen 127.0.0.1:$PORT_https ssl;
    ssl_certificate $2/cert.pem;
    ssl_certificate_key $2/key.pem;
    root $2/www;
  }"
}
srv_start_http() { srv_start_nginx "$1" "$(srv_dir nginx)"; }
srv_start_https() { srv_start_nginx "$1" "$(srv_dir nginx)"; }

# scripted servers (no cheap Debian server speaks these)
for m in clamav nntp spamassassin postfix-policy gps fail2ban websocket \
    mongodb rdate apache-status dwp tns; do
	eval "srv_start_${m//-/_}() { srv_scripted $m \"\$1\"; }"
done
srv_start_sip() { srv_scripted sip "$1" udp; }
srv_start_radius() { srv_scripted radius "$1" udp; }
