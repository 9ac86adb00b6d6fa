/*
 * test_i18n.c - unit tests of common/util/i18n.c: the reader's language from the
 * environment, tr's lookup, and every row of jrpctl's Chinese table
 * (services/ctl/zh.c) keeping its English text's printf conversions in the same
 * order (a mismatch would print garbage, or crash, in a Chinese locale only).
 * tests/unit/tr_coverage.py checks that every text given to tr() has a row.
 */
#include "tap.h"
#include "util/i18n.h"

extern const i18n_msg ctl_zh[];

static const i18n_msg table[] = {
	{ "%zu records committed\n", "已提交 %zu 条记录\n" },
	{ "no row", NULL },
	{ NULL, NULL } };

static void locale(const char *all, const char *messages, const char *lang)
{
	const char *v[3] = { all, messages, lang }, *k[3] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	for (int i = 0; i < 3; i++) {
		if (v[i])
			setenv(k[i], v[i], 1);
		else
			unsetenv(k[i]);
	}
}

static void test_locale(void)
{
	locale(NULL, NULL, "C.UTF-8");
	CHECK(!i18n_zh());
	locale(NULL, NULL, "zh_CN.UTF-8");
	CHECK(i18n_zh());
	locale("C", NULL, "zh_CN.UTF-8");          /* LC_ALL first */
	CHECK(!i18n_zh());
	locale(NULL, "zh_TW.UTF-8", "en_US.UTF-8");  /* then LC_MESSAGES */
	CHECK(i18n_zh());
	locale("", "", "zh_CN.UTF-8");             /* empty: as if unset */
	CHECK(i18n_zh());
	locale(NULL, NULL, NULL);
	CHECK(!i18n_zh());
}

static void test_tr(void)
{
	locale(NULL, NULL, "C.UTF-8");
	CHECK_STR(tr("%zu records committed\n"), "%zu records committed\n");
	CHECK_STR(i18n_pick("en", "zh"), "en");
	locale(NULL, NULL, "zh_CN.UTF-8");
	CHECK_STR(tr("%zu records committed\n"), "已提交 %zu 条记录\n");
	CHECK_STR(tr("not in any table"), "not in any table");
	CHECK_STR(tr("no row"), "no row");
	CHECK_STR(i18n_pick("en", "zh"), "zh");
	/* the refusal line: the protocol's code and field stay as they are (greppable) */
	CHECK_STR(tr("jrpctl: refused [%s]%s%s: %s\n"), "jrpctl: 被拒绝 [%s]%s%s: %s\n");
	locale(NULL, NULL, "C.UTF-8");
}

static void test_conversions(void)
{
	char why[200];
	CHECK(i18n_same_conversions("%s %llu %.*s %5.1f%%", "%s 与 %llu %.*s %.1f%%", why, sizeof why));
	CHECK(i18n_same_conversions("%-26s %6llu", "%s %llu", why, sizeof why));   /* widths may differ */
	CHECK(!i18n_same_conversions("%s %llu", "%llu %s", why, sizeof why));
	CHECK_STR(why, "conversion 1: %s in English, %llu in Chinese");
	CHECK(!i18n_same_conversions("%s %d", "%s", why, sizeof why));
	CHECK(!i18n_same_conversions("%zu", "%u", why, sizeof why));
	CHECK(!i18n_same_conversions("%.*s", "%s", why, sizeof why));
	CHECK(!i18n_same_conversions("100%%", "100%d", why, sizeof why));
}

/* every row of jrpctl's table: Chinese, the same conversions, one row per English text */
static void test_ctl_table(void)
{
	char why[200];
	size_t n = 0;
	for (const i18n_msg *m = ctl_zh; m->en; m++) {
		n++;
		if (!m->zh || !i18n_same_conversions(m->en, m->zh, why, sizeof why)) {
			printf("# \"%s\": %s\n", m->en, m->zh ? why : "no Chinese");
			CHECK(!"a row keeps its English's conversions");
		}
		for (const i18n_msg *o = ctl_zh; o < m; o++)
			if (strcmp(o->en, m->en) == 0) {
				printf("# \"%s\" has two rows\n", m->en);
				CHECK(!"one row per English text");
			}
	}
	CHECK(n > 100);
}

int main(void)
{
	i18n_add(table);
	i18n_add(ctl_zh);
	RUN(test_locale);
	RUN(test_tr);
	RUN(test_conversions);
	RUN(test_ctl_table);
	TAP_DONE();
}
