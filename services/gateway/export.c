/*
 * export.c - GET /v1/export/{table}?format=csv|xlsx&from=&to=&agency=: the office's tables as files
 *
 * The dashboard's tables, for a spreadsheet: what feedback's stats.get (and ingest's stats.get,
 * overdue.list, stats.daily for the tables that show them) says, laid out one row per list,
 * domain, agency, department, kind of procedure, overdue task or day, with Chinese headers.
 * Nothing is computed here: each cell is one field of a reply (or the name of an enum value in
 * Chinese); a table is a layout, not a figure of its own. The tables:
 *
 *   lists        entries in force by list, and by list and domain (stats.get entries, by_domain)
 *   agencies     tasks pushed, feedback, overdue and checks per executing agency (stats.get agencies)
 *   departments  records and late reports (ingest stats.get) beside duties (feedback stats.get)
 *   durations    objections and repairs: filed, decided, median and longest working days
 *   overdue      every task and duty past its deadline (overdue.list, all pages), names from stats.get
 *   daily        stats.daily: one row a day (from and to required, as stats.daily says)
 *
 * `agency` keeps one agency's row (agencies) or its overdue tasks (overdue); the other tables
 * have no agency to filter by and refuse it. CSV is UTF-8 with a byte order mark (Excel then
 * reads Chinese right), RFC 4180 quoting and CRLF line ends, its first line the headers; a text
 * cell that would start a formula in a spreadsheet (= + - @) gets a leading apostrophe. XLSX
 * (libxlsxwriter) has one sheet: a title row with the table, the period, when the data is as of
 * and when the file was made, the headers, then the rows; figures are numbers, ids and codes
 * text. Called from routes.c (K_EXPORT): export_start sends the requests, export_render runs
 * when every reply is in.
 */
#include "gw.h"
#include "clock.h"
#include "util/log.h"
#include "util/xalloc.h"
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define EXPORT_MAX_ROWS 100000      /* overdue.list pages read for one file (a page is up to 1,000) */

enum { T_LISTS, T_AGENCIES, T_DEPARTMENTS, T_DURATIONS, T_OVERDUE, T_DAILY };
static const struct {
	const char *name;
	const char *title;
} tables[] = {
	[T_LISTS] = { "lists", "名单在册情况（按名单和领域）" },
	[T_AGENCIES] = { "agencies", "实施部门任务推送、反馈与查询" },
	[T_DEPARTMENTS] = { "departments", "认定部门信息报送与履职" },
	[T_DURATIONS] = { "durations", "异议与信用修复办理时长" },
	[T_OVERDUE] = { "overdue", "逾期未反馈任务和逾期未履行义务" },
	[T_DAILY] = { "daily", "每日趋势" },
};
#define NTABLES (sizeof tables / sizeof tables[0])

/* Chinese names of the protocol's enum values (README Names), for cells that show one */
static const char *const zh_names[][2] = {
	{ "red", "红名单" }, { "black", "黑名单" }, { "focus", "重点关注名单" }, { "warning", "警示名单" },
	{ "mandatory", "强制性" }, { "recommended", "推荐性" }, { "duty", "部门义务" },
	{ "apply", "执行措施" }, { "stop", "停止措施" }, { "suspend", "暂停措施" }, { "resume", "恢复措施" },
	{ "recall", "撤回奖励" }, { "extend", "延长期限" },
	{ "notice", "告知" }, { "verify_objection", "异议核查" }, { "decide_repair", "修复决定" },
	{ "interview", "约谈" },
};

static const char *zh(const char *v)
{
	for (size_t i = 0; i < sizeof zh_names / sizeof zh_names[0]; i++)
		if (strcmp(zh_names[i][0], v) == 0)
			return zh_names[i][1];
	return v;
}

/* ---- the table being made: columns, rows of cells ---- */

enum { C_EMPTY, C_NUM, C_TEXT };

typedef struct cell {
	int kind;
	double num;
	char *text;
} cell;

typedef struct col {
	const char *head;        /* Chinese header */
	const char *field;       /* the reply field it shows ("a.b": b of the map a) */
	int kind;                /* C_NUM or C_TEXT; C_TEXT with zh: the enum's Chinese name */
	bool zh;
} col;

typedef struct export {
	int table;
	bool xlsx;
	char from[16], to[16], agency[40];
	bool have_from, have_to, have_agency;
	/* the table */
	col *cols;
	size_t ncols;
	bool own_heads;          /* daily: headers and fields made from the reply, freed here */
	cell *cells;
	size_t nrows, cap;
	char note[160];          /* said in the title row (a cut overdue list) */
	size_t rows_read;        /* overdue items laid out so far */
} export;

