/*
 * config.c - one deployment's configuration (see config.h for the keys)
 *
 * Every daemon and jrpctl call config_load first: the file is validated as a
 * whole (unknown keys, types, ranges) and every path is made absolute against
 * the directory of the config file, so nothing later depends on the working
 * directory. Endpoints default to ipc://{run}/<service>.sock.
 *
 * Also the CURVE key files of keys_dir (format in config.h): the daemons read
 * their own key pair and their upstream's public key, jrpctl a party's key
 * pair and the daemons' public keys, `jrpctl keys new` writes them.
 */
#include "config.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "ydoc.h"
#include "util/fsutil.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

const char *const svc_names[SVC__ALL] = { "ingest", "adjudicate", "dispatch", "feedback", "exchange" };

#define IPC_PATH_MAX 107        /* sizeof(sun_path) - 1 on Linux */
#define MAP_MB_MAX (INT64_C(1) << 24)   /* 16 TiB */
#define KEY_FILE_MAX 4096
#define RETENTION_DAYS_DEFAULT 30       /* log_retention_days (README Configuration) */
#define RETENTION_DAYS_MAX 36500

/*
 * config_normalize - lexically drop "." and empty components and resolve ".."
 * in an absolute path (in place); the target need not exist yet.
 */
static void config_normalize(char *path)
{
	char *out = path, *p = path, *seg;
	size_t len;

	while (*p) {
		while (*p == '/')
			p++;
		seg = p;
		while (*p && *p != '/')
			p++;
		len = (size_t)(p - seg);
		if (len == 0 || (len == 1 && seg[0] == '.'))
			continue;
		if (len == 2 && seg[0] == '.' && seg[1] == '.') {
			while (out > path && *--out != '/')
				;
			continue;
		}
		*out++ = '/';
		memmove(out, seg, len);
		out += len;
	}
	if (out == path)
		*out++ = '/';
	*out = 0;
}

/* config_abs - path made absolute against base (an absolute directory), normalised */
static char *config_abs(const char *base, const char *path)
{
	char *r = path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", base, path);

	config_normalize(r);
	return r;
}

/* config_path - optional path key -> absolute path (default def) */
static int config_path(ydoc *d, ynode *root, const char *key, const char *def, const char *base,
		       char **out, jrp_error *e)
{
	char *s = NULL;
	int rc;

	if ((rc = ydoc_str(d, root, key, false, &s, e)))
		return rc;
	*out = s || def ? config_abs(base, s ? s : def) : NULL;
	free(s);
	return 0;
}

/* config_endpoint - substitute {run}; check the transport and the ipc path length */
static int config_endpoint(ydoc *d, ynode *n, const char *svc, const char *tmpl, const char *run,
			   char **out, jrp_error *e)
{
	const char *p, *hit;
	size_t rl = strlen(run), cap, len = 0;
	char *r;

	cap = strlen(tmpl) + 1;
	for (p = tmpl; (hit = strstr(p, "{run}")); p = hit + 5)
		cap += rl;
	r = xmalloc(cap);
	for (p = tmpl; (hit = strstr(p, "{run}")); p = hit + 5) {
		memcpy(r + len, p, (size_t)(hit - p));
		len += (size_t)(hit - p);
		memcpy(r + len, run, rl);
		len += rl;
	}
	strcpy(r + len, p);
	if (strchr(r, '{') || strchr(r, '}')) {
		ydoc_fail(d, n, e, "key 'endpoints.%s': only {run} may be substituted in '%s'", svc, tmpl);
		goto bad;
	}
	if (strncmp(r, "ipc://", 6) == 0) {
		if (strlen(r + 6) == 0 || strlen(r + 6) > IPC_PATH_MAX) {
			ydoc_fail(d, n, e, "key 'endpoints.%s': ipc path '%s' must be 1..%d bytes long",
				  svc, r + 6, IPC_PATH_MAX);
			goto bad;
		}
	} else if (strncmp(r, "tcp://", 6) != 0 || !r[6]) {
		ydoc_fail(d, n, e, "key 'endpoints.%s': '%s' must start with ipc:// or tcp://", svc, r);
		goto bad;
	}
	*out = r;
	return 0;
bad:
	free(r);
	return JRP_EINVAL;
}

