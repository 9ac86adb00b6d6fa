/*
 * test_conv.c - unit tests of common/conv.c: JSON/YAML text to msgpack (types,
 * every refusal with its line and column), JSON lines, and msgpack to JSON
 * (escaping, bin, ext, non-string keys, floats, indentation).
 */
#include "conv.h"
#include "tap.h"
#include <math.h>

/* render - msgpack object as JSON text (malloc'd) */
static char *render(const msgpack_object *o, int indent)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);
	conv_msgpack_to_json(o, indent, f);
	fclose(f);
	return s;
}

/* to_json - text -> msgpack -> JSON; NULL on a conversion error (in *e) */
static char *to_json(const char *text, int indent, jrp_error *e)
{
	msgpack_sbuffer sb;
	msgpack_unpacked u;
	size_t off = 0;
	char *s = NULL;

	jrp_error_clear(e);
	msgpack_sbuffer_init(&sb);
	msgpack_unpacked_init(&u);
	if (conv_text_to_msgpack(text, strlen(text), &sb, e) != 0)
		goto cleanup;
	if (msgpack_unpack_next(&u, sb.data, sb.size, &off) != MSGPACK_UNPACK_SUCCESS ||
	    off != sb.size) {
		snprintf(e->message, sizeof e->message, "msgpack does not unpack as one object");
		goto cleanup;
	}
	s = render(&u.data, indent);
cleanup:
	msgpack_unpacked_destroy(&u);
	msgpack_sbuffer_destroy(&sb);
	return s;
}

/* json_is - text converts and renders compactly as want */
static int json_is(const char *text, const char *want)
{
	jrp_error e;
	char *got = to_json(text, 0, &e);
	int ok = got && strcmp(got, want) == 0;
	if (!ok)
		printf("# %s -> %s (%s %s), expected %s\n", text, got ? got : "(error)", e.field,
		       e.message, want);
	free(got);
	return ok;
}

/* refused - text is refused with code, field and message */
static int refused(const char *text, size_t len, const char *code, const char *field,
		   const char *msg)
{
	msgpack_sbuffer sb;
	jrp_error e;
	int rc, ok;

	jrp_error_clear(&e);
	msgpack_sbuffer_init(&sb);
	rc = conv_text_to_msgpack(text, len, &sb, &e);
	ok = rc == jrp_rc_of(code) && sb.size == 0 && strcmp(e.code, code) == 0 &&
	     strcmp(e.field, field) == 0 && strcmp(e.message, msg) == 0;
	if (!ok)
		printf("# %.60s: rc %d code '%s' field '%s' message '%s', expected '%s' '%s'\n",
		       text, rc, e.code, e.field, e.message, field, msg);
	msgpack_sbuffer_destroy(&sb);
	return ok;
}

#define REFUSED(text, field, msg) refused((text), strlen(text), JRP_ERR_BAD_MESSAGE, (field), (msg))

/* first_type - the msgpack type that text converts to */
static int first_type(const char *text, msgpack_object *copy)
{
	msgpack_sbuffer sb;
	msgpack_unpacked u;
	size_t off = 0;
	jrp_error e;
	int t = -1;

	msgpack_sbuffer_init(&sb);
	msgpack_unpacked_init(&u);
	if (conv_text_to_msgpack(text, strlen(text), &sb, &e) == 0 &&
	    msgpack_unpack_next(&u, sb.data, sb.size, &off) == MSGPACK_UNPACK_SUCCESS) {
		t = (int)u.data.type;
		*copy = u.data; /* scalars only: no pointers into the zone are used */
	}
	msgpack_unpacked_destroy(&u);
	msgpack_sbuffer_destroy(&sb);
	return t;
}