static cell *row_new(export *x)
{
	if (x->nrows == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 64;
		x->cells = xrealloc(x->cells, x->cap * x->ncols * sizeof *x->cells);
	}
	cell *r = x->cells + x->nrows++ * x->ncols;
	memset(r, 0, x->ncols * sizeof *r);
	return r;
}

static void set_text(cell *c, const char *s, size_t n)
{
	c->kind = C_TEXT;
	c->text = xmalloc(n + 1);
	memcpy(c->text, s, n);
	c->text[n] = '\0';
}

/* set_obj - a cell from one msgpack value: a number, or a string (in Chinese when zh_name) */
static void set_obj(cell *c, const msgpack_object *o, bool zh_name)
{
	if (!o)
		return;
	switch (o->type) {
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		c->kind = C_NUM;
		c->num = (double)o->via.u64;
		break;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		c->kind = C_NUM;
		c->num = (double)o->via.i64;
		break;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		c->kind = C_NUM;
		c->num = o->via.f64;
		break;
	case MSGPACK_OBJECT_STR:
		if (zh_name) {
			char v[64];
			snprintf(v, sizeof v, "%.*s", (int)(o->via.str.size < 63 ? o->via.str.size : 63), o->via.str.ptr);
			const char *z = zh(v);
			set_text(c, z, strlen(z));
		} else {
			set_text(c, o->via.str.ptr, o->via.str.size);
		}
		break;
	case MSGPACK_OBJECT_BOOLEAN:
		set_text(c, o->via.boolean ? "是" : "否", strlen(o->via.boolean ? "是" : "否"));
		break;
	default:
		break;
	}
}

/* path_get - field "a" or "a.b" of a map */
static const msgpack_object *path_get(const msgpack_object *m, const char *path)
{
	const char *dot = strchr(path, '.');
	if (!dot)
		return obj_get(m, path);
	char first[64];
	snprintf(first, sizeof first, "%.*s", (int)(dot - path), path);
	const msgpack_object *sub = obj_get(m, first);
	return sub && sub->type == MSGPACK_OBJECT_MAP ? obj_get(sub, dot + 1) : NULL;
}

/* lay_row - one row of the table from the map m, a cell per column's field */
static cell *lay_row(export *x, const msgpack_object *m)
{
	cell *r = row_new(x);
	for (size_t c = 0; c < x->ncols; c++)
		if (x->cols[c].field)
			set_obj(&r[c], path_get(m, x->cols[c].field), x->cols[c].zh);
	return r;
}

static const msgpack_object *arr_of(const msgpack_object *m, const char *key)
{
	const msgpack_object *a = m ? obj_get(m, key) : NULL;
	return a && a->type == MSGPACK_OBJECT_ARRAY ? a : NULL;
}

static bool str_is(const msgpack_object *m, const char *key, const char *v)
{
	const msgpack_object *s = obj_get(m, key);
	return s && s->type == MSGPACK_OBJECT_STR && s->via.str.size == strlen(v) &&
	       memcmp(s->via.str.ptr, v, s->via.str.size) == 0;
}

static void set_cols(export *x, const col *cols, size_t n)
{
	x->cols = xmalloc(n * sizeof *cols);
	memcpy(x->cols, cols, n * sizeof *cols);
	x->ncols = n;
}

/* ---- the tables ---- */

static const char *const lists[] = { "red", "black", "focus", "warning" };

/* lists: per list, its entries in force (stats.get entries.<list>), then its rows of by_domain */
static void lay_lists(export *x, const msgpack_object *st)
{
	static const col cols[] = {
		{ "名单", "list", C_TEXT, true }, { "名单代码", "list", C_TEXT, false },
		{ "领域代码", "domain", C_TEXT, false }, { "领域", "domain_name", C_TEXT, false },
		{ "在册（当前）", "in_force", C_NUM, false }, { "提出认定", "proposed", C_NUM, false },
		{ "生效", "effective", C_NUM, false }, { "退出", "exited", C_NUM, false },
	};
	set_cols(x, cols, sizeof cols / sizeof cols[0]);
	const msgpack_object *en = obj_get(st, "entries"), *bd = arr_of(st, "by_domain");
	for (size_t l = 0; l < 4; l++) {
		cell *r = row_new(x);
		set_text(&r[0], zh(lists[l]), strlen(zh(lists[l])));
		set_text(&r[1], lists[l], strlen(lists[l]));
		set_text(&r[3], "（全部领域）", strlen("（全部领域）"));
		if (en)
			set_obj(&r[4], obj_get(en, lists[l]), false);
		for (uint32_t i = 0; bd && i < bd->via.array.size; i++)
			if (str_is(&bd->via.array.ptr[i], "list", lists[l]))
				lay_row(x, &bd->via.array.ptr[i]);
	}
}

