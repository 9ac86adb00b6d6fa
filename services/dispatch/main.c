/*
 * jrp-dispatch - measures to per-agency task streams; the check service
 *
 * Pulls adjudicate's change log; tasks.c turns each change into tasks for the
 * executing agencies, check.c answers agencies before they approve a matter.
 * Its outbound log (changes, tasks, checks) is what feedback pulls; each
 * agency reads its own slice of it with tasks.fetch and acknowledges with
 * tasks.ack (the agency's cursor is kept here). service.c is the daemon's side.
 */
#include "daemon.h"

extern const jrp_service dispatch_service;

int main(int argc, char **argv)
{
	return daemon_main(argc, argv, &dispatch_service);
}
