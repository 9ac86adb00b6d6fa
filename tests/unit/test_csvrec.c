/*
 * test_csvrec.c - unit tests of common/csvrec.c: a department's spreadsheet as
 * credit records (jrpctl submit --csv). The CSV reader (RFC 4180 quotes,
 * doubled quotes, CRLF and LF, newlines inside quotes, the BOM, GB18030 built
 * here with iconv, the files it refuses), cells read as text (codes Excel
 * mangled, dates, 万元 exactly), the mapping file (the shipped ones, and every
 * refusal with file:line:column), rows converted through the shipped 双公示
 * penalty mapping, refusals with their Chinese reasons and the refused CSV.
 * DOMAIN.md "Commitments and 双公示" [001 §(一)4]: licences and penalties are
 * reported within 7 working days and published; "Credit records": what a penalty
 * record carries; "Subjects and codes": codes checked by their algorithms.
 */
#include "csvrec.h"
#include "msg.h"
#include "tap.h"
#include <iconv.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/jrp-csvrec-XXXXXX";

static const char *write_tmp(const char *name, const char *text)
{
	static char path[PATH_MAX];
	FILE *f;
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static csvrec_file *read_ok(const char *text)
{
	csvrec_file *f = NULL;
	jrp_error e;
	jrp_error_clear(&e);
	if (csvrec_read(text, strlen(text), &f, &e) != 0)
		printf("# csvrec_read: %s: %s\n", e.field, e.message);
	return f;
}

/* refused_read - the text is refused with msg in the message */
static int refused_read(const char *text, size_t len, const char *msg)
{
	csvrec_file *f = NULL;
	jrp_error e;
	int rc;
	jrp_error_clear(&e);
	rc = csvrec_read(text, len, &f, &e);
	if (rc == 0 || !strstr(e.message, msg)) {
		printf("# expected a refusal with \"%s\", got rc %d: %s\n", msg, rc, e.message);
		csvrec_free(&f);
		return 0;
	}
	return f == NULL;
}

static void test_reader_rfc4180(void)
{
	/* quoted cells with commas, doubled quotes and a line break; CRLF; the header is row 1 */
	csvrec_file *f = read_ok("名称,说明,金额\r\n"
				 "\"甲公司, 分公司\",\"他说\"\"好\"\"\",1\r\n"
				 "乙,\"第一行\n第二行\",2\r\n"
				 "丙,,3");
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK_INT(csvrec_encoding_of(f), CSVREC_UTF8);
	CHECK_INT(csvrec_ncols(f), 3);
	CHECK_STR(csvrec_header(f, 1), "说明");
	CHECK_INT(csvrec_nrows(f), 3);
	CHECK_STR(csvrec_cell(f, 0, 0), "甲公司, 分公司");
	CHECK_STR(csvrec_cell(f, 0, 1), "他说\"好\"");
	CHECK_STR(csvrec_cell(f, 1, 1), "第一行\n第二行");
	CHECK_INT(csvrec_row_no(f, 0), 2);
	CHECK_INT(csvrec_row_no(f, 1), 3);   /* the line break inside quotes is the same row */
	CHECK_INT(csvrec_row_no(f, 2), 4);
	CHECK_STR(csvrec_cell(f, 2, 1), "");
	CHECK_STR(csvrec_cell(f, 2, 2), "3");   /* no line break at the end */
	CHECK_STR(csvrec_cell(f, 2, 7), "");    /* past the row's end */
	csvrec_free(&f);

	/* a line break inside a quoted cell is LF, whether the file wrote CRLF or LF */
	f = read_ok("a,b\r\n\"x\r\ny\",\"p\rq\"\r\n");
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK_STR(csvrec_cell(f, 0, 0), "x\ny");
	CHECK_STR(csvrec_cell(f, 0, 1), "p\rq");
	csvrec_free(&f);

	/* LF, an empty row skipped but counted (as a spreadsheet numbers its rows), spaces trimmed
	 * (ASCII and the ideographic U+3000) */
	f = read_ok("a,b\n x ,\xe3\x80\x80y\xe3\x80\x80\n,\n\nz,w\n");
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK_INT(csvrec_nrows(f), 2);
	CHECK_STR(csvrec_cell(f, 0, 0), "x");
	CHECK_STR(csvrec_cell(f, 0, 1), "y");
	CHECK_INT(csvrec_row_no(f, 1), 5);
	csvrec_free(&f);

	/* headers compare without spaces, with full-width brackets folded */
	f = read_ok("\xef\xbb\xbf 罚款金额 （万元） ,b\r\n1,2\r\n");
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK_INT(csvrec_encoding_of(f), CSVREC_UTF8_BOM);
	CHECK_STR(csvrec_header(f, 0), "罚款金额(万元)");
	csvrec_free(&f);
}

static void test_reader_refusals(void)
{
	CHECK(refused_read("a,b\r\n\"open,1\r\n", 14, "row 2: a quoted cell is not closed"));
	CHECK(refused_read("a,b\r\n\"x\"y,1\r\n", 13, "row 2: text after the closing quote"));
	CHECK(refused_read("\xff\xfe" "a\0,\0", 6, "UTF-16"));
	CHECK(refused_read("PK\3\4xxxx", 8, "Excel workbook"));
	CHECK(refused_read("a,b\0", 4, "NUL"));
	CHECK(refused_read("", 0, "empty"));
	/* Chinese in UTF-8, then a byte that is not: a damaged UTF-8 file, not GB18030 */
	CHECK(refused_read("名称,b\n\xff,1\n", 11, "damaged"));
	CHECK(refused_read("\xef\xbb\xbf名称\xff", 10, "byte order mark"));
}

/* gb18030 - text converted to GB18030 with iconv (malloc'd), as a clerk's Windows Excel saves it */
static char *gb18030(const char *utf8, size_t *len)
{
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	size_t inleft = strlen(utf8), cap = 2 * inleft + 16, oleft = cap;
	char *out = malloc(cap), *o = out, *in = (char *)utf8;
	CHECK(cd != (iconv_t)-1);
	CHECK(iconv(cd, &in, &inleft, &o, &oleft) != (size_t)-1);
	iconv_close(cd);
	*len = (size_t)(o - out);
	return out;
}

static void test_reader_gb18030(void)
{
	size_t len;
	char *gb = gb18030("行政相对人名称,罚款金额（万元）\r\n示范科技有限公司,3.5\r\n“引号”与㐀,1\r\n", &len);
	csvrec_file *f = NULL;
	jrp_error e;
	printf("# a GB18030 file made here with iconv, %zu bytes: not UTF-8\n", len);
	jrp_error_clear(&e);
	CHECK(csvrec_read(gb, len, &f, &e) == 0);
	free(gb);
	if (!f) {
		printf("# %s\n", e.message);
		return;
	}
	CHECK_INT(csvrec_encoding_of(f), CSVREC_GB18030);
	CHECK_STR(csvrec_encoding_name(csvrec_encoding_of(f)), "GB18030");
	CHECK_STR(csvrec_header(f, 0), "行政相对人名称");
	CHECK_STR(csvrec_header(f, 1), "罚款金额(万元)");
	CHECK_STR(csvrec_cell(f, 0, 0), "示范科技有限公司");
	CHECK_STR(csvrec_cell(f, 1, 0), "“引号”与㐀");   /* a CJK Extension A character: GB18030's four bytes */
	csvrec_free(&f);
}

static void test_cells(void)
{
	char why[512];
	const char *s;
	size_t n;
	jrp_date d;
	int64_t v;
	char iso[11];
	static const struct { const char *in, *want; } dates[] = {
		{ "2026-05-20", "2026-05-20" }, { "2026/5/20", "2026-05-20" }, { "2026/05/02", "2026-05-02" },
		{ "2026年5月20日", "2026-05-20" }, { "2026年12月1日", "2026-12-01" }, { "20260520", "2026-05-20" },
		{ "2026-05-20 00:00:00", "2026-05-20" }, { "2026/5/20 0:00", "2026-05-20" },
	};
	static const char *const bad_dates[] = { "2026-02-30", "2026-13-01", "2026.05.20", "26-05-20", "2026年5月20",
						 "2026-05-20x", "20261320", "五月" };

	/* codes are text: never a number */
	CHECK(csvrec_parse_code("9.13501E+17", "统一社会信用代码", &s, &n, why, sizeof why) == JRP_EINVAL);
	CHECK(strstr(why, "统一社会信用代码“9.13501E+17”") && strstr(why, "Excel") && strstr(why, "文本"));
	printf("# %s\n", why);
	CHECK(csvrec_parse_code("1.10105E17", "证件号码", &s, &n, why, sizeof why) == JRP_EINVAL);
	CHECK(csvrec_parse_code("=\"0123456789\"", "x", &s, &n, why, sizeof why) == 0 && n == 10 && !memcmp(s, "0123456789", 10));
	CHECK(csvrec_parse_code("'012345", "x", &s, &n, why, sizeof why) == 0 && n == 6 && !memcmp(s, "012345", 6));
	CHECK(csvrec_parse_code("11010519491231002X", "x", &s, &n, why, sizeof why) == 0 && n == 18);
	CHECK(csvrec_parse_code("91350100M000100Y43", "x", &s, &n, why, sizeof why) == 0 && n == 18);

	for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
		int rc = csvrec_parse_date(dates[i].in, "处罚决定日期", &d, why, sizeof why);
		CHECK(rc == 0);
		if (rc == 0) {
			date_format(d, iso);
			CHECK_STR(iso, dates[i].want);
		}
	}
	for (size_t i = 0; i < sizeof bad_dates / sizeof bad_dates[0]; i++) {
		CHECK(csvrec_parse_date(bad_dates[i], "处罚决定日期", &d, why, sizeof why) == JRP_EINVAL);
		CHECK(strstr(why, "不是有效日期") != NULL);
	}
	CHECK(csvrec_parse_date("46162", "处罚决定日期", &d, why, sizeof why) == JRP_EINVAL);
	CHECK(strstr(why, "Excel 的日期序列号") != NULL);

	/* money exactly: decimal text times the unit, no floating point */
	CHECK(csvrec_parse_yuan("3.5", 10000, "罚款金额", &v, why, sizeof why) == 0 && v == 35000);
	CHECK(csvrec_parse_yuan("0.0001", 10000, "罚款金额", &v, why, sizeof why) == 0 && v == 1);
	CHECK(csvrec_parse_yuan("1,234.5678", 10000, "罚款金额", &v, why, sizeof why) == 0 && v == 12345678);
	CHECK(csvrec_parse_yuan("3.5万元", 10000, "罚款金额", &v, why, sizeof why) == 0 && v == 35000);
	CHECK(csvrec_parse_yuan("0.1", 10000, "罚款金额", &v, why, sizeof why) == 0 && v == 1000);
	/* 0.1 + 0.2 in binary floating point is not 0.3: here it is */
	CHECK(csvrec_parse_yuan("0.30", 10000, "罚款金额", &v, why, sizeof why) == 0 && v == 3000);
	CHECK(csvrec_parse_yuan("1234.00", 1, "罚没金额", &v, why, sizeof why) == 0 && v == 1234);
	CHECK(csvrec_parse_yuan("1234元", 1, "罚没金额", &v, why, sizeof why) == 0 && v == 1234);
	CHECK(csvrec_parse_yuan("922337203685477.5807", 10000, "x", &v, why, sizeof why) == 0 && v == INT64_MAX);
	CHECK(csvrec_parse_yuan("922337203685477.5808", 10000, "x", &v, why, sizeof why) == JRP_EINVAL);
	CHECK(csvrec_parse_yuan("0.00001", 10000, "罚款金额", &v, why, sizeof why) == JRP_EINVAL);
	CHECK(strstr(why, "不是整数元") != NULL);
	CHECK(csvrec_parse_yuan("1234.5", 1, "罚没金额", &v, why, sizeof why) == JRP_EINVAL);
	CHECK(csvrec_parse_yuan("-1", 10000, "罚款金额", &v, why, sizeof why) == JRP_EINVAL);
	CHECK(strstr(why, "负数") != NULL);
	CHECK(csvrec_parse_yuan("1.2E+05", 1, "罚没金额", &v, why, sizeof why) == JRP_EINVAL);
	CHECK(strstr(why, "科学计数法") != NULL);
	CHECK(csvrec_parse_yuan("5万元", 1, "罚没金额", &v, why, sizeof why) == JRP_EINVAL);   /* another unit */
	CHECK(csvrec_parse_yuan("三千", 1, "罚没金额", &v, why, sizeof why) == JRP_EINVAL);
	CHECK(csvrec_parse_yuan("", 1, "罚没金额", &v, why, sizeof why) == JRP_EINVAL);
	CHECK(csvrec_parse_yuan("1.2.3", 1, "罚没金额", &v, why, sizeof why) == JRP_EINVAL);
}

