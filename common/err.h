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

/* Each wire error code (the "code" of an error reply, documented in the README) has its own
 * JRP_E* value; a few have none on the wire (JRP_EIO, JRP_ETIMEOUT, JRP_EUNKNOWN, JRP_EREPLY).
 * ERRORS(X): X(value, rc, wire code or NULL, what it means) - one table, err.c */
#define ERRORS(X) \
	X(JRP_EINVAL, -1, "bad_value", "invalid input") \
	X(JRP_ENOTFOUND, -2, "not_found", "not found") \
	X(JRP_EIO, -3, NULL, "input/output error") \
	X(JRP_EFULL, -4, "storage", "storage full") \
	X(JRP_ESTORE, -5, "storage", "storage error") \
	X(JRP_EFORBIDDEN, -6, "forbidden", "forbidden") \
	X(JRP_ECONFLICT, -7, "conflict", "conflict") \
	X(JRP_EBUSY, -8, "busy", "busy") \
	X(JRP_ETIMEOUT, -9, "timeout", "timed out") \
	X(JRP_EUNKNOWN, -10, NULL, "a record kind or log format this build does not know") \
	X(JRP_EBADMSG, -11, "bad_message", "not a well-formed message") \
	X(JRP_ETOOLARGE, -12, "too_large", "message too large") \
	X(JRP_EMISSING, -13, "missing_field", "a required field is missing") \
	X(JRP_EWRONGTYPE, -14, "wrong_type", "a field has the wrong type") \
	X(JRP_EUNKNOWNFIELD, -15, "unknown_field", "a field this message does not have") \
	X(JRP_EBADCODE, -16, "bad_code", "a subject code fails its check") \
	X(JRP_EUNKNOWNTYPE, -17, "unknown_type", "a message type not served here") \
	X(JRP_EVERSION, -18, "bad_version", "a protocol version not served here") \
	X(JRP_EUNKNOWNPARTY, -19, "unknown_party", "a party not in the registry") \
	X(JRP_EUNKNOWNDOMAIN, -20, "unknown_domain", "a domain not in the catalogue") \
	X(JRP_EUNKNOWNSTANDARD, -21, "unknown_standard", "a standard not in the catalogue") \
	X(JRP_EUNKNOWNMATTER, -22, "unknown_matter", "a matter kind not in the catalogue") \
	X(JRP_ENOTTEST, -23, "not_test_mode", "not in test mode") \
	X(JRP_ECONFIG, -24, "config", "configuration or catalogue invalid") \
	X(JRP_EREPLY, -25, NULL, "the daemon refused; the reply says why") \
	X(JRP_ENOSPACE, -26, "storage", "the disk is full")

#define ERR_ENUM(name, rc, wire, what) name = rc,
enum { JRP_OK = 0, ERRORS(ERR_ENUM) };
#undef ERR_ENUM

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
/* jrp_rc_of - the JRP_E* value of a wire code (JRP_EINVAL for one it does not know) */
int jrp_rc_of(const char *code);

/* jrp_fail - fill *e (if not NULL) and return the JRP_E* value of code (jrp_rc_of) */
int jrp_fail(jrp_error *e, const char *code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* jrp_error_clear - make *e empty */
void jrp_error_clear(jrp_error *e);

#endif
