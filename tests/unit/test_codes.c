/*
 * test_codes.c - unit tests of common/codes.c: every identifier kind, valid
 * examples and every error message path.
 *
 * Rules: DOMAIN.md Subjects and codes [001 §(二)3] [national] (GB 32100-2015
 * USCC, GB 11643-1999 citizen ID, ISO 17442 LEI, HMT and foreigners' numbers).
 */
#include "codes.h"
#include "tap.h"

/* ok - s passes the check for type t */
static int ok(jrp_id_type t, const char *s)
{
	jrp_error e;
	jrp_error_clear(&e);
	int rc = codes_check(t, s, strlen(s), "subject.code", &e);
	if (rc != 0)
		printf("# unexpected failure for %s: %s\n", s, e.message);
	return rc == 0;
}

/* fails_with - s fails with bad_code, field kept, and exactly message msg */
static int fails_with(jrp_id_type t, const char *s, const char *msg)
{
	jrp_error e;
	jrp_error_clear(&e);
	int rc = codes_check(t, s, strlen(s), "subject.code", &e);
	if (rc != JRP_EBADCODE || strcmp(e.code, JRP_ERR_BAD_CODE) != 0 ||
	    strcmp(e.field, "subject.code") != 0 || strcmp(e.message, msg) != 0) {
		printf("# %s: rc %d code '%s' field '%s' message '%s', expected '%s'\n",
		       s, rc, e.code, e.field, e.message, msg);
		return 0;
	}
	return 1;
}

/* with_uscc_check - s17 + its check character */
static const char *with_uscc_check(const char *s17, char out[19])
{
	memcpy(out, s17, 17);
	out[17] = codes_uscc_checkchar(s17);
	out[18] = 0;
	return out;
}

static const char *with_citizen_check(const char *s17, char out[19])
{
	memcpy(out, s17, 17);
	out[17] = codes_citizen_checkchar(s17);
	out[18] = 0;
	return out;
}

/* USCC, GB 32100-2015 [001 §(二)3] [national] */
static void test_uscc_valid(void)
{
	char buf[19];
	/* published codes, checked by hand with the weights of DOMAIN.md */
	CHECK(ok(ID_USCC, "91350100M000100Y43"));
	CHECK(ok(ID_USCC, "91110000600037341L"));
	CHECK(ok(ID_USCC, "12100000400000770U"));
	CHECK(codes_uscc_checkchar("91350100M000100Y4") == '3');
	CHECK(codes_uscc_checkchar("91110000600037341") == 'L');
	/* 11 机关 12 事业单位 51 社会团体 52 民办非企业 53 基金会 91 企业
	 * 92 个体工商户 93 农民专业合作社 Y1 other */
	static const char *const prefixes[] = {
		"11", "12", "13", "19", "51", "52", "53", "59", "91", "92", "93", "Y1",
		"21", "29", "31", "35", "41", "61", "62", "71", "81", "89", "A1", "A9", "N1", "N3",
	};
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
		char s17[18];
		memcpy(s17, prefixes[i], 2);
		memcpy(s17 + 2, "440300MA5FXT4K2", 16);
		CHECK(ok(ID_USCC, with_uscc_check(s17, buf)));
	}
	/* a check value of 31 becomes '0': find a body with sum % 31 == 0 */
	CHECK(codes_uscc_checkchar("00000000000000000") == '0');
	CHECK(codes_uscc_checkchar("9135010000000000O") == 0);
	CHECK(codes_uscc_checkchar("913501000000000") == 0);
}

