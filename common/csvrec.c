/*
 * csvrec.c - a department's CSV export as credit records (see csvrec.h)
 *
 * The mapping file (README "The rules format", "CSV mapping files"):
 *
 *   title: 行政处罚信息（双公示）
 *   kind: penalty                      # a record kind (records.h CREDIT_KINDS)
 *   domain: tax                        # optional: else a `domain` field, else the caller's
 *   record_id: { from: [行政处罚决定书文号] }    # or { hash: true }; prefix: optional
 *   subject_type_from: 统一社会信用代码   # org when the cell is filled, person when it is empty
 *                                      # (a list: org when any of them is filled)
 *                                      # (a list: when any of them is filled)
 *   ignore: [备注]                     # columns read by nothing, on purpose (no warning)
 *   fields:
 *     subject.name: 行政相对人名称       # shorthand for { header: 行政相对人名称 }
 *     subject.code: { header: [统一社会信用代码, 证件号码], required: true }
 *     amount: { header: 罚款金额（万元）, unit: 万元 }
 *     facts: { join: [违法事实, 处罚内容] }
 *     violation: { header: 违法行为类型, values: { 偷税: tax_evasion }, otherwise: omit }
 *
 * Cells are text throughout: nothing is ever read as a floating-point number,
 * so codes keep their leading zeros and their X, and money is exact.
 */
#include "csvrec.h"
#include "msg.h"
#include "names.h"
#include "proto.h"
#include "records.h"
#include "util/str.h"
#include "util/xalloc.h"
#include "ydoc.h"
#include <errno.h>
#include <iconv.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the record fields a column may feed ---- */

enum { W_STR, W_INT, W_BOOL, W_DATE };                      /* the wire type of a field */
enum { G_TOP, G_SUBJECT, G_LEGAL_REP, G_CONTROLLER, G_NOTICE, G_ORDER };
enum { T_TEXT, T_CODE, T_DATE, T_YUAN, T_INTEGER, T_YESNO, T__N };  /* how a cell is read */
static const char *const type_names[T__N] = { "text", "code", "date", "yuan", "integer", "yesno" };
enum { O_REFUSE, O_OMIT, O_KEEP };                          /* a value not in `values` */

typedef struct rpath {
	const char *path;      /* the dotted path in the record map */
	const char *key;       /* its key in its map */
	int group, wire, type; /* the map it is in, its wire type, how its cell is read by default */
	const char *zh;        /* its Chinese name, when no column names it */
} rpath;

static const rpath rpaths[] = {
	{ "domain", "domain", G_TOP, W_STR, T_TEXT, "领域" },
	{ "subject.type", "type", G_SUBJECT, W_STR, T_TEXT, "主体类型" },
	{ "subject.id_type", "id_type", G_SUBJECT, W_STR, T_TEXT, "主体证件类型" },
	{ "subject.code", "code", G_SUBJECT, W_STR, T_CODE, "主体代码" },
	{ "subject.name", "name", G_SUBJECT, W_STR, T_TEXT, "主体名称" },
	{ "subject.lei", "lei", G_SUBJECT, W_STR, T_CODE, "LEI" },
	{ "subject.legal_rep.name", "name", G_LEGAL_REP, W_STR, T_TEXT, "法定代表人" },
	{ "subject.legal_rep.id_type", "id_type", G_LEGAL_REP, W_STR, T_TEXT, "法定代表人证件类型" },
	{ "subject.legal_rep.id_no", "id_no", G_LEGAL_REP, W_STR, T_CODE, "法定代表人证件号码" },
	{ "subject.actual_controller.name", "name", G_CONTROLLER, W_STR, T_TEXT, "实际控制人" },
	{ "subject.actual_controller.id_type", "id_type", G_CONTROLLER, W_STR, T_TEXT, "实际控制人证件类型" },
	{ "subject.actual_controller.id_no", "id_no", G_CONTROLLER, W_STR, T_CODE, "实际控制人证件号码" },
	{ "decision_date", "decision_date", G_TOP, W_DATE, T_DATE, "决定日期" },
	{ "decision_no", "decision_no", G_TOP, W_STR, T_TEXT, "决定文书号" },
	{ "violation", "violation", G_TOP, W_STR, T_TEXT, "违法行为类型" },
	{ "amount", "amount", G_TOP, W_INT, T_YUAN, "金额" },
	{ "base_amount", "base_amount", G_TOP, W_INT, T_YUAN, "基数金额" },
	{ "quantity", "quantity", G_TOP, W_INT, T_INTEGER, "数量" },
	{ "extension", "extension", G_TOP, W_STR, T_TEXT, "延长期限" },
	{ "publish_until", "publish_until", G_TOP, W_DATE, T_DATE, "公示截止期" },
	{ "rating", "rating", G_TOP, W_STR, T_TEXT, "信用等级" },
	{ "standard", "standard", G_TOP, W_STR, T_TEXT, "认定标准" },
	{ "final", "final", G_TOP, W_BOOL, T_YESNO, "决定是否已生效" },
	{ "facts", "facts", G_TOP, W_STR, T_TEXT, "事实" },
	{ "basis", "basis", G_TOP, W_STR, T_TEXT, "依据" },
	{ "authority", "authority", G_TOP, W_STR, T_TEXT, "决定机关" },
	{ "authority_code", "authority_code", G_TOP, W_STR, T_CODE, "决定机关统一社会信用代码" },
	{ "refers_to", "refers_to", G_TOP, W_STR, T_TEXT, "所涉记录号" },
	{ "outcome", "outcome", G_TOP, W_STR, T_TEXT, "约谈结果" },
	{ "notice.date", "date", G_NOTICE, W_DATE, T_DATE, "告知日期" },
	{ "notice.linked", "linked", G_NOTICE, W_BOOL, T_YESNO, "告知是否送达关联人员" },
	{ "order.date", "date", G_ORDER, W_DATE, T_DATE, "责令日期" },
	{ "order.due", "due", G_ORDER, W_DATE, T_DATE, "责令期限" },
};
#define NPATHS (sizeof rpaths / sizeof rpaths[0])
enum { P_DOMAIN = 0, P_SUBJECT_TYPE = 1 };

static int rpath_find(const char *path)
{
	for (size_t i = 0; i < NPATHS; i++)
		if (strcmp(rpaths[i].path, path) == 0)
			return (int)i;
	return -1;
}

/* ---- the mapping ---- */

typedef struct fspec {
	int path;                   /* index in rpaths */
	int type;                   /* T_* */
	char **headers;             /* header: alternatives, the first filled one counts; join: all */
	size_t nheaders;
	bool join;
	char *constant;
	bool required;
	int64_t unit;               /* yuan: 1 or 10000 */
	char **vfrom, **vto;        /* values: cell text -> record text */
	size_t nvalues;
	int otherwise;
	char **empty;               /* cell texts that mean an empty cell (无, /, 长期 ...) */
	size_t nempty;
	char *label;                /* the field's Chinese name in reasons: its headers, or rpaths' */
} fspec;

struct csvrec_map {
	char *path, *title, *kind, *domain;
	char **rid_from;            /* record_id: from */
	size_t nrid_from;
	bool rid_hash;
	char *rid_prefix;
	char **type_from;           /* subject_type_from: columns (alternatives) */
	size_t ntype_from;
	char **ignore;
	size_t nignore;
	fspec *f;
	size_t nf;
};

/* ---- small text helpers ---- */

static bool is_space_at(const char *s, size_t n, size_t *w)
{
	if (n >= 1 && (s[0] == ' ' || s[0] == '\t')) {
		*w = 1;
		return true;
	}
	if (n >= 3 && (unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80) {
		*w = 3;   /* U+3000 ideographic space */
		return true;
	}
	if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) {
		*w = 2;   /* U+00A0 no-break space */
		return true;
	}
	return false;
}

/* trim - the span of s[0..n) without leading and trailing spaces (ASCII, U+3000, U+00A0) */
static void trim(const char **s, size_t *n)
{
	size_t w;
	while (*n && is_space_at(*s, *n, &w)) {
		*s += w;
		*n -= w;
	}
	for (;;) {
		if (*n >= 1 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
			*n -= 1;
		else if (*n >= 3 && is_space_at(*s + *n - 3, 3, &w) && w == 3)
			*n -= 3;
		else if (*n >= 2 && is_space_at(*s + *n - 2, 2, &w) && w == 2)
			*n -= 2;
		else
			break;
	}
}

/* header_norm - a column name as it is compared: no spaces at all (ASCII, U+3000, U+00A0), full-width
 * brackets （） as ASCII (), so 罚款金额（万元） and 罚款金额 (万元) are the same column */
static char *header_norm(const char *s)
{
	size_t n = strlen(s), j = 0, w;
	char *o = xmalloc(n + 1);
	for (size_t i = 0; i < n;) {
		if (is_space_at(s + i, n - i, &w)) {
			i += w;
		} else if (n - i >= 3 && (unsigned char)s[i] == 0xEF && (unsigned char)s[i + 1] == 0xBC &&
			   ((unsigned char)s[i + 2] == 0x88 || (unsigned char)s[i + 2] == 0x89)) {
			o[j++] = (unsigned char)s[i + 2] == 0x88 ? '(' : ')';
			i += 3;
		} else {
			o[j++] = s[i++];
		}
	}
	o[j] = 0;
	return o;
}

/* utf8_bad_at - the offset of the first byte that is not valid UTF-8 (overlong forms, surrogates and
 * values past U+10FFFF refused), or n */
static size_t utf8_bad_at(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t k;
		uint32_t cp;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			k = 1, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			k = 2, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			k = 3, cp = c & 0x07;
		else
			return i;
		if (n - i <= k)
			return i;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + j] & 0x3F);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += k + 1;
	}
	return n;
}

/* ---- a growable byte buffer ---- */

typedef struct buf {
	char *p;
	size_t n, cap;
} buf;

