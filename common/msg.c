/*
 * msg.c - strict msgpack reading and map-building writing (see msg.h)
 *
 * Called by the daemon skeleton for every request, by the puller for every
 * log record, and by jrpctl for every reply.
 */
#include "msg.h"
#include "calendar.h"
#include "util/str.h"
#include "util/xalloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- structure pre-check ---- */

static int be(const unsigned char *p, size_t n, size_t left, uint64_t *v)
{
	uint64_t x = 0;
	if (n > left)
		return -1;
	for (size_t i = 0; i < n; i++)
		x = x << 8 | p[i];
	*v = x;
	return 0;
}

/* walk - check one object at p (left bytes); on success *used = its size */
static int walk(const unsigned char *p, size_t left, int depth, size_t *used, const char **why)
{
	uint64_t n = 0, items = 0;
	size_t hdr = 1, body = 0;
	unsigned c;

	if (left < 1) {
		*why = "message ends in the middle of an object";
		return -1;
	}
	if (depth > 16) {
		*why = "nesting deeper than 16";
		return -1;
	}
	c = p[0];
	if (c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3) {
		body = 0;
	} else if (c >= 0xa0 && c <= 0xbf) {
		body = c & 0x1f;
	} else if (c >= 0x80 && c <= 0x8f) {
		items = (uint64_t)(c & 0x0f) * 2;
	} else if (c >= 0x90 && c <= 0x9f) {
		items = c & 0x0f;
	} else {
		switch (c) {
		case 0xcc: case 0xd0: body = 1; break;
		case 0xcd: case 0xd1: body = 2; break;
		case 0xca: case 0xce: case 0xd2: body = 4; break;
		case 0xcb: case 0xcf: case 0xd3: body = 8; break;
		case 0xd4: body = 2; break;
		case 0xd5: body = 3; break;
		case 0xd6: body = 5; break;
		case 0xd7: body = 9; break;
		case 0xd8: body = 17; break;
		case 0xc4: case 0xd9: hdr = 2; break;
		case 0xc5: case 0xda: hdr = 3; break;
		case 0xc6: case 0xdb: hdr = 5; break;
		case 0xc7: hdr = 3; break;
		case 0xc8: hdr = 4; break;
		case 0xc9: hdr = 6; break;
		case 0xdc: hdr = 3; break;
		case 0xdd: hdr = 5; break;
		case 0xde: hdr = 3; break;
		case 0xdf: hdr = 5; break;
		default:
			*why = "byte 0xc1 is never used in msgpack";
			return -1;
		}
		if (hdr > 1) {
			size_t lb = (c == 0xc7 || c == 0xc8 || c == 0xc9) ? hdr - 2 : hdr - 1;
			if (be(p + 1, lb, left - 1, &n) < 0) {
				*why = "message ends in the middle of a header";
				return -1;
			}
			if (c == 0xdc || c == 0xdd)
				items = n;
			else if (c == 0xde || c == 0xdf)
				items = n * 2;
			else if (c == 0xc7 || c == 0xc8 || c == 0xc9)
				body = (size_t)n;   /* hdr counts the type byte */
			else
				body = (size_t)n;
			if (n > left) {
				*why = "a length is larger than the message";
				return -1;
			}
		}
	}
	if (hdr > left || body > left - hdr) {
		*why = "message ends in the middle of an object";
		return -1;
	}
	size_t off = hdr + body;
	if (items > left - off) { /* every item takes at least one byte */
		*why = "a container count is larger than the message";
		return -1;
	}
	for (uint64_t i = 0; i < items; i++) {
		size_t u;
		if (walk(p + off, left - off, depth + 1, &u, why) < 0)
			return -1;
		off += u;
	}
	*used = off;
	return 0;
}

int msg_check_structure(const void *buf, size_t len, jrp_error *e)
{
	const char *why = NULL;
	size_t used;
	if (len == 0)
		return jrp_fail(e, JRP_ERR_BAD_MESSAGE, "", "empty message");
	if (walk(buf, len, 0, &used, &why) < 0)
		return jrp_fail(e, JRP_ERR_BAD_MESSAGE, "", "not valid msgpack: %s", why);
	if (used != len)
		return jrp_fail(e, JRP_ERR_BAD_MESSAGE, "", "trailing data: %zu bytes after the message", len - used);
	return 0;
}