static void test_uscc_errors(void)
{
	CHECK(fails_with(ID_USCC, "91350100M000100Y4", "must be 18 characters, got 17"));
	CHECK(fails_with(ID_USCC, "91350100M000100Y433", "must be 18 characters, got 19"));
	CHECK(fails_with(ID_USCC, "", "must be 18 characters, got 0"));
	CHECK(fails_with(ID_USCC, "91350100m000100Y43",
			 "must be upper case (character 'm' at position 9)"));
	CHECK(fails_with(ID_USCC, "9135O100M000100Y43",
			 "character 'O' at position 5 is not allowed (no I, O, S, V, Z)"));
	CHECK(fails_with(ID_USCC, "91350100M000100YI3",
			 "character 'I' at position 17 is not allowed (no I, O, S, V, Z)"));
	CHECK(fails_with(ID_USCC, "91350100M000100Y4Z",
			 "character 'Z' at position 18 is not allowed (no I, O, S, V, Z)"));
	CHECK(fails_with(ID_USCC, "91350100-000100Y43",
			 "character '-' at position 9 is not allowed (no I, O, S, V, Z)"));
	CHECK(fails_with(ID_USCC, "91350100 000100Y43",
			 "character byte 0x20 at position 9 is not allowed (no I, O, S, V, Z)"));
	CHECK(fails_with(ID_USCC, "00350100M000100Y43",
			 "registration authority/type '00' is not valid"));
	CHECK(fails_with(ID_USCC, "94350100M000100Y43",
			 "registration authority/type '94' is not valid"));
	CHECK(fails_with(ID_USCC, "Y2350100M000100Y43",
			 "registration authority/type 'Y2' is not valid"));
	CHECK(fails_with(ID_USCC, "B1350100M000100Y43",
			 "registration authority/type 'B1' is not valid"));
	CHECK(fails_with(ID_USCC, "913501A0M000100Y43",
			 "administrative division '3501A0' (positions 3-8) must be 6 digits"));
	CHECK(fails_with(ID_USCC, "91350100M000100Y4X",
			 "check character is 'X' but should be '3'"));
	CHECK(fails_with(ID_USCC, "91110000600037341M",
			 "check character is 'M' but should be 'L'"));
}

/* citizen ID, GB 11643-1999 [001 §(二)3] [national] */
static void test_citizen_valid(void)
{
	char buf[19];
	CHECK(ok(ID_CITIZEN, "11010519491231002X"));
	CHECK(ok(ID_CITIZEN, "110101199003074477"));
	CHECK(codes_citizen_checkchar("11010519491231002") == 'X');
	CHECK(codes_citizen_checkchar("11010119900307447") == '7');
	CHECK(codes_citizen_checkchar("1101011990030744A") == 0);
	/* boundary dates and a leap day */
	CHECK(ok(ID_CITIZEN, with_citizen_check("44030419000101123", buf)));
	CHECK(ok(ID_CITIZEN, with_citizen_check("44030421001231123", buf)));
	CHECK(ok(ID_CITIZEN, with_citizen_check("44030420000229123", buf)));
	CHECK(ok(ID_CITIZEN, with_citizen_check("81000019940823002", buf)));
}

static void test_citizen_errors(void)
{
	char buf[19];
	CHECK(fails_with(ID_CITIZEN, "11010519491231002", "must be 18 characters, got 17"));
	CHECK(fails_with(ID_CITIZEN, "11010519491231002x",
			 "must be upper case (character 'x' at position 18)"));
	CHECK(fails_with(ID_CITIZEN, "1101051949123100AX",
			 "character 'A' at position 17 is not allowed (positions 1-17 are digits)"));
	CHECK(fails_with(ID_CITIZEN, "11010519491231002Y",
			 "character 'Y' at position 18 is not allowed (a digit or 'X')"));
	CHECK(fails_with(ID_CITIZEN, with_citizen_check("01010519491231002", buf),
			 "administrative division '010105' is not valid (first digit must be 1-8)"));
	CHECK(fails_with(ID_CITIZEN, with_citizen_check("91010519491231002", buf),
			 "administrative division '910105' is not valid (first digit must be 1-8)"));
	CHECK(fails_with(ID_CITIZEN, with_citizen_check("11010519490229002", buf),
			 "birth date '19490229' (positions 7-14) is not a real date between "
			 "19000101 and 21001231"));
	CHECK(ok(ID_CITIZEN, with_citizen_check("11010519001231002", buf)));
	CHECK(fails_with(ID_CITIZEN, with_citizen_check("11010518991231002", buf),
			 "birth date '18991231' (positions 7-14) is not a real date between "
			 "19000101 and 21001231"));
	CHECK(fails_with(ID_CITIZEN, with_citizen_check("11010521010101002", buf),
			 "birth date '21010101' (positions 7-14) is not a real date between "
			 "19000101 and 21001231"));
	CHECK(fails_with(ID_CITIZEN, with_citizen_check("11010519491301002", buf),
			 "birth date '19491301' (positions 7-14) is not a real date between "
			 "19000101 and 21001231"));
	CHECK(fails_with(ID_CITIZEN, with_citizen_check("11010519490431002", buf),
			 "birth date '19490431' (positions 7-14) is not a real date between "
			 "19000101 and 21001231"));
	CHECK(fails_with(ID_CITIZEN, with_citizen_check("11010519000229002", buf),
			 "birth date '19000229' (positions 7-14) is not a real date between "
			 "19000101 and 21001231"));
	CHECK(fails_with(ID_CITIZEN, with_citizen_check("11010519491200002", buf),
			 "birth date '19491200' (positions 7-14) is not a real date between "
			 "19000101 and 21001231"));
	CHECK(fails_with(ID_CITIZEN, "110105194912310021",
			 "check character is '1' but should be 'X'"));
	CHECK(fails_with(ID_CITIZEN, "11010119900307447X",
			 "check character is 'X' but should be '7'"));
}