/* agencies: stats.get agencies, one row each (or the one asked for) */
static int lay_agencies(hreq *h, export *x, const msgpack_object *st)
{
	static const col cols[] = {
		{ "实施部门代码", "agency", C_TEXT, false }, { "实施部门", "name", C_TEXT, false },
		{ "推送执行任务", "apply", C_NUM, false }, { "停止任务", "stop", C_NUM, false },
		{ "暂停任务", "suspend", C_NUM, false }, { "恢复任务", "resume", C_NUM, false },
		{ "撤回奖励任务", "recall", C_NUM, false }, { "延期任务", "extend", C_NUM, false },
		{ "反馈已执行", "applied", C_NUM, false }, { "反馈不适用", "not_applicable", C_NUM, false },
		{ "反馈执行失败", "failed", C_NUM, false }, { "待反馈（当前）", "awaiting", C_NUM, false },
		{ "逾期未反馈（当前）", "overdue", C_NUM, false }, { "逾期后反馈", "late", C_NUM, false },
		{ "逾期工作日合计", "late_workdays", C_NUM, false }, { "查询次数（逢办必查）", "checks", C_NUM, false },
	};
	set_cols(x, cols, sizeof cols / sizeof cols[0]);
	const msgpack_object *ag = arr_of(st, "agencies");
	for (uint32_t i = 0; ag && i < ag->via.array.size; i++)
		if (!x->have_agency || str_is(&ag->via.array.ptr[i], "agency", x->agency))
			lay_row(x, &ag->via.array.ptr[i]);
	if (x->have_agency && x->nrows == 0) {
		http_error(h, 422, "bad_value", "agency", "\"%s\" is not an executing agency of the registry "
			   "(stats.get names none such)", x->agency);
		return -1;
	}
	return 0;
}

/* find_dep - the row of department dep in arr, or NULL */
static const msgpack_object *find_dep(const msgpack_object *arr, const char *dep)
{
	for (uint32_t k = 0; arr && k < arr->via.array.size; k++)
		if (str_is(&arr->via.array.ptr[k], "department", dep))
			return &arr->via.array.ptr[k];
	return NULL;
}

/* departments: ingest's records and late reports beside feedback's duties, joined by department */
static void lay_departments(export *x, const msgpack_object *fb, const msgpack_object *in)
{
	static const col cols[] = {
		{ "认定部门代码", "department", C_TEXT, false }, { "认定部门", "name", C_TEXT, false },
		{ "报送信用记录", "records", C_NUM, false }, { "迟报记录", "late", C_NUM, false },
		{ "迟报工作日合计", "late_workdays", C_NUM, false }, { "最长迟报工作日", "late_workdays_max", C_NUM, false },
		{ "告知义务", "notice", C_NUM, false }, { "异议核查义务", "verify_objection", C_NUM, false },
		{ "修复决定义务", "decide_repair", C_NUM, false }, { "约谈义务", "interview", C_NUM, false },
		{ "待履行（当前）", "awaiting", C_NUM, false }, { "逾期未履行（当前）", "overdue", C_NUM, false },
		{ "逾期后履行", "late", C_NUM, false }, { "逾期工作日合计", "late_workdays", C_NUM, false },
	};
	enum { INGEST_COLS = 6 };   /* columns 2..5 are ingest's, 6.. feedback's (late and late_workdays twice) */
	set_cols(x, cols, sizeof cols / sizeof cols[0]);
	const msgpack_object *fd = arr_of(fb, "departments"), *id = arr_of(in, "departments");
	/* feedback's departments in its order, then any that only ingest names */
	for (int pass = 0; pass < 2; pass++) {
		const msgpack_object *a = pass ? id : fd;
		for (uint32_t i = 0; a && i < a->via.array.size; i++) {
			const msgpack_object *d = &a->via.array.ptr[i], *key = obj_get(d, "department");
			char dep[64];
			if (!key || key->type != MSGPACK_OBJECT_STR)
				continue;
			snprintf(dep, sizeof dep, "%.*s", (int)(key->via.str.size < 63 ? key->via.str.size : 63),
				 key->via.str.ptr);
			if (pass && find_dep(fd, dep))
				continue;       /* laid out in the first pass */
			const msgpack_object *fbrow = pass ? NULL : d, *inrow = pass ? d : find_dep(id, dep);
			cell *r = row_new(x);
			set_obj(&r[0], key, false);
			set_obj(&r[1], obj_get(d, "name"), false);
			for (size_t c = 2; c < x->ncols; c++) {
				const msgpack_object *src = c < INGEST_COLS ? inrow : fbrow;
				if (src)
					set_obj(&r[c], obj_get(src, x->cols[c].field), false);
			}
		}
	}
}