static void buf_put(buf *b, const void *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		while (b->n + n + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 4096;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

static void buf_puts(buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

/* ---- the CSV ---- */

typedef struct crow {
	size_t no;                  /* 行号: the header is 1 */
	size_t first, n;            /* its cells */
} crow;

typedef struct refd {
	csvrec_refusal pub;
	char *reason;
	char code[32];
	char field[128];
} refd;

typedef struct tally {                  /* a value left out by `otherwise: omit` */
	size_t f;
	char *value;
	size_t count;
} tally;

typedef struct idslot {                 /* a record id made by an earlier row */
	char *id;
	size_t row;
	uint64_t content;
} idslot;

struct csvrec_file {
	csvrec_encoding enc;
	buf text;                   /* every cell, NUL-terminated, one after the other */
	size_t *cell;               /* offsets into text */
	size_t ncell, capcell;
	crow header;
	char **hnorm;               /* the header, normalised */
	crow *rows;                 /* data rows */
	size_t nrows, caprows;
	/* the binding */
	const csvrec_map *m;
	csvrec_opts o;
	int **fcol;                 /* [field][header]: column or -1 */
	int *type_col;              /* subject_type_from's columns (-1: not in the file) */
	int *rid_col;               /* record_id.from's columns */
	char *unknown;              /* the warning about columns the mapping does not read, or NULL */
	char *unnamed;              /* the warning about columns without a header holding data, or NULL */
	refd *ref;                  /* [nrows] */
	size_t nrefused;
	tally *tallies;
	size_t ntallies;
	idslot *ids;
	size_t capids, nids;
	char **warn;
	size_t nwarn;
};

static const char *cell_at(const csvrec_file *f, const crow *r, size_t col)
{
	return col < r->n ? f->text.p + f->cell[r->first + col] : "";
}

static void cell_push(csvrec_file *f, size_t off)
{
	if (f->ncell == f->capcell) {
		f->capcell = f->capcell ? f->capcell * 2 : 1024;
		f->cell = xrealloc(f->cell, f->capcell * sizeof *f->cell);
	}
	f->cell[f->ncell++] = off;
}

/* cell_end - close the cell begun at off: trimmed (its start moves), NUL-terminated */
static void cell_end(csvrec_file *f, size_t off)
{
	const char *s = f->text.p ? f->text.p + off : "";
	size_t n = f->text.n - off;
	trim(&s, &n);
	if (n && s != f->text.p + off)
		memmove(f->text.p + off, s, n);
	f->text.n = off + n;
	buf_put(&f->text, "", 1);
	cell_push(f, off);
}

static int parse(csvrec_file *f, const char *s, size_t n, jrp_error *e)
{
	size_t i = 0, no = 0;
	while (i < n) {
		crow r = { .no = ++no, .first = f->ncell };
		bool any = false;
		for (;;) {
			size_t off = f->text.n;
			if (i < n && s[i] == '"') {
				i++;
				for (;;) {
					size_t q;
					if (i >= n)
						return jrp_fail(e, JRP_ERR_BAD_VALUE, "csv", "row %zu: a quoted cell is not closed "
								"(its closing quote is missing)", no);
					q = i;
					while (q < n && s[q] != '"' && s[q] != '\r')
						q++;
					buf_put(&f->text, s + i, q - i);
					i = q;
					if (i >= n)
						continue;
					if (s[i] == '\r') {
						/* a line break inside a cell is LF, whichever the file's line ends are: CR LF loses
						 * its CR (a CR alone stays) */
						if (i + 1 >= n || s[i + 1] != '\n')
							buf_put(&f->text, "\r", 1);
						i++;
						continue;
					}
					if (i + 1 < n && s[i + 1] == '"') {
						buf_put(&f->text, "\"", 1);
						i += 2;
						continue;
					}
					i++;
					break;
				}
				if (i < n && s[i] != ',' && s[i] != '\r' && s[i] != '\n')
					return jrp_fail(e, JRP_ERR_BAD_VALUE, "csv", "row %zu: text after the closing quote of "
							"a quoted cell (a quote inside a cell is written twice: \"\")", no);
			} else {
				size_t q = i;
				while (q < n && s[q] != ',' && s[q] != '\r' && s[q] != '\n')
					q++;
				buf_put(&f->text, s + i, q - i);
				i = q;
			}
			cell_end(f, off);
			any |= f->text.p[f->cell[f->ncell - 1]] != 0;
			if (i < n && s[i] == ',') {
				i++;
				continue;
			}
			if (i < n && s[i] == '\r')
				i++;
			if (i < n && s[i] == '\n')
				i++;
			break;
		}
		r.n = f->ncell - r.first;
		if (no == 1) {
			f->header = r;
		} else if (any) {
			if (f->nrows == f->caprows) {
				f->caprows = f->caprows ? f->caprows * 2 : 256;
				f->rows = xrealloc(f->rows, f->caprows * sizeof *f->rows);
			}
			f->rows[f->nrows++] = r;
		}
	}
	if (no == 0)
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "csv", "the file is empty: the first row is the header");
	return 0;
}

/* decode - the text as UTF-8 (*out malloc'd): a BOM taken off, else GB18030 when it is not UTF-8 */
static int decode(const char *b, size_t len, char **out, size_t *olen, csvrec_encoding *enc, jrp_error *e)
{
	const unsigned char *u = (const unsigned char *)b;
	size_t bad;
	if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "csv", "the file is UTF-16 (Excel's \"Unicode text\"): save it as "
				"\"CSV UTF-8\" or plain CSV");
	if (len >= 4 && (memcmp(b, "PK\3\4", 4) == 0 || memcmp(b, "\xD0\xCF\x11\xE0", 4) == 0))
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "csv", "the file is an Excel workbook, not CSV: save it as CSV");
	if (memchr(b, 0, len))
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "csv", "the file holds NUL bytes (byte %zu): it is not CSV text",
				(size_t)((const char *)memchr(b, 0, len) - b));
	if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
		if ((bad = utf8_bad_at(u + 3, len - 3)) != len - 3)
			return jrp_fail(e, JRP_ERR_BAD_VALUE, "csv", "the file starts with a UTF-8 byte order mark, but byte "
					"%zu is not UTF-8", bad + 3);
		*enc = CSVREC_UTF8_BOM;
		*out = xstrndup(b + 3, len - 3);
		*olen = len - 3;
		return 0;
	}
	if ((bad = utf8_bad_at(u, len)) == len) {
		*enc = CSVREC_UTF8;
		*out = xstrndup(b, len);
		*olen = len;
		return 0;
	}
	for (size_t k = 0; k < bad; k++)
		if (u[k] >= 0x80)   /* UTF-8 Chinese before the bad byte: a damaged UTF-8 file, not GB18030 */
			return jrp_fail(e, JRP_ERR_BAD_VALUE, "csv", "byte %zu is not UTF-8, though the text before it is "
					"UTF-8: the file is damaged", bad);
	{
		iconv_t cd = iconv_open("UTF-8", "GB18030");
		char *in = (char *)b, *o;
		size_t inleft = len, cap = 2 * len + 16, oleft;
		if (cd == (iconv_t)-1)
			return jrp_fail(e, JRP_ERR_BAD_VALUE, "csv", "byte %zu is not UTF-8, and this system's iconv has no "
					"GB18030 to try", bad);
		*out = xmalloc(cap);
		o = *out;
		oleft = cap - 1;
		while (inleft) {
			if (iconv(cd, &in, &inleft, &o, &oleft) != (size_t)-1)
				continue;
			if (errno == E2BIG) {
				size_t used = (size_t)(o - *out);
				cap *= 2;
				*out = xrealloc(*out, cap);
				o = *out + used;
				oleft = cap - 1 - used;
				continue;
			}
			iconv_close(cd);
			free(*out);
			*out = NULL;
			return jrp_fail(e, JRP_ERR_BAD_VALUE, "csv", "the file is neither UTF-8 (byte %zu is not) nor GB18030 "
					"(byte %zu is not): export it as CSV UTF-8 or GB18030/GBK", bad, (size_t)(in - b));
		}
		iconv_close(cd);
		*o = 0;
		*olen = (size_t)(o - *out);
		*enc = CSVREC_GB18030;
		if (utf8_bad_at((const unsigned char *)*out, *olen) != *olen || memchr(*out, 0, *olen)) {
			free(*out);
			*out = NULL;
			return jrp_fail(e, JRP_ERR_BAD_VALUE, "csv", "the file is not UTF-8 and does not read as GB18030");
		}
		return 0;
	}
}

int csvrec_read(const char *b, size_t len, csvrec_file **out, jrp_error *e)
{
	csvrec_file *f = xcalloc(1, sizeof *f);
	char *text = NULL;
	size_t n = 0;
	int rc;
	*out = NULL;
	if ((rc = decode(b, len, &text, &n, &f->enc, e)) < 0 || (rc = parse(f, text, n, e)) < 0) {
		free(text);
		csvrec_free(&f);
		return rc;
	}
	free(text);
	f->hnorm = xcalloc(f->header.n + 1, sizeof *f->hnorm);
	for (size_t c = 0; c < f->header.n; c++)
		f->hnorm[c] = header_norm(cell_at(f, &f->header, c));
	*out = f;
	return 0;
}

static void unbind(csvrec_file *f)
{
	if (f->m) {
		for (size_t i = 0; i < f->m->nf; i++)
			free(f->fcol[i]);
	}
	free(f->fcol);
	f->fcol = NULL;
	free(f->rid_col);
	f->rid_col = NULL;
	free(f->type_col);
	f->type_col = NULL;
	free(f->unknown);
	free(f->unnamed);
	f->unknown = f->unnamed = NULL;
	for (size_t i = 0; f->ref && i < f->nrows; i++)
		free(f->ref[i].reason);
	free(f->ref);
	f->ref = NULL;
	f->nrefused = 0;
	for (size_t i = 0; i < f->ntallies; i++)
		free(f->tallies[i].value);
	free(f->tallies);
	f->tallies = NULL;
	f->ntallies = 0;
	for (size_t i = 0; i < f->capids; i++)
		free(f->ids[i].id);
	free(f->ids);
	f->ids = NULL;
	f->capids = f->nids = 0;
	f->m = NULL;
}