static int parse(const void *buf, size_t len, size_t maxlen, msg_in *in, jrp_error *e, bool copy)
{
	size_t off = 0;
	int rc;

	in->root = NULL;
	in->own = NULL;
	msgpack_unpacked_init(&in->up);
	if (len > maxlen)
		return jrp_fail(e, JRP_ERR_TOO_LARGE, "", "message of %zu bytes is over the limit of %zu", len, maxlen);
	if ((rc = msg_check_structure(buf, len, e)) < 0)
		return rc;
	if (copy) {
		in->own = xmalloc(len);
		memcpy(in->own, buf, len);
		buf = in->own;
	}
	/* our own zone, under 1 KiB to start (msgpack_unpack_next's 8 KiB is past malloc's
	 * per-thread cache, a slow allocation per message); it grows as a message needs */
	if (!(in->up.zone = msgpack_zone_new(992)))
		xoom("msgpack zone", 992);
	rc = msgpack_unpack(buf, len, &off, in->up.zone, &in->up.data);
	if (rc == MSGPACK_UNPACK_NOMEM_ERROR)
		xoom("msgpack unpack", len);
	if (rc != MSGPACK_UNPACK_SUCCESS || off != len)
		return jrp_fail(e, JRP_ERR_BAD_MESSAGE, "", "not valid msgpack");
	if (in->up.data.type != MSGPACK_OBJECT_MAP)
		return jrp_fail(e, JRP_ERR_BAD_MESSAGE, "", "the message must be a map");
	in->root = &in->up.data;
	return 0;
}

int msg_parse(const void *buf, size_t len, size_t maxlen, msg_in *in, jrp_error *e)
{
	return parse(buf, len, maxlen, in, e, true);
}

int msg_parse_ref(const void *buf, size_t len, size_t maxlen, msg_in *in, jrp_error *e)
{
	return parse(buf, len, maxlen, in, e, false);
}

void msg_in_free(msg_in *in)
{
	msgpack_unpacked_destroy(&in->up);
	free(in->own);
	in->own = NULL;
	in->root = NULL;
}

/* ---- UTF-8 ---- */

bool utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	while (p < end) {
		unsigned c = *p;
		/* eight ASCII bytes at a time, none of them NUL (keys, codes, dates, most fields) */
		if (c && c < 0x80 && end - p >= 8) {
			uint64_t v;
			memcpy(&v, p, 8);
			if (!(v & 0x8080808080808080ull) && !((v - 0x0101010101010101ull) & ~v & 0x8080808080808080ull)) {
				p += 8;
				continue;
			}
		}
		if (c < 0x80) {
			if (c == 0)
				return false;
			p++;
		} else if (c < 0xc2) {
			return false;   /* a continuation byte, or an overlong 2-byte form */
		} else if (c < 0xe0) {
			if (end - p < 2 || (p[1] & 0xc0) != 0x80)
				return false;
			p += 2;
		} else if (c < 0xf0) {
			/* three bytes (every Chinese character): no overlong form, no surrogate */
			if (end - p < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 || (c == 0xe0 && p[1] < 0xa0) ||
			    (c == 0xed && p[1] >= 0xa0))
				return false;
			p += 3;
		} else if (c < 0xf5) {
			/* four bytes: no overlong form, nothing past U+10FFFF */
			if (end - p < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80 ||
			    (c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90))
				return false;
			p += 4;
		} else {
			return false;
		}
	}
	return true;
}

/* ---- reader ---- */

static bool key_is(const msgpack_object *k, const char *s)
{
	size_t n = strlen(s);
	return k->type == MSGPACK_OBJECT_STR && k->via.str.size == n && memcmp(k->via.str.ptr, s, n) == 0;
}

bool obj_str_eq(const msgpack_object *o, const char *s)
{
	return o && key_is(o, s);
}

const char *mr_field(const mr *r, const char *key, char *buf, size_t n)
{
	/* "path.key", or "key" at the top level; cut short like snprintf */
	size_t o = 0;
	if (r->path[0]) {
		o = str_copy(buf, n, r->path);
		if (o + 1 < n) {
			buf[o++] = '.';
			buf[o] = 0;
		}
	}
	if (o + 1 < n)
		str_copy(buf + o, n - o, key);
	return buf;
}