void config_free(jrp_config **cp)
{
	jrp_config *c = *cp;
	int i;

	if (!c)
		return;
	free(c->path);
	free(c->data_dir);
	free(c->run_dir);
	free(c->rules_dir);
	free(c->parties_path);
	free(c->keys_dir);
	for (i = 0; i < SVC__ALL; i++)
		free(c->endpoint[i]);
	free(c->xc.region);
	for (size_t k = 0; k < c->xc.npeers; k++) {
		free(c->xc.peers[k].region);
		free(c->xc.peers[k].endpoint);
	}
	free(c->xc.peers);
	free(c->gw.host);
	free(c->gw.party);
	free(c->gw.tls_cert);
	free(c->gw.tls_key);
	free(c->gw.client_ca);
	free(c);
	*cp = NULL;
}

static bool region_id_ok(const char *s)
{
	size_t n = strlen(s);
	return n >= 1 && n <= 32 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

/* config_exchange - the exchange: map (README "Between regions"): region required, endpoint defaults
 * to ipc://{run}/exchange.sock, peers each {region, endpoint}, regions unique and not this one */
static int config_exchange(ydoc *d, ynode *root, jrp_config *c, jrp_error *e)
{
	static const char *const keys[] = { "region", "endpoint", "peers", NULL };
	static const char *const pkeys[] = { "region", "endpoint", NULL };
	ynode *x = ydoc_map_get(d, root, "exchange"), *ps, *n;
	char *s = NULL, *tmpl;
	int rc;

	if (!x)
		return 0;
	if ((rc = ydoc_map_check_keys(d, x, keys, e)))
		return rc;
	c->xc.enabled = true;
	if ((rc = ydoc_str(d, x, "region", true, &c->xc.region, e)))
		return rc;
	if (!region_id_ok(c->xc.region))
		return ydoc_fail(d, ydoc_map_get(d, x, "region"), e, "key 'exchange.region': '%s' must be 1..32 of "
				 "a-z, 0-9 and _ (the id this region's peers know it by)", c->xc.region);
	if ((rc = ydoc_str(d, x, "endpoint", false, &s, e)))
		return rc;
	tmpl = s ? s : "ipc://{run}/exchange.sock";
	n = ydoc_map_get(d, x, "endpoint");
	rc = config_endpoint(d, n ? n : x, "exchange", tmpl, c->run_dir, &c->endpoint[SVC_EXCHANGE], e);
	free(s);
	if (rc)
		return rc;
	ps = ydoc_map_get(d, x, "peers");
	if (!ps)
		return 0;
	if (!ydoc_is_seq(ps))
		return ydoc_fail(d, ps, e, "key 'exchange.peers' must be a list of {region, endpoint}");
	size_t np = ydoc_seq_len(ps);
	if (np > CONFIG_PEERS_MAX)
		return ydoc_fail(d, ps, e, "key 'exchange.peers': at most %d peers", CONFIG_PEERS_MAX);
	c->xc.peers = xcalloc(np ? np : 1, sizeof *c->xc.peers);
	for (size_t i = 0; i < np; i++) {
		struct jrp_peer_cfg *p = &c->xc.peers[i];
		ynode *m = ydoc_seq_at(d, ps, i);
		if (!ydoc_is_map(m))
			return ydoc_fail(d, m, e, "key 'exchange.peers': each peer is a map {region, endpoint}");
		if ((rc = ydoc_map_check_keys(d, m, pkeys, e)) || (rc = ydoc_str(d, m, "region", true, &p->region, e)))
			return rc;
		c->xc.npeers = i + 1;
		if (!region_id_ok(p->region))
			return ydoc_fail(d, ydoc_map_get(d, m, "region"), e, "key 'exchange.peers.region': '%s' must be "
					 "1..32 of a-z, 0-9 and _", p->region);
		if (strcmp(p->region, c->xc.region) == 0)
			return ydoc_fail(d, ydoc_map_get(d, m, "region"), e, "key 'exchange.peers.region': '%s' is this "
					 "region itself", p->region);
		for (size_t k = 0; k < i; k++)
			if (strcmp(c->xc.peers[k].region, p->region) == 0)
				return ydoc_fail(d, ydoc_map_get(d, m, "region"), e, "key 'exchange.peers.region': "
						 "'%s' is listed twice", p->region);
		if ((rc = ydoc_str(d, m, "endpoint", true, &s, e)))
			return rc;
		rc = config_endpoint(d, ydoc_map_get(d, m, "endpoint"), "exchange.peers", s, c->run_dir, &p->endpoint, e);
		free(s);
		s = NULL;
		if (rc)
			return rc;
	}
	return 0;
}

/* config_gateway - the gateway: map (README Configuration); every key optional */
static int config_gateway(ydoc *d, ynode *root, const char *dir, jrp_config *c, jrp_error *e)
{
	static const char *const keys[] = { "listen", "party", "tls_cert", "tls_key", "client_ca", NULL };
	ynode *g = ydoc_map_get(d, root, "gateway");
	char *listen = NULL, *colon;
	long port;
	int rc;

	if (g && (rc = ydoc_map_check_keys(d, g, keys, e)))
		return rc;
	c->gw.enabled = g != NULL;
	if (g && (rc = ydoc_str(d, g, "listen", false, &listen, e)))
		return rc;
	if (!listen)
		listen = xstrdup("127.0.0.1:8480");
	colon = strrchr(listen, ':');
	port = colon ? strtol(colon + 1, NULL, 10) : -1;
	if (!colon || colon == listen || colon[1] == '\0' || strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
	    port < 0 || port > 65535) {
		rc = ydoc_fail(d, ydoc_map_get(d, g, "listen"), e,
			       "key 'gateway.listen': '%s' must be HOST:PORT (127.0.0.1:8480, [::1]:8480, 0.0.0.0:443)",
			       listen);
		free(listen);
		return rc;
	}
	*colon = '\0';
	if (listen[0] != '[' && strchr(listen, ':')) {
		rc = ydoc_fail(d, ydoc_map_get(d, g, "listen"), e, "key 'gateway.listen': an IPv6 address is "
			       "written in brackets: [::1]:8480");
		free(listen);
		return rc;
	}
	if (listen[0] == '[') {
		size_t n = strlen(listen);
		if (n < 3 || listen[n - 1] != ']') {
			rc = ydoc_fail(d, ydoc_map_get(d, g, "listen"), e, "key 'gateway.listen': an IPv6 address is "
				       "written in brackets: [::1]:8480");
			free(listen);
			return rc;
		}
		listen[n - 1] = '\0';
		memmove(listen, listen + 1, n - 1);
	}
	c->gw.host = listen;
	c->gw.port = (int)port;
	if (g && (rc = ydoc_str(d, g, "party", false, &c->gw.party, e)))
		return rc;
	if (!c->gw.party)
		c->gw.party = xstrdup("gateway");
	if (g && ((rc = config_path(d, g, "tls_cert", NULL, dir, &c->gw.tls_cert, e)) ||
		  (rc = config_path(d, g, "tls_key", NULL, dir, &c->gw.tls_key, e)) ||
		  (rc = config_path(d, g, "client_ca", NULL, dir, &c->gw.client_ca, e))))
		return rc;
	if (!c->gw.tls_cert != !c->gw.tls_key)
		return ydoc_fail(d, g, e, "key 'gateway': tls_cert and tls_key go together (HTTPS needs both)");
	if (c->gw.client_ca && !c->gw.tls_cert)
		return ydoc_fail(d, ydoc_map_get(d, g, "client_ca"), e,
				 "key 'gateway.client_ca': client certificates need HTTPS (tls_cert and tls_key)");
	return 0;
}

int config_load(const char *path, jrp_config **out, jrp_error *e)
{
	static const char *const keys[] = { "data_dir", "run_dir", "rules", "parties", "keys_dir", "test_clock",
		"map_size_mb", "map_max_mb", "log_level", "endpoints",
		"log_retention_days", "gateway", "exchange",
		NULL };
	static const char *const levels[] = { "debug", "info", "warn", "error" };
	static const char *const ep_keys[SVC__N + 1] = { "ingest", "adjudicate", "dispatch", "feedback", NULL };
	jrp_config *c = NULL;
	ydoc *d = NULL;
	ynode *root, *eps, *n;
	char *dir = NULL, *slash, *s = NULL, *tmpl;
	char real[PATH_MAX];
	int64_t size_mb = 1024, max_mb = 65536, retention = RETENTION_DAYS_DEFAULT;
	int rc, i;

	if ((rc = ydoc_load(path, &d, e))) {
		if (access(path, F_OK) != 0 && errno == ENOENT && strcmp(path, JRP_CONFIG_DEFAULT) == 0)
			jrp_fail(e, JRP_ERR_CONFIG, path, "no such file: jrp is not installed here (give -c CONFIG or set "
				 "JRP_CONFIG; in a source tree: -c deploy/local.yaml)");
		return rc;
	}
	root = ydoc_root(d);
	if ((rc = ydoc_map_check_keys(d, root, keys, e)))
		goto out;

	/* the directory of the config file, absolute */
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = 0;
	else if (slash)
		*slash = 0;
	else
		strcpy(dir, ".");
	if (!realpath(dir, real)) {
		rc = jrp_fail(e, JRP_ERR_CONFIG, path, "cannot resolve the directory of the config file: %s",
			      strerror(errno));
		goto out;
	}

	c = xcalloc(1, sizeof *c);
	slash = strrchr(path, '/');
	c->path = config_abs(real, slash ? slash + 1 : path);
	c->log_level = LOG_INFO;
	if ((rc = config_path(d, root, "data_dir", "var/data", real, &c->data_dir, e)) ||
	    (rc = config_path(d, root, "run_dir", "var/run", real, &c->run_dir, e)) ||
	    (rc = config_path(d, root, "rules", "../rules", real, &c->rules_dir, e)) ||
	    (rc = config_path(d, root, "parties", "parties.yaml", real, &c->parties_path, e)) ||
	    (rc = config_path(d, root, "keys_dir", "keys", real, &c->keys_dir, e)) ||
	    (rc = ydoc_bool(d, root, "test_clock", false, &c->test_clock, e)) ||
	    (rc = ydoc_int(d, root, "map_size_mb", false, 1, MAP_MB_MAX, &size_mb, e)) ||
	    (rc = ydoc_int(d, root, "map_max_mb", false, 1, MAP_MB_MAX, &max_mb, e)))
		goto out;
	if (max_mb < size_mb) {
		n = ydoc_map_get(d, root, "map_max_mb");
		rc = ydoc_fail(d, n ? n : ydoc_map_get(d, root, "map_size_mb"), e,
			       "key 'map_max_mb' (%lld) must be at least map_size_mb (%lld)",
			       (long long)max_mb, (long long)size_mb);
		goto out;
	}
	c->map_size = (size_t)size_mb << 20;
	c->map_max = (size_t)max_mb << 20;
	if ((rc = ydoc_int(d, root, "log_retention_days", false, 0, RETENTION_DAYS_MAX, &retention, e)))
		goto out;
	c->retention_days = (int)retention;

	if ((rc = ydoc_str(d, root, "log_level", false, &s, e)))
		goto out;
	if (s) {
		for (i = 0; i < 4; i++)
			if (strcmp(s, levels[i]) == 0)
				break;
		if (i == 4) {
			rc = ydoc_fail(d, ydoc_map_get(d, root, "log_level"), e,
				       "key 'log_level' must be debug, info, warn or error, not '%s'", s);
			goto out;
		}
		c->log_level = LOG_DEBUG + i;
	}

	eps = ydoc_map_get(d, root, "endpoints");
	if (eps && (rc = ydoc_map_check_keys(d, eps, ep_keys, e)))
		goto out;
	for (i = 0; i < SVC__N; i++) {
		free(s);
		s = NULL;
		if (eps && (rc = ydoc_str(d, eps, svc_names[i], false, &s, e)))
			goto out;
		tmpl = s ? s : xasprintf("ipc://{run}/%s.sock", svc_names[i]);
		n = eps ? ydoc_map_get(d, eps, svc_names[i]) : NULL;
		rc = config_endpoint(d, n ? n : root, svc_names[i], tmpl, c->run_dir, &c->endpoint[i], e);
		if (!s)
			free(tmpl);
		if (rc)
			goto out;
	}
	if ((rc = config_gateway(d, root, real, c, e)))
		goto out;
	if ((rc = config_exchange(d, root, c, e)))
		goto out;
	*out = c;
	c = NULL;
	rc = 0;
out:
	free(s);
	free(dir);
	config_free(&c);
	ydoc_free(&d);
	return rc;
}

const char *config_default_path(void)
{
	const char *env = getenv("JRP_CONFIG");
	return env && *env ? env : JRP_CONFIG_DEFAULT;
}

bool config_is_tcp(const char *endpoint)
{
	return endpoint && strncmp(endpoint, "tcp://", 6) == 0;
}

/* ---- CURVE key files ---- */

/* config_key_ok - 40 Z85 characters that decode to 32 bytes */
static bool config_key_ok(const char *z85)
{
	uint8_t bin[32];

	return strlen(z85) == CONFIG_KEY_Z85 - 1 && zmq_z85_decode(bin, z85) != NULL;
}

/* config_key_parse - the lines of a key file into pub / sec ("" if absent) */
static int config_key_parse(const char *path, char *text, char *pub, char *sec, jrp_error *e)
{
	char *line, *next, *v, *end;
	int lineno = 0;

	pub[0] = sec[0] = 0;
	for (line = text; line && *line; line = next) {
		char *dst;
		lineno++;
		if ((next = strchr(line, '\n')))
			*next++ = 0;
		while (*line == ' ' || *line == '\t' || *line == '\r')
			line++;
		end = line + strlen(line);
		while (end > line && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			*--end = 0;
		if (!*line || *line == '#')
			continue;
		if (strncmp(line, "public:", 7) == 0) {
			dst = pub;
			v = line + 7;
		} else if (strncmp(line, "secret:", 7) == 0) {
			dst = sec;
			v = line + 7;
		} else {
			return jrp_fail(e, JRP_ERR_CONFIG, path, "line %d: expected 'public: <z85>' or 'secret: <z85>'",
					lineno);
		}
		while (*v == ' ' || *v == '\t')
			v++;
		if (*v == '"' && end - v >= 2 && end[-1] == '"') {
			*--end = 0;
			v++;
		}
		if (dst[0])
			return jrp_fail(e, JRP_ERR_CONFIG, path, "line %d: '%.6s' is given twice", lineno, line);
		if (!config_key_ok(v))
			return jrp_fail(e, JRP_ERR_CONFIG, path, "line %d: must be a 40-character Z85 CURVE key", lineno);
		memcpy(dst, v, CONFIG_KEY_Z85);
	}
	if (!pub[0])
		return jrp_fail(e, JRP_ERR_CONFIG, path, "no 'public: <z85>' line");
	return 0;
}

int config_key_read(const char *path, bool want_secret, char pub[CONFIG_KEY_Z85], char sec[CONFIG_KEY_Z85],
		    jrp_error *e)
{
	char text[KEY_FILE_MAX + 1], s[CONFIG_KEY_Z85], derived[CONFIG_KEY_Z85];
	struct stat st;
	ssize_t n;
	size_t len = 0;
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT) {
			const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path, *dot = strrchr(base, '.');
			return jrp_fail(e, JRP_ERR_CONFIG, path, "no such key file (make the key pair with: "
					"jrpctl keys new %.*s --dir %.*s)", (int)(dot ? dot - base : (ptrdiff_t)strlen(base)),
					base, (int)(slash ? slash - path : 1), slash ? path : ".");
		}
		return jrp_fail(e, JRP_ERR_CONFIG, path, "cannot open the key file: %s", strerror(errno));
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rc = jrp_fail(e, JRP_ERR_CONFIG, path, "not a regular file");
		goto close_fd;
	}
	if (want_secret && (st.st_mode & 077)) {
		rc = jrp_fail(e, JRP_ERR_CONFIG, path, "a secret key file must be the owner's only, but its mode is 0%o "
			      "(chmod 600 it, and make a new key pair if others may have read it)", (unsigned)(st.st_mode & 0777));
		goto close_fd;
	}
	while (len < KEY_FILE_MAX && (n = read(fd, text + len, KEY_FILE_MAX - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = jrp_fail(e, JRP_ERR_CONFIG, path, "cannot read the key file: %s", strerror(errno));
			goto close_fd;
		}
		len += (size_t)n;
	}
	text[len] = 0;
	if ((rc = config_key_parse(path, text, pub, s, e)) < 0)
		goto wipe;
	if (want_secret) {
		if (!s[0]) {
			rc = jrp_fail(e, JRP_ERR_CONFIG, path, "no 'secret: <z85>' line (a .key file holds the key pair)");
			goto wipe;
		}
		if (zmq_curve_public(derived, s) != 0 || strcmp(derived, pub) != 0) {
			rc = jrp_fail(e, JRP_ERR_CONFIG, path, "the secret key does not belong to the public key of the file");
			goto wipe;
		}
		memcpy(sec, s, CONFIG_KEY_Z85);
	}
	rc = 0;
wipe:
	memset(text, 0, sizeof text);
	memset(s, 0, sizeof s);
close_fd:
	close(fd);
	return rc;
}

/* config_key_put - write text to path (flags: O_EXCL or O_TRUNC) with mode */
static int config_key_put(const char *path, int flags, mode_t mode, const char *text, jrp_error *e)
{
	size_t len = strlen(text), done = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | flags, mode);

	if (fd < 0) {
		if (errno == EEXIST)
			return jrp_fail(e, JRP_ERR_CONFIG, path, "already exists; a key file is never overwritten "
					"(move it away first if you really mean to replace this party's key)");
		return jrp_fail(e, JRP_ERR_CONFIG, path, "cannot create: %s", strerror(errno));
	}
	if (fchmod(fd, mode) < 0)
		goto fail;
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		done += (size_t)n;
	}
	if (fsync(fd) < 0)
		goto fail;
	close(fd);
	return 0;
