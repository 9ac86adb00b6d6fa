/*
 * conv.c - JSON/YAML text to msgpack and msgpack to JSON (see conv.h)
 *
 * Called by jrpctl, jrp-gateway (HTTP bodies and answers) and the test tools, where people and scripts write
 * requests as JSON or YAML and read replies as JSON. The text is read with
 * libyaml's event parser (a JSON text is a YAML flow document). A msgpack
 * map or array header needs its element count before the elements, which
 * the event stream only gives at the end, so the elements are packed into a
 * body buffer and each container's position is remembered; the output is
 * then the body with the container headers spliced in at those positions.
 * Memory stays proportional to the input: about the size of the msgpack
 * output, 16 bytes per container and a hash of the keys (for duplicates).
 *
 * libyaml limits: a JSON text's characters beyond U+FFFF written as
 * surrogate pairs are rewritten first (json_surrogates); a key must end
 * within 1024 characters of its start (YAML "simple keys").
 *
 * Refused: more than one document, anchors and aliases, tags, keys that are
 * not strings, duplicate keys, nesting deeper than CONV_MAX_DEPTH, input
 * over CONV_MAX_INPUT bytes.
 *
 * Plain scalars: "null", "~" and empty are nil; "true" and "false" are bool;
 * -?[0-9]+ without a leading zero is an integer when it fits int64 (or
 * uint64 when positive); other JSON numbers are doubles. A plain integer
 * with a leading zero ("010105", a division code in YAML) stays a string so
 * that no digit is lost; JSON has no such numbers. Anything else, and every
 * quoted or block scalar, is a string.
 */
#include "conv.h"
#include "util/xalloc.h"
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define CONV_MAX_INPUT (16u << 20)
#define CONV_MAX_DEPTH 32 /* also the msgpack-c unpacker's nesting limit */

/* buf - a growable byte buffer, written to by a msgpack_packer; never fails */
typedef struct buf {
	char *data;
	size_t len, cap;
} buf;

