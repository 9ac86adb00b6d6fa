/*
 * clock.h - "now" for every daemon, from one place
 *
 * Normally the system clock. A daemon started with test_clock: true lets a
 * test set the time (clock.set); the test time then stands still until set
 * again, so a three-year validity is crossed in one message. Dates are civil
 * dates in China Standard Time (UTC+8, no daylight saving).
 */
#ifndef JRP_CLOCK_H
#define JRP_CLOCK_H
#include <stdbool.h>
#include <stdint.h>
#include "calendar.h"

#define CST_OFFSET_MS (8LL * 3600 * 1000)
#define DAY_MS (86400LL * 1000)

int64_t clock_now_ms(void);
/* clock_real_ms - monotonic real time, for waits and timeouts (never the test clock) */
int64_t clock_real_ms(void);
jrp_date clock_today(void);
/* clock_set_ms - only honoured when clock_enable_test() was called */
void clock_enable_test(void);
bool clock_is_test(void);
void clock_set_ms(int64_t ms);
/* date_of_ms / ms_of_date - civil date in CST of an instant; start (00:00 CST) of a date */
jrp_date date_of_ms(int64_t ms);
int64_t ms_of_date(jrp_date d);
/* ms_format - "YYYY-MM-DDTHH:MM:SS+08:00" into buf (>= 26 bytes) */
void ms_format(int64_t ms, char *buf, size_t n);
/* ms_parse - the same format, or a date alone (00:00 CST); 0 or JRP_EINVAL */
int ms_parse(const char *s, int64_t *out);

/* req_instant - an instant field of a request (issue 14's as_of_time): milliseconds since the epoch, or a
 * string ms_parse reads; not after now. 0, or the refusal (wrong_type, bad_value) on field */
struct msgpack_object;
struct jrp_error;
int req_instant(const struct msgpack_object *o, const char *field, int64_t now, int64_t *out, struct jrp_error *e);

#endif