/* ---- the mapping ---- */

static void test_mapping_shipped(void)
{
	static const char *const files[] = { "penalty", "licence" };
	for (size_t i = 0; i < 2; i++) {
		char path[PATH_MAX];
		csvrec_map *m = NULL;
		jrp_error e;
		jrp_error_clear(&e);
		snprintf(path, sizeof path, "%s/rules/csv/%s.yaml", JRP_SOURCE_ROOT, files[i]);
		CHECK(csvrec_map_load(path, &m, &e) == 0);
		if (!m) {
			printf("# %s: %s\n", e.field, e.message);
			continue;
		}
		CHECK_STR(csvrec_map_kind(m), files[i]);
		CHECK(csvrec_map_domain(m) == NULL);   /* the department's domain */
		CHECK(strstr(csvrec_map_title(m), "双公示") != NULL);
		csvrec_map_free(&m);
	}
}

/* map_refused - the mapping text is refused at line:col with msg */
static void map_refused(const char *text, int line, int col, const char *msg)
{
	const char *path = write_tmp("m.yaml", text);
	csvrec_map *m = NULL;
	jrp_error e;
	char want[PATH_MAX + 32];
	jrp_error_clear(&e);
	snprintf(want, sizeof want, "%s:%d:%d", path, line, col);
	CHECK(csvrec_map_load(path, &m, &e) != 0);
	CHECK(m == NULL);
	CHECK_STR(e.code, "config");
	CHECK_STR(e.field, want);
	CHECK(strstr(e.message, msg) != NULL);
	if (!strstr(e.message, msg) || strcmp(e.field, want) != 0)
		printf("# wanted %s ...%s..., got %s: %s\n", want, msg, e.field, e.message);
	csvrec_map_free(&m);
}