void csvrec_free(csvrec_file **pf)
{
	csvrec_file *f = *pf;
	if (!f)
		return;
	unbind(f);
	for (size_t c = 0; f->hnorm && c < f->header.n; c++)
		free(f->hnorm[c]);
	free(f->hnorm);
	for (size_t i = 0; i < f->nwarn; i++)
		free(f->warn[i]);
	free(f->warn);
	free(f->text.p);
	free(f->cell);
	free(f->rows);
	free(f);
	*pf = NULL;
}

csvrec_encoding csvrec_encoding_of(const csvrec_file *f)
{
	return f->enc;
}

const char *csvrec_encoding_name(csvrec_encoding enc)
{
	return enc == CSVREC_GB18030 ? "GB18030" : enc == CSVREC_UTF8_BOM ? "UTF-8 with BOM" : "UTF-8";
}

size_t csvrec_ncols(const csvrec_file *f)
{
	return f->header.n;
}

const char *csvrec_header(const csvrec_file *f, size_t col)
{
	return col < f->header.n ? f->hnorm[col] : "";
}

size_t csvrec_nrows(const csvrec_file *f)
{
	return f->nrows;
}

size_t csvrec_row_no(const csvrec_file *f, size_t i)
{
	return i < f->nrows ? f->rows[i].no : 0;
}

const char *csvrec_cell(const csvrec_file *f, size_t i, size_t col)
{
	return i < f->nrows ? cell_at(f, &f->rows[i], col) : "";
}

/* ---- the mapping file ---- */