fail:
	jrp_fail(e, JRP_ERR_CONFIG, path, "cannot write: %s", strerror(errno));
	close(fd);
	unlink(path);
	return JRP_EIO;
}

int config_key_write(const char *dir, const char *name, const char *pub, const char *sec, jrp_error *e)
{
	char *kpath = NULL, *ppath = NULL, text[200];
	size_t n = strlen(name);
	int rc;

	if (n < 1 || n > 32 || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") != n)
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "name", "'%s' must match [a-z0-9_]{1,32} (a party id)", name);
	if (!config_key_ok(pub) || !config_key_ok(sec))
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "key", "not a 40-character Z85 CURVE key");
	if (mkdir_p(dir, 0700) < 0)
		return jrp_fail(e, JRP_ERR_CONFIG, dir, "cannot create the keys directory: %s", strerror(errno));
	kpath = xasprintf("%s/%s.key", dir, name);
	ppath = xasprintf("%s/%s.pub", dir, name);
	snprintf(text, sizeof text, "public: %s\nsecret: %s\n", pub, sec);
	if ((rc = config_key_put(kpath, O_EXCL, 0600, text, e)) < 0)
		goto out;
	snprintf(text, sizeof text, "public: %s\n", pub);
	if ((rc = config_key_put(ppath, O_TRUNC, 0644, text, e)) < 0)
		unlink(kpath);
out:
	memset(text, 0, sizeof text);
	free(kpath);
	free(ppath);
	return rc;
}

char *config_key_path(const jrp_config *c, const char *name, const char *ext)
{
	return xasprintf("%s/%s%s", c->keys_dir, name, ext);
}

int config_peer_key(const jrp_config *c, const char *name, char pub[CONFIG_KEY_Z85], jrp_error *e)
{
	char *path = config_key_path(c, name, ".pub");
	int rc;

	if (access(path, F_OK) != 0) {
		free(path);
		path = config_key_path(c, name, ".key");
		if (access(path, F_OK) != 0) {
			rc = jrp_fail(e, JRP_ERR_CONFIG, c->keys_dir, "no public key of '%s': neither %s.pub nor %s.key "
				      "is in this keys directory", name, name, name);
			goto out;
		}
	}
	rc = config_key_read(path, false, pub, NULL, e);
out:
	free(path);
	return rc;
}
