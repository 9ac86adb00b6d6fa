/*
 * test_msg.c - the strict msgpack reader and the map-building writer
 *
 * DESIGN.md "Wire protocol": a wrong type, a missing field, an unknown field,
 * a short or trailing frame or an oversized message gets a clear error.
 */
#include "../tap.h"
#include "msg.h"
#include <stdint.h>
#include <string.h>

static void build(mw *w)
{
	mw_init(w);
	mw_map(w);
	mw_ku64(w, "v", 1);
	mw_kstr(w, "type", "record.submit");
	mw_str(w, "record");
	mw_map(w);
	mw_kstr(w, "record_id", "r-1");
	mw_ki64(w, "amount", -5);
	mw_end(w);
	mw_kbool(w, "flag", true);
	mw_end(w);
}

static void test_roundtrip(void)
{
	mw w;
	msg_in in;
	jrp_error e;
	mr r, rec;
	uint64_t v;
	int64_t amount;
	bool flag;
	char id[65];
	build(&w);
	CHECK_INT(msg_parse(mw_data(&w), mw_len(&w), 1 << 20, &in, &e), 0);
	CHECK_INT(mr_init(&r, in.root, "", &e), 0);
	CHECK_INT(mr_u64(&r, "v", MR_REQ, &v), 1);
	CHECK_INT(v, 1);
	CHECK_INT(mr_map(&r, "record", MR_REQ, &rec), 1);
	CHECK_INT(mr_cstr(&rec, "record_id", MR_REQ, 64, id), 1);
	CHECK_STR(id, "r-1");
	CHECK_INT(mr_i64(&rec, "amount", MR_REQ, &amount), 1);
	CHECK_INT(amount, -5);
	CHECK_INT(mr_end(&rec), 0);
	CHECK_INT(mr_bool(&r, "flag", MR_REQ, &flag), 1);
	CHECK(flag);
	/* "type" was never read */
	CHECK_INT(mr_end(&r), JRP_EUNKNOWNFIELD);
	CHECK_STR(e.code, "unknown_field");
	CHECK_STR(e.field, "type");
	msg_in_free(&in);
	mw_free(&w);
}

static void test_errors_name_the_field(void)
{
	mw w;
	msg_in in;
	jrp_error e;
	mr r, rec;
	uint64_t v;
	char buf[8];
	build(&w);
	msg_parse(mw_data(&w), mw_len(&w), 1 << 20, &in, &e);
	mr_init(&r, in.root, "", &e);
	CHECK_INT(mr_u64(&r, "missing", MR_REQ, &v), JRP_EMISSING);
	CHECK_STR(e.code, "missing_field");
	CHECK_STR(e.field, "missing");
	CHECK_INT(mr_u64(&r, "missing", MR_OPT, &v), 0);
	CHECK_INT(mr_u64(&r, "type", MR_REQ, &v), JRP_EWRONGTYPE);
	CHECK_STR(e.code, "wrong_type");
	CHECK_STR(e.message, "must be an unsigned integer, got a string");
	mr_map(&r, "record", MR_REQ, &rec);
	CHECK_INT(mr_u64(&rec, "amount", MR_REQ, &v), JRP_EINVAL);
	CHECK_STR(e.field, "record.amount");
	CHECK_STR(e.code, "bad_value");
	CHECK_INT(mr_cstr(&rec, "record_id", MR_REQ, 2, buf), JRP_EINVAL);
	CHECK_STR(e.field, "record.record_id");
	msg_in_free(&in);
	mw_free(&w);
}