int mr_fail(mr *r, const char *code, const char *key, const char *fmt, ...)
{
	char f[128];
	va_list ap;
	if (!r->e)
		return jrp_rc_of(code);
	mr_field(r, key, f, sizeof f);
	snprintf(r->e->code, sizeof r->e->code, "%s", code);
	snprintf(r->e->field, sizeof r->e->field, "%s", f);
	va_start(ap, fmt);
	vsnprintf(r->e->message, sizeof r->e->message, fmt, ap);
	va_end(ap);
	return jrp_rc_of(code);
}

int mr_fail_value(mr *r, const char *key, const char *fmt, ...)
{
	char f[128];
	va_list ap;
	if (!r->e)
		return JRP_EINVAL;
	mr_field(r, key, f, sizeof f);
	snprintf(r->e->code, sizeof r->e->code, "%s", JRP_ERR_BAD_VALUE);
	snprintf(r->e->field, sizeof r->e->field, "%s", f);
	va_start(ap, fmt);
	vsnprintf(r->e->message, sizeof r->e->message, fmt, ap);
	va_end(ap);
	return JRP_EINVAL;
}

/* key_hash - a slot of 128 for a key (1..64 bytes): its length and three of its bytes, mixed */
static unsigned key_hash(const char *key, size_t n)
{
	const unsigned char *p = (const unsigned char *)key;
	uint32_t sig = (uint32_t)n << 24 | (uint32_t)p[0] << 16 | (uint32_t)p[n / 2] << 8 | p[n - 1];
	return (sig * 2654435761u) >> 25;
}

int mr_init(mr *r, const msgpack_object *o, const char *path, jrp_error *e)
{
	memset(r, 0, sizeof *r);
	r->e = e;
	str_copy(r->path, sizeof r->path, path ? path : "");
	if (o->type != MSGPACK_OBJECT_MAP)
		return jrp_fail(e, JRP_ERR_WRONG_TYPE, r->path, "must be a map");
	if (o->via.map.size > 64)
		return jrp_fail(e, JRP_ERR_BAD_MESSAGE, r->path, "a map has %u keys; at most 64 are allowed",
				o->via.map.size);
	r->kv = o->via.map.ptr;
	r->n = o->via.map.size;
	/* every key into a small hash (open addressing): a key twice is found on the way, and a lookup
	 * costs one or two probes whether the key is there or not */
	for (uint32_t i = 0; i < r->n; i++) {
		const msgpack_object *k = &r->kv[i].key;
		unsigned h;
		if (k->type != MSGPACK_OBJECT_STR || k->via.str.size == 0 || k->via.str.size > 64 ||
		    !utf8_valid(k->via.str.ptr, k->via.str.size))
			return jrp_fail(e, JRP_ERR_BAD_MESSAGE, r->path, "map keys must be non-empty strings");
		for (h = key_hash(k->via.str.ptr, k->via.str.size); r->slot[h]; h = (h + 1) & 127) {
			const msgpack_object *prev = &r->kv[r->slot[h] - 1].key;
			if (prev->via.str.size == k->via.str.size && memcmp(prev->via.str.ptr, k->via.str.ptr, k->via.str.size) == 0)
				return jrp_fail(e, JRP_ERR_BAD_MESSAGE, r->path, "key \"%.*s\" appears twice",
						(int)k->via.str.size, k->via.str.ptr);
		}
		r->slot[h] = (unsigned char)(i + 1);
	}
	return 0;
}

static const msgpack_object *mr_find(mr *r, const char *key)
{
	size_t n = strlen(key);
	for (unsigned h = key_hash(key, n); r->slot[h]; h = (h + 1) & 127) {
		uint32_t i = r->slot[h] - 1u;
		const msgpack_object *k = &r->kv[i].key;
		if (k->via.str.size == n && memcmp(k->via.str.ptr, key, n) == 0) {
			r->used |= 1ull << i;
			return &r->kv[i].val;
		}
	}
	return NULL;
}

/* mr_lookup - find key; 0 absent+opt (returns), 1 found, or error */
static int mr_lookup(mr *r, const char *key, int opt, const msgpack_object **v)
{
	*v = mr_find(r, key);
	if (*v && (*v)->type == MSGPACK_OBJECT_NIL && opt == MR_OPT)
		*v = NULL; /* explicit nil is "absent" for optional fields */
	if (!*v)
		return opt == MR_OPT ? 0 : mr_fail(r, JRP_ERR_MISSING_FIELD, key, "is required");
	return 1;
}