static void fspec_clear(fspec *s)
{
	for (size_t i = 0; i < s->nheaders; i++)
		free(s->headers[i]);
	free(s->headers);
	for (size_t i = 0; i < s->nvalues; i++) {
		free(s->vfrom[i]);
		free(s->vto[i]);
	}
	free(s->vfrom);
	free(s->vto);
	for (size_t i = 0; i < s->nempty; i++)
		free(s->empty[i]);
	free(s->empty);
	free(s->constant);
	free(s->label);
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void csvrec_map_free(csvrec_map **pm)
{
	csvrec_map *m = *pm;
	if (!m)
		return;
	for (size_t i = 0; i < m->nf; i++)
		fspec_clear(&m->f[i]);
	free(m->f);
	strv_free(m->rid_from, m->nrid_from);
	strv_free(m->ignore, m->nignore);
	free(m->rid_prefix);
	strv_free(m->type_from, m->ntype_from);
	free(m->path);
	free(m->title);
	free(m->kind);
	free(m->domain);
	free(m);
	*pm = NULL;
}

const char *csvrec_map_kind(const csvrec_map *m)
{
	return m->kind;
}

const char *csvrec_map_domain(const csvrec_map *m)
{
	return m->domain;
}

const char *csvrec_map_title(const csvrec_map *m)
{
	return m->title;
}

const char *csvrec_map_path(const csvrec_map *m)
{
	return m->path;
}

/* headers_at - key: one column name or a sequence of them, normalised, into *out */
static int headers_at(ydoc *d, ynode *map, const char *key, char ***out, size_t *n, jrp_error *e)
{
	ynode *v = ydoc_map_get(d, map, key);
	int rc;
	if (v && ydoc_is_scalar(v)) {
		char *s = NULL;
		if ((rc = ydoc_str(d, map, key, true, &s, e)) < 0)
			return rc;
		*out = xcalloc(1, sizeof **out);
		(*out)[0] = header_norm(s);
		*n = 1;
		free(s);
	} else if ((rc = ydoc_strlist(d, map, key, true, out, n, e)) < 0) {
		return rc;
	} else {
		if (*n == 0)
			return ydoc_fail(d, v, e, "key '%s' names no column", key);
		for (size_t i = 0; i < *n; i++) {
			char *h = header_norm((*out)[i]);
			free((*out)[i]);
			(*out)[i] = h;
		}
	}
	for (size_t i = 0; i < *n; i++)
		if (!(*out)[i][0])
			return ydoc_fail(d, v, e, "key '%s': a column name is empty", key);
	return 0;
}

/* id_ok - [a-z0-9_]{1,32}, as a domain id */
static bool id_ok(const char *s)
{
	size_t n = strlen(s);
	return n >= 1 && n <= 32 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

static int read_cell(const fspec *s, const char *text, jrp_error *why, char *scratch, size_t sn,
		     const char **outs, size_t *outn, int64_t *outi, bool *outb);

static int field_load(ydoc *d, ynode *v, int path, fspec *s, jrp_error *e)
{
	static const char *const keys[] = { "header", "join", "const", "required", "type", "unit", "values",
					    "otherwise", "empty", NULL };
	const rpath *p = &rpaths[path];
	ynode *x;
	char *t = NULL;
	int rc, sources = 0;
	s->path = path;
	s->type = p->type;
	s->unit = 1;
	s->otherwise = O_REFUSE;
	if (ydoc_is_scalar(v)) {
		/* shorthand: the column's name */
		s->headers = xcalloc(1, sizeof *s->headers);
		s->headers[0] = header_norm(ydoc_scalar(v));
		s->nheaders = 1;
		if (!s->headers[0][0])
			return ydoc_fail(d, v, e, "field '%s': the column name is empty", p->path);
		goto label;
	}
	if ((rc = ydoc_map_check_keys(d, v, keys, e)) < 0)
		return rc;
	if (ydoc_map_get(d, v, "header")) {
		sources++;
		if ((rc = headers_at(d, v, "header", &s->headers, &s->nheaders, e)) < 0)
			return rc;
	}
	if (ydoc_map_get(d, v, "join")) {
		sources++;
		s->join = true;
		if ((rc = headers_at(d, v, "join", &s->headers, &s->nheaders, e)) < 0)
			return rc;
	}
	if (ydoc_map_get(d, v, "const")) {
		sources++;
		if ((rc = ydoc_str(d, v, "const", true, &s->constant, e)) < 0)
			return rc;
	}
	if (sources != 1)
		return ydoc_fail(d, v, e, "field '%s' needs exactly one of header (a column, or alternatives: the first "
				 "filled one), join (columns joined, each labelled) or const (a value)", p->path);
	if ((rc = ydoc_bool(d, v, "required", false, &s->required, e)) < 0 ||
	    (rc = ydoc_str(d, v, "type", false, &t, e)) < 0 ||
	    (rc = ydoc_strlist(d, v, "empty", false, &s->empty, &s->nempty, e)) < 0)
		return rc;
	if (t) {
		int i;
		for (i = 0; i < T__N && strcmp(type_names[i], t) != 0; i++)
			;
		free(t);
		if (i == T__N)
			return ydoc_fail(d, ydoc_map_get(d, v, "type"), e, "field '%s': unknown type '%s' (text, code, date, "
					 "yuan, integer, yesno)", p->path, ydoc_scalar(ydoc_map_get(d, v, "type")));
		if ((p->wire == W_STR && i != T_TEXT && i != T_CODE) || (p->wire == W_DATE && i != T_DATE) ||
		    (p->wire == W_INT && i != T_YUAN && i != T_INTEGER) || (p->wire == W_BOOL && i != T_YESNO))
			return ydoc_fail(d, ydoc_map_get(d, v, "type"), e, "field '%s' cannot be read as %s (it is %s)",
					 p->path, type_names[i], p->wire == W_STR ? "text or code" : p->wire == W_DATE ? "a date" :
					 p->wire == W_INT ? "yuan or integer" : "yesno");
		s->type = i;
	}
	if (s->join && s->type != T_TEXT)
		return ydoc_fail(d, v, e, "field '%s': join makes text; it cannot be of type %s", p->path,
				 type_names[s->type]);
	if ((x = ydoc_map_get(d, v, "unit"))) {
		const char *u = ydoc_scalar(x);
		if (s->type != T_YUAN)
			return ydoc_fail(d, x, e, "field '%s': unit is for amounts of type yuan", p->path);
		if (u && strcmp(u, "元") == 0)
			s->unit = 1;
		else if (u && strcmp(u, "万元") == 0)
			s->unit = 10000;
		else
			return ydoc_fail(d, x, e, "field '%s': unit is 元 or 万元, not '%s'", p->path, u ? u : "");
	}
	if ((x = ydoc_map_get(d, v, "values"))) {
		size_t n;
		if (s->type != T_TEXT && s->type != T_CODE)
			return ydoc_fail(d, x, e, "field '%s': values translate text, not %s", p->path, type_names[s->type]);
		if (!ydoc_is_map(x) || (n = ydoc_map_len(x)) == 0)
			return ydoc_fail(d, x, e, "field '%s': values is a mapping of cell text to record text "
					 "({偷税: tax_evasion, ...})", p->path);
		s->vfrom = xcalloc(n, sizeof *s->vfrom);
		s->vto = xcalloc(n, sizeof *s->vto);
		for (size_t i = 0; i < n; i++) {
			ynode *vk, *vv;
			const char *a, *b;
			ydoc_map_at(d, x, i, &vk, &vv);
			a = ydoc_scalar(vk);
			b = ydoc_scalar(vv);
			if (!a || !b || !*a || !*b)
				return ydoc_fail(d, vk, e, "field '%s': values maps non-empty text to non-empty text", p->path);
			for (size_t j = 0; j < i; j++)
				if (strcmp(s->vfrom[j], a) == 0)
					return ydoc_fail(d, vk, e, "field '%s': value '%s' is listed twice", p->path, a);
			s->vfrom[i] = xstrdup(a);
			s->vto[i] = xstrdup(b);
			s->nvalues = i + 1;
		}
	}
	if ((x = ydoc_map_get(d, v, "otherwise"))) {
		const char *o = ydoc_scalar(x);
		if (!s->nvalues)
			return ydoc_fail(d, x, e, "field '%s': otherwise says what to do with a value not in values", p->path);
		if (o && strcmp(o, "refuse") == 0)
			s->otherwise = O_REFUSE;
		else if (o && strcmp(o, "omit") == 0)
			s->otherwise = O_OMIT;
		else if (o && strcmp(o, "keep") == 0)
			s->otherwise = O_KEEP;
		else
			return ydoc_fail(d, x, e, "field '%s': otherwise is refuse, omit or keep, not '%s'", p->path,
					 o ? o : "");
	}
	if (s->constant) {
		/* a constant is read like a cell: it must read */
		jrp_error why;
		char scratch[32];
		const char *os;
		size_t on;
		int64_t oi;
		bool ob;
		if (read_cell(s, s->constant, &why, scratch, sizeof scratch, &os, &on, &oi, &ob) < 0)
			return ydoc_fail(d, ydoc_map_get(d, v, "const"), e, "field '%s': const '%s' does not read as %s",
					 p->path, s->constant, type_names[s->type]);
	}
label:
	if (s->nheaders) {
		buf b = { 0 };
		for (size_t i = 0; i < s->nheaders; i++) {
			if (i)
				buf_puts(&b, s->join ? "、" : "或");
			buf_puts(&b, s->headers[i]);
		}
		s->label = b.p;
	} else {
		s->label = xstrdup(p->zh);
	}
	return 0;
}

int csvrec_map_load(const char *path, csvrec_map **out, jrp_error *e)
{
	static const char *const keys[] = { "title", "kind", "domain", "record_id", "subject_type_from", "ignore",
					    "fields", NULL };
	static const char *const rid_keys[] = { "from", "hash", "prefix", NULL };
	ydoc *d = NULL;
	ynode *root, *x;
	csvrec_map *m = xcalloc(1, sizeof *m);
	int rc;
	bool have[NPATHS] = { 0 };

	*out = NULL;
	m->path = xstrdup(path);
	if ((rc = ydoc_load(path, &d, e)) < 0)
		goto out;
	root = ydoc_root(d);
	if ((rc = ydoc_map_check_keys(d, root, keys, e)) < 0 || (rc = ydoc_str(d, root, "title", false, &m->title, e)) < 0 ||
	    (rc = ydoc_str(d, root, "kind", true, &m->kind, e)) < 0 || (rc = ydoc_str(d, root, "domain", false, &m->domain, e)) < 0)
		goto out;
	if (names_find(&credit_kind_names, m->kind, strlen(m->kind)) < 0) {
		char list[400];
		rc = ydoc_fail(d, ydoc_map_get(d, root, "kind"), e, "key 'kind': '%s' is not a record kind (%s)", m->kind,
			       names_list(&credit_kind_names, list, sizeof list));
		goto out;
	}
	if (m->domain && !id_ok(m->domain)) {
		rc = ydoc_fail(d, ydoc_map_get(d, root, "domain"), e, "key 'domain': '%s' must match [a-z0-9_]{1,32}",
			       m->domain);
		goto out;
	}
	/* record_id: the columns that make it, or a hash of the row */
	if (!(x = ydoc_map_get(d, root, "record_id"))) {
		rc = ydoc_fail(d, root, e, "missing required key 'record_id' ({from: [column, ...]} or {hash: true})");
		goto out;
	}
	if ((rc = ydoc_map_check_keys(d, x, rid_keys, e)) < 0 || (rc = ydoc_bool(d, x, "hash", false, &m->rid_hash, e)) < 0 ||
	    (rc = ydoc_str(d, x, "prefix", false, &m->rid_prefix, e)) < 0)
		goto out;
	if (ydoc_map_get(d, x, "from") && (rc = headers_at(d, x, "from", &m->rid_from, &m->nrid_from, e)) < 0)
		goto out;
	if (!m->nrid_from == !m->rid_hash) {
		rc = ydoc_fail(d, x, e, "record_id needs exactly one of from (the columns that make it) or hash: true "
			       "(a hash of the row)");
		goto out;
	}
	if (m->rid_prefix && strlen(m->rid_prefix) > 16) {
		rc = ydoc_fail(d, ydoc_map_get(d, x, "prefix"), e, "record_id: prefix is at most 16 bytes");
		goto out;
	}
	if (!m->rid_prefix)
		m->rid_prefix = xstrdup(m->rid_hash ? "csv-" : "");
	if (ydoc_map_get(d, root, "subject_type_from") &&
	    (rc = headers_at(d, root, "subject_type_from", &m->type_from, &m->ntype_from, e)) < 0)
		goto out;
	if ((rc = ydoc_strlist(d, root, "ignore", false, &m->ignore, &m->nignore, e)) < 0)
		goto out;
	for (size_t i = 0; i < m->nignore; i++) {
		char *h = header_norm(m->ignore[i]);
		free(m->ignore[i]);
		m->ignore[i] = h;
	}
	/* fields: record path -> how its value is read */
	if (!(x = ydoc_map_get(d, root, "fields")) || !ydoc_is_map(x) || ydoc_map_len(x) == 0) {
		rc = ydoc_fail(d, x ? x : root, e, "key 'fields' is a mapping of record fields (subject.name, "
			       "decision_date ...) to the columns they come from");
		goto out;
	}
	m->nf = 0;
	m->f = xcalloc(ydoc_map_len(x), sizeof *m->f);
	for (size_t i = 0; i < ydoc_map_len(x); i++) {
		ynode *k, *v;
		const char *name;
		int p;
		ydoc_map_at(d, x, i, &k, &v);
		name = ydoc_scalar(k);
		if (!name || (p = rpath_find(name)) < 0) {
			buf b = { 0 };
			for (size_t j = 0; j < NPATHS; j++) {
				buf_puts(&b, j ? ", " : "");
				buf_puts(&b, rpaths[j].path);
			}
			rc = ydoc_fail(d, k, e, "unknown record field '%s' (known: %.250s ...)", name ? name : "", b.p);
			free(b.p);
			goto out;
		}
		if (have[p]) {
			rc = ydoc_fail(d, k, e, "field '%s' is mapped twice", name);
			goto out;
		}
		have[p] = true;
		m->nf = i + 1;
		if ((rc = field_load(d, v, p, &m->f[i], e)) < 0)
			goto out;
	}
	/* what every record has */
	{
		static const char *const needed[] = { "subject.code", "subject.name", "decision_date" };
		for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
			if (!have[rpath_find(needed[i])]) {
				rc = ydoc_fail(d, x, e, "fields: '%s' is not mapped (every record has one)", needed[i]);
				goto out;
			}
	}
	if (have[P_SUBJECT_TYPE] == !!m->ntype_from) {
		rc = ydoc_fail(d, root, e, "the subject's type comes from subject_type_from (a column: org when filled) or "
			       "from a field subject.type, exactly one of them");
		goto out;
	}
	if (have[P_DOMAIN] && m->domain) {
		rc = ydoc_fail(d, ydoc_map_get(d, root, "domain"), e, "domain is given twice: key 'domain' and field 'domain'");
		goto out;
	}
	*out = m;
	m = NULL;
	rc = 0;
out:
	csvrec_map_free(&m);
	ydoc_free(&d);
	return rc;
}

/* ---- reading a cell ---- */

int csvrec_parse_code(const char *s, const char *label, const char **out, size_t *len, char *why, size_t wn)
{
	size_t n = strlen(s), i = 0;
	bool digits = false;
	if (n >= 3 && s[0] == '=' && s[1] == '"' && s[n - 1] == '"') {   /* ="0123": a spreadsheet's text formula */
		s += 2;
		n -= 3;
	} else if (n >= 1 && s[0] == '\'') {                              /* '0123: a spreadsheet's text marker */
		s++;
		n--;
	}
	/* 9.13501E+17: Excel read the code as a number and kept 6 significant digits */
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++, digits = true;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (digits && i < n && (s[i] == 'E' || s[i] == 'e') && i + 1 < n) {
		size_t j = i + 1;
		if (s[j] == '+' || s[j] == '-')
			j++;
		if (j < n && strspn(s + j, "0123456789") == n - j) {
			snprintf(why, wn, "%s“%.*s”是被 Excel 转成科学计数法的数字，原来的代码已经丢失：请在导出或编辑时把该列设为"
				 "“文本”格式后重新导出", label, (int)n, s);
			return JRP_EINVAL;
		}
	}
	*out = s;
	*len = n;
	return 0;
}

int csvrec_parse_date(const char *s, const char *label, jrp_date *out, char *why, size_t wn)
{
	size_t n = strlen(s), i = 0;
	unsigned y = 0, mo = 0, d = 0, k;
	char iso[11];
	const char *p = s;
	if (n == 5 && strspn(s, "0123456789") == 5 && s[0] != '0') {
		snprintf(why, wn, "%s“%s”是 Excel 的日期序列号，不是日期：请把该列设为“文本”或“日期”格式（YYYY-MM-DD）后重新导出",
			 label, s);
		return JRP_EINVAL;
	}
	if (n >= 8 && strspn(s, "0123456789") == 8 && (n == 8 || s[8] == ' ' || s[8] == 'T')) {
		for (k = 0; k < 4; k++)
			y = y * 10 + (unsigned)(s[k] - '0');
		mo = (unsigned)(s[4] - '0') * 10 + (unsigned)(s[5] - '0');
		d = (unsigned)(s[6] - '0') * 10 + (unsigned)(s[7] - '0');
		i = 8;
	} else {
		/* YYYY-M-D, YYYY/M/D, YYYY年M月D日 */
		for (k = 0; k < 4 && p[i] >= '0' && p[i] <= '9'; k++, i++)
			y = y * 10 + (unsigned)(p[i] - '0');
		if (k != 4)
			goto bad;
		{
			const char *sep1, *sep2, *end = NULL;
			size_t l1, l2;
			if (p[i] == '-' || p[i] == '/') {
				sep1 = p[i] == '-' ? "-" : "/";
				sep2 = sep1;
			} else if (strncmp(p + i, "年", 3) == 0) {
				sep1 = "年";
				sep2 = "月";
				end = "日";
			} else {
				goto bad;
			}
			l1 = strlen(sep1);
			l2 = strlen(sep2);
			i += l1;
			for (k = 0; k < 2 && p[i] >= '0' && p[i] <= '9'; k++, i++)
				mo = mo * 10 + (unsigned)(p[i] - '0');
			if (!k || strncmp(p + i, sep2, l2) != 0)
				goto bad;
			i += l2;
			for (k = 0; k < 2 && p[i] >= '0' && p[i] <= '9'; k++, i++)
				d = d * 10 + (unsigned)(p[i] - '0');
			if (!k)
				goto bad;
			if (end) {
				if (strncmp(p + i, end, strlen(end)) != 0)
					goto bad;
				i += strlen(end);
			}
		}
	}
	/* a time after the date (00:00:00 of a date exported from a database) says nothing more */
	if (i < n) {
		if ((s[i] != ' ' && s[i] != 'T') || i + 1 >= n || strspn(s + i + 1, "0123456789:.") != n - i - 1)
			goto bad;
	}
	if (y < 1900 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31)
		goto bad;
	snprintf(iso, sizeof iso, "%04u-%02u-%02u", y, mo, d);
	if (date_parse(iso, 10, out) != 0)
		goto bad;
	return 0;
bad:
	snprintf(why, wn, "%s“%s”不是有效日期（可写作 2026-05-20、2026/5/20、2026年5月20日 或 20260520）", label, s);
	return JRP_EINVAL;
}

int csvrec_parse_yuan(const char *s, int64_t unit, const char *label, int64_t *out, char *why, size_t wn)
{
	size_t n = strlen(s), i = 0;
	int64_t v = 0;
	int scale = unit == 10000 ? 4 : 0, fd = 0;
	bool digits = false;
	const char *uname = unit == 10000 ? "万元" : "元";
	/* the unit's name may follow the figure; another unit's may not */
	if (n >= strlen(uname) && strcmp(s + n - strlen(uname), uname) == 0 && !(unit == 1 && n >= 6 &&
	    strcmp(s + n - 6, "万元") == 0))
		n -= strlen(uname);
	while (n && s[n - 1] == ' ')
		n--;
	{
		/* 1.2E+05: Excel's scientific notation (first: its digits are not to be read as a figure) */
		size_t j = i;
		while (j < n && ((s[j] >= '0' && s[j] <= '9') || s[j] == '.' || s[j] == '-' || s[j] == '+'))
			j++;
		if (j > i && j < n && (s[j] == 'E' || s[j] == 'e') && j + 1 < n &&
		    strspn(s + j + 1, "+-0123456789") == n - j - 1) {
			snprintf(why, wn, "%s“%s”是 Excel 的科学计数法，原来的数字可能已经丢失：请把该列设为“数值”或“文本”格式后重新导出",
				 label, s);
			return JRP_EINVAL;
		}
	}
	if (i < n && s[i] == '-') {
		snprintf(why, wn, "%s“%s”是负数", label, s);
		return JRP_EINVAL;
	}
	if (i < n && s[i] == '+')
		i++;
	for (; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == ','); i++) {
		if (s[i] == ',')
			continue;   /* 1,234,567.00 */
		digits = true;
		if (v > (INT64_MAX - (s[i] - '0')) / 10)
			goto range;
		v = v * 10 + (s[i] - '0');
	}
	if (i < n && s[i] == '.') {
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			digits = true;
			if (fd < scale) {
				if (v > (INT64_MAX - (s[i] - '0')) / 10)
					goto range;
				v = v * 10 + (s[i] - '0');
				fd++;
			} else if (s[i] != '0') {
				/* a part of a yuan: the record holds whole yuan */
				snprintf(why, wn, "%s“%s”折合不是整数元（记录中的金额以元为单位）", label, s);
				return JRP_EINVAL;
			}
		}
	}
	if (!digits || i != n) {
		snprintf(why, wn, "%s“%s”不是金额（应为数字，如 3.5）", label, s);
		return JRP_EINVAL;
	}
	for (; fd < scale; fd++) {
		if (v > INT64_MAX / 10)
			goto range;
		v *= 10;
	}
	*out = v;
	return 0;
range:
	snprintf(why, wn, "%s“%s”太大", label, s);
	return JRP_EINVAL;
}