#define BASE "kind: penalty\nrecord_id: { from: [文号] }\nsubject_type_from: 代码\n"
#define FIELDS "fields:\n  subject.name: 名称\n  subject.code: 代码\n  decision_date: 日期\n"

static void test_mapping_refusals(void)
{
	map_refused("kind: penalty\ncolour: red\n", 2, 1, "unknown key 'colour'");
	map_refused("kind: fine\n", 1, 7, "'fine' is not a record kind");
	map_refused(BASE FIELDS "  subject.colour: 颜色\n", 8, 3, "unknown record field 'subject.colour'");
	map_refused(BASE FIELDS "  amount: { header: 金额, unit: 千元 }\n", 8, 31, "unit is 元 or 万元");
	map_refused(BASE FIELDS "  amount: { header: 金额, type: date }\n", 8, 31, "cannot be read as date");
	map_refused(BASE FIELDS "  facts: { header: 事实, colour: 1 }\n", 8, 24, "unknown key 'colour'");
	map_refused(BASE FIELDS "  facts: { header: 事实, const: x }\n", 8, 10, "exactly one of header");
	map_refused(BASE FIELDS "  subject.name: 名称2\n", 8, 3, "mapped twice");
	map_refused(BASE "fields:\n  subject.name: 名称\n  decision_date: 日期\n", 5, 3, "'subject.code' is not mapped");
	map_refused(BASE FIELDS "  subject.type: { const: org }\n", 1, 1, "exactly one of them");
	map_refused("kind: penalty\nrecord_id: {}\n" FIELDS, 2, 12, "exactly one of from");
	map_refused(BASE FIELDS "  amount: { const: 三千 }\n", 8, 20, "does not read as yuan");
	map_refused(BASE FIELDS "  violation: { header: 类型, otherwise: omit }\n", 8, 39, "otherwise says what to do");
	map_refused(BASE "domain: Tax\n" FIELDS, 4, 9, "must match");
}

