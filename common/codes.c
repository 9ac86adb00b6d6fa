/*
 * codes.c - check digits and shapes of subject identifiers (see codes.h)
 *
 * Called by every boundary that accepts a subject code (ingest, lists,
 * jrpctl) before anything is stored; DOMAIN.md "Subjects and codes"
 * [001 §(二)3] [national] names the standards. Each check reports the first
 * thing wrong, in the order: length, case, characters, structure, check
 * character, so that a person can fix the code from the message alone.
 */
#include "codes.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* GB 32100-2015: 31 symbols, values 0..30, no I O S V Z */
static const char uscc_charset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int uscc_weights[17] = {
	1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
};

/* GB 11643-1999, ISO 7064 MOD 11-2 */
static const int citizen_weights[17] = {
	7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2
};
static const char citizen_checks[] = "10X98765432";

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static int is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static const char *fieldname(const char *field)
{
	return field ? field : "";
}

/* show_char - a byte as 'c' when printable, else as byte 0xNN */
static const char *show_char(char c, char buf[16])
{
	unsigned char u = (unsigned char)c;
	if (u >= 0x21 && u < 0x7f)
		snprintf(buf, 16, "'%c'", c);
	else
		snprintf(buf, 16, "byte 0x%02X", u);
	return buf;
}

/* bad - fill *e with a bad_code error */
#define bad(e, field, ...) jrp_fail((e), JRP_ERR_BAD_CODE, fieldname(field), __VA_ARGS__)

/* check_length - exact length, with the length found in the message */
static int check_length(size_t len, size_t want, const char *field, jrp_error *e)
{
	if (len != want)
		return bad(e, field, "must be %zu characters, got %zu", want, len);
	return 0;
}

/* check_no_lower - lower-case letters are refused with their own message:
 * codes are printed in upper case, and a silently folded code is a
 * different string from the one stored elsewhere */
static int check_no_lower(const char *s, size_t len, const char *field, jrp_error *e)
{
	for (size_t i = 0; i < len; i++)
		if (is_lower(s[i]))
			return bad(e, field, "must be upper case (character '%c' at position %zu)",
				   s[i], i + 1);
	return 0;
}

/* uscc_values - 1 + the value of each character of the set, 0 for every other byte (a table, not a
 * search: every decoded record checks its subject's code) */
static const unsigned char uscc_values[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16, ['G'] = 17, ['H'] = 18, ['J'] = 19,
	['K'] = 20, ['L'] = 21, ['M'] = 22, ['N'] = 23, ['P'] = 24, ['Q'] = 25, ['R'] = 26, ['T'] = 27, ['U'] = 28,
	['W'] = 29, ['X'] = 30, ['Y'] = 31,
};

static int uscc_value(char c)
{
	return (int)uscc_values[(unsigned char)c] - 1;
}

char codes_uscc_checkchar(const char *s17)
{
	int sum = 0, c;
	for (int i = 0; i < 17; i++) {
		int v = uscc_value(s17[i]);
		if (v < 0)
			return 0;
		sum += v * uscc_weights[i];
	}
	c = 31 - sum % 31;
	return uscc_charset[c == 31 ? 0 : c];
}

char codes_citizen_checkchar(const char *s17)
{
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		if (!is_digit(s17[i]))
			return 0;
		sum += (s17[i] - '0') * citizen_weights[i];
	}
	return citizen_checks[sum % 11];
}

/*
 * uscc_pair_ok - registration authority (position 1) and organisation type
 * (position 2) per GB 32100-2015 table 1: 1 机构编制 {1,2,3,9}, 2 外交 {1,9},
 * 3 司法行政 {1,2,3,4,5,9}, 4 文化 {1,9}, 5 民政 {1,2,3,9}, 6 旅游 {1,2,9},
 * 7 宗教 {1,2,9}, 8 工会 {1,9}, 9 工商 {1,2,3}, A 中央军委改革和编制办公室
 * {1,9}, N 农业 {1,2,3,9}, Y 其他 {1}. The rarer authorities carry every type
 * the standard and its amendments have given them (permissive on purpose).
 */