/* parse_integer - a count: digits (commas between groups allowed) */
static int parse_integer(const char *s, const char *label, int64_t *out, char *why, size_t wn)
{
	int64_t v = 0;
	bool digits = false;
	const char *p = s;
	for (; *p; p++) {
		if (*p == ',')
			continue;
		if (*p < '0' || *p > '9')
			goto bad;
		digits = true;
		if (v > (INT64_MAX - 9) / 10)
			goto bad;
		v = v * 10 + (*p - '0');
	}
	if (!digits)
		goto bad;
	*out = v;
	return 0;
bad:
	snprintf(why, wn, "%s“%s”不是非负整数", label, s);
	return JRP_EINVAL;
}

static int parse_yesno(const char *s, const char *label, bool *out, char *why, size_t wn)
{
	static const char *const yes[] = { "是", "Y", "y", "yes", "Yes", "YES", "true", "TRUE", "True", "1" };
	static const char *const no[] = { "否", "N", "n", "no", "No", "NO", "false", "FALSE", "False", "0" };
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	snprintf(why, wn, "%s“%s”应为“是”或“否”", label, s);
	return JRP_EINVAL;
}

/* read_cell - a non-empty cell (or const) by the field's type: the text (in text or in scratch), the
 * integer or the bool; JRP_EINVAL with the Chinese reason in why->message */
static int read_cell(const fspec *s, const char *text, jrp_error *why, char *scratch, size_t sn,
		     const char **outs, size_t *outn, int64_t *outi, bool *outb)
{
	jrp_date dt;
	switch (s->type) {
	case T_CODE:
		return csvrec_parse_code(text, s->label ? s->label : rpaths[s->path].zh, outs, outn, why->message,
					 sizeof why->message);
	case T_DATE:
		if (csvrec_parse_date(text, s->label ? s->label : rpaths[s->path].zh, &dt, why->message,
				      sizeof why->message) < 0)
			return JRP_EINVAL;
		date_format(dt, scratch);
		*outs = scratch;
		*outn = 10;
		return 0;
	case T_YUAN:
		return csvrec_parse_yuan(text, s->unit, s->label ? s->label : rpaths[s->path].zh, outi, why->message,
					 sizeof why->message);
	case T_INTEGER:
		return parse_integer(text, s->label ? s->label : rpaths[s->path].zh, outi, why->message,
				     sizeof why->message);
	case T_YESNO:
		return parse_yesno(text, s->label ? s->label : rpaths[s->path].zh, outb, why->message,
				   sizeof why->message);
	default:
		*outs = text;
		*outn = strlen(text);
		return 0;
	}
}

/* ---- binding a file to a mapping ---- */

/* col_of - the column named h (normalised), -1 if none, -2 if two columns have that name */
static int col_of(const csvrec_file *f, const char *h)
{
	int found = -1;
	for (size_t c = 0; c < f->header.n; c++)
		if (strcmp(f->hnorm[c], h) == 0) {
			if (found >= 0)
				return -2;
			found = (int)c;
		}
	return found;
}

static bool reserved_col(const char *h)
{
	return strcmp(h, "行号") == 0 || strcmp(h, "原因") == 0;
}

static int need_col(const csvrec_file *f, const csvrec_map *m, const char *h, const char *what, int *col, bool required,
		    jrp_error *e)
{
	*col = col_of(f, h);
	if (*col == -2)
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "csv", "two columns are named \"%s\": which one is meant for %s?", h,
				what);
	if (*col < 0 && required)
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "csv", "the CSV has no column \"%s\" (%s, required by mapping %s)", h,
				what, m->path);
	return 0;
}