/* ---- rows through the shipped penalty mapping ---- */

#define HEADER "行政相对人名称,统一社会信用代码,法定代表人,法定代表人证件号码,证件类型,证件号码,行政处罚决定书文号," \
	"违法行为类型,违法事实,处罚依据,处罚内容,罚款金额（万元）,处罚决定日期,公示截止期,处罚机关,处罚机关统一社会信用代码,内部编号\r\n"

static csvrec_map *penalty_map(void)
{
	char path[PATH_MAX];
	csvrec_map *m = NULL;
	jrp_error e;
	snprintf(path, sizeof path, "%s/rules/csv/penalty.yaml", JRP_SOURCE_ROOT);
	CHECK(csvrec_map_load(path, &m, &e) == 0);
	return m;
}

/* record_of - row i converted and unpacked (into *in, which the caller frees), or NULL */
static const msgpack_object *record_of(csvrec_file *f, size_t i, msg_in *in)
{
	msgpack_sbuffer sb;
	jrp_error e;
	const msgpack_object *o = NULL;
	msgpack_sbuffer_init(&sb);
	memset(in, 0, sizeof *in);
	if (csvrec_convert(f, i, &sb) == 0 && msg_parse(sb.data, sb.size, 1 << 20, in, &e) == 0)
		o = in->root;
	else if (csvrec_refusal_of(f, i))
		printf("# row %zu refused: %s\n", csvrec_refusal_of(f, i)->row, csvrec_refusal_of(f, i)->reason);
	msgpack_sbuffer_destroy(&sb);
	return o;
}

