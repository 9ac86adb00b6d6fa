/*
 * calendar.h - dates, periods and working days (the official holiday schedule)
 *
 * A date is a day number (days since 1970-01-01, proleptic Gregorian). All
 * deadlines in jrp are either working days (counted with the calendar: official
 * days off are not working days, make-up weekend days are) or calendar periods.
 * A year with no schedule loaded is provisional: weekends only, and the
 * calendar says so (calendar_provisional) so the daemons can warn.
 */
#ifndef JRP_CALENDAR_H
#define JRP_CALENDAR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "err.h"

typedef int32_t jrp_date;

typedef struct jrp_period {
	int years, months, days;
} jrp_period;

/* date_parse - strict "YYYY-MM-DD" (exactly 10 chars, valid day of month, year 1900..9999) */
int date_parse(const char *s, size_t len, jrp_date *out);
/* date_format - "YYYY-MM-DD" into out (11 bytes) */
void date_format(jrp_date d, char out[11]);
jrp_date date_from_ymd(int y, int m, int d);
void date_to_ymd(jrp_date d, int *y, int *m, int *day);
/* date_weekday - 1 = Monday .. 7 = Sunday */
int date_weekday(jrp_date d);
/* date_add_period - add years, then months (clamping the day to the month's end), then days */
jrp_date date_add_period(jrp_date d, jrp_period p);
/* period_parse - "3y", "6m", "10d", "1y6m" -> period; returns 0 or JRP_EINVAL */
int period_parse(const char *s, jrp_period *out);
/* period_format - "1y6m" (or "0d") into out */
void period_format(jrp_period p, char *out, size_t n);
bool period_is_zero(jrp_period p);

/* a time limit counted in days (期间) from a date: n working days ("5wd"), or n calendar days ("5d")
 * where, as the Civil Code counts a period in days, the start day does not count and a last day that
 * is not a working day moves to the next working day (《民法典》第二百零一条、第二百零三条) */
typedef struct jrp_limit {
	int n;          /* 0..366 */
	bool workdays;
} jrp_limit;

/* limit_parse - "5d" or "10wd" (no leading zero, 0..366) -> limit; returns 0 or JRP_EINVAL */
int limit_parse(const char *s, jrp_limit *out);
/* limit_format - "5d" / "10wd" into out */
void limit_format(jrp_limit l, char *out, size_t n);

typedef struct jrp_calendar jrp_calendar;

jrp_calendar *calendar_new(void);
void calendar_free(jrp_calendar **cal);

/* calendar_load_file - load one year file (rules/calendar/YYYY.yaml); errors carry file:line:col */
int calendar_load_file(jrp_calendar *cal, const char *path, jrp_error *e);

bool calendar_is_workday(const jrp_calendar *cal, jrp_date d);
/* calendar_add_workdays - the n-th working day strictly after d (n >= 1); n == 0 returns d */
jrp_date calendar_add_workdays(const jrp_calendar *cal, jrp_date d, int n);
/* calendar_limit_end - the last day of limit l counted from d (d itself when l.n == 0) */
jrp_date calendar_limit_end(const jrp_calendar *cal, jrp_date d, jrp_limit l);
/* calendar_changed - DOMAIN.md "Working days": the first and last year in which a and b differ (a
 * year's status, or any day's being a working day): false if they agree everywhere */
bool calendar_changed(const jrp_calendar *a, const jrp_calendar *b, int *first, int *last);
/* calendar_move - a deadline due `due`, counted in working days after `from` under calendar old,
 * counted again under new: the same number of working days after from (due itself if none) */
jrp_date calendar_move(const jrp_calendar *old, const jrp_calendar *new_cal, jrp_date from, jrp_date due);
/* calendar_workdays_between - number of working days in (a, b]; 0 if b <= a */
int calendar_workdays_between(const jrp_calendar *cal, jrp_date a, jrp_date b);
/* calendar_year_status - "official", "provisional" (file marked so) or "missing" */
const char *calendar_year_status(const jrp_calendar *cal, int year);
/* calendar_provisional - true if any date in [a, b] falls in a year that is not official */
bool calendar_provisional(const jrp_calendar *cal, jrp_date a, jrp_date b);

#endif