int csvrec_bind(csvrec_file *f, const csvrec_map *m, const csvrec_opts *o, jrp_error *e)
{
	bool *used;
	int rc;
	unbind(f);
	if (!m->domain && !o->domain) {
		bool mapped = false;
		for (size_t i = 0; i < m->nf; i++)
			mapped |= m->f[i].path == P_DOMAIN;
		if (!mapped)
			return jrp_fail(e, JRP_ERR_BAD_VALUE, "csv", "no domain: mapping %s names none (domain:) and none was "
					"given", m->path);
	}
	f->m = m;
	f->o = *o;
	used = xcalloc(f->header.n + 1, sizeof *used);
	f->fcol = xcalloc(m->nf, sizeof *f->fcol);
	for (size_t i = 0; i < m->nf; i++) {
		const fspec *s = &m->f[i];
		bool any = false;
		char what[200];
		f->fcol[i] = xcalloc(s->nheaders + 1, sizeof **f->fcol);
		snprintf(what, sizeof what, "field %s", rpaths[s->path].path);
		for (size_t h = 0; h < s->nheaders; h++) {
			if ((rc = need_col(f, m, s->headers[h], what, &f->fcol[i][h], false, e)) < 0)
				goto fail;
			if (f->fcol[i][h] >= 0)
				used[f->fcol[i][h]] = any = true;
		}
		if (s->required && s->nheaders && !any) {
			if (s->nheaders == 1)
				rc = jrp_fail(e, JRP_ERR_BAD_VALUE, "csv", "the CSV has no column \"%s\" (field %s, required by "
					      "mapping %s)", s->headers[0], rpaths[s->path].path, m->path);
			else
				rc = jrp_fail(e, JRP_ERR_BAD_VALUE, "csv", "the CSV has none of the columns %s (field %s, "
					      "required by mapping %s)", s->label, rpaths[s->path].path, m->path);
			goto fail;
		}
	}
	f->type_col = xcalloc(m->ntype_from + 1, sizeof *f->type_col);
	if (m->ntype_from) {
		bool any = false;
		for (size_t h = 0; h < m->ntype_from; h++) {
			if ((rc = need_col(f, m, m->type_from[h], "subject_type_from", &f->type_col[h], false, e)) < 0)
				goto fail;
			if (f->type_col[h] >= 0)
				used[f->type_col[h]] = any = true;
		}
		if (!any) {
			rc = jrp_fail(e, JRP_ERR_BAD_VALUE, "csv", "the CSV has no column \"%s\" (subject_type_from: the "
				      "subject is an organisation when it is filled, required by mapping %s)", m->type_from[0],
				      m->path);
			goto fail;
		}
	}
	f->rid_col = xcalloc(m->nrid_from + 1, sizeof *f->rid_col);
	for (size_t h = 0; h < m->nrid_from; h++) {
		if ((rc = need_col(f, m, m->rid_from[h], "record_id", &f->rid_col[h], true, e)) < 0)
			goto fail;
		used[f->rid_col[h]] = true;
	}
	/* the columns nobody reads: one warning naming them all (a deliberate one is in `ignore`) */
	{
		buf unk = { 0 }, unn = { 0 };
		for (size_t c = 0; c < f->header.n; c++) {
			bool ignored = reserved_col(f->hnorm[c]);
			if (used[c])
				continue;
			for (size_t k = 0; k < m->nignore && !ignored; k++)
				ignored = strcmp(m->ignore[k], f->hnorm[c]) == 0;
			if (ignored)
				continue;
			if (f->hnorm[c][0]) {
				buf_puts(&unk, unk.n ? ", " : "");
				buf_puts(&unk, f->hnorm[c]);
			} else {
				for (size_t r = 0; r < f->nrows; r++)
					if (*cell_at(f, &f->rows[r], c)) {
						char col[32];
						snprintf(col, sizeof col, "%s%zu", unn.n ? ", " : "", c + 1);
						buf_puts(&unn, col);
						break;
					}
			}
		}
		if (unk.n) {
			f->unknown = xasprintf("columns that mapping %s does not read, ignored: %s", m->path, unk.p);
		}
		if (unn.n)
			f->unnamed = xasprintf("columns without a header that hold data, ignored: column %s", unn.p);
		free(unk.p);
		free(unn.p);
	}
	free(used);
	f->ref = xcalloc(f->nrows + 1, sizeof *f->ref);
	f->capids = 64;
	while (f->capids < 2 * f->nrows)
		f->capids *= 2;
	f->ids = xcalloc(f->capids, sizeof *f->ids);
	return 0;
fail:
	free(used);
	unbind(f);
	return rc;
}

/* ---- converting a row ---- */

typedef struct val {
	bool set;
	const char *s;
	size_t n;
	int64_t i;
	bool b;
	char *own;                  /* s when it had to be made (join, values) */
	char date[11];
	int src;                    /* the header that gave it, -1 (const, join) */
} val;

typedef struct rowvals {
	val v[NPATHS];
	int spec[NPATHS];           /* the field reading each path, -1 */
	const char *domain;
	char rid[JRP_RECORD_ID_MAX + 1];
} rowvals;

static void rowvals_free(rowvals *rv)
{
	for (size_t i = 0; i < NPATHS; i++)
		free(rv->v[i].own);
}

/* path_label - the Chinese name of a record path in this row: the column that gave it */
static const char *path_label(const csvrec_file *f, const rowvals *rv, const char *path)
{
	int p;
	if (strncmp(path, "record.", 7) == 0)
		path += 7;
	if (strcmp(path, "record_id") == 0)
		return "记录号";
	if ((p = rpath_find(path)) < 0) {
		/* a map: the legal representative, the actual controller ... by their names' column */
		static const struct { const char *path, *zh; } maps[] = {
			{ "subject", "主体" }, { "subject.legal_rep", "法定代表人" }, { "subject.actual_controller", "实际控制人" },
			{ "subject.responsible", "其他责任人" }, { "notice", "告知" }, { "order", "责令改正" } };
		char name[160];
		snprintf(name, sizeof name, "%s.name", path);
		if ((p = rpath_find(name)) >= 0 && rv && rv->spec[p] >= 0 && rv->v[p].src >= 0)
			return f->m->f[rv->spec[p]].headers[rv->v[p].src];
		for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
			if (strcmp(maps[i].path, path) == 0)
				return maps[i].zh;
		return NULL;
	}
	if (rv && rv->spec[p] >= 0) {
		const fspec *s = &f->m->f[rv->spec[p]];
		if (rv->v[p].src >= 0)
			return s->headers[rv->v[p].src];
		if (s->join || s->nheaders)
			return s->label;
	}
	if (p == P_SUBJECT_TYPE && f->m && f->m->ntype_from)
		return "主体类型";
	return rpaths[p].zh;
}

static const char *path_value(const rowvals *rv, const char *path)
{
	int p;
	if (strncmp(path, "record.", 7) == 0)
		path += 7;
	if (!rv || (p = rpath_find(path)) < 0 || !rv->v[p].set || !rv->v[p].s)
		return NULL;
	return rv->v[p].s;
}

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}
#define FNV_BASIS 0xcbf29ce484222325ULL

/* refuse_row - keep row i's refusal: reason (Chinese), then "(code field)" */
static int refuse_row(csvrec_file *f, size_t i, const char *code, const char *field, const char *zh)
{
	refd *r = &f->ref[i];
	if (!r->reason)
		f->nrefused++;
	free(r->reason);
	r->reason = field && field[0] ? xasprintf("%s (%s %s)", zh, code, field) : xasprintf("%s (%s)", zh, code);
	str_copy(r->code, sizeof r->code, code);
	str_copy(r->field, sizeof r->field, field ? field : "");
	r->pub.row = f->rows[i].no;
	r->pub.reason = r->reason;
	r->pub.code = r->code;
	r->pub.field = r->field;
	return jrp_rc_of(code);
}

static void tally_omit(csvrec_file *f, size_t spec, const char *value)
{
	for (size_t i = 0; i < f->ntallies; i++)
		if (f->tallies[i].f == spec && strcmp(f->tallies[i].value, value) == 0) {
			f->tallies[i].count++;
			return;
		}
	f->tallies = xrealloc(f->tallies, (f->ntallies + 1) * sizeof *f->tallies);
	f->tallies[f->ntallies++] = (tally){ spec, xstrdup(value), 1 };
}

/* filled - a cell that says something: not empty, not one of the field's `empty` texts */
static bool filled(const fspec *s, const char *c)
{
	if (!*c)
		return false;
	for (size_t i = 0; i < s->nempty; i++)
		if (strcmp(s->empty[i], c) == 0)
			return false;
	return true;
}

/* row_values - every mapped field of row i: 0, or a refusal (kept) */
static int row_values(csvrec_file *f, size_t i, rowvals *rv, bool count)
{
	const csvrec_map *m = f->m;
	const crow *r = &f->rows[i];
	char field[160];
	memset(rv, 0, sizeof *rv);
	for (size_t p = 0; p < NPATHS; p++) {
		rv->spec[p] = -1;
		rv->v[p].src = -1;
	}
	if (r->n > f->header.n) {
		for (size_t c = f->header.n; c < r->n; c++)
			if (*cell_at(f, r, c)) {
				char zh[200];
				snprintf(zh, sizeof zh, "该行有 %zu 列，表头只有 %zu 列（单元格里的逗号没有加引号？）", r->n, f->header.n);
				return refuse_row(f, i, JRP_ERR_BAD_VALUE, "", zh);
			}
	}
	for (size_t k = 0; k < m->nf; k++) {
		const fspec *s = &m->f[k];
		val *v = &rv->v[s->path];
		const char *text = NULL;
		jrp_error why;
		rv->spec[s->path] = (int)k;
		snprintf(field, sizeof field, "record.%s", rpaths[s->path].path);
		if (s->constant) {
			text = s->constant;
		} else if (s->join) {
			buf b = { 0 };
			for (size_t h = 0; h < s->nheaders; h++) {
				const char *c = f->fcol[k][h] >= 0 ? cell_at(f, r, (size_t)f->fcol[k][h]) : "";
				if (!filled(s, c))
					continue;
				if (b.n)
					buf_puts(&b, "\n");
				buf_puts(&b, s->headers[h]);
				buf_puts(&b, "：");
				buf_puts(&b, c);
			}
			v->own = b.p;
			text = b.p;
		} else {
			for (size_t h = 0; h < s->nheaders && !text; h++)
				if (f->fcol[k][h] >= 0 && filled(s, cell_at(f, r, (size_t)f->fcol[k][h]))) {
					text = cell_at(f, r, (size_t)f->fcol[k][h]);
					v->src = (int)h;
				}
		}
		if (!text || !*text) {
			if (s->required) {
				char zh[400];
				snprintf(zh, sizeof zh, "缺少%s", s->label);
				return refuse_row(f, i, JRP_ERR_MISSING_FIELD, field, zh);
			}
			continue;
		}
		if (s->nvalues) {
			size_t j;
			for (j = 0; j < s->nvalues && strcmp(s->vfrom[j], text) != 0; j++)
				;
			if (j < s->nvalues) {
				text = s->vto[j];
			} else if (s->otherwise == O_OMIT) {
				if (count)
					tally_omit(f, k, text);
				continue;
			} else if (s->otherwise == O_REFUSE) {
				char zh[600];
				snprintf(zh, sizeof zh, "%s“%.300s”不在映射文件 values 的取值表中",
					 v->src >= 0 ? s->headers[v->src] : s->label, text);
				return refuse_row(f, i, JRP_ERR_BAD_VALUE, field, zh);
			}
		}
		jrp_error_clear(&why);
		if (read_cell(s, text, &why, v->date, sizeof v->date, &v->s, &v->n, &v->i, &v->b) < 0) {
			if (v->src >= 0 && !s->join) {
				/* name the column that gave the cell, not all the alternatives */
				fspec one = *s;
				one.label = s->headers[v->src];
				read_cell(&one, text, &why, v->date, sizeof v->date, &v->s, &v->n, &v->i, &v->b);
			}
			return refuse_row(f, i, JRP_ERR_BAD_VALUE, field, why.message);
		}
		v->set = true;
	}
	/* subject.type: org when a subject_type_from column is filled, person when they are empty */
	if (m->ntype_from) {
		val *v = &rv->v[P_SUBJECT_TYPE];
		v->s = "person";
		for (size_t h = 0; h < m->ntype_from; h++)
			if (f->type_col[h] >= 0 && *cell_at(f, r, (size_t)f->type_col[h]))
				v->s = "org";
		v->n = strlen(v->s);
		v->set = true;
	}
	rv->domain = rv->v[P_DOMAIN].set ? NULL : m->domain ? m->domain : f->o.domain;
	/* record_id: the columns that make it, or a hash of the row; too long for an id: a hash of them */
	{
		buf b = { 0 };
		uint64_t h = FNV_BASIS;
		if (m->rid_hash) {
			for (size_t k = 0; k < m->nf; k++)
				for (size_t c = 0; c < m->f[k].nheaders; c++) {
					const char *x = f->fcol[k][c] >= 0 ? cell_at(f, r, (size_t)f->fcol[k][c]) : "";
					h = fnv1a(h, x, strlen(x) + 1);
				}
			for (size_t c = 0; c < m->ntype_from; c++) {
				const char *x = f->type_col[c] >= 0 ? cell_at(f, r, (size_t)f->type_col[c]) : "";
				h = fnv1a(h, x, strlen(x) + 1);
			}
			snprintf(rv->rid, sizeof rv->rid, "%s%016" PRIx64, m->rid_prefix, h);
			return 0;
		}
		for (size_t c = 0; c < m->nrid_from; c++) {
			const char *x = cell_at(f, r, (size_t)f->rid_col[c]);
			if (!*x) {
				char zh[300];
				free(b.p);
				snprintf(zh, sizeof zh, "缺少%s（记录号由它生成）", m->rid_from[c]);
				return refuse_row(f, i, JRP_ERR_MISSING_FIELD, "record.record_id", zh);
			}
			if (c)
				buf_puts(&b, "/");
			buf_puts(&b, x);
		}
		if (strlen(m->rid_prefix) + b.n <= JRP_RECORD_ID_MAX && !strpbrk(b.p, "\r\n\t")) {
			snprintf(rv->rid, sizeof rv->rid, "%s%s", m->rid_prefix, b.p);
		} else {
			h = fnv1a(h, b.p, b.n);
			snprintf(rv->rid, sizeof rv->rid, "%sh-%016" PRIx64, m->rid_prefix, h);
		}
		free(b.p);
	}
	return 0;
}