static void test_bad_bytes(void)
{
	mw w;
	msg_in in;
	jrp_error e;
	char buf[64];
	/* trailing data */
	build(&w);
	memcpy(buf, mw_data(&w), 0);
	{
		char *two = malloc(mw_len(&w) + 1);
		memcpy(two, mw_data(&w), mw_len(&w));
		two[mw_len(&w)] = 0x01;
		CHECK_INT(msg_parse(two, mw_len(&w) + 1, 1 << 20, &in, &e), JRP_EBADMSG);
		CHECK_STR(e.code, "bad_message");
		CHECK(strstr(e.message, "trailing") != NULL);
		msg_in_free(&in);
		/* truncated */
		CHECK_INT(msg_parse(two, mw_len(&w) - 3, 1 << 20, &in, &e), JRP_EBADMSG);
		CHECK_STR(e.code, "bad_message");
		msg_in_free(&in);
		/* too large */
		CHECK_INT(msg_parse(two, mw_len(&w), 10, &in, &e), JRP_ETOOLARGE);
		CHECK_STR(e.code, "too_large");
		msg_in_free(&in);
		free(two);
	}
	/* an array claiming 2^32-1 items in 5 bytes must not allocate */
	{
		const unsigned char huge[] = { 0xdd, 0xff, 0xff, 0xff, 0xff };
		CHECK_INT(msg_parse(huge, sizeof huge, 1 << 20, &in, &e), JRP_EBADMSG);
		CHECK_STR(e.code, "bad_message");
		msg_in_free(&in);
	}
	/* not a map */
	{
		const unsigned char arr[] = { 0x91, 0x01 };
		CHECK_INT(msg_parse(arr, sizeof arr, 1 << 20, &in, &e), JRP_EBADMSG);
		CHECK(strstr(e.message, "map") != NULL);
		msg_in_free(&in);
	}
	/* invalid UTF-8 in a string value, and a duplicate key */
	{
		const unsigned char bad[] = { 0x81, 0xa1, 'k', 0xa2, 0xc3, 0x28 };
		const unsigned char dup[] = { 0x82, 0xa1, 'k', 0x01, 0xa1, 'k', 0x02 };
		mr r;
		const char *s;
		size_t n;
		CHECK_INT(msg_parse(bad, sizeof bad, 1 << 20, &in, &e), 0);
		mr_init(&r, in.root, "", &e);
		CHECK_INT(mr_str(&r, "k", MR_REQ, 10, &s, &n), JRP_EINVAL);
		CHECK(strstr(e.message, "UTF-8") != NULL);
		msg_in_free(&in);
		CHECK_INT(msg_parse(dup, sizeof dup, 1 << 20, &in, &e), 0);
		CHECK_INT(mr_init(&r, in.root, "", &e), JRP_EBADMSG);
		CHECK(strstr(e.message, "twice") != NULL);
		msg_in_free(&in);
	}
	mw_free(&w);
}

/* utf8_ref - the validator as it was first written (decode each code point, then judge it): the
 * fast one must agree with it on every sequence */
