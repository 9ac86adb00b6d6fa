/*
 * msg.h - msgpack on the wire: a strict reader and a map-building writer
 *
 * Reading: msg_parse() checks the structure of a whole buffer first (every
 * container's count fits in the bytes left, depth <= 16, nothing after the
 * one object) and only then unpacks it with msgpack-c, so a hostile length
 * can never make us allocate. A reader (mr) walks one map: each getter names
 * the field (dotted path) in its error, says whether it was missing or of the
 * wrong type, and marks the key as used; mr_end() refuses keys never read.
 * Strings must be valid UTF-8 without NUL.
 *
 * Writing: mw wraps msgpack-c's packer over an sbuffer. mw_map()/mw_arr()
 * open a container whose count is patched in by mw_end(), so handlers can
 * write fields without counting them first (32-bit headers; valid msgpack).
 */
#ifndef JRP_MSG_H
#define JRP_MSG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <msgpack.h>
#include "err.h"

/* ---- reading ---- */

typedef struct msg_in {
	msgpack_unpacked up;
	msgpack_object *root;
	char *own;            /* msgpack-c's strings point into the bytes: we keep a copy */
} msg_in;

/* msg_parse - validate and unpack a copy of buf (the caller may free buf at
 * once); root must be a map. Errors: bad_message, too_large (over maxlen).
 * Always call msg_in_free afterwards, whatever the result. */
int msg_parse(const void *buf, size_t len, size_t maxlen, msg_in *in, jrp_error *e);
/* msg_parse_ref - the same without the copy: buf must outlive in (a job's body, a value read
 * inside the LMDB transaction that is still open) */
int msg_parse_ref(const void *buf, size_t len, size_t maxlen, msg_in *in, jrp_error *e);
void msg_in_free(msg_in *in);
/* msg_check_structure - the pre-check alone: 0, or JRP_EBADMSG with a reason */
int msg_check_structure(const void *buf, size_t len, jrp_error *e);

enum { MR_REQ = 0, MR_OPT = 1 };

typedef struct mr {
	const msgpack_object_kv *kv;
	uint32_t n;
	uint64_t used;        /* bit i: key i was read */
	unsigned char slot[128]; /* a hash of the keys: 1 + the index of a key, 0 = empty (msg.c) */
	char path[96];        /* "record.subject" ("" at top level) */
	jrp_error *e;
} mr;

/* mr_init - o must be a map of <= 64 string keys, no duplicates */
int mr_init(mr *r, const msgpack_object *o, const char *path, jrp_error *e);
/* getters: return 1 if present, 0 if absent and MR_OPT, or the refusal's JRP_E* value (err.h):
 * JRP_EMISSING, JRP_EWRONGTYPE, JRP_EINVAL (bad_value) ... with r->e filled */
int mr_str(mr *r, const char *key, int opt, size_t maxlen, const char **s, size_t *len);
/* mr_cstr - copy into buf (size maxlen + 1), NUL-terminated; minimum length 1 unless opt and absent */
int mr_cstr(mr *r, const char *key, int opt, size_t maxlen, char *buf);
/* mr_text - people's text (a name, facts, a note): at most maxchars characters (Unicode code points,
 * so that a 70-character company name in Chinese is 70, not 210), non-empty, into buf, which holds
 * TEXT_BUF(maxchars) bytes (UTF-8 takes at most 4 bytes a character) */
#define TEXT_BUF(maxchars) (4 * (maxchars) + 1)
int mr_text(mr *r, const char *key, int opt, size_t maxchars, char *buf);
/* utf8_chars - the characters (code points) of valid UTF-8 */
size_t utf8_chars(const char *s, size_t len);
int mr_u64(mr *r, const char *key, int opt, uint64_t *out);
int mr_i64(mr *r, const char *key, int opt, int64_t *out);
int mr_bool(mr *r, const char *key, int opt, bool *out);
/* mr_date - a "YYYY-MM-DD" string as a jrp_date (calendar.h) */
int mr_date(mr *r, const char *key, int opt, int32_t *out);
int mr_map(mr *r, const char *key, int opt, mr *sub);
int mr_arr(mr *r, const char *key, int opt, size_t maxn, const msgpack_object_array **out);
int mr_any(mr *r, const char *key, int opt, const msgpack_object **out);
/* mr_end - error unknown_field for the first key never read */
int mr_end(mr *r);
/* mr_field - the dotted path of key under r into buf */
const char *mr_field(const mr *r, const char *key, char *buf, size_t n);
/* mr_fail_value - fail with bad_value on r.key */
int mr_fail_value(mr *r, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int mr_fail(mr *r, const char *code, const char *key, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* lenient lookups on a trusted object (our own log records): NULL/0 if absent */
const msgpack_object *obj_get(const msgpack_object *map, const char *key);
bool obj_str(const msgpack_object *map, const char *key, const char **s, size_t *len);
/* obj_strdup - NUL-terminated copy into buf (truncated), "" if absent */
const char *obj_cstr(const msgpack_object *map, const char *key, char *buf, size_t n);
uint64_t obj_u64(const msgpack_object *map, const char *key);
int64_t obj_i64(const msgpack_object *map, const char *key);
bool obj_bool(const msgpack_object *map, const char *key);
bool obj_str_eq(const msgpack_object *o, const char *s);

bool utf8_valid(const char *s, size_t len);

/* ---- writing ---- */

typedef struct mw {
	msgpack_sbuffer sb;
	msgpack_packer pk;
	int depth;
	size_t off[16];       /* header offset of open containers */
	uint32_t cnt[16];     /* objects written into each */
	bool is_map[16];
} mw;

void mw_init(mw *w);
void mw_free(mw *w);
void mw_reset(mw *w);
void mw_map(mw *w);
void mw_arr(mw *w);
void mw_end(mw *w);
void mw_str(mw *w, const char *s);
void mw_strn(mw *w, const char *s, size_t n);
void mw_u64(mw *w, uint64_t v);
void mw_i64(mw *w, int64_t v);
void mw_bool(mw *w, bool v);
void mw_nil(mw *w);
void mw_double(mw *w, double v);
void mw_obj(mw *w, const msgpack_object *o);
/* mw_raw - append one complete encoded object */
void mw_raw(mw *w, const void *p, size_t n);
static inline const char *mw_data(const mw *w) { return w->sb.data; }
static inline size_t mw_len(const mw *w) { return w->sb.size; }

/* key/value shorthands inside a map */
void mw_kstr(mw *w, const char *k, const char *v);
void mw_kstrn(mw *w, const char *k, const char *v, size_t n);
void mw_ku64(mw *w, const char *k, uint64_t v);
void mw_ki64(mw *w, const char *k, int64_t v);
void mw_kbool(mw *w, const char *k, bool v);
void mw_kdate(mw *w, const char *k, int32_t date);   /* "YYYY-MM-DD" */
void mw_kobj(mw *w, const char *k, const msgpack_object *o);

#endif