static void test_json_roundtrip(void)
{
	CHECK(json_is("{\"a\":{\"b\":[1,2,{\"c\":null}],\"d\":{}},\"e\":[[],[[]]]}",
		      "{\"a\":{\"b\":[1,2,{\"c\":null}],\"d\":{}},\"e\":[[],[[]]]}"));
	CHECK(json_is("{ \"name\" : \"\\u4e2d\\u6587\", \"raw\": \"中文\" }",
		      "{\"name\":\"中文\",\"raw\":\"中文\"}"));
	CHECK(json_is("[true, false, null, 0, -1, 42, 1.5, -2.5e-3, 1E3]",
		      "[true,false,null,0,-1,42,1.5,-0.0025000000000000001,1000.0]"));
	CHECK(json_is("[\"42\", \"true\", \"null\", \"\", \"1.5\"]",
		      "[\"42\",\"true\",\"null\",\"\",\"1.5\"]"));
	CHECK(json_is("\"a\\\"b\\\\c\\nd\\te\\u0001\\/\"", "\"a\\\"b\\\\c\\nd\\te\\u0001/\""));
	CHECK(json_is("{\n\t\"tabs\": [\n\t\t1\n\t]\n}\n", "{\"tabs\":[1]}"));
	CHECK(json_is("{\"a\":1}\r\n", "{\"a\":1}"));
	CHECK(json_is("42", "42"));
	/* an empty string at the end of the msgpack has a NULL pointer
	 * (found by fuzz_conv) */
	CHECK(json_is(">\n", "\"\""));
	CHECK(json_is("\"\"", "\"\""));
	CHECK(json_is("\"only\"", "\"only\""));
	/* the same key in different maps is not a duplicate */
	CHECK(json_is("{\"a\":{\"a\":1},\"b\":{\"a\":2}}", "{\"a\":{\"a\":1},\"b\":{\"a\":2}}"));
	/* characters beyond U+FFFF written as surrogate pairs (libyaml refuses
	 * them; conv rewrites them): U+1F600 and U+20000 */
	CHECK(json_is("[\"\\ud83d\\ude00\", \"\\uD840\\uDC00\", \"\\\\ud83d\"]",
		      "[\"\xf0\x9f\x98\x80\",\"\xf0\xa0\x80\x80\",\"\\\\ud83d\"]"));
	CHECK(json_is("{\"k\\ud83d\\ude00\": 1}", "{\"k\xf0\x9f\x98\x80\":1}"));
	CHECK(REFUSED("[\"\\ud83d\"]", "line 1 column 5",
		      "found invalid Unicode character escape code (while parsing a quoted scalar)"));
	/* not rewritten where the text is not plainly JSON: a YAML block
	 * document, a single-quoted scalar, a comment */
	CHECK(REFUSED("a: \"\\ud83d\\ude00\"\n", "line 1 column 7",
		      "found invalid Unicode character escape code (while parsing a quoted scalar)"));
	CHECK(REFUSED("['\\ud83d\\ude00', \"\\ud83d\\ude00\"]", "line 1 column 21",
		      "found invalid Unicode character escape code (while parsing a quoted scalar)"));
	CHECK(REFUSED("[\"\\ud83d\\ude00\"] # c", "line 1 column 5",
		      "found invalid Unicode character escape code (while parsing a quoted scalar)"));
}

