/*
 * names.c - enum names on the wire (see names.h)
 */
#include "names.h"
#include <string.h>

const char *names_get(const jrp_names *t, int v)
{
	return v >= 0 && v < t->n && t->name[v] ? t->name[v] : "";
}

int names_find(const jrp_names *t, const char *s, size_t len)
{
	/* s is the wire's: not NUL-terminated, and it may hold NUL bytes ("record\0..." is not "record") */
	for (int i = 0; i < t->n; i++)
		if (t->name[i] && len && t->name[i][0] == s[0] && strlen(t->name[i]) == len && memcmp(t->name[i], s, len) == 0)
			return i;
	return -1;
}

const char *names_list(const jrp_names *t, char *buf, size_t n)
{
	size_t o = 0;
	buf[0] = 0;
	for (int i = 0; i < t->n && o + 1 < n; i++) {
		size_t l;
		if (!t->name[i])
			continue;
		l = strlen(t->name[i]);
		if (o && o + 2 < n) {
			memcpy(buf + o, ", ", 2);
			o += 2;
		}
		if (o + l >= n)
			break;
		memcpy(buf + o, t->name[i], l);
		o += l;
		buf[o] = 0;
	}
	return buf;
}

int mr_enum(mr *r, const char *key, int opt, const jrp_names *t, int *out)
{
	const char *s;
	size_t n;
	int v, rc = mr_str(r, key, opt, 64, &s, &n);
	char allowed[512];
	if (rc <= 0)
		return rc;
	if ((v = names_find(t, s, n)) < 0)
		return mr_fail_value(r, key, "\"%.*s\" is not a valid %s; one of: %s", (int)n, s, t->what,
				     names_list(t, allowed, sizeof allowed));
	*out = v;
	return 1;
}

void mw_kenum(mw *w, const char *key, const jrp_names *t, int v)
{
	mw_kstr(w, key, names_get(t, v));
}