/* LEI, ISO 17442 MOD 97-10 [001 §(二)3] [national] */
static void test_lei(void)
{
	CHECK(ok(ID_LEI, "5493001KJTIIGC8Y1R12"));
	CHECK(ok(ID_LEI, "7LTWFZYICNSX8D621K86"));
	CHECK(ok(ID_LEI, "HWUPKR0MPOU8FGXBT394"));
	CHECK(fails_with(ID_LEI, "5493001KJTIIGC8Y1R1", "must be 20 characters, got 19"));
	CHECK(fails_with(ID_LEI, "5493001kJTIIGC8Y1R12",
			 "must be upper case (character 'k' at position 8)"));
	CHECK(fails_with(ID_LEI, "5493001KJTIIGC8Y1R-2",
			 "character '-' at position 19 is not allowed (0-9, A-Z only)"));
	CHECK(fails_with(ID_LEI, "5493001KJTIIGC8Y1RA2",
			 "check characters 'A2' (positions 19-20) must be digits"));
	CHECK(fails_with(ID_LEI, "5493001KJTIIGC8Y1R13", "check digits are '13' but should be '12'"));
	CHECK(fails_with(ID_LEI, "5493001KJTIIGC8Y1R21", "check digits are '21' but should be '12'"));
	CHECK(fails_with(ID_LEI, "5493001KJTIIGC8Y1S12", "check digits are '12' but should be '09'"));
}

/* Hong Kong, Macao, Taiwan residents [001 §(二)3] [national] */
static void test_hmt(void)
{
	char buf[19];
	CHECK(ok(ID_HMT, with_citizen_check("81000019940823002", buf)));
	CHECK(ok(ID_HMT, with_citizen_check("82000019800101123", buf)));
	CHECK(ok(ID_HMT, with_citizen_check("83000020011231456", buf)));
	CHECK(ok(ID_HMT, "H12345678"));
	CHECK(ok(ID_HMT, "M1234567890"));
	CHECK(ok(ID_HMT, "12345678"));
	CHECK(fails_with(ID_HMT, "h12345678", "must be upper case (character 'h' at position 1)"));
	CHECK(fails_with(ID_HMT, with_citizen_check("11010519491231002", buf),
			 "an 18-character residence permit number must start with 810000, "
			 "820000 or 830000"));
	CHECK(fails_with(ID_HMT, "810000199408230020", "check character is '0' but should be '1'"));
	CHECK(fails_with(ID_HMT, with_citizen_check("81000019941323002", buf),
			 "birth date '19941323' (positions 7-14) is not a real date between "
			 "19000101 and 21001231"));
	CHECK(fails_with(ID_HMT, "1234567A",
			 "character 'A' at position 8 is not allowed "
			 "(a Taiwan travel permit number is 8 digits)"));
	CHECK(fails_with(ID_HMT, "K12345678",
			 "a Hong Kong/Macao travel permit number must start with 'H' or 'M', got 'K'"));
	CHECK(fails_with(ID_HMT, "H1234567X",
			 "character 'X' at position 9 is not allowed (H or M then digits)"));
	CHECK(fails_with(ID_HMT, "H123456789",
			 "must be 18 characters (residence permit), 9 or 11 (H or M + 8 or 10 "
			 "digits) or 8 (Taiwan travel permit), got 10"));
}