static int uscc_pair_ok(char auth, char type)
{
	static const struct {
		char auth;
		const char *types;
	} pairs[] = {
		{ '1', "1239" }, { '2', "19" }, { '3', "123459" }, { '4', "19" },
		{ '5', "1239" }, { '6', "129" }, { '7', "129" }, { '8', "19" },
		{ '9', "123" }, { 'A', "19" }, { 'N', "1239" }, { 'Y', "1" },
	};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
		if (pairs[i].auth == auth)
			return type != 0 && strchr(pairs[i].types, type) != NULL;
	return 0;
}

int codes_uscc_check(const char *s, size_t len, const char *field, jrp_error *e)
{
	char buf[16], want;
	int rc;

	if ((rc = check_length(len, 18, field, e)) != 0)
		return rc;
	if ((rc = check_no_lower(s, len, field, e)) != 0)
		return rc;
	for (size_t i = 0; i < 18; i++)
		if (uscc_value(s[i]) < 0)
			return bad(e, field, "character %s at position %zu is not allowed "
				   "(no I, O, S, V, Z)", show_char(s[i], buf), i + 1);
	if (!uscc_pair_ok(s[0], s[1]))
		return bad(e, field, "registration authority/type '%c%c' is not valid", s[0], s[1]);
	for (size_t i = 2; i < 8; i++)
		if (!is_digit(s[i]))
			return bad(e, field, "administrative division '%.6s' (positions 3-8) must be "
				   "6 digits", s + 2);
	want = codes_uscc_checkchar(s);
	if (s[17] != want)
		return bad(e, field, "check character is '%c' but should be '%c'", s[17], want);
	return 0;
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* date_ok - YYYYMMDD (8 digits, already checked) is a real date in 1900..2100 */
static int date_ok(const char *d)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y = 0, m = 0, day = 0, max;
	for (int i = 0; i < 4; i++)
		y = y * 10 + (d[i] - '0');
	m = (d[4] - '0') * 10 + (d[5] - '0');
	day = (d[6] - '0') * 10 + (d[7] - '0');
	if (y < 1900 || y > 2100 || m < 1 || m > 12 || day < 1)
		return 0;
	max = mdays[m - 1] + (m == 2 && is_leap(y));
	return day <= max;
}

/* mod112_chars - 17 digits then a digit or 'X' (GB 11643 shape) */
static int mod112_chars(const char *s, const char *field, jrp_error *e)
{
	char buf[16];
	for (size_t i = 0; i < 17; i++)
		if (!is_digit(s[i]))
			return bad(e, field, "character %s at position %zu is not allowed "
				   "(positions 1-17 are digits)", show_char(s[i], buf), i + 1);
	if (!is_digit(s[17]) && s[17] != 'X')
		return bad(e, field, "character %s at position 18 is not allowed "
			   "(a digit or 'X')", show_char(s[17], buf));
	return 0;
}

/* mod112_checkchar - position 18 against ISO 7064 MOD 11-2 */
static int mod112_checkchar(const char *s, const char *field, jrp_error *e)
{
	char want = codes_citizen_checkchar(s);
	if (s[17] != want)
		return bad(e, field, "check character is '%c' but should be '%c'", s[17], want);
	return 0;
}

/* citizen_body - the checks after length and case: characters, division,
 * birth date, check character */
static int citizen_body(const char *s, const char *field, jrp_error *e)
{
	int rc;
	if ((rc = mod112_chars(s, field, e)) != 0)
		return rc;
	if (s[0] < '1' || s[0] > '8')
		return bad(e, field, "administrative division '%.6s' is not valid "
			   "(first digit must be 1-8)", s);
	if (!date_ok(s + 6))
		return bad(e, field, "birth date '%.8s' (positions 7-14) is not a real date "
			   "between 19000101 and 21001231", s + 6);
	return mod112_checkchar(s, field, e);
}

