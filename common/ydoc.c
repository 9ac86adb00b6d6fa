/*
 * ydoc.c - strict typed access to one loaded YAML document (see ydoc.h)
 *
 * Every YAML loader of jrp (catalogue, calendar, parties, config) parses its
 * file with ydoc_load and reads it through these accessors, so that all of
 * them share one notion of strictness: integers are plain decimal scalars,
 * booleans are exactly true/false, strings are non-empty scalars, duplicate
 * and unknown keys are errors, and every error names "file:line:col" of the
 * node at fault (1-based) with code "config".
 */
#include "ydoc.h"
#include "util/xalloc.h"
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* pos_format - "path:line:col"; a path too long for buf keeps its tail */
static void pos_format(const char *path, size_t line, size_t col, char *buf, size_t len)
{
	char tail[32];
	size_t tl, pl, room;

	snprintf(tail, sizeof tail, ":%zu:%zu", line, col);
	tl = strlen(tail);
	pl = strlen(path);
	if (len == 0)
		return;
	if (pl + tl < len) {
		snprintf(buf, len, "%s%s", path, tail);
		return;
	}
	if (len < tl + 4) {
		snprintf(buf, len, "%s", tail);
		return;
	}
	room = len - 1 - tl - 3;
	snprintf(buf, len, "...%s%s", path + pl - room, tail);
}

void ydoc_pos(ydoc *d, const ynode *n, char *buf, size_t len)
{
	if (!n) {
		pos_format(d->path, 1, 1, buf, len);
		return;
	}
	pos_format(d->path, n->start_mark.line + 1, n->start_mark.column + 1, buf, len);
}

int ydoc_fail(ydoc *d, const ynode *n, jrp_error *e, const char *fmt, ...)
{
	char pos[128];
	char msg[384];
	va_list ap;

	ydoc_pos(d, n, pos, sizeof pos);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return jrp_fail(e, JRP_ERR_CONFIG, pos, "%s", msg);
}

/*
 * parse_fail - report a libyaml error with its position and problem text;
 * a reader error (bad encoding) only has a byte offset: count lines up to it
 */
static int parse_fail(const char *path, FILE *f, yaml_parser_t *p, jrp_error *e)
{
	char pos[128];
	yaml_mark_t m = p->problem_mark;
	const char *problem = p->problem ? p->problem : "unknown problem";
	size_t off;
	int ch;

	if (p->error == YAML_READER_ERROR) {
		memset(&m, 0, sizeof m);
		rewind(f);
		for (off = 0; off < p->problem_offset && (ch = getc(f)) != EOF; off++) {
			if (ch == '\n') {
				m.line++;
				m.column = 0;
			} else {
				m.column++;
			}
		}
	} else if (p->error == YAML_MEMORY_ERROR) {
		m = p->mark;
	}
	pos_format(path, m.line + 1, m.column + 1, pos, sizeof pos);
	if (p->context)
		return jrp_fail(e, JRP_ERR_CONFIG, pos, "YAML syntax error: %s (%s at line %zu, column %zu)",
				problem, p->context, p->context_mark.line + 1, p->context_mark.column + 1);
	return jrp_fail(e, JRP_ERR_CONFIG, pos, "YAML syntax error: %s", problem);
}

int ydoc_load(const char *path, ydoc **out, jrp_error *e)
{
	yaml_parser_t parser;
	yaml_document_t extra;
	ydoc *d = NULL;
	FILE *f;
	int rc;

	f = fopen(path, "rb");
	if (!f) {
		jrp_fail(e, JRP_ERR_CONFIG, path, "cannot open file: %s", strerror(errno));
		return JRP_EIO;
	}
	if (!yaml_parser_initialize(&parser)) {
		fclose(f);
		return jrp_fail(e, JRP_ERR_CONFIG, path, "cannot initialise the YAML parser");
	}
	yaml_parser_set_input_file(&parser, f);
	d = xcalloc(1, sizeof *d);
	d->path = xstrdup(path);
	if (!yaml_parser_load(&parser, &d->doc)) {
		rc = parse_fail(path, f, &parser, e);
		free(d->path);
		free(d);
		goto parser_delete;
	}
	if (!yaml_document_get_root_node(&d->doc)) {
		rc = ydoc_fail(d, NULL, e, "the file is empty (expected a YAML mapping)");
		goto doc_free;
	}
	/* exactly one document: a second one is almost always a mistake */
	if (!yaml_parser_load(&parser, &extra)) {
		rc = parse_fail(path, f, &parser, e);
		goto doc_free;
	}
	if (yaml_document_get_root_node(&extra)) {
		rc = ydoc_fail(d, yaml_document_get_root_node(&extra), e,
			       "only one YAML document is allowed per file");
		yaml_document_delete(&extra);
		goto doc_free;
	}
	yaml_document_delete(&extra);
	yaml_parser_delete(&parser);
	fclose(f);
	*out = d;
	return 0;

doc_free:
	ydoc_free(&d);
parser_delete:
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}