static const char *str_of(const msgpack_object *o, const char *path, char *buf, size_t n)
{
	char key[64];
	const char *dot;
	while ((dot = strchr(path, '.'))) {
		snprintf(key, sizeof key, "%.*s", (int)(dot - path), path);
		if (!(o = obj_get(o, key)))
			return "(absent)";
		path = dot + 1;
	}
	if (!obj_get(o, path))
		return "(absent)";
	return obj_cstr(o, path, buf, n);
}

static void test_rows(void)
{
	csvrec_map *m = penalty_map();
	csvrec_file *f;
	csvrec_opts o = { .domain = "tax" };
	jrp_error e;
	msg_in in;
	const msgpack_object *r;
	char b[256], *out;
	size_t len;
	const char *const *warn;
	if (!m)
		return;
	printf("# DOMAIN.md \"Commitments and 双公示\" [001 §(一)4]: a penalty export in the 双公示 layout\n");
	f = read_ok(HEADER
		/* row 2: an organisation, its legal representative, a fine of 3.5 万元 */
		"示范科技有限公司,91350100M000100Y43,王五,350102198001011233,,,示税稽罚〔2026〕101号,偷税,"
		"\"少缴税款, 经查属实\",税收征收管理法第六十三条,罚款,3.5,2026/9/20,2027年9月19日,示范市税务局,11350100MB00012341,A-1\r\n"
		/* row 3: a natural person (no 统一社会信用代码), his ID number with its X */
		"张三,,,,身份证,11010519491231002X,示税罚〔2026〕7号,未按期申报,逾期申报,税收征收管理法第六十二条,罚款,0.02,20260918,,,,\r\n"
		/* row 4: a check character that is wrong */
		"甲公司,91350100M000100Y44,,,,,示税罚〔2026〕8号,,,,,,2026-09-18,,,,\r\n"
		/* row 5: a code that Excel turned into a number */
		"乙公司,9.13501E+17,,,,,示税罚〔2026〕9号,,,,,,2026-09-18,,,,\r\n"
		/* row 6: no such date */
		"丙公司,91350100M000100Y43,,,,,示税罚〔2026〕10号,,,,,,2026-02-30,,,,\r\n"
		/* row 7: an amount that is not whole yuan */
		"丁公司,91350100M000100Y43,,,,,示税罚〔2026〕11号,,,,,0.00001,2026-09-18,,,,\r\n"
		/* row 8: the decision number of row 2 again, other content */
		"示范科技有限公司,91350100M000100Y43,,,,,示税稽罚〔2026〕101号,,,,,,2026-09-20,,,,\r\n"
		/* row 9: a legal representative without an ID number */
		"戊公司,91350100M000100Y43,赵六,,,,示税罚〔2026〕12号,,,,,,2026-09-18,,,,\r\n"
		/* row 10: a person with a legal representative */
		"李四,,赵六,350102198001011233,,11010519491231002X,示税罚〔2026〕13号,,,,,,2026-09-18,,,,\r\n"
		/* row 11: Excel cut an 18-digit ID number to 15 significant digits */
		"王二,,,,,110105194912310000,示税罚〔2026〕14号,,,,,,2026-09-18,,,,\r\n"
		/* row 12: a row with more cells than the header */
		"己公司,91350100M000100Y43,,,,,示税罚〔2026〕15号,,,,,,2026-09-18,,,,,多出来的\r\n");
	if (!f) {
		csvrec_map_free(&m);
		return;
	}
	CHECK(csvrec_bind(f, m, &o, &e) == 0);
	CHECK_INT(csvrec_warnings(f, &warn), 1);
	CHECK(strstr(warn[0], "does not read, ignored: 内部编号") != NULL);
	printf("# warning: %s\n", warn[0]);

	r = record_of(f, 0, &in);
	CHECK(r != NULL);
	if (r) {
		CHECK_STR(str_of(r, "record_id", b, sizeof b), "示税稽罚〔2026〕101号");
		CHECK_STR(str_of(r, "kind", b, sizeof b), "penalty");
		CHECK_STR(str_of(r, "domain", b, sizeof b), "tax");
		CHECK_STR(str_of(r, "subject.type", b, sizeof b), "org");
		CHECK_STR(str_of(r, "subject.code", b, sizeof b), "91350100M000100Y43");
		CHECK_STR(str_of(r, "subject.legal_rep.name", b, sizeof b), "王五");
		CHECK_STR(str_of(r, "subject.legal_rep.id_no", b, sizeof b), "350102198001011233");
		CHECK_STR(str_of(r, "decision_date", b, sizeof b), "2026-09-20");
		CHECK_STR(str_of(r, "publish_until", b, sizeof b), "2027-09-19");
		CHECK_STR(str_of(r, "violation", b, sizeof b), "tax_evasion");
		CHECK_STR(str_of(r, "facts", b, sizeof b), "违法事实：少缴税款, 经查属实\n处罚内容：罚款");
		CHECK_INT(obj_i64(r, "amount"), 35000);
		CHECK_STR(str_of(r, "authority_code", b, sizeof b), "11350100MB00012341");
	}
	msg_in_free(&in);
	r = record_of(f, 1, &in);
	CHECK(r != NULL);
	if (r) {
		CHECK_STR(str_of(r, "subject.type", b, sizeof b), "person");
		CHECK_STR(str_of(r, "subject.id_type", b, sizeof b), "citizen");
		CHECK_STR(str_of(r, "subject.code", b, sizeof b), "11010519491231002X");
		CHECK_STR(str_of(r, "subject.legal_rep.name", b, sizeof b), "(absent)");
		CHECK_STR(str_of(r, "violation", b, sizeof b), "(absent)");   /* 未按期申报: not in the table */
		CHECK_STR(str_of(r, "decision_date", b, sizeof b), "2026-09-18");
		CHECK_INT(obj_i64(r, "amount"), 200);
	}
	msg_in_free(&in);
	for (size_t i = 2; i < csvrec_nrows(f); i++) {
		CHECK(record_of(f, i, &in) == NULL);
		msg_in_free(&in);
	}
	{
		static const struct { size_t row; const char *reason; } want[] = {
			{ 4, "统一社会信用代码校验位错误 (bad_code record.subject.code)" },
			{ 5, "统一社会信用代码“9.13501E+17”是被 Excel 转成科学计数法的数字" },
			{ 6, "处罚决定日期“2026-02-30”不是有效日期" },
			{ 7, "罚款金额(万元)“0.00001”折合不是整数元" },
			{ 8, "记录号“示税稽罚〔2026〕101号”与第 2 行相同，但内容不同" },
			{ 9, "缺少法定代表人证件号码 (missing_field record.subject.legal_rep.id_no)" },
			{ 10, "自然人没有法定代表人" },
			{ 11, "证件号码校验位错误（疑似被 Excel 当作数字截断" },
			{ 12, "该行有 18 列，表头只有 17 列" },
		};
		CHECK_INT(csvrec_nrefused(f), 9);
		for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
			const csvrec_refusal *x = csvrec_refusal_of(f, want[k].row - 2);
			CHECK(x != NULL);
			if (!x)
				continue;
			CHECK_INT(x->row, want[k].row);
			if (!strstr(x->reason, want[k].reason))
				printf("# row %zu: %s\n#   wanted: %s\n", x->row, x->reason, want[k].reason);
			CHECK(strstr(x->reason, want[k].reason) != NULL);
		}
		CHECK_STR(csvrec_refusal_of(f, 3)->field, "record.subject.code");
		CHECK_STR(csvrec_refusal_of(f, 3)->code, "bad_value");
	}
	/* the values left out are named once, with their count */
	CHECK_INT(csvrec_warnings(f, &warn), 2);
	CHECK(strstr(warn[1], "违法行为类型: 1 row with values not in the mapping's table, sent without field violation: 未按期申报 (1)") != NULL);
	printf("# warning: %s\n", warn[1]);

	/* ingest refused a row later: its reason in Chinese, the daemon's detail kept */
	csvrec_refuse(f, 1, "bad_value", "record.decision_date", "is in the future (today is 2026-09-01)");
	CHECK_STR(csvrec_refusal_of(f, 1)->reason, "处罚决定日期晚于今天 (bad_value record.decision_date)");
	CHECK_INT(csvrec_nrefused(f), 10);

	/* the refused CSV: the input's columns, 行号, 原因; CRLF; quoted where needed */
	csvrec_refused_csv(f, &out, &len);
	CHECK(out != NULL);
	if (out) {
		CHECK(strncmp(out, "行政相对人名称,", strlen("行政相对人名称,")) == 0);
		CHECK(strstr(out, ",内部编号,行号,原因\r\n") != NULL);
		CHECK(strstr(out, "\r\n张三,,,,身份证,11010519491231002X,") != NULL);
		CHECK(strstr(out, ",3,处罚决定日期晚于今天 (bad_value record.decision_date)\r\n") != NULL);
		CHECK(strstr(out, ",4,统一社会信用代码校验位错误 (bad_code record.subject.code)\r\n") != NULL);
		CHECK(strstr(out, "\r\n示范科技有限公司") == NULL || strstr(out, ",8,") != NULL);
		CHECK(strstr(out, ",2,") == NULL);   /* row 2 was not refused */
		{
			/* read back: 10 rows, the refused file itself reads as a CSV */
			csvrec_file *g = NULL;
			CHECK(csvrec_read(out, len, &g, &e) == 0);
			if (g) {
				CHECK_INT(csvrec_nrows(g), 10);
				CHECK_STR(csvrec_header(g, csvrec_ncols(g) - 2), "行号");
				CHECK_STR(csvrec_cell(g, 0, csvrec_ncols(g) - 2), "3");
			}
			csvrec_free(&g);
		}
		free(out);
	}
	csvrec_free(&f);
	csvrec_map_free(&m);
}

