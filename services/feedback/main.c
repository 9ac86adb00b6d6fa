/*
 * jrp-feedback - agencies' feedback, overdue tracking, statistics for the office
 *
 * Pulls dispatch's outbound log (changes, tasks, checks) and keeps the
 * counters the office reads (accounts.c, figures.c); takes each agency's
 * feedback on its own tasks only (report.c); mandatory measures and duties
 * carry a deadline in working days, indexed by due time so that overdue tasks
 * are a range read. service.c is the daemon's side.
 */
#include "daemon.h"

extern const jrp_service feedback_service;

int main(int argc, char **argv)
{
	return daemon_main(argc, argv, &feedback_service);
}