static void put_val(mw *w, const rpath *p, const val *v)
{
	if (!v->set)
		return;
	mw_str(w, p->key);
	if (p->wire == W_INT)
		mw_i64(w, v->i);
	else if (p->wire == W_BOOL)
		mw_bool(w, v->b);
	else
		mw_strn(w, v->s, v->n);
}

static bool group_set(const rowvals *rv, int g)
{
	for (size_t p = 0; p < NPATHS; p++)
		if (rpaths[p].group == g && rv->v[p].set)
			return true;
	return false;
}

static void put_group(mw *w, const rowvals *rv, int g, const char *key)
{
	if (!group_set(rv, g))
		return;
	mw_str(w, key);
	mw_map(w);
	for (size_t p = 0; p < NPATHS; p++)
		if (rpaths[p].group == g)
			put_val(w, &rpaths[p], &rv->v[p]);
	mw_end(w);
}

static void emit(mw *w, const csvrec_map *m, const rowvals *rv)
{
	mw_map(w);
	mw_kstr(w, "record_id", rv->rid);
	mw_kstr(w, "kind", m->kind);
	if (rv->domain)
		mw_kstr(w, "domain", rv->domain);
	else
		put_val(w, &rpaths[P_DOMAIN], &rv->v[P_DOMAIN]);
	mw_str(w, "subject");
	mw_map(w);
	for (size_t p = 0; p < NPATHS; p++)
		if (rpaths[p].group == G_SUBJECT)
			put_val(w, &rpaths[p], &rv->v[p]);
	put_group(w, rv, G_LEGAL_REP, "legal_rep");
	put_group(w, rv, G_CONTROLLER, "actual_controller");
	mw_end(w);
	for (size_t p = 0; p < NPATHS; p++)
		if (rpaths[p].group == G_TOP && p != P_DOMAIN)
			put_val(w, &rpaths[p], &rv->v[p]);
	put_group(w, rv, G_NOTICE, "notice");
	put_group(w, rv, G_ORDER, "order");
	mw_end(w);
}

/* refuse_checked - a refusal from a record reader (English, with code and field) in Chinese */
static int refuse_checked(csvrec_file *f, size_t i, const rowvals *rv, const jrp_error *e)
{
	char zh[1024];
	csvrec_reason(e->code, e->field, e->message, path_label(f, rv, e->field), path_value(rv, e->field), zh, sizeof zh);
	/* csvrec_reason already says "(code field...)": keep it as it is */
	{
		refd *r = &f->ref[i];
		if (!r->reason)
			f->nrefused++;
		free(r->reason);
		r->reason = xstrdup(zh);
		str_copy(r->code, sizeof r->code, e->code);
		str_copy(r->field, sizeof r->field, e->field);
		r->pub.row = f->rows[i].no;
		r->pub.reason = r->reason;
		r->pub.code = r->code;
		r->pub.field = r->field;
	}
	return jrp_rc_of(e->code);
}

/* id_seen - the row that made this record id first (with its content), or adds it */
static int id_seen(csvrec_file *f, size_t i, const char *id, uint64_t content, size_t *first)
{
	uint64_t h = fnv1a(FNV_BASIS, id, strlen(id));
	size_t k = (size_t)h & (f->capids - 1);
	while (f->ids[k].id) {
		if (strcmp(f->ids[k].id, id) == 0) {
			if (f->ids[k].row == i || f->ids[k].content == content)
				return 0;
			*first = f->ids[k].row;
			return 1;
		}
		k = (k + 1) & (f->capids - 1);
	}
	if (2 * (f->nids + 1) > f->capids) {
		/* grow (a file bound once converts each row once: rare) */
		idslot *old = f->ids;
		size_t oldcap = f->capids;
		f->capids *= 2;
		f->ids = xcalloc(f->capids, sizeof *f->ids);
		f->nids = 0;
		for (size_t j = 0; j < oldcap; j++)
			if (old[j].id) {
				size_t q = (size_t)fnv1a(FNV_BASIS, old[j].id, strlen(old[j].id)) & (f->capids - 1);
				while (f->ids[q].id)
					q = (q + 1) & (f->capids - 1);
				f->ids[q] = old[j];
				f->nids++;
			}
		free(old);
		return id_seen(f, i, id, content, first);
	}
	f->ids[k] = (idslot){ xstrdup(id), i, content };
	f->nids++;
	return 0;
}

int csvrec_convert(csvrec_file *f, size_t i, msgpack_sbuffer *out)
{
	rowvals rv;
	mw w;
	msg_in in;
	jrp_error e;
	int rc;
	size_t first;
	if (!f->m || i >= f->nrows)
		return JRP_EINVAL;
	if (f->ref[i].reason) {
		/* converted and refused before: once is enough */
		return jrp_rc_of(f->ref[i].code);
	}
	if ((rc = row_values(f, i, &rv, true)) < 0) {
		rowvals_free(&rv);
		return rc;
	}
	mw_init(&w);
	emit(&w, f->m, &rv);
	/* the structure, lengths and codes, by the reader ingest itself uses first */
	jrp_error_clear(&e);
	rc = msg_parse_ref(mw_data(&w), mw_len(&w), JRP_MAX_MESSAGE, &in, &e);
	if (rc == 0) {
		mr r;
		jrp_record *rec = xmalloc(sizeof *rec);
		if ((rc = mr_init(&r, in.root, "record", &e)) == 0 && (rc = record_read(&r, rec)) == 0)
			rc = mr_end(&r);
		free(rec);
	}
	msg_in_free(&in);
	if (rc == 0 && f->o.check)
		rc = f->o.check(f->o.arg, mw_data(&w), mw_len(&w), &e);
	if (rc < 0) {
		rc = refuse_checked(f, i, &rv, &e);
		goto out;
	}
	if (id_seen(f, i, rv.rid, fnv1a(FNV_BASIS, mw_data(&w), mw_len(&w)), &first)) {
		char zh[300];
		snprintf(zh, sizeof zh, "记录号“%s”与第 %zu 行相同，但内容不同（同一决定只报送一次；更正须使用新的记录号）", rv.rid,
			 f->rows[first].no);
		rc = refuse_row(f, i, JRP_ERR_CONFLICT, "record.record_id", zh);
		goto out;
	}
	msgpack_sbuffer_write(out, mw_data(&w), mw_len(&w));
	rc = 0;
out:
	mw_free(&w);
	rowvals_free(&rv);
	return rc;
}

void csvrec_refuse(csvrec_file *f, size_t i, const char *code, const char *field, const char *message)
{
	rowvals rv;
	jrp_error e;
	if (!f->m || i >= f->nrows)
		return;
	jrp_error_clear(&e);
	str_copy(e.code, sizeof e.code, code ? code : "");
	str_copy(e.field, sizeof e.field, field ? field : "");
	str_copy(e.message, sizeof e.message, message ? message : "");
	if (row_values(f, i, &rv, false) == 0) {
		refuse_checked(f, i, &rv, &e);
	} else {
		/* it did convert before; if it does not now, say what the daemon said */
		refuse_checked(f, i, NULL, &e);
	}
	rowvals_free(&rv);
}

const csvrec_refusal *csvrec_refusal_of(const csvrec_file *f, size_t i)
{
	return f->ref && i < f->nrows && f->ref[i].reason ? &f->ref[i].pub : NULL;
}

size_t csvrec_nrefused(const csvrec_file *f)
{
	return f->nrefused;
}