int codes_citizen_check(const char *s, size_t len, const char *field, jrp_error *e)
{
	int rc;
	if ((rc = check_length(len, 18, field, e)) != 0)
		return rc;
	if ((rc = check_no_lower(s, len, field, e)) != 0)
		return rc;
	return citizen_body(s, field, e);
}

/* lei_mod97 - the characters as one number (A=10..Z=35), mod 97, digit by digit */
static unsigned lei_mod97(const char *s, size_t n)
{
	unsigned r = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned v = is_digit(s[i]) ? (unsigned)(s[i] - '0') : (unsigned)(s[i] - 'A' + 10);
		r = v >= 10 ? (r * 100 + v) % 97 : (r * 10 + v) % 97;
	}
	return r;
}

int codes_lei_check(const char *s, size_t len, const char *field, jrp_error *e)
{
	char buf[16];
	unsigned want;
	int rc;

	if ((rc = check_length(len, 20, field, e)) != 0)
		return rc;
	if ((rc = check_no_lower(s, len, field, e)) != 0)
		return rc;
	for (size_t i = 0; i < 20; i++)
		if (!is_digit(s[i]) && !is_upper(s[i]))
			return bad(e, field, "character %s at position %zu is not allowed "
				   "(0-9, A-Z only)", show_char(s[i], buf), i + 1);
	if (!is_digit(s[18]) || !is_digit(s[19]))
		return bad(e, field, "check characters '%.2s' (positions 19-20) must be digits",
			   s + 18);
	if (lei_mod97(s, 20) != 1) {
		/* ISO 7064 MOD 97-10: check = 98 - (prefix * 100 mod 97) */
		want = 98 - (lei_mod97(s, 18) * 100) % 97;
		return bad(e, field, "check digits are '%.2s' but should be '%02u'", s + 18, want);
	}
	return 0;
}

/*
 * codes_hmt_check - Hong Kong, Macao and Taiwan residents:
 *   - 港澳台居民居住证 number: 18 characters, starting 810000 (Hong Kong),
 *     820000 (Macao) or 830000 (Taiwan), otherwise exactly a citizen ID
 *     (birth date, MOD 11-2 check character);
 *   - 港澳居民来往内地通行证: 'H' or 'M' then 8 or 10 digits (shape only);
 *   - 台湾居民来往大陆通行证: 8 digits (shape only).
 */
int codes_hmt_check(const char *s, size_t len, const char *field, jrp_error *e)
{
	char buf[16];
	int rc;

	if ((rc = check_no_lower(s, len, field, e)) != 0)
		return rc;
	if (len == 18) {
		if (strncmp(s, "810000", 6) != 0 && strncmp(s, "820000", 6) != 0 &&
		    strncmp(s, "830000", 6) != 0)
			return bad(e, field, "an 18-character residence permit number must start "
				   "with 810000, 820000 or 830000");
		return citizen_body(s, field, e);
	}
	if (len == 8) {
		for (size_t i = 0; i < 8; i++)
			if (!is_digit(s[i]))
				return bad(e, field, "character %s at position %zu is not allowed "
					   "(a Taiwan travel permit number is 8 digits)",
					   show_char(s[i], buf), i + 1);
		return 0;
	}
	if (len == 9 || len == 11) {
		if (s[0] != 'H' && s[0] != 'M')
			return bad(e, field, "a Hong Kong/Macao travel permit number must start "
				   "with 'H' or 'M', got %s", show_char(s[0], buf));
		for (size_t i = 1; i < len; i++)
			if (!is_digit(s[i]))
				return bad(e, field, "character %s at position %zu is not allowed "
					   "(H or M then digits)", show_char(s[i], buf), i + 1);
		return 0;
	}
	return bad(e, field, "must be 18 characters (residence permit), 9 or 11 "
		   "(H or M + 8 or 10 digits) or 8 (Taiwan travel permit), got %zu", len);
}