static const char *type_name(msgpack_object_type t)
{
	switch (t) {
	case MSGPACK_OBJECT_NIL: return "nil";
	case MSGPACK_OBJECT_BOOLEAN: return "a boolean";
	case MSGPACK_OBJECT_POSITIVE_INTEGER: return "an integer";
	case MSGPACK_OBJECT_NEGATIVE_INTEGER: return "a negative integer";
	case MSGPACK_OBJECT_FLOAT32: case MSGPACK_OBJECT_FLOAT64: return "a float";
	case MSGPACK_OBJECT_STR: return "a string";
	case MSGPACK_OBJECT_ARRAY: return "an array";
	case MSGPACK_OBJECT_MAP: return "a map";
	case MSGPACK_OBJECT_BIN: return "binary";
	case MSGPACK_OBJECT_EXT: return "an extension";
	}
	return "?";
}

static int wrong(mr *r, const char *key, const char *want, const msgpack_object *v)
{
	return mr_fail(r, JRP_ERR_WRONG_TYPE, key, "must be %s, got %s", want, type_name(v->type));
}

int mr_str(mr *r, const char *key, int opt, size_t maxlen, const char **s, size_t *len)
{
	const msgpack_object *v;
	int rc = mr_lookup(r, key, opt, &v);
	if (rc <= 0)
		return rc;
	if (v->type != MSGPACK_OBJECT_STR)
		return wrong(r, key, "a string", v);
	if (v->via.str.size > maxlen)
		return mr_fail_value(r, key, "is %u bytes long; at most %zu allowed", v->via.str.size, maxlen);
	if (!utf8_valid(v->via.str.ptr, v->via.str.size))
		return mr_fail_value(r, key, "is not valid UTF-8 (or contains NUL)");
	*s = v->via.str.ptr;
	*len = v->via.str.size;
	return 1;
}

int mr_cstr(mr *r, const char *key, int opt, size_t maxlen, char *buf)
{
	const char *s;
	size_t n;
	int rc = mr_str(r, key, opt, maxlen, &s, &n);
	if (rc <= 0)
		return rc;
	if (n == 0)
		return mr_fail_value(r, key, "must not be empty");
	memcpy(buf, s, n);
	buf[n] = 0;
	return 1;
}

size_t utf8_chars(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;   /* every byte but a continuation starts one */
	return n;
}

int mr_text(mr *r, const char *key, int opt, size_t maxchars, char *buf)
{
	const char *s;
	size_t n, chars;
	int rc = mr_str(r, key, opt, SIZE_MAX, &s, &n);
	if (rc <= 0)
		return rc;
	if (n == 0)
		return mr_fail_value(r, key, "must not be empty");
	if (n > maxchars && (chars = utf8_chars(s, n)) > maxchars)
		return mr_fail_value(r, key, "is %zu characters long; at most %zu allowed", chars, maxchars);
	memcpy(buf, s, n);   /* valid UTF-8: n <= 4 * maxchars */
	buf[n] = 0;
	return 1;
}

