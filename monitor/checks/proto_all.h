/* Every protocol module (netproto.c lists them in proto_modules). */
#ifndef VIGIL_PROTO_ALL_H
#define VIGIL_PROTO_ALL_H

#include "monitor/checks/netproto.h"

extern const struct proto_module proto_http, proto_generic, proto_smtp,
    proto_lmtp, proto_ssh, proto_redis, proto_mysql, proto_pgsql,
    proto_memcache, proto_imap, proto_pop, proto_ftp, proto_dns, proto_ntp3,
    proto_ldap3, proto_ldap2, proto_nntp, proto_clamav, proto_rsync,
    proto_sieve, proto_spamassassin, proto_postfix_policy, proto_fail2ban,
    proto_mqtt, proto_websocket, proto_sip, proto_radius, proto_gps,
    proto_rdate, proto_mongodb, proto_apache_status, proto_dwp, proto_tns;

/* proto_http.c: a request for path with the test's method, Host, basic
 * auth and "http headers", then extra (headers that also set Connection;
 * without extra, "Connection: close"); false when it does not fit. */
bool http_put_request(struct proto_ctx *ctx, const char *method,
    const char *path, const char *extra);
/* Where the header block of an HTTP response ends (the offset after the
 * blank line), 0 when it has not arrived; scans from ctx->mark. */
size_t http_headers_end(struct proto_ctx *ctx);
/* The value of header NAME in the block hdr[0..len), or NULL; *vlen set. */
const char *http_header(const char *hdr, size_t len, const char *name,
    size_t *vlen);
/* Base64 of buf into out (NUL-terminated); false when out is too small. */
bool proto_base64(const void *buf, size_t len, char *out, size_t outlen);

#endif