static void test_bind(void)
{
	csvrec_map *m = penalty_map();
	csvrec_file *f;
	csvrec_opts o = { .domain = "tax" }, none = { 0 };
	jrp_error e;
	if (!m)
		return;
	/* a required column missing refuses the whole file, naming it */
	f = read_ok("行政相对人名称,统一社会信用代码,行政处罚决定书文号\r\n甲,91350100M000100Y43,X1\r\n");
	jrp_error_clear(&e);
	CHECK(csvrec_bind(f, m, &o, &e) != 0);
	CHECK(strstr(e.message, "the CSV has no column \"处罚决定日期\"") != NULL);
	printf("# %s\n", e.message);
	csvrec_free(&f);
	/* no domain anywhere */
	f = read_ok(HEADER);
	CHECK(csvrec_bind(f, m, &none, &e) != 0);
	CHECK(strstr(e.message, "no domain") != NULL);
	/* a column named twice that a field reads */
	csvrec_free(&f);
	f = read_ok("行政相对人名称,统一社会信用代码,行政处罚决定书文号,处罚决定日期,处罚决定日期\r\n");
	CHECK(csvrec_bind(f, m, &o, &e) != 0);
	CHECK(strstr(e.message, "two columns are named \"处罚决定日期\"") != NULL);
	csvrec_free(&f);
	/* the columns the national template names in full fit too (full-width brackets or not) */
	f = read_ok("行政相对人名称,行政相对人代码_1（统一社会信用代码）,行政处罚决定书文号,处罚决定日期,备注\r\n"
		    "甲,91350100M000100Y43,X1,2026-09-01,\r\n");
	CHECK(csvrec_bind(f, m, &o, &e) == 0);
	{
		msg_in in;
		char b[64];
		const msgpack_object *r = record_of(f, 0, &in);
		CHECK(r && strcmp(str_of(r, "subject.code", b, sizeof b), "91350100M000100Y43") == 0);
		CHECK(r && strcmp(str_of(r, "subject.type", b, sizeof b), "org") == 0);
		msg_in_free(&in);
	}
	csvrec_free(&f);
	csvrec_map_free(&m);
}