static bool utf8_ref(const unsigned char *p, size_t len)
{
	const unsigned char *end = p + len;
	while (p < end) {
		unsigned c = *p;
		size_t n;
		uint32_t cp;
		if (c == 0)
			return false;
		if (c < 0x80) {
			p++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1; cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2; cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3; cp = c & 0x07;
		} else {
			return false;
		}
		if ((size_t)(end - p) <= n)
			return false;
		for (size_t i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		p += n + 1;
	}
	return true;
}

/* every sequence of 1 to 3 bytes, and of 4 bytes from every lead byte with sampled continuations,
 * alone and after 8 ASCII bytes (the fast path) */
static void test_utf8_agrees(void)
{
	unsigned char b[16];
	long bad = 0;
	for (unsigned x = 0; x < 1u << 24; x++) {
		b[0] = x >> 16 & 0xff;
		b[1] = x >> 8 & 0xff;
		b[2] = x & 0xff;
		bad += utf8_valid((const char *)b, 3) != utf8_ref(b, 3);
		if ((x & 0xff) == 0)   /* every first two bytes, alone */
			bad += utf8_valid((const char *)b, 2) != utf8_ref(b, 2);
		if ((x & 0xffff) == 0)   /* every first byte, alone */
			bad += utf8_valid((const char *)b, 1) != utf8_ref(b, 1);
	}
	for (unsigned lead = 0xf0; lead <= 0xff; lead++)
		for (unsigned c1 = 0x70; c1 <= 0xcf; c1++)
			for (unsigned c2 = 0x7f; c2 <= 0xc1; c2 += 0x21) {
				b[0] = (unsigned char)lead;
				b[1] = (unsigned char)c1;
				b[2] = (unsigned char)c2;
				b[3] = 0x80;
				bad += utf8_valid((const char *)b, 4) != utf8_ref(b, 4);
			}
	memcpy(b, "abcdefgh", 8);
	for (unsigned x = 0; x < 1u << 16; x++) {
		b[8] = x >> 8 & 0xff;
		b[9] = x & 0xff;
		bad += utf8_valid((const char *)b, 10) != utf8_ref(b, 10);
		b[3] = 0;   /* a NUL inside the fast path's eight bytes */
		bad += utf8_valid((const char *)b, 10) != utf8_ref(b, 10);
		b[3] = 'd';
	}
	CHECK_INT(bad, 0);
}

/* Issue 10, smaller things: limits on people's text are in characters, not bytes: a 70-character
 * company name in Chinese (210 bytes) fits a 200-character limit; 201 characters do not, and the
 * error says characters */
static void test_text_in_characters(void)
{
	static char name[1024], buf[TEXT_BUF(200)];
	mw w;
	msg_in in;
	mr r;
	jrp_error e;
	for (int i = 0; i < 70; i++)
		memcpy(name + 3 * i, "企", 3);
	name[210] = 0;
	mw_init(&w);
	mw_map(&w);
	mw_kstr(&w, "name", name);
	mw_kstr(&w, "long", "");
	mw_end(&w);
	CHECK_INT(msg_parse(mw_data(&w), mw_len(&w), 1 << 20, &in, &e), 0);
	CHECK_INT(mr_init(&r, in.root, "record", &e), 0);
	CHECK_INT(mr_text(&r, "name", MR_REQ, 200, buf), 1);
	CHECK_STR(buf, name);
	CHECK_INT(mr_text(&r, "long", MR_REQ, 200, buf), JRP_EINVAL);
	CHECK_STR(e.message, "must not be empty");
	msg_in_free(&in);
	mw_free(&w);
	CHECK_INT(utf8_chars(name, 210), 70);
	/* 201 characters: refused, counted in characters */
	for (int i = 0; i < 201; i++)
		memcpy(name + 3 * i, "企", 3);
	name[603] = 0;
	mw_init(&w);
	mw_map(&w);
	mw_kstr(&w, "name", name);
	mw_end(&w);
	CHECK_INT(msg_parse(mw_data(&w), mw_len(&w), 1 << 20, &in, &e), 0);
	CHECK_INT(mr_init(&r, in.root, "record", &e), 0);
	CHECK_INT(mr_text(&r, "name", MR_REQ, 200, buf), JRP_EINVAL);
	CHECK_STR(e.field, "record.name");
	CHECK_STR(e.message, "is 201 characters long; at most 200 allowed");
	msg_in_free(&in);
	mw_free(&w);
}

static void test_utf8(void)
{
	CHECK(utf8_valid("税务局", strlen("税务局")));
	CHECK(!utf8_valid("\xc0\xaf", 2));           /* overlong */
	CHECK(!utf8_valid("\xed\xa0\x80", 3));       /* surrogate */
	CHECK(!utf8_valid("a\0b", 3));
}

int main(void)
{
	RUN(test_roundtrip);
	RUN(test_errors_name_the_field);
	RUN(test_bad_bytes);
	RUN(test_utf8);
	RUN(test_utf8_agrees);
	RUN(test_text_in_characters);
	TAP_DONE();
}