static void test_types(void)
{
	msgpack_object o;
	CHECK_INT(first_type("42", &o), MSGPACK_OBJECT_POSITIVE_INTEGER);
	CHECK(o.via.u64 == 42);
	CHECK_INT(first_type("-42", &o), MSGPACK_OBJECT_NEGATIVE_INTEGER);
	CHECK(o.via.i64 == -42);
	CHECK_INT(first_type("-0", &o), MSGPACK_OBJECT_POSITIVE_INTEGER);
	CHECK_INT(first_type("9223372036854775807", &o), MSGPACK_OBJECT_POSITIVE_INTEGER);
	CHECK(o.via.u64 == 9223372036854775807ull);
	CHECK_INT(first_type("18446744073709551615", &o), MSGPACK_OBJECT_POSITIVE_INTEGER);
	CHECK(o.via.u64 == 18446744073709551615ull);
	CHECK_INT(first_type("-9223372036854775808", &o), MSGPACK_OBJECT_NEGATIVE_INTEGER);
	CHECK(o.via.i64 == INT64_MIN);
	/* beyond 64 bits: JSON number syntax, so a double */
	CHECK_INT(first_type("18446744073709551616", &o), MSGPACK_OBJECT_FLOAT64);
	CHECK_INT(first_type("-9223372036854775809", &o), MSGPACK_OBJECT_FLOAT64);
	CHECK_INT(first_type("1.25", &o), MSGPACK_OBJECT_FLOAT64);
	CHECK(o.via.f64 == 1.25);
	CHECK_INT(first_type("-1e-2", &o), MSGPACK_OBJECT_FLOAT64);
	CHECK_INT(first_type("true", &o), MSGPACK_OBJECT_BOOLEAN);
	CHECK(o.via.boolean);
	CHECK_INT(first_type("false", &o), MSGPACK_OBJECT_BOOLEAN);
	CHECK(!o.via.boolean);
	CHECK_INT(first_type("null", &o), MSGPACK_OBJECT_NIL);
	CHECK_INT(first_type("~", &o), MSGPACK_OBJECT_NIL);
	CHECK_INT(first_type("---\n", &o), MSGPACK_OBJECT_NIL);
	/* strings: quoted, leading zeros (a division code keeps its digits),
	 * YAML 1.1 spellings that are not JSON, numbers JSON does not know */
	CHECK_INT(first_type("\"42\"", &o), MSGPACK_OBJECT_STR);
	CHECK_INT(first_type("'42'", &o), MSGPACK_OBJECT_STR);
	CHECK_INT(first_type("010105", &o), MSGPACK_OBJECT_STR);
	CHECK_INT(first_type("+5", &o), MSGPACK_OBJECT_STR);
	CHECK_INT(first_type("yes", &o), MSGPACK_OBJECT_STR);
	CHECK_INT(first_type("True", &o), MSGPACK_OBJECT_STR);
	CHECK_INT(first_type("1.", &o), MSGPACK_OBJECT_STR);
	CHECK_INT(first_type(".5", &o), MSGPACK_OBJECT_STR);
	CHECK_INT(first_type("0x1F", &o), MSGPACK_OBJECT_STR);
	CHECK_INT(first_type(".inf", &o), MSGPACK_OBJECT_STR);
	CHECK_INT(first_type("1e", &o), MSGPACK_OBJECT_STR);
	CHECK_INT(first_type("\"\"", &o), MSGPACK_OBJECT_STR);
	CHECK_INT(first_type("[]", &o), MSGPACK_OBJECT_ARRAY);
	CHECK_INT(first_type("{}", &o), MSGPACK_OBJECT_MAP);
	CHECK(json_is("[\"a\\u0000b\"]", "[\"a\\u0000b\"]"));
}

static void test_yaml(void)
{
	CHECK(json_is("# a request\n"
		      "type: list.add\n"
		      "subject:\n"
		      "  name: 某某公司\n"
		      "  codes: [91350100M000100Y43, '5493001KJTIIGC8Y1R12']\n"
		      "  division: 350100\n"
		      "  leading: 010105\n"
		      "facts: |\n"
		      "  line one\n"
		      "  line two\n"
		      "empty:\n"
		      "list:\n"
		      "  - 1\n"
		      "  - \"2\"\n"
		      "  - ~\n",
		      "{\"type\":\"list.add\",\"subject\":{\"name\":\"某某公司\",\"codes\":"
		      "[\"91350100M000100Y43\",\"5493001KJTIIGC8Y1R12\"],\"division\":350100,"
		      "\"leading\":\"010105\"},\"facts\":\"line one\\nline two\\n\",\"empty\":null,"
		      "\"list\":[1,\"2\",null]}"));
	CHECK(json_is("---\na: 1\n...\n", "{\"a\":1}"));
}