/* durations: objections and repairs, filed (entries) and decided with their working days (durations) */
static void lay_durations(export *x, const msgpack_object *st)
{
	static const col cols[] = {
		{ "事项", NULL, C_TEXT, false }, { "提出（申请）", NULL, C_NUM, false },
		{ "已决定", "decided", C_NUM, false }, { "办理时长中位数（工作日）", "median_workdays", C_NUM, false },
		{ "最长办理时长（工作日）", "longest_workdays", C_NUM, false },
	};
	static const struct { const char *what, *key, *filed; } rows[] = {
		{ "异议", "objection", "objections_filed" }, { "信用修复", "repair", "repairs_applied" },
	};
	set_cols(x, cols, sizeof cols / sizeof cols[0]);
	const msgpack_object *du = obj_get(st, "durations"), *en = obj_get(st, "entries");
	for (size_t i = 0; i < 2; i++) {
		const msgpack_object *d = du ? obj_get(du, rows[i].key) : NULL;
		cell *r = d ? lay_row(x, d) : row_new(x);
		set_text(&r[0], rows[i].what, strlen(rows[i].what));
		if (en)
			set_obj(&r[1], obj_get(en, rows[i].filed), false);
	}
}

/* overdue: the items of the page of overdue.list in slot 1 (each page in turn, export_render), the party's
 * name from stats.get in slot 0 */
static void lay_overdue_page(export *x, hreq *h)
{
	static const col cols[] = {
		{ "部门代码", "party", C_TEXT, false }, { "部门名称", NULL, C_TEXT, false },
		{ "任务编号", "task", C_NUM, false }, { "类别", "class", C_TEXT, true },
		{ "事项", "what", C_TEXT, true }, { "措施", "measure", C_TEXT, false },
		{ "名单条目", "entry", C_NUM, false }, { "名单", "list", C_TEXT, true },
		{ "主体代码", "subject", C_TEXT, false }, { "主体名称", "subject_name", C_TEXT, false },
		{ "反馈期限", "due", C_TEXT, false }, { "逾期工作日", "late_workdays", C_NUM, false },
	};
	if (!x->cols)
		set_cols(x, cols, sizeof cols / sizeof cols[0]);
	const msgpack_object *st = h->slots[0].reply.root;
	const msgpack_object *parties[2] = { arr_of(st, "agencies"), arr_of(st, "departments") };
	const msgpack_object *items = arr_of(h->slots[1].reply.root, "items");
	for (uint32_t i = 0; items && i < items->via.array.size; i++) {
		const msgpack_object *it = &items->via.array.ptr[i], *p = obj_get(it, "party");
		cell *r = lay_row(x, it);
		x->rows_read++;
		if (!p || p->type != MSGPACK_OBJECT_STR)
			continue;
		char id[64];
		snprintf(id, sizeof id, "%.*s", (int)(p->via.str.size < 63 ? p->via.str.size : 63), p->via.str.ptr);
		for (int k = 0; k < 2 && r[1].kind == C_EMPTY; k++)
			for (uint32_t j = 0; parties[k] && j < parties[k]->via.array.size; j++)
				if (str_is(&parties[k]->via.array.ptr[j], k ? "department" : "agency", id)) {
					set_obj(&r[1], obj_get(&parties[k]->via.array.ptr[j], "name"), false);
					break;
				}
	}
}