size_t csvrec_warnings(csvrec_file *f, const char *const **out)
{
	for (size_t i = 0; i < f->nwarn; i++)
		free(f->warn[i]);
	f->nwarn = 0;
	f->warn = xrealloc(f->warn, (3 + (f->m ? f->m->nf : 0)) * sizeof *f->warn);
	if (f->unknown)
		f->warn[f->nwarn++] = xstrdup(f->unknown);
	if (f->unnamed)
		f->warn[f->nwarn++] = xstrdup(f->unnamed);
	for (size_t k = 0; f->m && k < f->m->nf; k++) {
		buf b = { 0 };
		size_t rows = 0, values = 0;
		for (size_t t = 0; t < f->ntallies; t++) {
			char n[32];
			if (f->tallies[t].f != k)
				continue;
			rows += f->tallies[t].count;
			if (++values > 20)   /* the first 20 values seen; the rest counted */
				continue;
			buf_puts(&b, b.n ? ", " : "");
			buf_puts(&b, f->tallies[t].value);
			snprintf(n, sizeof n, " (%zu)", f->tallies[t].count);
			buf_puts(&b, n);
		}
		if (values > 20) {
			char more[64];
			snprintf(more, sizeof more, " and %zu other values", values - 20);
			buf_puts(&b, more);
		}
		if (b.n)
			f->warn[f->nwarn++] = xasprintf("%s: %zu row%s with values not in the mapping's table, sent without "
							"field %s: %s", f->m->f[k].label, rows, rows == 1 ? "" : "s",
							rpaths[f->m->f[k].path].path, b.p);
		free(b.p);
	}
	*out = (const char *const *)f->warn;
	return f->nwarn;
}

/* ---- the reasons ---- */

void csvrec_reason(const char *code, const char *field, const char *message, const char *label, const char *value,
		   char *out, size_t n)
{
	char zh[512];
	const char *L = label && *label ? label : field && *field ? field : "记录";
	bool detail = false;
	size_t a, b;
	zh[0] = 0;
	if (!message)
		message = "";
	if (strcmp(code, JRP_ERR_BAD_CODE) == 0) {
		if (strstr(message, "check character") || strstr(message, "check digits"))
			snprintf(zh, sizeof zh, "%s校验位错误", L);
		else if (sscanf(message, "must be %zu characters, got %zu", &a, &b) == 2)
			snprintf(zh, sizeof zh, "%s应为 %zu 位，实为 %zu 位", L, a, b);
		else if (strstr(message, "upper case"))
			snprintf(zh, sizeof zh, "%s中的字母须为大写", L);
		else if (strstr(message, "is not allowed"))
			snprintf(zh, sizeof zh, "%s含有不允许的字符", L);
		else if (strstr(message, "registration authority"))
			snprintf(zh, sizeof zh, "%s的登记管理部门或机构类别代码无效", L);
		else if (strstr(message, "administrative division"))
			snprintf(zh, sizeof zh, "%s的行政区划代码无效", L);
		else if (strstr(message, "birth date"))
			snprintf(zh, sizeof zh, "%s中的出生日期无效", L);
		else
			snprintf(zh, sizeof zh, "%s无效", L), detail = true;
		/* an 18-digit number that Excel kept to 15 significant digits ends in 000 */
		if (value && strlen(value) >= 16 && strspn(value, "0123456789") == strlen(value) &&
		    strcmp(value + strlen(value) - 3, "000") == 0)
			snprintf(zh + strlen(zh), sizeof zh - strlen(zh), "（疑似被 Excel 当作数字截断：15 位以后变成了 0）");
	} else if (strcmp(code, JRP_ERR_MISSING_FIELD) == 0) {
		snprintf(zh, sizeof zh, "缺少%s", L);
		detail = !label;
	} else if (strcmp(code, JRP_ERR_WRONG_TYPE) == 0) {
		snprintf(zh, sizeof zh, "%s类型错误", L), detail = true;
	} else if (strcmp(code, JRP_ERR_BAD_VALUE) == 0) {
		if (strstr(message, "is in the future"))
			snprintf(zh, sizeof zh, "%s晚于今天", L);
		else if (strstr(message, "must not be empty"))
			snprintf(zh, sizeof zh, "%s为空", L);
		else if (sscanf(message, "is %zu characters long; at most %zu allowed", &a, &b) == 2)
			snprintf(zh, sizeof zh, "%s过长（%zu 个字，最多 %zu 个）", L, a, b);
		else if (sscanf(message, "is %zu bytes long; at most %zu allowed", &a, &b) == 2)
			snprintf(zh, sizeof zh, "%s过长（最多 %zu 个字符）", L, b);
		else if (strstr(message, "must not be negative"))
			snprintf(zh, sizeof zh, "%s不能为负数", L);
		else if (strstr(message, "ends before the decision date"))
			snprintf(zh, sizeof zh, "%s早于决定日期", L);
		else if (strstr(message, "only an organisation has"))
			snprintf(zh, sizeof zh, "自然人没有%s（只有法人和非法人组织才有）", L);
		else if (strstr(message, "must be between"))
			snprintf(zh, sizeof zh, "%s超出允许的范围", L), detail = true;
		else
			snprintf(zh, sizeof zh, "%s取值无效", L), detail = true;
	} else if (strcmp(code, JRP_ERR_FORBIDDEN) == 0) {
		snprintf(zh, sizeof zh, "本部门无权报送该领域的记录"), detail = true;
	} else if (strcmp(code, JRP_ERR_UNKNOWN_DOMAIN) == 0) {
		snprintf(zh, sizeof zh, "%s不在目录中", L), detail = true;
	} else if (strcmp(code, JRP_ERR_UNKNOWN_STANDARD) == 0) {
		snprintf(zh, sizeof zh, "认定标准不在目录中"), detail = true;
	} else if (strcmp(code, JRP_ERR_UNKNOWN_MATTER) == 0) {
		snprintf(zh, sizeof zh, "事项不在目录中"), detail = true;
	} else if (strcmp(code, JRP_ERR_UNKNOWN_FIELD) == 0) {
		snprintf(zh, sizeof zh, "记录中有它不接受的字段（映射文件有误）"), detail = true;
	} else if (strcmp(code, JRP_ERR_CONFLICT) == 0) {
		snprintf(zh, sizeof zh, "该记录号已以不同内容报送过（更正须使用新的记录号）"), detail = true;
	} else if (strcmp(code, JRP_ERR_TOO_LARGE) == 0) {
		snprintf(zh, sizeof zh, "记录过大");
	} else if (strcmp(code, JRP_ERR_STORAGE) == 0 || strcmp(code, JRP_ERR_BUSY) == 0 || strcmp(code, "timeout") == 0) {
		snprintf(zh, sizeof zh, "系统暂时无法保存，可稍后重新提交"), detail = true;
	} else if (strcmp(code, JRP_ERR_BAD_MESSAGE) == 0) {
		snprintf(zh, sizeof zh, "记录格式错误"), detail = true;
	} else {
		snprintf(zh, sizeof zh, "被拒绝"), detail = true;
	}
	snprintf(out, n, "%s (%s%s%s%s%s)", zh, code, field && *field ? " " : "", field ? field : "",
		 detail && *message ? ": " : "", detail ? message : "");
}

/* ---- the refused rows as a CSV ---- */

/* put_csv_cell - RFC 4180: quoted when it holds a comma, a quote or a line break, quotes doubled */
static void put_csv_cell(buf *b, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		buf_puts(b, s);
		return;
	}
	buf_puts(b, "\"");
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			buf_puts(b, "\"\"");
		else
			buf_put(b, p, 1);
	}
	buf_puts(b, "\"");
}

void csvrec_refused_csv(const csvrec_file *f, char **out, size_t *len)
{
	buf b = { 0 };
	bool *keep;
	*out = NULL;
	*len = 0;
	if (!f->nrefused)
		return;
	keep = xcalloc(f->header.n + 1, sizeof *keep);
	if (f->enc == CSVREC_UTF8_BOM)
		buf_puts(&b, "\xEF\xBB\xBF");
	for (size_t c = 0; c < f->header.n; c++) {
		keep[c] = !reserved_col(f->hnorm[c]);
		if (keep[c]) {
			put_csv_cell(&b, cell_at(f, &f->header, c));
			buf_puts(&b, ",");
		}
	}
	buf_puts(&b, "行号,原因\r\n");
	for (size_t i = 0; i < f->nrows; i++) {
		char no[32];
		if (!f->ref[i].reason)
			continue;
		for (size_t c = 0; c < f->header.n; c++)
			if (keep[c]) {
				put_csv_cell(&b, cell_at(f, &f->rows[i], c));
				buf_puts(&b, ",");
			}
		snprintf(no, sizeof no, "%zu,", f->rows[i].no);
		buf_puts(&b, no);
		put_csv_cell(&b, f->ref[i].reason);
		buf_puts(&b, "\r\n");
	}
	free(keep);
	if (f->enc == CSVREC_GB18030) {
		/* back to the clerk's encoding; GB18030 encodes every Unicode character, so this cannot fail but
		 * on a system without it: then UTF-8 with a BOM, which spreadsheets also open */
		iconv_t cd = iconv_open("GB18030", "UTF-8");
		if (cd != (iconv_t)-1) {
			size_t cap = 2 * b.n + 16, inleft = b.n, oleft = cap;
			char *o = xmalloc(cap), *op = o, *in = b.p;
			if (iconv(cd, &in, &inleft, &op, &oleft) != (size_t)-1) {
				iconv_close(cd);
				free(b.p);
				*out = o;
				*len = (size_t)(op - o);
				return;
			}
			iconv_close(cd);
			free(o);
		}
		{
			buf bb = { 0 };
			buf_puts(&bb, "\xEF\xBB\xBF");
			buf_put(&bb, b.p, b.n);
			free(b.p);
			b = bb;
		}
	}
	*out = b.p;
	*len = b.n;
}