static void test_rejects(void)
{
	CHECK(REFUSED("a: 1\n---\nb: 2\n", "line 2 column 1", "more than one document"));
	CHECK(REFUSED("a: &x 1\nb: 2\n", "line 1 column 4", "anchors are not allowed (&x)"));
	CHECK(REFUSED("a: &x [1]\n", "line 1 column 4", "anchors are not allowed (&x)"));
	CHECK(REFUSED("a: 1\nb: *x\n", "line 2 column 4", "aliases are not allowed (*x)"));
	CHECK(REFUSED("a: !!str 1\n", "line 1 column 4",
		      "tags are not allowed (tag:yaml.org,2002:str)"));
	CHECK(REFUSED("a: !x {}\n", "line 1 column 4", "tags are not allowed (!x)"));
	CHECK(REFUSED("{\"a\": 1,\n \"b\": 2,\n \"a\": 3}", "line 3 column 2", "duplicate key 'a'"));
	CHECK(REFUSED("{\"a\":1,\"a\":2}", "line 1 column 8", "duplicate key 'a'"));
	CHECK(REFUSED("{1: 2}", "line 1 column 2", "mapping key '1' is not a string (quote it)"));
	CHECK(REFUSED("true: 2\n", "line 1 column 1",
		      "mapping key 'true' is not a string (quote it)"));
	CHECK(REFUSED("{null: 2}", "line 1 column 2",
		      "mapping key 'null' is not a string (quote it)"));
	CHECK(REFUSED("? [1]\n: 2\n", "line 1 column 3",
		      "mapping key must be a string, not a sequence"));
	CHECK(REFUSED("{{}: 2}", "line 1 column 2", "mapping key must be a string, not a mapping"));
	CHECK(REFUSED("", "line 1 column 1", "no document (empty input)"));
	CHECK(REFUSED("  \n# only a comment\n", "line 2 column 17", "no document (empty input)"));
	CHECK(REFUSED("{\"a\":1,", "line 1 column 8",
		      "did not find expected node content (while parsing a flow node)"));
	CHECK(REFUSED("[1,\n2,\n", "line 2 column 3",
		      "did not find expected node content (while parsing a flow node)"));
	CHECK(REFUSED("{\"a\": [1, 2}", "line 1 column 12",
		      "did not find expected ',' or ']' (while parsing a flow sequence)"));
	CHECK(REFUSED("[\"\xff\"]", "line 1 column 3",
		      "invalid leading UTF-8 octet (byte 0xFF)"));
	CHECK(REFUSED("[\"\xef\xbf\xbe\"]", "line 1 column 3",
		      "control characters are not allowed (U+FFFE)"));
	CHECK(REFUSED("[\"a\x01\"]", "line 1 column 4",
		      "control characters are not allowed (byte 0x01)"));
	CHECK(REFUSED("[1e999]", "line 1 column 2", "number '1e999' is out of range"));
	CHECK(REFUSED("{\"k\":\"v\"}{\"k\":\"v\"}", "line 1 column 10",
		      "did not find expected <document start>"));
}

/* nest - n arrays inside each other */
static char *nest(int n)
{
	char *s = malloc((size_t)n * 2 + 1);
	memset(s, '[', (size_t)n);
	memset(s + n, ']', (size_t)n);
	s[2 * n] = 0;
	return s;
}

static void test_depth(void)
{
	char *ok32 = nest(32), *bad33 = nest(33);
	jrp_error e;
	char *out = to_json(ok32, 0, &e);
	/* 32 levels convert, and msgpack-c's unpacker (32 levels) takes them */
	CHECK(out && strcmp(out, ok32) == 0);
	CHECK(REFUSED(bad33, "line 1 column 33", "nesting deeper than 32 levels"));
	/* three maps and 29 arrays make 32: the 30th '[' is refused */
	CHECK(REFUSED("a:\n b:\n  c: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
		      "line 3 column 35", "nesting deeper than 32 levels"));
	free(out);
	free(ok32);
	free(bad33);
}

static void test_too_large(void)
{
	size_t n = (16u << 20) + 1;
	char *big = malloc(n);
	memset(big, ' ', n);
	big[0] = '1';
	CHECK(refused(big, n, JRP_ERR_TOO_LARGE, "input",
		      "input is 16777217 bytes, over the limit of 16777216 bytes (16 MiB)"));
	free(big);
}

/* the output buffer is appended to, not replaced */
static void test_append(void)
{
	msgpack_sbuffer sb;
	jrp_error e;
	msgpack_sbuffer_init(&sb);
	msgpack_sbuffer_write(&sb, "\xc0", 1);
	CHECK_INT(conv_text_to_msgpack("[1, \"ab\"]", 9, &sb, &e), 0);
	CHECK_INT(sb.size, 6);
	CHECK(memcmp(sb.data, "\xc0\x92\x01\xa2" "ab", 6) == 0);
	/* a failure leaves it as it was */
	CHECK_INT(conv_text_to_msgpack("[1,", 3, &sb, &e), JRP_EBADMSG);
	CHECK_INT(sb.size, 6);
	msgpack_sbuffer_destroy(&sb);
}

struct lines {
	int calls;
	size_t linenos[8];
	char json[8][64];
	int stop_at;
};

static int on_line(void *arg, const char *mp, size_t mplen, size_t lineno)
{
	struct lines *l = arg;
	msgpack_unpacked u;
	size_t off = 0;
	char *s;

	if (l->calls >= 8)
		return -100;
	msgpack_unpacked_init(&u);
	if (msgpack_unpack_next(&u, mp, mplen, &off) == MSGPACK_UNPACK_SUCCESS && off == mplen) {
		s = render(&u.data, 0);
		snprintf(l->json[l->calls], sizeof l->json[0], "%s", s);
		free(s);
	}
	msgpack_unpacked_destroy(&u);
	l->linenos[l->calls++] = lineno;
	return l->calls == l->stop_at ? 7 : 0;
}

