/*
 * err.h - jrp error codes and the error record every boundary fills
 *
 * Functions return 0 or a negative JRP_E* code (jrp_strerror() names it).
 * Where a caller must tell a person what is wrong, the function also fills a
 * jrp_error: a wire code (stable, lower_snake, documented in the README), the
 * field it concerns (a dotted path, or file:line:col for YAML) and a sentence.
 */
#ifndef JRP_ERR_H
#define JRP_ERR_H

enum {
	JRP_OK = 0,
	JRP_EINVAL = -1,     /* bad input; jrp_error says which field and why */
	JRP_ENOTFOUND = -2,
	JRP_EIO = -3,        /* file or socket error (errno kept in message) */
	JRP_EFULL = -4,      /* LMDB map full after growing to the limit */
	JRP_ESTORE = -5,     /* other LMDB error */
	JRP_EFORBIDDEN = -6,
	JRP_ECONFLICT = -7,
	JRP_EBUSY = -8,
	JRP_ETIMEOUT = -9,
	JRP_EUNKNOWN = -10,  /* a record kind or log format this build does not know */
};

/* wire error codes (the "code" of an error reply) */
#define JRP_ERR_BAD_MESSAGE   "bad_message"    /* not msgpack, not a map, trailing data */
#define JRP_ERR_TOO_LARGE     "too_large"
#define JRP_ERR_MISSING_FIELD "missing_field"
#define JRP_ERR_WRONG_TYPE    "wrong_type"
#define JRP_ERR_UNKNOWN_FIELD "unknown_field"
#define JRP_ERR_BAD_VALUE     "bad_value"      /* right type, wrong content (length, enum, date) */
#define JRP_ERR_BAD_CODE      "bad_code"       /* a subject code fails its check */
#define JRP_ERR_UNKNOWN_TYPE  "unknown_type"   /* message type not served here */
#define JRP_ERR_BAD_VERSION   "bad_version"
#define JRP_ERR_UNKNOWN_PARTY "unknown_party"
#define JRP_ERR_FORBIDDEN     "forbidden"
#define JRP_ERR_UNKNOWN_STANDARD "unknown_standard"
#define JRP_ERR_UNKNOWN_DOMAIN "unknown_domain"
#define JRP_ERR_UNKNOWN_MATTER "unknown_matter"
#define JRP_ERR_NOT_FOUND     "not_found"
#define JRP_ERR_CONFLICT      "conflict"
#define JRP_ERR_BUSY          "busy"
#define JRP_ERR_STORAGE       "storage"        /* commit failed; nothing was stored */
#define JRP_ERR_NOT_TEST_MODE "not_test_mode"
#define JRP_ERR_CONFIG        "config"         /* YAML/config validation; field = file:line:col */

typedef struct jrp_error {
	char code[32];
	char field[128];
	char message[384];
} jrp_error;

const char *jrp_strerror(int rc);

/* jrp_fail - fill *e (if not NULL) and return JRP_EINVAL */
int jrp_fail(jrp_error *e, const char *code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* jrp_error_clear - make *e empty */
void jrp_error_clear(jrp_error *e);

#endif
