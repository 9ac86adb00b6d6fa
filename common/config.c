/*
 * config.c - one deployment's configuration (see config.h for the keys)
 *
 * Every daemon and jrpctl call config_load first: the file is validated as a
 * whole (unknown keys, types, ranges) and every path is made absolute against
 * the directory of the config file, so nothing later depends on the working
 * directory. Endpoints default to ipc://{run}/<service>.sock.
 */
#include "config.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/ydoc.h"
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char *const svc_names[SVC__N] = { "ingest", "adjudicate", "dispatch", "feedback" };

#define IPC_PATH_MAX 107        /* sizeof(sun_path) - 1 on Linux */
#define MAP_MB_MAX (INT64_C(1) << 24)   /* 16 TiB */

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
	*out = config_abs(base, s ? s : def);
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
	for (i = 0; i < SVC__N; i++)
		free(c->endpoint[i]);
	free(c);
	*cp = NULL;
}

int config_load(const char *path, jrp_config **out, jrp_error *e)
{
	static const char *const keys[] = { "data_dir", "run_dir", "rules", "parties", "test_clock",
		"map_size_mb", "map_max_mb", "log_level", "endpoints", NULL };
	static const char *const levels[] = { "debug", "info", "warn", "error" };
	static const char *const ep_keys[SVC__N + 1] = { "ingest", "adjudicate", "dispatch", "feedback", NULL };
	jrp_config *c = NULL;
	ydoc *d = NULL;
	ynode *root, *eps, *n;
	char *dir = NULL, *slash, *s = NULL, *tmpl;
	char real[PATH_MAX];
	int64_t size_mb = 1024, max_mb = 65536;
	int rc, i;

	if ((rc = ydoc_load(path, &d, e)))
		return rc;
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