static void buf_reserve(buf *b, size_t more)
{
	size_t cap;
	if (b->cap - b->len >= more)
		return;
	cap = b->cap ? b->cap : 256;
	while (cap - b->len < more)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

static void buf_put(buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	buf_reserve(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static int buf_write(void *data, const char *p, size_t n)
{
	buf_put(data, p, n);
	return 0;
}

/* box - one map or array: where its header goes in the body, and its count */
typedef struct box {
	size_t pos;
	uint32_t count; /* elements, or key/value pairs */
	uint32_t is_map;
} box;

/* key - a map key already seen: its map (box index + 1, 0 = empty slot) and
 * its bytes in the body */
typedef struct key {
	uint32_t box1;
	uint32_t off;
	uint32_t len;
} key;

typedef struct parse {
	const char *text;
	size_t len;
	size_t line_base;           /* added to libyaml's line (JSON lines) */
	int bad_escape;             /* libyaml refused a \u escape */
	buf body;
	msgpack_packer pk;
	box *boxes;
	size_t nbox, capbox;
	struct {
		uint32_t box;
		int want_key;
	} stack[CONV_MAX_DEPTH];
	int depth;
	key *keys;                  /* open addressing, capacity a power of 2 */
	size_t nkeys, capkeys;
	jrp_error *e;
} parse;

/* snip - at most 40 bytes of s for a message, cut at a UTF-8 boundary */
static const char *snip(const char *s, size_t n, char out[64])
{
	size_t k = n;
	if (k > 40) {
		k = 40;
		while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
			k--;
	}
	memcpy(out, s, k);
	strcpy(out + k, k < n ? "..." : "");
	for (size_t i = 0; i < k; i++)
		if ((unsigned char)out[i] < 0x20)
			out[i] = ' ';
	return out;
}

/* fail_at - JRP_EINVAL with field "line L column C" (1-based); libyaml
 * puts the end of the stream on a line after the text: that is reported as
 * the end of the last line instead */
static int fail_at(parse *p, size_t line, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail_at(parse *p, size_t line, size_t col, const char *fmt, ...)
{
	char field[64], msg[384];
	size_t last = 0, lastcol = 0, n = p->len;
	va_list ap;

	if (n > 0 && p->text[n - 1] == '\n')
		n--;
	for (size_t i = 0; i < n; i++) {
		if (p->text[i] == '\n')
			last++, lastcol = 0;
		else if (((unsigned char)p->text[i] & 0xC0) != 0x80 && p->text[i] != '\r')
			lastcol++;
	}
	if (line > last)
		line = last, col = lastcol;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(field, sizeof field, "line %zu column %zu", p->line_base + line + 1, col + 1);
	return jrp_fail(p->e, JRP_ERR_BAD_MESSAGE, field, "%s", msg);
}

#define fail_mark(p, m, ...) fail_at((p), (m).line, (m).column, __VA_ARGS__)

/* parser_failed - libyaml's own error, at its mark (reader errors only have
 * a byte offset: count lines and characters up to it) */
static int parser_failed(parse *p, const yaml_parser_t *yp, const char *text, size_t len)
{
	const char *problem = yp->problem ? yp->problem : "cannot parse";
	size_t line = 0, col = 0;

	if (yp->error == YAML_MEMORY_ERROR)
		xoom("libyaml parser", len);
	if (yp->error == YAML_READER_ERROR) {
		size_t end = yp->problem_offset < len ? yp->problem_offset : len;
		for (size_t i = 0; i < end; i++) {
			if (text[i] == '\n')
				line++, col = 0;
			else if (((unsigned char)text[i] & 0xC0) != 0x80)
				col++;
		}
		if (yp->problem_value >= 0 && yp->problem_value <= 0xFF)
			return fail_at(p, line, col, "%s (byte 0x%02X)", problem, yp->problem_value);
		if (yp->problem_value > 0xFF)
			return fail_at(p, line, col, "%s (U+%04X)", problem, yp->problem_value);
		return fail_at(p, line, col, "%s", problem);
	}
	if (strcmp(problem, "found invalid Unicode character escape code") == 0)
		p->bad_escape = 1;
	if (yp->context)
		return fail_mark(p, yp->problem_mark, "%s (%s)", problem, yp->context);
	return fail_mark(p, yp->problem_mark, "%s", problem);
}

enum { V_NIL, V_BOOL, V_INT, V_UINT, V_FLOAT, V_STR, V_RANGE };

typedef struct value {
	int kind;
	int b;
	int64_t i;
	uint64_t u;
	double f;
} value;

/* is_json_number - -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int is_json_number(const char *s, size_t n)
{
	size_t i = 0, d;
	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return 0;
	if (i < n && s[i] == '.') {
		for (d = ++i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	return i == n;
}

/* resolve_plain - the type of a plain scalar (see the file comment) */
static value resolve_plain(const char *s, size_t n)
{
	value v = { .kind = V_STR };
	size_t i = 0;
	uint64_t acc = 0;
	int neg = 0, overflow = 0;

	if (n == 0 || (n == 1 && s[0] == '~') || (n == 4 && memcmp(s, "null", 4) == 0))
		return v.kind = V_NIL, v;
	if (n == 4 && memcmp(s, "true", 4) == 0)
		return v.kind = V_BOOL, v.b = 1, v;
	if (n == 5 && memcmp(s, "false", 5) == 0)
		return v.kind = V_BOOL, v.b = 0, v;
	if (s[0] == '-')
		neg = 1, i = 1;
	if (i < n && s[i] >= '0' && s[i] <= '9') {
		size_t start = i;
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			unsigned dig = (unsigned)(s[i] - '0');
			if (acc > (UINT64_MAX - dig) / 10)
				overflow = 1;
			else
				acc = acc * 10 + dig;
		}
		if (i == n) {
			if (s[start] == '0' && n - start > 1)
				return v; /* leading zero: a string */
			if (!overflow && !neg)
				return v.kind = V_UINT, v.u = acc, v;
			if (!overflow && acc <= (uint64_t)INT64_MAX + 1) {
				v.kind = V_INT;
				v.i = acc == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)acc;
				return v;
			}
			/* too large for 64 bits: a double, below */
		}
	}
	if (is_json_number(s, n)) {
		char tmp[64];
		char *copy = n < sizeof tmp ? tmp : xmalloc(n + 1);
		memcpy(copy, s, n);
		copy[n] = 0;
		v.f = strtod(copy, NULL);
		if (copy != tmp)
			free(copy);
		v.kind = isinf(v.f) ? V_RANGE : V_FLOAT;
	}
	return v;
}

static uint32_t key_hash(uint32_t box1, const char *s, size_t n)
{
	uint32_t h = 2166136261u ^ (box1 * 0x9E3779B1u);
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* keys_grow - double the key table and rehash */
static void keys_grow(parse *p)
{
	size_t cap = p->capkeys ? p->capkeys * 2 : 64;
	key *t = xcalloc(cap, sizeof *t);
	for (size_t i = 0; i < p->capkeys; i++) {
		key *k = &p->keys[i];
		if (!k->box1)
			continue;
		size_t j = key_hash(k->box1, p->body.data + k->off, k->len) & (cap - 1);
		while (t[j].box1)
			j = (j + 1) & (cap - 1);
		t[j] = *k;
	}
	free(p->keys);
	p->keys = t;
	p->capkeys = cap;
}

/* key_add - remember the key at body[off, off+len) of box; 0 if new, 1 if
 * the box already has it */
static int key_add(parse *p, uint32_t boxi, size_t off, size_t len)
{
	uint32_t box1 = boxi + 1;
	const char *s = p->body.data + off;
	size_t j;

	if ((p->nkeys + 1) * 2 > p->capkeys)
		keys_grow(p);
	j = key_hash(box1, s, len) & (p->capkeys - 1);
	for (; p->keys[j].box1; j = (j + 1) & (p->capkeys - 1)) {
		key *k = &p->keys[j];
		if (k->box1 == box1 && k->len == len && memcmp(p->body.data + k->off, s, len) == 0)
			return 1;
	}
	p->keys[j] = (key){ box1, (uint32_t)off, (uint32_t)len };
	p->nkeys++;
	return 0;
}

/* placed - a value (not a key) went into the open container */
static void placed(parse *p)
{
	if (p->depth == 0)
		return;
	if (p->boxes[p->stack[p->depth - 1].box].is_map)
		p->stack[p->depth - 1].want_key = 1;
	else
		p->boxes[p->stack[p->depth - 1].box].count++;
}

/* want_key - the next node is a key of the open map */
static int want_key(const parse *p)
{
	return p->depth > 0 && p->boxes[p->stack[p->depth - 1].box].is_map &&
	       p->stack[p->depth - 1].want_key;
}

/* no_anchor_tag - anchors, aliases and tags are refused */
static int no_anchor_tag(parse *p, const yaml_event_t *ev, const yaml_char_t *anchor,
			 const yaml_char_t *tag)
{
	if (anchor)
		return fail_mark(p, ev->start_mark, "anchors are not allowed (&%s)",
				 (const char *)anchor);
	if (tag)
		return fail_mark(p, ev->start_mark, "tags are not allowed (%s)", (const char *)tag);
	return 0;
}

static int on_scalar(parse *p, const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;
	value v = { .kind = V_STR };
	char sn[64];
	int rc;

	if ((rc = no_anchor_tag(p, ev, ev->data.scalar.anchor, ev->data.scalar.tag)) != 0)
		return rc;
	if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
		v = resolve_plain(s, n);
	if (want_key(p)) {
		uint32_t boxi = p->stack[p->depth - 1].box;
		size_t off;
		if (v.kind != V_STR)
			return fail_mark(p, ev->start_mark, "mapping key '%s' is not a string "
					 "(quote it)", snip(s, n, sn));
		msgpack_pack_str(&p->pk, n);
		off = p->body.len;
		msgpack_pack_str_body(&p->pk, s, n);
		if (key_add(p, boxi, off, n))
			return fail_mark(p, ev->start_mark, "duplicate key '%s'", snip(s, n, sn));
		p->boxes[boxi].count++;
		p->stack[p->depth - 1].want_key = 0;
		return 0;
	}
	switch (v.kind) {
	case V_NIL: msgpack_pack_nil(&p->pk); break;
	case V_BOOL: v.b ? msgpack_pack_true(&p->pk) : msgpack_pack_false(&p->pk); break;
	case V_INT: msgpack_pack_int64(&p->pk, v.i); break;
	case V_UINT: msgpack_pack_uint64(&p->pk, v.u); break;
	case V_FLOAT: msgpack_pack_double(&p->pk, v.f); break;
	case V_RANGE:
		return fail_mark(p, ev->start_mark, "number '%s' is out of range", snip(s, n, sn));
	default:
		msgpack_pack_str(&p->pk, n);
		msgpack_pack_str_body(&p->pk, s, n);
		break;
	}
	placed(p);
	return 0;
}

static int on_start(parse *p, const yaml_event_t *ev, int is_map)
{
	const yaml_char_t *anchor, *tag;
	int rc;

	if (is_map)
		anchor = ev->data.mapping_start.anchor, tag = ev->data.mapping_start.tag;
	else
		anchor = ev->data.sequence_start.anchor, tag = ev->data.sequence_start.tag;
	if ((rc = no_anchor_tag(p, ev, anchor, tag)) != 0)
		return rc;
	if (want_key(p))
		return fail_mark(p, ev->start_mark, "mapping key must be a string, not a %s",
				 is_map ? "mapping" : "sequence");
	if (p->depth == CONV_MAX_DEPTH)
		return fail_mark(p, ev->start_mark, "nesting deeper than %d levels", CONV_MAX_DEPTH);
	placed(p);
	if (p->nbox == p->capbox) {
		p->capbox = p->capbox ? p->capbox * 2 : 16;
		p->boxes = xrealloc(p->boxes, p->capbox * sizeof *p->boxes);
	}
	p->boxes[p->nbox] = (box){ .pos = p->body.len, .count = 0, .is_map = (uint32_t)is_map };
	p->stack[p->depth].box = (uint32_t)p->nbox;
	p->stack[p->depth].want_key = 1;
	p->depth++;
	p->nbox++;
	return 0;
}

/* splice - body with the container headers, appended to out */
static void splice(const parse *p, msgpack_sbuffer *out)
{
	msgpack_packer opk;
	size_t prev = 0, need = p->body.len + 5 * p->nbox;

	/* grow once so that no write below can fail */
	if (out->alloc - out->size < need) {
		out->data = xrealloc(out->data, out->size + need);
		out->alloc = out->size + need;
	}
	msgpack_packer_init(&opk, out, msgpack_sbuffer_write);
	for (size_t i = 0; i < p->nbox; i++) {
		const box *b = &p->boxes[i];
		if (b->pos > prev)
			msgpack_sbuffer_write(out, p->body.data + prev, b->pos - prev);
		if (b->is_map)
			msgpack_pack_map(&opk, b->count);
		else
			msgpack_pack_array(&opk, b->count);
		prev = b->pos;
	}
	if (p->body.len > prev)
		msgpack_sbuffer_write(out, p->body.data + prev, p->body.len - prev);
}

/* convert_once - one parse of text into out */
static int convert_once(const char *text, size_t len, size_t line_base, msgpack_sbuffer *out,
			jrp_error *e, int *bad_escape)
{
	parse p = { .text = text, .len = len, .line_base = line_base, .e = e };
	yaml_parser_t yp;
	yaml_event_t ev;
	int rc = 0, docs = 0, done = 0;

	msgpack_packer_init(&p.pk, &p.body, buf_write);
	if (!yaml_parser_initialize(&yp))
		xoom("libyaml parser", 0);
	yaml_parser_set_input_string(&yp, (const unsigned char *)text, len);
	while (!done) {
		if (!yaml_parser_parse(&yp, &ev)) {
			rc = parser_failed(&p, &yp, text, len);
			goto parser_delete;
		}
		switch (ev.type) {
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1)
				rc = fail_mark(&p, ev.start_mark, "more than one document");
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			if (docs == 0)
				rc = fail_mark(&p, ev.start_mark, "no document (empty input)");
			break;
		case YAML_ALIAS_EVENT:
			rc = fail_mark(&p, ev.start_mark, "aliases are not allowed (*%s)",
				       (const char *)ev.data.alias.anchor);
			break;
		case YAML_SCALAR_EVENT:
			rc = on_scalar(&p, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
			rc = on_start(&p, &ev, 0);
			break;
		case YAML_MAPPING_START_EVENT:
			rc = on_start(&p, &ev, 1);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			p.depth--;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (rc)
			goto parser_delete;
	}
	splice(&p, out);
parser_delete:
	*bad_escape = p.bad_escape;
	yaml_parser_delete(&yp);
	free(p.body.data);
	free(p.boxes);
	free(p.keys);
	return rc;
}

static int hex4(const char *s, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
			   : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
			   : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;
		if (d > 15)
			return 0;
		*v = *v * 16 + d;
	}
	return 1;
}

/*
 * json_surrogates - libyaml refuses the UTF-16 surrogate pairs by which JSON
 * writes characters beyond U+FFFF ("\ud840\udc00" for U+20000, a CJK
 * Extension B character found in names): rewrite each pair inside a
 * double-quoted string as the YAML escape "\U00020000". Only for a JSON
 * object or array that libyaml refused for an escape, and only when the text
 * outside strings has no single quote or comment (then it is JSON, and the
 * strings are exactly the double-quoted spans); NULL when not applicable.
 */
static char *json_surrogates(const char *t, size_t n, size_t *outlen)
{
	buf b = { 0 };
	size_t i = 0;
	int in_str = 0;
	unsigned hi, lo;

	while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r' || t[i] == '\n'))
		i++;
	if (i == n || (t[i] != '{' && t[i] != '['))
		return NULL;
	buf_reserve(&b, n + 1);
	for (i = 0; i < n; i++) {
		char c = t[i];
		if (!in_str) {
			if (c == '\'' || c == '#')
				goto buf_free;
			in_str = c == '"';
		} else if (c == '"') {
			in_str = 0;
		} else if (c == '\\' && i + 12 <= n && t[i + 1] == 'u' && hex4(t + i + 2, &hi) &&
			   hi >= 0xD800 && hi <= 0xDBFF && t[i + 6] == '\\' && t[i + 7] == 'u' &&
			   hex4(t + i + 8, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
			char esc[16];
			unsigned cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
			snprintf(esc, sizeof esc, "\\U%08X", cp);
			buf_put(&b, esc, 10);
			i += 11;
			continue;
		} else if (c == '\\' && i + 1 < n) {
			buf_put(&b, t + i, 2);
			i++;
			continue;
		}
		buf_put(&b, &c, 1);
	}
	*outlen = b.len;
	return b.data;
buf_free:
	free(b.data);
	return NULL;
}

/* convert - conv_text_to_msgpack with lines counted from line_base */
static int convert(const char *text, size_t len, size_t line_base, msgpack_sbuffer *out,
		   jrp_error *e)
{
	int rc, bad_escape = 0;
	size_t n;
	char *fixed;

	if (len > CONV_MAX_INPUT)
		return jrp_fail(e, JRP_ERR_TOO_LARGE, "input", "input is %zu bytes, over the "
				"limit of %u bytes (16 MiB)", len, CONV_MAX_INPUT);
	rc = convert_once(text, len, line_base, out, e, &bad_escape);
	if (rc == 0 || !bad_escape || (fixed = json_surrogates(text, len, &n)) == NULL)
		return rc;
	rc = convert_once(fixed, n, line_base, out, e, &bad_escape);
	free(fixed);
	return rc;
}

int conv_text_to_msgpack(const char *text, size_t len, msgpack_sbuffer *out, jrp_error *e)
{
	return convert(text, len, 0, out, e);
}

static int is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

int conv_json_lines(const char *text, size_t len,
		    int (*cb)(void *arg, const char *mp, size_t mplen, size_t lineno),
		    void *arg, jrp_error *e)
{
	msgpack_sbuffer sb;
	const char *p = text, *end = text + len;
	size_t lineno = 0;
	int rc = 0;

	msgpack_sbuffer_init(&sb);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		lineno++;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (!is_blank(p, n)) {
			msgpack_sbuffer_clear(&sb);
			if ((rc = convert(p, n, lineno - 1, &sb, e)) != 0)
				goto sbuffer_destroy;
			if ((rc = cb(arg, sb.data, sb.size, lineno)) != 0)
				goto sbuffer_destroy;
		}
		p = nl ? nl + 1 : end;
	}
sbuffer_destroy:
	msgpack_sbuffer_destroy(&sb);
	return rc;
}

/*
 * JSON output. The writer goes to a sink: the FILE, or a buffer when a
 * non-string map key must first be rendered and then quoted.
 */
typedef struct sink {
	FILE *f;
	buf *b;
} sink;

static void put(sink *s, const char *p, size_t n)
{
	if (s->f)
		fwrite(p, 1, n, s->f);
	else
		buf_put(s->b, p, n);
}

static void put_str(sink *s, const char *p)
{
	put(s, p, strlen(p));
}

/* utf8_seq - length of the valid UTF-8 sequence at s, 0 if invalid
 * (overlong forms, surrogates and code points over U+10FFFF are invalid) */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t need;

	if (c < 0x80)
		return 1;
	if (c < 0xC2)
		return 0;
	if (c < 0xE0)
		need = 2;
	else if (c < 0xF0) {
		need = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c < 0xF5) {
		need = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	if (n < need || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < need; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return need;
}

/* json_string - s as a quoted JSON string */
static void json_string(sink *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0;

	if (n == 0) { /* msgpack-c gives an empty string a NULL pointer */
		put(out, "\"\"", 2);
		return;
	}
	put(out, "\"", 1);
	while (i < n) {
		const char *esc = NULL;
		char u[8];
		size_t k = utf8_seq(s + i, n - i);
		if (k == 1) {
			switch (s[i]) {
			case '"': esc = "\\\""; break;
			case '\\': esc = "\\\\"; break;
			case '\n': esc = "\\n"; break;
			case '\t': esc = "\\t"; break;
			case '\r': esc = "\\r"; break;
			case '\b': esc = "\\b"; break;
			case '\f': esc = "\\f"; break;
			default:
				if (s[i] < 0x20) {
					snprintf(u, sizeof u, "\\u%04x", s[i]);
					esc = u;
				}
			}
		} else if (k == 0) {
			esc = "\\ufffd";
			k = 1;
		}
		if (esc) {
			put(out, str + run, i - run);
			put_str(out, esc);
			run = i + k;
		}
		i += k;
	}
	put(out, str + run, n - run);
	put(out, "\"", 1);
}

/* json_base64 - bytes as a quoted base64 string (RFC 4648, padded) */
static void json_base64(sink *out, const char *p, size_t n)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *s = (const unsigned char *)p;
	char q[4];

	put(out, "\"", 1);
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		q[0] = tab[(v >> 18) & 63];
		q[1] = tab[(v >> 12) & 63];
		q[2] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
		q[3] = i + 2 < n ? tab[v & 63] : '=';
		put(out, q, 4);
	}
	put(out, "\"", 1);
}

/* json_double - %.17g (%.9g for float32), ".0" added to whole numbers so the
 * value reads back as a float; NaN and infinities are null */
static void json_double(sink *out, double d, int is32)
{
	char tmp[40];
	int n;
	if (!isfinite(d)) {
		put_str(out, "null");
		return;
	}
	n = snprintf(tmp, sizeof tmp, is32 ? "%.9g" : "%.17g", d);
	if (n > 0 && (size_t)n < sizeof tmp - 2 && strspn(tmp, "-0123456789") == (size_t)n)
		strcpy(tmp + n, ".0");
	put_str(out, tmp);
}

/* newline - in pretty mode, a line break and indent * level spaces */
static void newline(sink *out, int indent, int level)
{
	if (indent <= 0)
		return;
	put(out, "\n", 1);
	for (long i = 0; i < (long)indent * level; i++)
		put(out, " ", 1);
}

static void json_value(sink *out, const msgpack_object *o, int indent, int level);

/* json_key - a map key: strings as they are, bin as base64, anything else
 * rendered as compact JSON and then quoted as a string */
static void json_key(sink *out, const msgpack_object *k)
{
	buf b = { 0 };
	sink tmp = { .f = NULL, .b = &b };

	if (k->type == MSGPACK_OBJECT_STR) {
		json_string(out, k->via.str.ptr, k->via.str.size);
		return;
	}
	if (k->type == MSGPACK_OBJECT_BIN) {
		json_base64(out, k->via.bin.ptr, k->via.bin.size);
		return;
	}
	json_value(&tmp, k, 0, 0);
	json_string(out, b.data, b.len);
	free(b.data);
}

static void json_value(sink *out, const msgpack_object *o, int indent, int level)
{
	char tmp[32];
	const char *colon = indent > 0 ? ": " : ":";

	switch (o->type) {
	case MSGPACK_OBJECT_NIL:
		put_str(out, "null");
		break;
	case MSGPACK_OBJECT_BOOLEAN:
		put_str(out, o->via.boolean ? "true" : "false");
		break;
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		snprintf(tmp, sizeof tmp, "%" PRIu64, o->via.u64);
		put_str(out, tmp);
		break;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		snprintf(tmp, sizeof tmp, "%" PRId64, o->via.i64);
		put_str(out, tmp);
		break;
	case MSGPACK_OBJECT_FLOAT32:
		json_double(out, o->via.f64, 1);
		break;
	case MSGPACK_OBJECT_FLOAT64:
		json_double(out, o->via.f64, 0);
		break;
	case MSGPACK_OBJECT_STR:
		json_string(out, o->via.str.ptr, o->via.str.size);
		break;
	case MSGPACK_OBJECT_BIN:
		json_base64(out, o->via.bin.ptr, o->via.bin.size);
		break;
	case MSGPACK_OBJECT_EXT:
		put(out, "{", 1);
		newline(out, indent, level + 1);
		snprintf(tmp, sizeof tmp, "\"ext\"%s%d,", colon, (int)o->via.ext.type);
		put_str(out, tmp);
		newline(out, indent, level + 1);
		put_str(out, "\"data\"");
		put_str(out, colon);
		json_base64(out, o->via.ext.ptr, o->via.ext.size);
		newline(out, indent, level);
		put(out, "}", 1);
		break;
	case MSGPACK_OBJECT_ARRAY:
		put(out, "[", 1);
		for (uint32_t i = 0; i < o->via.array.size; i++) {
			if (i)
				put(out, ",", 1);
			newline(out, indent, level + 1);
			json_value(out, &o->via.array.ptr[i], indent, level + 1);
		}
		if (o->via.array.size)
			newline(out, indent, level);
		put(out, "]", 1);
		break;
	case MSGPACK_OBJECT_MAP:
		put(out, "{", 1);
		for (uint32_t i = 0; i < o->via.map.size; i++) {
			if (i)
				put(out, ",", 1);
			newline(out, indent, level + 1);
			json_key(out, &o->via.map.ptr[i].key);
			put_str(out, colon);
			json_value(out, &o->via.map.ptr[i].val, indent, level + 1);
		}
		if (o->via.map.size)
			newline(out, indent, level);
		put(out, "}", 1);
		break;
	default:
		put_str(out, "null");
		break;
	}
}

void conv_msgpack_to_json(const msgpack_object *o, int indent, FILE *out)
{
	sink s = { .f = out, .b = NULL };
	json_value(&s, o, indent, 0);
}

char *conv_msgpack_to_json_mem(const msgpack_object *o, int indent, size_t *len)
{
	buf b = { 0 };
	sink s = { .f = NULL, .b = &b };
	json_value(&s, o, indent, 0);
	buf_put(&b, "\n", 1);
	buf_reserve(&b, 1);
	b.data[b.len] = '\0';
	*len = b.len;
	return b.data;
}