static void test_json_lines(void)
{
	const char *text = "{\"a\":1}\n[2, \"x\"]\r\n\n   \t\n\"s\"\n{\"b\": [1, 2}\n{\"c\":3}\n";
	const char *bad3 = "{\"a\":1}\n{\"a\":2}\n{\"a\":3,\"a\":4}\n{\"a\":5}\n";
	struct lines l = { 0 };
	jrp_error e;

	jrp_error_clear(&e);
	CHECK_INT(conv_json_lines(text, strlen(text), on_line, &l, &e), JRP_EBADMSG);
	CHECK_INT(l.calls, 3);
	CHECK_INT(l.linenos[0], 1);
	CHECK_INT(l.linenos[1], 2);
	CHECK_INT(l.linenos[2], 5);
	CHECK_STR(l.json[0], "{\"a\":1}");
	CHECK_STR(l.json[1], "[2,\"x\"]");
	CHECK_STR(l.json[2], "\"s\"");
	CHECK_STR(e.field, "line 6 column 12");
	CHECK_STR(e.message, "did not find expected ',' or ']' (while parsing a flow sequence)");

	/* a bad line 3 is reported as line 3 */
	memset(&l, 0, sizeof l);
	CHECK_INT(conv_json_lines(bad3, strlen(bad3), on_line, &l, &e), JRP_EBADMSG);
	CHECK_INT(l.calls, 2);
	CHECK_STR(e.field, "line 3 column 8");
	CHECK_STR(e.message, "duplicate key 'a'");
	memset(&l, 0, sizeof l);
	CHECK_INT(conv_json_lines("[1]\n[2]\n[3,", 11, on_line, &l, &e), JRP_EBADMSG);
	CHECK_STR(e.field, "line 3 column 4");

	/* all good, no final newline; the callback's non-zero result stops */
	memset(&l, 0, sizeof l);
	CHECK_INT(conv_json_lines("1\n2\n3", 5, on_line, &l, &e), 0);
	CHECK_INT(l.calls, 3);
	CHECK_STR(l.json[2], "3");
	memset(&l, 0, sizeof l);
	l.stop_at = 2;
	CHECK_INT(conv_json_lines("1\n2\n3\n", 6, on_line, &l, &e), 7);
	CHECK_INT(l.calls, 2);
	memset(&l, 0, sizeof l);
	CHECK_INT(conv_json_lines("", 0, on_line, &l, &e), 0);
	CHECK_INT(conv_json_lines("\n\n \n", 4, on_line, &l, &e), 0);
	CHECK_INT(l.calls, 0);
}

/* mp_json - render the single object packed in sb */
static char *mp_json(const msgpack_sbuffer *sb, int indent)
{
	msgpack_unpacked u;
	size_t off = 0;
	char *s = NULL;
	msgpack_unpacked_init(&u);
	if (msgpack_unpack_next(&u, sb->data, sb->size, &off) == MSGPACK_UNPACK_SUCCESS)
		s = render(&u.data, indent);
	msgpack_unpacked_destroy(&u);
	return s;
}

static void pack_s(msgpack_packer *pk, const char *s, size_t n)
{
	msgpack_pack_str(pk, n);
	msgpack_pack_str_body(pk, s, n);
}

