/*
 * log.h - one line per event: "TIME LEVEL daemon key=value ..." to stderr (TIME in UTC,
 * "...Z"; under systemd with a "<N>" syslog priority first: log.c)
 *
 * Levels below the threshold cost one comparison. Values with spaces are the
 * caller's to quote; log_* adds the timestamp, level and daemon name.
 */
#ifndef JRP_LOG_H
#define JRP_LOG_H

enum { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

extern int log_level;
void log_init(const char *name, int level);
void log_write(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) do { if (log_level <= LOG_DEBUG) log_write(LOG_DEBUG, __VA_ARGS__); } while (0)
#define log_info(...)  do { if (log_level <= LOG_INFO)  log_write(LOG_INFO, __VA_ARGS__); } while (0)
#define log_warn(...)  do { if (log_level <= LOG_WARN)  log_write(LOG_WARN, __VA_ARGS__); } while (0)
#define log_error(...) log_write(LOG_ERROR, __VA_ARGS__)

#endif