/*
 * codes_foreign_check - foreigners:
 *   - 外国人永久居留身份证, 2023 form: 18 characters starting '9', digits and
 *     a MOD 11-2 check character like a citizen ID (checked);
 *   - 外国人永久居留身份证, 2004/2017 form: 15 characters, 3 letters (country)
 *     and 12 digits; and any passport number: 5 to 20 characters A-Z, 0-9.
 *     Both are shapes only: the older card has no public check algorithm and
 *     passports follow their issuing state's rules.
 */
int codes_foreign_check(const char *s, size_t len, const char *field, jrp_error *e)
{
	char buf[16];
	int rc, digits = 1;

	if ((rc = check_no_lower(s, len, field, e)) != 0)
		return rc;
	if (len == 18 && s[0] == '9') {
		for (size_t i = 0; i < 17; i++)
			digits = digits && is_digit(s[i]);
		if (digits && (is_digit(s[17]) || s[17] == 'X'))
			return mod112_checkchar(s, field, e);
	}
	if (len < 5 || len > 20)
		return bad(e, field, "must be 5 to 20 characters (permanent residence ID or "
			   "passport number), got %zu", len);
	for (size_t i = 0; i < len; i++)
		if (!is_digit(s[i]) && !is_upper(s[i]))
			return bad(e, field, "character %s at position %zu is not allowed "
				   "(0-9, A-Z only)", show_char(s[i], buf), i + 1);
	return 0;
}

int codes_check(jrp_id_type t, const char *s, size_t len, const char *field, jrp_error *e)
{
	switch (t) {
	case ID_USCC: return codes_uscc_check(s, len, field, e);
	case ID_CITIZEN: return codes_citizen_check(s, len, field, e);
	case ID_HMT: return codes_hmt_check(s, len, field, e);
	case ID_FOREIGN: return codes_foreign_check(s, len, field, e);
	case ID_LEI: return codes_lei_check(s, len, field, e);
	case ID_NONE: case ID__N: break;
	}
	return jrp_fail(e, JRP_ERR_BAD_VALUE, fieldname(field), "unknown identifier type %d", (int)t);
}

NAMES_TABLE(id_type_names, "identifier type", ID_TYPES);

jrp_id_type codes_id_type_parse(const char *s)
{
	int t = s ? names_find(&id_type_names, s, strlen(s)) : -1;
	return t > 0 ? (jrp_id_type)t : ID_NONE;
}

const char *codes_id_type_name(jrp_id_type t)
{
	if (t < ID_USCC || t > ID_LEI)
		return "unknown";
	return names_get(&id_type_names, t);
}

void codes_uscc_make(const char *head, unsigned n, char out[19])
{
	snprintf(out, 19, "%.10s%07u", head, n % 10000000u);
	out[17] = codes_uscc_checkchar(out);
	out[18] = 0;
}

void codes_citizen_make(const char *head, unsigned n, char out[19])
{
	snprintf(out, 19, "%.14s%03u", head, n % 1000u);
	out[17] = codes_citizen_checkchar(out);
	out[18] = 0;
}

int codes_check_subject(const char *code, jrp_id_type id_type, jrp_error *e)
{
	size_t n = strlen(code);
	bool citizen_shape = n == 18 && strspn(code, "0123456789") >= 17 && (isdigit((unsigned char)code[17]) || code[17] == 'X');
	if (id_type != ID_NONE)
		return codes_check(id_type, code, n, "subject", e);
	/* an 18-character code is one or the other: valid as either, it is checked; invalid as both, the
	 * error is the one of the shape it has */
	if (codes_check(ID_USCC, code, n, "subject", NULL) == 0 || codes_check(ID_CITIZEN, code, n, "subject", NULL) == 0)
		return 0;
	return codes_check(citizen_shape ? ID_CITIZEN : ID_USCC, code, n, "subject", e);
}