static void test_record_id_hash(void)
{
	const char *path = write_tmp("h.yaml", "kind: penalty\ndomain: tax\nrecord_id: { hash: true }\n"
				     "subject_type_from: 代码\nfields:\n  subject.name: 名称\n  subject.code: 代码\n"
				     "  decision_date: 日期\n  amount: { header: 罚没金额, type: yuan, unit: 元 }\n");
	csvrec_map *m = NULL;
	csvrec_opts o = { 0 };
	jrp_error e;
	char ids[3][80];
	static const char *const csvs[] = { "名称,代码,日期,罚没金额\n甲,91350100M000100Y43,2026-09-01,100\n",
					    "\xef\xbb\xbf名称,代码,日期,罚没金额,其他\r\n甲,91350100M000100Y43,2026-09-01,100,x\r\n",
					    "名称,代码,日期,罚没金额\n甲,91350100M000100Y43,2026-09-02,100\n" };
	CHECK(csvrec_map_load(path, &m, &e) == 0);
	if (!m)
		return;
	for (int i = 0; i < 3; i++) {
		csvrec_file *f = read_ok(csvs[i]);
		msg_in in;
		const msgpack_object *r;
		CHECK(csvrec_bind(f, m, &o, &e) == 0);
		r = record_of(f, 0, &in);
		str_of(r, "record_id", ids[i], sizeof ids[i]);
		msg_in_free(&in);
		csvrec_free(&f);
	}
	printf("# record ids: %s %s %s\n", ids[0], ids[1], ids[2]);
	CHECK(strncmp(ids[0], "csv-", 4) == 0 && strlen(ids[0]) == 20);
	CHECK_STR(ids[0], ids[1]);          /* the same row: the same id, whatever else the file has */
	CHECK(strcmp(ids[0], ids[2]) != 0);
	csvrec_map_free(&m);
}