/* foreigners [001 §(二)3] [national] */
static void test_foreign(void)
{
	char buf[19];
	CHECK(ok(ID_FOREIGN, "USA440319800101")); /* 15-character permanent residence ID */
	CHECK(ok(ID_FOREIGN, with_citizen_check("93184019800101001", buf)));
	CHECK(ok(ID_FOREIGN, "E12345678"));       /* passport */
	CHECK(ok(ID_FOREIGN, "12345"));
	CHECK(ok(ID_FOREIGN, "ABCDEFGHIJ0123456789"));
	CHECK(ok(ID_FOREIGN, "9ABCDEFGHIJ0123456")); /* 18 starting 9 but not digits: passport */
	buf[17] = buf[17] == '1' ? '2' : '1';
	{
		char msg[80];
		snprintf(msg, sizeof msg, "check character is '%c' but should be '%c'", buf[17],
			 codes_citizen_checkchar(buf));
		CHECK(fails_with(ID_FOREIGN, buf, msg));
	}
	CHECK(fails_with(ID_FOREIGN, "e12345678", "must be upper case (character 'e' at position 1)"));
	CHECK(fails_with(ID_FOREIGN, "E123",
			 "must be 5 to 20 characters (permanent residence ID or passport "
			 "number), got 4"));
	CHECK(fails_with(ID_FOREIGN, "ABCDEFGHIJ01234567890",
			 "must be 5 to 20 characters (permanent residence ID or passport "
			 "number), got 21"));
	CHECK(fails_with(ID_FOREIGN, "E1234 678",
			 "character byte 0x20 at position 6 is not allowed (0-9, A-Z only)"));
	CHECK(fails_with(ID_FOREIGN, "E1234\xe4\xb8\xad",
			 "character byte 0xE4 at position 6 is not allowed (0-9, A-Z only)"));
}

static void test_type_names(void)
{
	jrp_error e;
	CHECK_INT(codes_id_type_parse("uscc"), ID_USCC);
	CHECK_INT(codes_id_type_parse("citizen"), ID_CITIZEN);
	CHECK_INT(codes_id_type_parse("hmt"), ID_HMT);
	CHECK_INT(codes_id_type_parse("foreign"), ID_FOREIGN);
	CHECK_INT(codes_id_type_parse("lei"), ID_LEI);
	CHECK_INT(codes_id_type_parse("USCC"), 0);
	CHECK_INT(codes_id_type_parse(""), 0);
	CHECK_INT(codes_id_type_parse(NULL), 0);
	for (int t = ID_USCC; t <= ID_LEI; t++)
		CHECK_INT(codes_id_type_parse(codes_id_type_name((jrp_id_type)t)), t);
	CHECK_STR(codes_id_type_name(0), "unknown");
	CHECK_STR(codes_id_type_name((jrp_id_type)99), "unknown");
	CHECK_INT(codes_check((jrp_id_type)99, "x", 1, "f", &e), JRP_EINVAL);
	CHECK_STR(e.code, JRP_ERR_BAD_VALUE);
	/* a NULL error record is allowed */
	CHECK_INT(codes_uscc_check("x", 1, "f", NULL), JRP_EBADCODE);
	/* length is taken from len, not from a terminating NUL */
	CHECK_INT(codes_uscc_check("91350100M000100Y43trailing", 18, "f", NULL), 0);
}

int main(void)
{
	RUN(test_uscc_valid);
	RUN(test_uscc_errors);
	RUN(test_citizen_valid);
	RUN(test_citizen_errors);
	RUN(test_lei);
	RUN(test_hmt);
	RUN(test_foreign);
	RUN(test_type_names);
	TAP_DONE();
}