static void test_json_output(void)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	char *s;
	static const char esc[] = "q\"b\\n\nt\tc\x01\x1f\x7f" "d\r\b\f";
	/* bad: lone continuation, truncated sequence, overlong '/', surrogate
	 * U+D800, beyond U+10FFFF, then valid 中 and U+1F600 */
	static const char bad[] = "\x80|\xe4\xb8|\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80|\xe4\xb8\xad\xf0\x9f\x98\x80";

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 10);
	pack_s(&pk, esc, sizeof esc - 1);
	pack_s(&pk, bad, sizeof bad - 1);
	msgpack_pack_bin(&pk, 5);
	msgpack_pack_bin_body(&pk, "\x00\x01\x02\xfe\xff", 5);
	msgpack_pack_ext(&pk, 2, 7);
	msgpack_pack_ext_body(&pk, "ab", 2);
	msgpack_pack_double(&pk, 1.0);
	msgpack_pack_double(&pk, 0.1);
	msgpack_pack_double(&pk, NAN);
	msgpack_pack_double(&pk, -INFINITY);
	msgpack_pack_float(&pk, 0.1f);
	msgpack_pack_map(&pk, 7);
	msgpack_pack_int(&pk, 1); msgpack_pack_true(&pk);
	msgpack_pack_int(&pk, -2); msgpack_pack_nil(&pk);
	msgpack_pack_nil(&pk); msgpack_pack_int(&pk, 3);
	msgpack_pack_array(&pk, 2); msgpack_pack_int(&pk, 1); pack_s(&pk, "\"", 1);
	msgpack_pack_false(&pk);
	msgpack_pack_bin(&pk, 2); msgpack_pack_bin_body(&pk, "hi", 2); msgpack_pack_int(&pk, 4);
	msgpack_pack_double(&pk, 2.5); msgpack_pack_int(&pk, 5);
	pack_s(&pk, "k\n", 2); msgpack_pack_map(&pk, 0);

	s = mp_json(&sb, 0);
	CHECK_STR(s, "[\"q\\\"b\\\\n\\nt\\tc\\u0001\\u001f\x7f" "d\\r\\b\\f\","
		  "\"\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd|"
		  "\\ufffd\\ufffd\\ufffd\\ufffd|\xe4\xb8\xad\xf0\x9f\x98\x80\","
		  "\"AAEC/v8=\",{\"ext\":7,\"data\":\"YWI=\"},1.0,0.10000000000000001,null,null,"
		  "0.100000001,"
		  "{\"1\":true,\"-2\":null,\"null\":3,\"[1,\\\"\\\\\\\"\\\"]\":false,\"aGk=\":4,"
		  "\"2.5\":5,\"k\\n\":{}}]");
	free(s);

	/* indented */
	msgpack_sbuffer_clear(&sb);
	msgpack_pack_map(&pk, 4);
	pack_s(&pk, "a", 1); msgpack_pack_array(&pk, 2); msgpack_pack_int(&pk, 1);
	msgpack_pack_map(&pk, 1); pack_s(&pk, "b", 1); msgpack_pack_array(&pk, 0);
	pack_s(&pk, "c", 1); msgpack_pack_map(&pk, 0);
	pack_s(&pk, "d", 1); msgpack_pack_ext(&pk, 1, -1); msgpack_pack_ext_body(&pk, "x", 1);
	pack_s(&pk, "e", 1); pack_s(&pk, "中", 3);
	s = mp_json(&sb, 2);
	CHECK_STR(s, "{\n"
		  "  \"a\": [\n"
		  "    1,\n"
		  "    {\n"
		  "      \"b\": []\n"
		  "    }\n"
		  "  ],\n"
		  "  \"c\": {},\n"
		  "  \"d\": {\n"
		  "    \"ext\": -1,\n"
		  "    \"data\": \"eA==\"\n"
		  "  },\n"
		  "  \"e\": \"中\"\n"
		  "}");
	free(s);
	s = mp_json(&sb, 0);
	CHECK_STR(s, "{\"a\":[1,{\"b\":[]}],\"c\":{},\"d\":{\"ext\":-1,\"data\":\"eA==\"},\"e\":\"中\"}");
	free(s);

	/* base64 of 0, 1, 2, 3 bytes */
	msgpack_sbuffer_clear(&sb);
	msgpack_pack_array(&pk, 4);
	msgpack_pack_bin(&pk, 0);
	msgpack_pack_bin(&pk, 1); msgpack_pack_bin_body(&pk, "f", 1);
	msgpack_pack_bin(&pk, 2); msgpack_pack_bin_body(&pk, "fo", 2);
	msgpack_pack_bin(&pk, 3); msgpack_pack_bin_body(&pk, "foo", 3);
	s = mp_json(&sb, 0);
	CHECK_STR(s, "[\"\",\"Zg==\",\"Zm8=\",\"Zm9v\"]");
	free(s);
	msgpack_sbuffer_destroy(&sb);

	/* a JSON text with every escape reads back to the same text */
	{
		jrp_error e;
		const char *t = "{\"s\":\"\\\"\\\\\\n\\t\\r\\b\\f\\u0000\\u001f\"}";
		char *o = to_json(t, 0, &e);
		CHECK_STR(o, t);
		free(o);
	}
}

int main(void)
{
	RUN(test_json_roundtrip);
	RUN(test_types);
	RUN(test_yaml);
	RUN(test_rejects);
	RUN(test_depth);
	RUN(test_too_large);
	RUN(test_append);
	RUN(test_json_lines);
	RUN(test_json_output);
	TAP_DONE();
}