static void test_reasons(void)
{
	char b[600];
	csvrec_reason("bad_code", "record.subject.code", "check character is '4' but should be '3'", "统一社会信用代码",
		      "91350100M000100Y44", b, sizeof b);
	CHECK_STR(b, "统一社会信用代码校验位错误 (bad_code record.subject.code)");
	csvrec_reason("bad_code", "record.subject.code", "must be 18 characters, got 17", "统一社会信用代码", NULL, b, sizeof b);
	CHECK_STR(b, "统一社会信用代码应为 18 位，实为 17 位 (bad_code record.subject.code)");
	csvrec_reason("missing_field", "record.subject.name", "is missing", "行政相对人名称", NULL, b, sizeof b);
	CHECK_STR(b, "缺少行政相对人名称 (missing_field record.subject.name)");
	csvrec_reason("forbidden", "record.domain", "department \"court\" does not identify in domain \"tax\"", "领域", NULL,
		      b, sizeof b);
	CHECK_STR(b, "本部门无权报送该领域的记录 (forbidden record.domain: department \"court\" does not identify in domain \"tax\")");
	csvrec_reason("conflict", "record.record_id", "x", "记录号", NULL, b, sizeof b);
	CHECK(strncmp(b, "该记录号已以不同内容报送过", strlen("该记录号已以不同内容报送过")) == 0);
	csvrec_reason("bad_value", "record.subject.name", "is 201 characters long; at most 200 allowed", "行政相对人名称", NULL,
		      b, sizeof b);
	CHECK_STR(b, "行政相对人名称过长（201 个字，最多 200 个） (bad_value record.subject.name)");
}

static void test_template(void)
{
	static const char *const kinds[] = { "penalty", "licence" };
	for (int k = 0; k < 2; k++) {
		char path[PATH_MAX];
		csvrec_map *m = NULL;
		csvrec_file *f = NULL;
		csvrec_opts o = { .domain = "market" };
		jrp_error e;
		FILE *fp;
		char text[8192];
		size_t len;
		msg_in in;
		const msgpack_object *r;
		snprintf(path, sizeof path, "%s/rules/csv/%s.yaml", JRP_SOURCE_ROOT, kinds[k]);
		CHECK(csvrec_map_load(path, &m, &e) == 0);
		snprintf(path, sizeof path, "%s/rules/csv/%s-template.csv", JRP_SOURCE_ROOT, kinds[k]);
		fp = fopen(path, "rb");
		CHECK(fp != NULL);
		if (!fp || !m) {
			csvrec_map_free(&m);
			continue;
		}
		len = fread(text, 1, sizeof text, fp);
		fclose(fp);
		CHECK(csvrec_read(text, len, &f, &e) == 0);
		CHECK(f && csvrec_bind(f, m, &o, &e) == 0);
		if (f) {
			const char *const *warn;
			CHECK_INT(csvrec_encoding_of(f), CSVREC_UTF8_BOM);
			CHECK_INT(csvrec_nrows(f), 1);
			CHECK_INT(csvrec_warnings(f, &warn), 0);   /* every column is read or ignored on purpose */
			r = record_of(f, 0, &in);
			CHECK(r != NULL);
			msg_in_free(&in);
		}
		csvrec_free(&f);
		csvrec_map_free(&m);
	}
}

int main(void)
{
	if (!mkdtemp(tmpdir))
		return 1;
	RUN(test_reader_rfc4180);
	RUN(test_reader_refusals);
	RUN(test_reader_gb18030);
	RUN(test_cells);
	RUN(test_mapping_shipped);
	RUN(test_mapping_refusals);
	RUN(test_rows);
	RUN(test_bind);
	RUN(test_record_id_hash);
	RUN(test_reasons);
	RUN(test_template);
	{
		char cmd[PATH_MAX + 16];
		snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", tmpdir);
	}
	TAP_DONE();
}