void ydoc_free(ydoc **dp)
{
	ydoc *d = *dp;

	if (!d)
		return;
	yaml_document_delete(&d->doc);
	free(d->path);
	free(d);
	*dp = NULL;
}

ynode *ydoc_root(ydoc *d)
{
	return yaml_document_get_root_node(&d->doc);
}

bool ydoc_is_map(const ynode *n)
{
	return n && n->type == YAML_MAPPING_NODE;
}

bool ydoc_is_seq(const ynode *n)
{
	return n && n->type == YAML_SEQUENCE_NODE;
}

bool ydoc_is_scalar(const ynode *n)
{
	return n && n->type == YAML_SCALAR_NODE;
}

const char *ydoc_scalar(const ynode *n)
{
	if (!ydoc_is_scalar(n))
		return NULL;
	return (const char *)n->data.scalar.value;
}

/* scalar_is - scalar node whose text is exactly s (no embedded NUL) */
static bool scalar_is(const ynode *n, const char *s)
{
	size_t len = strlen(s);

	return ydoc_is_scalar(n) && n->data.scalar.length == len &&
	       memcmp(n->data.scalar.value, s, len) == 0;
}

size_t ydoc_seq_len(const ynode *seq)
{
	if (!ydoc_is_seq(seq))
		return 0;
	return (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
}

ynode *ydoc_seq_at(ydoc *d, ynode *seq, size_t i)
{
	if (i >= ydoc_seq_len(seq))
		return NULL;
	return yaml_document_get_node(&d->doc, seq->data.sequence.items.start[i]);
}

size_t ydoc_map_len(const ynode *map)
{
	if (!ydoc_is_map(map))
		return 0;
	return (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
}

void ydoc_map_at(ydoc *d, ynode *map, size_t i, ynode **key, ynode **val)
{
	yaml_node_pair_t *p;

	*key = *val = NULL;
	if (i >= ydoc_map_len(map))
		return;
	p = &map->data.mapping.pairs.start[i];
	*key = yaml_document_get_node(&d->doc, p->key);
	*val = yaml_document_get_node(&d->doc, p->value);
}

ynode *ydoc_map_get(ydoc *d, ynode *map, const char *key)
{
	size_t i, n = ydoc_map_len(map);
	ynode *k, *v;

	for (i = 0; i < n; i++) {
		ydoc_map_at(d, map, i, &k, &v);
		if (scalar_is(k, key))
			return v;
	}
	return NULL;
}

int ydoc_map_check_keys(ydoc *d, ynode *map, const char *const *allowed, jrp_error *e)
{
	size_t i, j, n;
	ynode *k, *v, *k2, *v2;
	const char *const *a;
	char list[320];
	size_t off;

	if (!ydoc_is_map(map))
		return ydoc_fail(d, map, e, "expected a mapping (key: value)");
	n = ydoc_map_len(map);
	for (i = 0; i < n; i++) {
		ydoc_map_at(d, map, i, &k, &v);
		if (!ydoc_is_scalar(k) || k->data.scalar.length == 0 ||
		    strlen((const char *)k->data.scalar.value) != k->data.scalar.length)
			return ydoc_fail(d, k, e, "keys must be non-empty plain strings");
		for (a = allowed; *a; a++)
			if (scalar_is(k, *a))
				break;
		if (!*a) {
			off = 0;
			list[0] = 0;
			for (a = allowed; *a && off < sizeof list; a++)
				off += (size_t)snprintf(list + off, sizeof list - off, "%s%s",
							a == allowed ? "" : ", ", *a);
			return ydoc_fail(d, k, e, "unknown key '%s' (allowed: %s)",
					 ydoc_scalar(k), list);
		}
		for (j = 0; j < i; j++) {
			ydoc_map_at(d, map, j, &k2, &v2);
			if (scalar_is(k2, ydoc_scalar(k)))
				return ydoc_fail(d, k, e, "duplicate key '%s' (first at line %zu)",
						 ydoc_scalar(k), k2->start_mark.line + 1);
		}
	}
	return 0;
}

/* get_value - the value of key, or a "missing" error when required; *v NULL if absent */
static int get_value(ydoc *d, ynode *map, const char *key, bool required, ynode **v, jrp_error *e)
{
	if (!ydoc_is_map(map))
		return ydoc_fail(d, map, e, "expected a mapping (key: value)");
	*v = ydoc_map_get(d, map, key);
	if (!*v && required)
		return ydoc_fail(d, map, e, "missing required key '%s'", key);
	return 0;
}

/* check_text - a non-empty scalar without embedded NUL bytes */
static int check_text(ydoc *d, ynode *v, const char *key, const char *what, jrp_error *e)
{
	if (!ydoc_is_scalar(v))
		return ydoc_fail(d, v, e, "key '%s' must be %s, not a %s", key, what,
				 ydoc_is_seq(v) ? "sequence" : "mapping");
	if (v->data.scalar.length == 0)
		return ydoc_fail(d, v, e, "key '%s' must be %s, not empty", key, what);
	if (strlen((const char *)v->data.scalar.value) != v->data.scalar.length)
		return ydoc_fail(d, v, e, "key '%s' contains a NUL byte", key);
	if (v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    (scalar_is(v, "~") || scalar_is(v, "null") || scalar_is(v, "Null") || scalar_is(v, "NULL")))
		return ydoc_fail(d, v, e, "key '%s' must be %s, not null", key, what);
	return 0;
}

int ydoc_str(ydoc *d, ynode *map, const char *key, bool required, char **out, jrp_error *e)
{
	ynode *v;
	int rc;

	if ((rc = get_value(d, map, key, required, &v, e)) || !v)
		return rc;
	if ((rc = check_text(d, v, key, "a string", e)))
		return rc;
	*out = xstrdup(ydoc_scalar(v));
	return 0;
}

int ydoc_int(ydoc *d, ynode *map, const char *key, bool required, int64_t min, int64_t max,
	     int64_t *out, jrp_error *e)
{
	const char *s, *p;
	ynode *v;
	int64_t val = 0;
	bool neg = false;
	int rc;

	if ((rc = get_value(d, map, key, required, &v, e)) || !v)
		return rc;
	if ((rc = check_text(d, v, key, "an integer", e)))
		return rc;
	s = ydoc_scalar(v);
	p = s;
	if (v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		goto bad;
	if (*p == '-') {
		neg = true;
		p++;
	}
	if (!*p || (p[0] == '0' && p[1]))
		goto bad;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			goto bad;
		if (val > (INT64_MAX - (*p - '0')) / 10)
			goto range;
		val = val * 10 + (*p - '0');
	}
	if (neg)
		val = -val;
	if (val < min || val > max)
		goto range;
	*out = val;
	return 0;
bad:
	return ydoc_fail(d, v, e, "key '%s' must be a plain decimal integer, not '%s'", key, s);
range:
	return ydoc_fail(d, v, e, "key '%s' = %s is out of range %" PRId64 "..%" PRId64,
			 key, s, min, max);
}

int ydoc_bool(ydoc *d, ynode *map, const char *key, bool required, bool *out, jrp_error *e)
{
	ynode *v;
	int rc;

	if ((rc = get_value(d, map, key, required, &v, e)) || !v)
		return rc;
	if ((rc = check_text(d, v, key, "true or false", e)))
		return rc;
	if (v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && scalar_is(v, "true"))
		*out = true;
	else if (v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && scalar_is(v, "false"))
		*out = false;
	else
		return ydoc_fail(d, v, e, "key '%s' must be true or false, not '%s'", key, ydoc_scalar(v));
	return 0;
}

int ydoc_strlist(ydoc *d, ynode *map, const char *key, bool required, char ***out, size_t *n,
		 jrp_error *e)
{
	ynode *v, *it;
	char **arr;
	size_t i, len;
	int rc;

	if ((rc = get_value(d, map, key, required, &v, e)) || !v)
		return rc;
	if (!ydoc_is_seq(v))
		return ydoc_fail(d, v, e, "key '%s' must be a sequence of strings (e.g. [a, b])", key);
	len = ydoc_seq_len(v);
	for (i = 0; i < len; i++) {
		it = ydoc_seq_at(d, v, i);
		if ((rc = check_text(d, it, key, "a sequence of non-empty strings", e)))
			return rc;
	}
	arr = NULL;
	if (len) {
		arr = xcalloc(len, sizeof *arr);
		for (i = 0; i < len; i++)
			arr[i] = xstrdup(ydoc_scalar(ydoc_seq_at(d, v, i)));
	}
	*out = arr;
	*n = len;
	return 0;
}

int ydoc_seq_at_key(ydoc *d, ynode *map, const char *key, bool nonempty, ynode **out, jrp_error *e)
{
	ynode *v = ydoc_map_get(d, map, key);

	if (!v)
		return ydoc_fail(d, map, e, "missing required key '%s'", key);
	if (!ydoc_is_seq(v) || (nonempty && ydoc_seq_len(v) == 0))
		return ydoc_fail(d, v, e, "key '%s' must be a %ssequence", key, nonempty ? "non-empty " : "");
	*out = v;
	return 0;
}

int ydoc_load_list(const char *path, const char *key, ydoc **out, ynode **seq, jrp_error *e)
{
	const char *keys[] = { key, NULL };
	int rc;
	*out = NULL;
	if ((rc = ydoc_load(path, out, e)))
		return rc;
	if ((rc = ydoc_map_check_keys(*out, ydoc_root(*out), keys, e)))
		return rc;
	return ydoc_seq_at_key(*out, ydoc_root(*out), key, true, seq, e);
}