/* the headers of stats.daily's figures (README feedback, stats.daily); one it adds later shows its own name */
static const char *const daily_heads[][2] = {
	{ "date", "日期" }, { "proposed", "提出认定" }, { "listed", "新增生效" },
	{ "listed_by_list.red", "新增生效·红名单" }, { "listed_by_list.black", "新增生效·黑名单" },
	{ "listed_by_list.focus", "新增生效·重点关注名单" }, { "listed_by_list.warning", "新增生效·警示名单" },
	{ "exited", "退出" }, { "objections_filed", "异议提出" }, { "objections_decided", "异议决定" },
	{ "repairs_applied", "修复申请" }, { "repairs_decided", "修复决定" }, { "tasks_pushed", "推送执行任务" },
	{ "tasks_stopped", "停止任务" }, { "applied", "反馈已执行" }, { "not_applicable", "反馈不适用" },
	{ "failed", "反馈执行失败" }, { "cases", "典型案例" }, { "checks", "查询次数" },
	{ "checks_listed", "查询命中名单" },
};

static void daily_col(export *x, const char *field, int kind)
{
	const char *head = field;
	for (size_t i = 0; i < sizeof daily_heads / sizeof daily_heads[0]; i++)
		if (strcmp(daily_heads[i][0], field) == 0)
			head = daily_heads[i][1];
	x->cols = xrealloc(x->cols, (x->ncols + 1) * sizeof *x->cols);
	x->cols[x->ncols++] = (col){ xstrdup(head), xstrdup(field), kind, false };
}

/* daily: a column per figure of the first day (a map's figures each a column of their own) */
static void lay_daily(export *x, const msgpack_object *dy)
{
	const msgpack_object *days = arr_of(dy, "days");
	x->own_heads = true;
	daily_col(x, "date", C_TEXT);
	if (days && days->via.array.size && days->via.array.ptr[0].type == MSGPACK_OBJECT_MAP) {
		const msgpack_object *d0 = &days->via.array.ptr[0];
		for (uint32_t i = 0; i < d0->via.map.size; i++) {
			const msgpack_object *k = &d0->via.map.ptr[i].key, *v = &d0->via.map.ptr[i].val;
			char key[64], sub[130];
			if (k->type != MSGPACK_OBJECT_STR || obj_str_eq(k, "date"))
				continue;
			snprintf(key, sizeof key, "%.*s", (int)(k->via.str.size < 63 ? k->via.str.size : 63), k->via.str.ptr);
			if (v->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
				daily_col(x, key, C_NUM);
			} else if (v->type == MSGPACK_OBJECT_MAP) {
				for (uint32_t j = 0; j < v->via.map.size; j++) {
					const msgpack_object *sk = &v->via.map.ptr[j].key;
					if (sk->type != MSGPACK_OBJECT_STR)
						continue;
					snprintf(sub, sizeof sub, "%s.%.*s", key, (int)(sk->via.str.size < 63 ? sk->via.str.size : 63),
						 sk->via.str.ptr);
					daily_col(x, sub, C_NUM);
				}
			}
		}
	}
	for (uint32_t i = 0; days && i < days->via.array.size; i++)
		lay_row(x, &days->via.array.ptr[i]);
}

/* ---- files ---- */

/* csv_field - RFC 4180: quoted when it holds a comma, quote or line break; a text that a spreadsheet
 * would take for a formula starts with an apostrophe (OWASP's advice for CSV files) */
static void csv_field(FILE *f, const cell *c)
{
	if (c->kind == C_NUM) {
		fprintf(f, "%.15g", c->num);
		return;
	}
	if (c->kind != C_TEXT)
		return;
	const char *s = c->text;
	bool formula = s[0] && strchr("=+-@\t\r", s[0]);
	if (!formula && !strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static char *render_csv(export *x, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	fputs("\xEF\xBB\xBF", f);
	for (size_t c = 0; c < x->ncols; c++) {
		cell h = { C_TEXT, 0, (char *)x->cols[c].head };
		if (c)
			fputc(',', f);
		csv_field(f, &h);
	}
	fputs("\r\n", f);
	for (size_t r = 0; r < x->nrows; r++) {
		for (size_t c = 0; c < x->ncols; c++) {
			if (c)
				fputc(',', f);
			csv_field(f, &x->cells[r * x->ncols + c]);
		}
		fputs("\r\n", f);
	}
	fclose(f);
	return buf;
}

/* width - a column's width in Excel's units: CJK characters count two */
static double width(const char *s)
{
	double w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p & 0xc0) == 0x80)
			continue;
		w += *p >= 0xe0 ? 2.1 : 1.1;
	}
	return w;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	if (!f)
		return NULL;
	FILE *m = open_memstream(&buf, len);
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		fwrite(chunk, 1, n, m);
	fclose(f);
	fclose(m);
	return buf;
}

