/*
 * jrp-adjudicate - list standards, list state, deadlines, cross-checks
 *
 * Pulls ingest's event log, applies the standards of the catalogue (lists.c),
 * keeps every entry's life and appends each change to the change log that
 * dispatch pulls; takes the actions on entries (actions.c) and keeps the
 * publication log (publish.c). service.c is the daemon's side of it.
 */
#include "daemon.h"

extern const jrp_service adjudicate_service;

int main(int argc, char **argv)
{
	return daemon_main(argc, argv, &adjudicate_service);
}
