/*
 * i18n.c - the reader's language and the message tables (i18n.h)
 *
 * Tables are registered by the program (jrpctl's in services/ctl/zh.c, the
 * daemons' usage in daemon.c); at the first lookup in a Chinese locale they are
 * merged into one array sorted by English text and searched by bsearch.
 */
#include "i18n.h"
#include "xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TABLES 8

static const i18n_msg *tables[MAX_TABLES];
static int ntables;
static const i18n_msg **sorted;   /* every registered pair, by en */
static size_t nsorted;

void i18n_add(const i18n_msg *table)
{
	if (ntables < MAX_TABLES)
		tables[ntables++] = table;
	free(sorted);                 /* merged again at the next lookup */
	sorted = NULL;
}

bool i18n_zh(void)
{
	/* POSIX: LC_ALL overrides LC_MESSAGES, which overrides LANG; an empty one counts as unset */
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return strncmp(v, "zh", 2) == 0;
	}
	return false;
}

static int by_en(const void *a, const void *b)
{
	return strcmp((*(const i18n_msg *const *)a)->en, (*(const i18n_msg *const *)b)->en);
}

const char *tr(const char *en)
{
	const i18n_msg key = { en, NULL }, *kp = &key, **hit;
	if (!i18n_zh() || !en)
		return en;
	if (!sorted) {
		size_t n = 0;
		for (int t = 0; t < ntables; t++)
			for (const i18n_msg *m = tables[t]; m->en; m++)
				n++;
		sorted = xmalloc((n ? n : 1) * sizeof *sorted);
		nsorted = 0;
		for (int t = 0; t < ntables; t++)
			for (const i18n_msg *m = tables[t]; m->en; m++)
				sorted[nsorted++] = m;
		qsort(sorted, nsorted, sizeof *sorted, by_en);
	}
	hit = bsearch(&kp, sorted, nsorted, sizeof *sorted, by_en);
	return hit && (*hit)->zh ? (*hit)->zh : en;
}

const char *i18n_pick(const char *en, const char *zh_text)
{
	return i18n_zh() && zh_text ? zh_text : en;
}

/* next_conversion - the next printf conversion of *p as "length+type" in out ("" at the end);
 * flags, width and precision may differ between languages (alignment), '*' may not */
static bool next_conversion(const char **p, char *out, size_t n)
{
	const char *s = *p;
	size_t o = 0;
	while ((s = strchr(s, '%'))) {
		s++;
		if (*s == '%') {
			s++;
			continue;
		}
		while (*s && strchr("-+ #0'", *s))
			s++;
		while (*s && (*s == '*' || (*s >= '0' && *s <= '9') || *s == '.'))
			if (*s++ == '*' && o + 1 < n)
				out[o++] = '*';
		while (*s && strchr("hljztLq", *s) && o + 1 < n)
			out[o++] = *s++;
		if (*s && o + 1 < n)
			out[o++] = *s++;
		out[o] = 0;
		*p = s;
		return true;
	}
	out[0] = 0;
	*p = s;
	return false;
}

bool i18n_same_conversions(const char *en, const char *zh_text, char *buf, size_t n)
{
	const char *a = en, *b = zh_text;
	char ca[16], cb[16];
	for (int i = 1;; i++) {
		bool ha = a && next_conversion(&a, ca, sizeof ca), hb = b && next_conversion(&b, cb, sizeof cb);
		if (!ha && !hb)
			return true;
		if (ha != hb || strcmp(ca, cb) != 0) {
			snprintf(buf, n, "conversion %d: %%%s in English, %%%s in Chinese", i, ha ? ca : "(none)",
				 hb ? cb : "(none)");
			return false;
		}
	}
}