/* render_xlsx - the workbook in a temporary file (libxlsxwriter writes files only), read back */
static char *render_xlsx(export *x, const char *title, char *err, size_t errn, size_t *len)
{
	const char *tmp = getenv("TMPDIR") && getenv("TMPDIR")[0] ? getenv("TMPDIR") : "/tmp";
	char path[512];
	snprintf(path, sizeof path, "%s/jrp-export-XXXXXX", tmp);
	int fd = mkstemp(path);
	if (fd < 0) {
		snprintf(err, errn, "cannot make a temporary file in %s: %s", tmp, strerror(errno));
		return NULL;
	}
	close(fd);
	lxw_workbook_options o = { .constant_memory = 0, .tmpdir = (char *)tmp, .use_zip64 = 0 };
	lxw_workbook *wb = workbook_new_opt(path, &o);
	if (!wb) {
		snprintf(err, errn, "libxlsxwriter could not start a workbook in %s", tmp);
		unlink(path);
		return NULL;
	}
	lxw_doc_properties props = { .title = (char *)tables[x->table].title, .author = "jrp-gateway",
				     .company = "联席会议办公室" };
	workbook_set_properties(wb, &props);
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	lxw_format *ftitle = workbook_add_format(wb), *fhead = workbook_add_format(wb),
		   *ftext = workbook_add_format(wb);
	format_set_bold(ftitle);
	format_set_font_size(ftitle, 12);
	format_set_bold(fhead);
	format_set_bg_color(fhead, 0xDDE4EE);
	format_set_border(fhead, LXW_BORDER_THIN);
	format_set_num_format(ftext, "@");    /* ids and codes stay text when edited */
	if (x->ncols > 1)
		worksheet_merge_range(ws, 0, 0, 0, (lxw_col_t)(x->ncols - 1), title, ftitle);
	else
		worksheet_write_string(ws, 0, 0, title, ftitle);
	for (size_t c = 0; c < x->ncols; c++) {
		double w = width(x->cols[c].head) + 2;
		worksheet_write_string(ws, 1, (lxw_col_t)c, x->cols[c].head, fhead);
		for (size_t r = 0; r < x->nrows; r++) {
			const cell *cl = &x->cells[r * x->ncols + c];
			lxw_row_t row = (lxw_row_t)(r + 2);
			if (cl->kind == C_NUM) {
				worksheet_write_number(ws, row, (lxw_col_t)c, cl->num, NULL);
			} else if (cl->kind == C_TEXT) {
				worksheet_write_string(ws, row, (lxw_col_t)c, cl->text, ftext);
				if (width(cl->text) + 2 > w)
					w = width(cl->text) + 2;
			}
		}
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w > 60 ? 60 : w, NULL);
	}
	worksheet_freeze_panes(ws, 2, 0);
	if (x->nrows)
		worksheet_autofilter(ws, 1, 0, (lxw_row_t)(x->nrows + 1), (lxw_col_t)(x->ncols - 1));
	lxw_error rc = workbook_close(wb);
	char *buf = NULL;
	if (rc != LXW_NO_ERROR)
		snprintf(err, errn, "libxlsxwriter: %s", lxw_strerror(rc));
	else if (!(buf = read_file(path, len)))
		snprintf(err, errn, "cannot read back %s: %s", path, strerror(errno));
	unlink(path);
	return buf;
}

/* ---- requests ---- */

typedef struct qcheck {
	hreq *h;
	export *x;
	bool bad;
} qcheck;

static enum MHD_Result query_each(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	qcheck *q = cls;
	export *x = q->x;
	char *dst = NULL;
	size_t dn = 0;
	bool *have = NULL;
	(void)kind;
	if (q->bad)
		return MHD_NO;
	if (strcmp(key, "format") == 0) {
		if (!value || (strcmp(value, "csv") != 0 && strcmp(value, "xlsx") != 0)) {
			http_error(q->h, 422, "bad_value", "format", "format is csv or xlsx, not \"%s\"", value ? value : "");
			q->bad = true;
			return MHD_NO;
		}
		x->xlsx = strcmp(value, "xlsx") == 0;
		return MHD_YES;
	}
	if (strcmp(key, "from") == 0)
		dst = x->from, dn = sizeof x->from, have = &x->have_from;
	else if (strcmp(key, "to") == 0)
		dst = x->to, dn = sizeof x->to, have = &x->have_to;
	else if (strcmp(key, "agency") == 0)
		dst = x->agency, dn = sizeof x->agency, have = &x->have_agency;
	if (!dst) {
		http_error(q->h, 400, "unknown_field", key, "/v1/export/{table} takes no query parameter \"%s\"; "
			   "it takes: format (csv or xlsx), from, to, agency", key);
		q->bad = true;
		return MHD_NO;
	}
	if (!value || !value[0] || strlen(value) >= dn) {
		http_error(q->h, value && value[0] ? 422 : 400, "bad_value", key, "the query parameter \"%s\" is %s",
			   key, value && value[0] ? "too long" : "empty");
		q->bad = true;
		return MHD_NO;
	}
	snprintf(dst, dn, "%s", value);
	*have = true;
	return MHD_YES;
}

