/*
 * codes.h - subject identifiers: unified social credit code (GB 32100-2015),
 * citizen ID (GB 11643-1999, ISO 7064 MOD 11-2), LEI (ISO 17442, MOD 97-10),
 * Hong Kong/Macao/Taiwan residents' and foreigners' ID numbers (shape only).
 *
 * Every validator returns 0, or JRP_EBADCODE with *e filled: code "bad_code",
 * field = the field name the caller passed, message = what exactly is wrong
 * (length, character at position N not allowed, check character is X but
 * should be Y, unknown registration authority/type, bad birth date ...).
 */
#ifndef JRP_CODES_H
#define JRP_CODES_H
#include <stddef.h>
#include "err.h"
#include "names.h"

/* ID_USCC 统一社会信用代码 (organisations); ID_CITIZEN 居民身份证号码; ID_HMT 港澳台居民居住证 /
 * 往来通行证 number (shape); ID_FOREIGN 外国人永久居留身份证 or passport number (shape); ID_LEI */
#define ID_TYPES(X) X(ID_NONE, NULL) X(ID_USCC, "uscc") X(ID_CITIZEN, "citizen") X(ID_HMT, "hmt") \
	X(ID_FOREIGN, "foreign") X(ID_LEI, "lei")
typedef enum { ID_TYPES(NAMES_ENUM) ID__N } jrp_id_type;
extern const jrp_names id_type_names;     /* "identifier type" */

/* codes_id_type_parse - "uscc" "citizen" "hmt" "foreign" "lei" -> type, or 0 (id_type_names) */
jrp_id_type codes_id_type_parse(const char *s);
const char *codes_id_type_name(jrp_id_type t);

int codes_uscc_check(const char *s, size_t len, const char *field, jrp_error *e);
int codes_citizen_check(const char *s, size_t len, const char *field, jrp_error *e);
int codes_lei_check(const char *s, size_t len, const char *field, jrp_error *e);
int codes_hmt_check(const char *s, size_t len, const char *field, jrp_error *e);
int codes_foreign_check(const char *s, size_t len, const char *field, jrp_error *e);

/* codes_check - dispatch on type */
int codes_check(jrp_id_type t, const char *s, size_t len, const char *field, jrp_error *e);

/* codes_check_subject - the subject code of a lookup (check, records.get, entries.get, tasks.get), validated
 * as a submission's is (DOMAIN.md "Subjects and codes"): id_type ID_NONE means a unified social credit code
 * or a citizen ID, whichever it is; a code that fails is bad_code on field "subject", so that a mistyped
 * character never answers "not listed" or "no record" */
int codes_check_subject(const char *code, jrp_id_type id_type, jrp_error *e);

/* codes_uscc_checkchar / codes_citizen_checkchar - the correct check character
 * for the first 17 characters (for tools and tests); 0 if a character is invalid */
char codes_uscc_checkchar(const char *s17);
char codes_citizen_checkchar(const char *s17);
/* codes_uscc_make / codes_citizen_make - a valid code from a head (10 / 14 characters) and a
 * number (7 / 3 digits, taken modulo), with its check character: test data, bulk loads */
void codes_uscc_make(const char *head, unsigned n, char out[19]);
void codes_citizen_make(const char *head, unsigned n, char out[19]);

#endif