int mr_u64(mr *r, const char *key, int opt, uint64_t *out)
{
	const msgpack_object *v;
	int rc = mr_lookup(r, key, opt, &v);
	if (rc <= 0)
		return rc;
	if (v->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
		return mr_fail_value(r, key, "must not be negative");
	if (v->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
		return wrong(r, key, "an unsigned integer", v);
	*out = v->via.u64;
	return 1;
}

int mr_i64(mr *r, const char *key, int opt, int64_t *out)
{
	const msgpack_object *v;
	int rc = mr_lookup(r, key, opt, &v);
	if (rc <= 0)
		return rc;
	if (v->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
		*out = v->via.i64;
	else if (v->type == MSGPACK_OBJECT_POSITIVE_INTEGER && v->via.u64 <= INT64_MAX)
		*out = (int64_t)v->via.u64;
	else if (v->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
		return mr_fail_value(r, key, "is too large");
	else
		return wrong(r, key, "an integer", v);
	return 1;
}

int mr_bool(mr *r, const char *key, int opt, bool *out)
{
	const msgpack_object *v;
	int rc = mr_lookup(r, key, opt, &v);
	if (rc <= 0)
		return rc;
	if (v->type != MSGPACK_OBJECT_BOOLEAN)
		return wrong(r, key, "a boolean", v);
	*out = v->via.boolean;
	return 1;
}

int mr_date(mr *r, const char *key, int opt, int32_t *out)
{
	const char *s;
	size_t n;
	int rc = mr_str(r, key, opt, 10, &s, &n);
	if (rc <= 0)
		return rc;
	if (date_parse(s, n, out) < 0)
		return mr_fail_value(r, key, "\"%.*s\" is not a valid date (YYYY-MM-DD)", (int)n, s);
	return 1;
}

int mr_map(mr *r, const char *key, int opt, mr *sub)
{
	const msgpack_object *v;
	char f[128];
	int rc = mr_lookup(r, key, opt, &v);
	if (rc <= 0)
		return rc;
	if (v->type != MSGPACK_OBJECT_MAP)
		return wrong(r, key, "a map", v);
	rc = mr_init(sub, v, mr_field(r, key, f, sizeof f), r->e);
	return rc < 0 ? rc : 1;
}

int mr_arr(mr *r, const char *key, int opt, size_t maxn, const msgpack_object_array **out)
{
	const msgpack_object *v;
	int rc = mr_lookup(r, key, opt, &v);
	if (rc <= 0)
		return rc;
	if (v->type != MSGPACK_OBJECT_ARRAY)
		return wrong(r, key, "an array", v);
	if (v->via.array.size > maxn)
		return mr_fail_value(r, key, "has %u items; at most %zu allowed", v->via.array.size, maxn);
	*out = &v->via.array;
	return 1;
}

int mr_any(mr *r, const char *key, int opt, const msgpack_object **out)
{
	return mr_lookup(r, key, opt, out);
}

int mr_end(mr *r)
{
	for (uint32_t i = 0; i < r->n; i++)
		if (!(r->used & (1ull << i))) {
			char k[72];
			snprintf(k, sizeof k, "%.*s", (int)r->kv[i].key.via.str.size, r->kv[i].key.via.str.ptr);
			return mr_fail(r, JRP_ERR_UNKNOWN_FIELD, k, "is not a field of this message");
		}
	return 0;
}

/* ---- lenient lookups on trusted objects ---- */

const msgpack_object *obj_get(const msgpack_object *map, const char *key)
{
	if (!map || map->type != MSGPACK_OBJECT_MAP)
		return NULL;
	for (uint32_t i = 0; i < map->via.map.size; i++)
		if (key_is(&map->via.map.ptr[i].key, key))
			return &map->via.map.ptr[i].val;
	return NULL;
}

bool obj_str(const msgpack_object *map, const char *key, const char **s, size_t *len)
{
	const msgpack_object *v = obj_get(map, key);
	if (!v || v->type != MSGPACK_OBJECT_STR)
		return false;
	*s = v->via.str.ptr;
	*len = v->via.str.size;
	return true;
}

const char *obj_cstr(const msgpack_object *map, const char *key, char *buf, size_t n)
{
	const char *s;
	size_t len;
	buf[0] = 0;
	if (n && obj_str(map, key, &s, &len)) {
		if (len >= n)
			len = n - 1;   /* truncated, as snprintf would */
		memcpy(buf, s, len);
		buf[len] = 0;
	}
	return buf;
}

uint64_t obj_u64(const msgpack_object *map, const char *key)
{
	const msgpack_object *v = obj_get(map, key);
	return v && v->type == MSGPACK_OBJECT_POSITIVE_INTEGER ? v->via.u64 : 0;
}

int64_t obj_i64(const msgpack_object *map, const char *key)
{
	const msgpack_object *v = obj_get(map, key);
	if (!v)
		return 0;
	if (v->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
		return (int64_t)v->via.u64;
	if (v->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
		return v->via.i64;
	return 0;
}

bool obj_bool(const msgpack_object *map, const char *key)
{
	const msgpack_object *v = obj_get(map, key);
	return v && v->type == MSGPACK_OBJECT_BOOLEAN && v->via.boolean;
}

/* ---- writer ---- */

#define MW_START 512   /* msgpack-c starts at 8 KiB: past malloc's per-thread cache, so each
                        * reply and record cost a slow allocation; most fit in 512 bytes */

/* mw_write - msgpack-c's sbuffer write, growing with xrealloc: a writer never fails silently */
static int mw_write(void *data, const char *buf, size_t len)
{
	msgpack_sbuffer *sb = data;
	if (sb->alloc - sb->size < len) {
		size_t n = sb->alloc ? sb->alloc * 2 : MW_START;
		while (n < sb->size + len)
			n *= 2;
		sb->data = xrealloc(sb->data, n);
		sb->alloc = n;
	}
	memcpy(sb->data + sb->size, buf, len);
	sb->size += len;
	return 0;
}

void mw_init(mw *w)
{
	memset(w, 0, sizeof *w);
	msgpack_sbuffer_init(&w->sb);
	w->sb.data = xmalloc(MW_START);
	w->sb.alloc = MW_START;
	msgpack_packer_init(&w->pk, &w->sb, mw_write);
}

void mw_free(mw *w)
{
	msgpack_sbuffer_destroy(&w->sb);
	memset(w, 0, sizeof *w);
}

void mw_reset(mw *w)
{
	w->sb.size = 0;
	w->depth = 0;
}

static void count(mw *w)
{
	if (w->depth > 0)
		w->cnt[w->depth - 1]++;
}

static void open_container(mw *w, bool is_map)
{
	count(w);
	if (w->depth >= 16)
		abort(); /* programming error: our own messages are shallow */
	w->off[w->depth] = w->sb.size;
	w->cnt[w->depth] = 0;
	w->is_map[w->depth] = is_map;
	w->depth++;
	if (is_map)
		msgpack_pack_map(&w->pk, 0x10000);   /* forces the 32-bit header; patched in mw_end */
	else
		msgpack_pack_array(&w->pk, 0x10000);
}

void mw_map(mw *w) { open_container(w, true); }
void mw_arr(mw *w) { open_container(w, false); }

void mw_end(mw *w)
{
	uint32_t n;
	unsigned char *h;
	if (w->depth <= 0)
		abort();
	w->depth--;
	n = w->cnt[w->depth];
	if (w->is_map[w->depth])
		n /= 2;
	h = (unsigned char *)w->sb.data + w->off[w->depth] + 1;
	h[0] = n >> 24; h[1] = n >> 16; h[2] = n >> 8; h[3] = n;
}

void mw_str(mw *w, const char *s) { mw_strn(w, s, strlen(s)); }

void mw_strn(mw *w, const char *s, size_t n)
{
	count(w);
	msgpack_pack_str(&w->pk, n);
	msgpack_pack_str_body(&w->pk, s, n);
}

void mw_u64(mw *w, uint64_t v) { count(w); msgpack_pack_uint64(&w->pk, v); }
void mw_i64(mw *w, int64_t v) { count(w); msgpack_pack_int64(&w->pk, v); }
void mw_bool(mw *w, bool v) { count(w); v ? msgpack_pack_true(&w->pk) : msgpack_pack_false(&w->pk); }
void mw_nil(mw *w) { count(w); msgpack_pack_nil(&w->pk); }
void mw_double(mw *w, double v) { count(w); msgpack_pack_double(&w->pk, v); }
void mw_obj(mw *w, const msgpack_object *o) { count(w); msgpack_pack_object(&w->pk, *o); }
void mw_raw(mw *w, const void *p, size_t n) { count(w); msgpack_sbuffer_write(&w->sb, p, n); }

void mw_kstr(mw *w, const char *k, const char *v) { mw_str(w, k); mw_str(w, v); }
void mw_kstrn(mw *w, const char *k, const char *v, size_t n) { mw_str(w, k); mw_strn(w, v, n); }
void mw_ku64(mw *w, const char *k, uint64_t v) { mw_str(w, k); mw_u64(w, v); }
void mw_ki64(mw *w, const char *k, int64_t v) { mw_str(w, k); mw_i64(w, v); }
void mw_kbool(mw *w, const char *k, bool v) { mw_str(w, k); mw_bool(w, v); }
void mw_kobj(mw *w, const char *k, const msgpack_object *o) { mw_str(w, k); mw_obj(w, o); }

void mw_kdate(mw *w, const char *k, int32_t date)
{
	char buf[11];
	date_format(date, buf);
	mw_kstr(w, k, buf);
}