/* ask - one request of the export into slot s: type to svc, with the period (and of) */
static int ask(hreq *h, size_t s, int svc, const char *type, const char *after)
{
	export *x = h->exp;
	mw w;
	mw_init(&w);
	uint64_t id = routes_begin(&w, type, h->party_id);
	if (strcmp(type, "overdue.list") == 0) {
		if (x->have_agency)
			mw_kstr(&w, "of", x->agency);
		if (after)
			mw_kstr(&w, "after", after);
		mw_ku64(&w, "max", 1000);
	} else {
		if (x->have_from)
			mw_kstr(&w, "from", x->from);
		if (x->have_to)
			mw_kstr(&w, "to", x->to);
	}
	mw_end(&w);
	h->slots[s].svc = svc;
	int rc = up_send(h->g, h, s, mw_data(&w), mw_len(&w), id, GW_TIMEOUT_MS);
	mw_free(&w);
	return rc;
}

void export_start(hreq *h)
{
	export *x = xcalloc(1, sizeof *x);
	size_t t;
	h->exp = x;
	if (h->len) {
		http_error(h, 400, "bad_message", "", "GET /v1/export/{table} takes no body");
		return;
	}
	for (t = 0; t < NTABLES; t++)
		if (strcmp(tables[t].name, h->param[0]) == 0)
			break;
	if (t == NTABLES) {
		http_error(h, 404, "not_found", "table", "no table \"%s\" to export; the tables: lists, agencies, "
			   "departments, durations, overdue, daily", h->param[0]);
		return;
	}
	x->table = (int)t;
	qcheck q = { h, x, false };
	MHD_get_connection_values(h->conn, MHD_GET_ARGUMENT_KIND, query_each, &q);
	if (q.bad)
		return;
	if (x->have_agency && t != T_AGENCIES && t != T_OVERDUE) {
		http_error(h, 422, "bad_value", "agency", "agency filters the agencies and overdue tables only; "
			   "%s has no agency", tables[t].name);
		return;
	}
	/* slot 0: feedback's stats.get (or stats.daily); slot 1: ingest's stats.get (departments), or
	 * overdue.list's pages one after the other (overdue) */
	h->slots = xcalloc(2, sizeof *h->slots);
	h->nslots = t == T_DEPARTMENTS || t == T_OVERDUE ? 2 : 1;
	if (t == T_DAILY) {
		ask(h, 0, SVC_FEEDBACK, "stats.daily", NULL);
	} else {
		ask(h, 0, SVC_FEEDBACK, "stats.get", NULL);
		if (t == T_DEPARTMENTS)
			ask(h, 1, SVC_INGEST, "stats.get", NULL);
		if (t == T_OVERDUE)
			ask(h, 1, SVC_FEEDBACK, "overdue.list", NULL);
	}
	if (!h->waiting)
		export_render(h);
}

/* failed - answer the first slot without a good reply as routes.c answers one; true if one was */
static bool failed(hreq *h)
{
	for (size_t s = 0; s < h->nslots; s++) {
		slot *sl = &h->slots[s];
		if (!sl->have_reply) {
			http_error(h, sl->timed_out ? 504 : 503, sl->timed_out ? "timeout" : "unavailable", "", "%s",
				   sl->err[0] ? sl->err : "no reply");
			return true;
		}
		if (!obj_bool(sl->reply.root, "ok")) {
			const msgpack_object *err = obj_get(sl->reply.root, "error");
			char code[40];
			size_t len;
			char *json = routes_json_reply(sl->reply.root, &len);
			http_set_json(h, routes_status(err ? obj_cstr(err, "code", code, sizeof code) : "bad_message"),
				      json, len);
			return true;
		}
	}
	return false;
}

