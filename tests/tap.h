/*
 * tap.h - the one tiny test runner of jrp: TAP output, counted by meson
 *
 * Each test program defines test functions and calls them through RUN();
 * CHECK() records a failure with file:line and goes on; main ends with
 * TAP_DONE(), which prints the plan and exits non-zero on any failure.
 */
#ifndef JRP_TAP_H
#define JRP_TAP_H
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

static int tap_n, tap_failed, tap_cur_failed;

#define CHECK(cond) do { if (!(cond)) { tap_cur_failed = 1; \
    printf("# %s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); fflush(stdout); } } while (0)
#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); \
    if (!a_ || !b_ || strcmp(a_, b_) != 0) { tap_cur_failed = 1; \
    printf("# %s:%d: CHECK_STR failed: %s = \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, \
           a_ ? a_ : "(null)", b_ ? b_ : "(null)"); fflush(stdout); } } while (0)
#define CHECK_INT(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
    if (a_ != b_) { tap_cur_failed = 1; \
    printf("# %s:%d: CHECK_INT failed: %s = %lld, expected %lld\n", __FILE__, __LINE__, #a, a_, b_); \
    fflush(stdout); } } while (0)

#define RUN(fn) do { tap_cur_failed = 0; fn(); tap_n++; if (tap_cur_failed) tap_failed++; \
    printf("%sok %d - %s\n", tap_cur_failed ? "not " : "", tap_n, #fn); fflush(stdout); } while (0)
#define TAP_DONE() do { printf("1..%d\n", tap_n); return tap_failed ? 1 : 0; } while (0)

#endif
