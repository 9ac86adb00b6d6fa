/*
 * i18n.h - what people read, in Chinese when their locale is Chinese
 *
 * The English text is the key: printf(tr("%zu records committed\n"), n) prints the
 * English unless the locale (LC_ALL, else LC_MESSAGES, else LANG: the first one
 * set) starts with "zh", and then the Chinese of the tables a program registered
 * with i18n_add (English where a text has none). Only words for people go through
 * tr: the protocol (JSON, msgpack, error codes, field names), --json output and
 * the daemons' log lines never change with the locale.
 *
 * A translation keeps the English text's conversions in the same order
 * (tests/unit/test_i18n.c checks every table): format_arg lets the compiler
 * check the English against the arguments.
 */
#ifndef JRP_I18N_H
#define JRP_I18N_H
#include <stdbool.h>
#include <stddef.h>

typedef struct i18n_msg {
	const char *en, *zh;
} i18n_msg;

/* i18n_add - register a table ending with { NULL, NULL }; it must outlive every tr (static) */
void i18n_add(const i18n_msg *table);
/* i18n_zh - the locale is Chinese (the environment as it is now) */
bool i18n_zh(void);
/* tr - the text in the reader's language: en itself, or its Chinese */
const char *tr(const char *en) __attribute__((format_arg(1)));
/* N_ - marks a text given to tr() later, from a variable (tests/unit/tr_coverage.py finds it) */
#define N_(s) s
/* i18n_pick - en or zh by the locale (texts kept side by side, e.g. a table of commands) */
const char *i18n_pick(const char *en, const char *zh);
/* i18n_same_conversions - en and zh have the same printf conversions in the same order (tests);
 * on a mismatch, why in buf */
bool i18n_same_conversions(const char *en, const char *zh, char *buf, size_t n);

#endif