/* next_overdue - lay out the page in slot 1; when it says next, ask for that page into the same slot
 * (the page's cells are copies: its reply is freed first); true if asked */
static bool next_overdue(hreq *h)
{
	export *x = h->exp;
	slot *sl = &h->slots[1];
	char after[256];
	lay_overdue_page(x, h);
	if (!obj_get(sl->reply.root, "next") || !obj_cstr(sl->reply.root, "next", after, sizeof after)[0])
		return false;
	if (x->rows_read >= EXPORT_MAX_ROWS) {
		snprintf(x->note, sizeof x->note, "仅含前 %zu 项，共 %" PRIu64 " 项", x->rows_read,
			 obj_u64(sl->reply.root, "overdue_total"));
		return false;
	}
	msg_in_free(&sl->reply);
	memset(sl, 0, sizeof *sl);
	if (ask(h, 1, SVC_FEEDBACK, "overdue.list", after) < 0)
		return false;   /* the slot has no reply: failed() answers it */
	return true;
}

void export_render(hreq *h)
{
	export *x = h->exp;
	if (failed(h))
		return;
	if (x->table == T_OVERDUE && next_overdue(h))
		return;         /* the next page's reply calls again */
	if (x->table == T_OVERDUE && failed(h))
		return;         /* the next page could not be asked for */
	const msgpack_object *st = h->slots[0].reply.root;
	switch (x->table) {
	case T_LISTS: lay_lists(x, st); break;
	case T_AGENCIES:
		if (lay_agencies(h, x, st) < 0)
			return;
		break;
	case T_DEPARTMENTS: lay_departments(x, st, h->slots[1].reply.root); break;
	case T_DURATIONS: lay_durations(x, st); break;
	case T_OVERDUE: break;      /* laid out page by page (next_overdue) */
	case T_DAILY: lay_daily(x, st); break;
	}
	/* the period: stats.get's period (absent: everything so far), stats.daily's from and to */
	char from[16] = "", to[16] = "", as_of[40] = "", made[40], title[512], fname[160];
	const msgpack_object *pd = x->table == T_DAILY ? st : obj_get(st, "period");
	if (pd) {
		obj_cstr(pd, "from", from, sizeof from);
		obj_cstr(pd, "to", to, sizeof to);
	}
	obj_cstr(st, "as_of", as_of, sizeof as_of);
	ms_format(clock_now_ms(), made, sizeof made);
	snprintf(title, sizeof title, "%s　统计期间：%s%s%s%s　数据截至：%s　制表时间：%s%s%s",
		 tables[x->table].title, from[0] ? from : "全部", from[0] ? " 至 " : "", to, x->table == T_OVERDUE ?
		 "（逾期为当前状态）" : "", as_of, made, x->note[0] ? "　" : "", x->note);
	snprintf(fname, sizeof fname, "jrp-%s%s%s-%s%s%s.%s", tables[x->table].name, x->have_agency ? "-" : "",
		 x->have_agency ? x->agency : "", from[0] ? from : "all", to[0] ? "_" : "", to, x->xlsx ? "xlsx" : "csv");
	for (char *p = fname; *p; p++)     /* ids are [a-z0-9_], dates digits and dashes: nothing else passes */
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("-_.", *p)))
			*p = '_';
	size_t len = 0;
	char *body;
	if (x->xlsx) {
		char err[600];
		if (!(body = render_xlsx(x, title, err, sizeof err, &len))) {
			log_error("event=export_failed table=%s error=\"%s\"", tables[x->table].name, err);
			http_error(h, 503, "storage", "", "the XLSX file could not be made: %s", err);
			return;
		}
		h->ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	} else {
		body = render_csv(x, &len);
		h->ctype = "text/csv; charset=utf-8";
	}
	free(h->disposition);
	h->disposition = xasprintf("attachment; filename=\"%s\"", fname);
	free(h->resp);
	h->resp = body;
	h->resp_len = len;
	h->status = 200;
	http_finish(h);
}

void export_free(hreq *h)
{
	export *x = h->exp;
	if (!x)
		return;
	for (size_t i = 0; i < x->nrows * x->ncols; i++)
		free(x->cells[i].text);
	free(x->cells);
	if (x->own_heads)
		for (size_t c = 0; c < x->ncols; c++) {
			free((char *)x->cols[c].head);
			free((char *)x->cols[c].field);
		}
	free(x->cols);
	free(x);
	h->exp = NULL;
}
