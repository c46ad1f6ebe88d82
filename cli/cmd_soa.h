/*
 * cmd_soa.h: the `vouch soa` command (cmd_soa.c).
 */
#ifndef VOUCH_CMD_SOA_H
#define VOUCH_CMD_SOA_H


/* vouch soa --facts F.db --framework ID [--only ATTR=VALUE] [--as-of D]
 *           [--period A..B] [--format markdown|csv|html] [--output FILE] PACK...
 * argv holds the arguments after `soa`; the packs (with their imports, or
 * one .vbc) run in one session (runtime/session/session.h). Writes the Statement of
 * Applicability of framework ID (runtime/report/soa.h, docs/soa.md): every
 * control of its catalogue, or with --only those whose attribute ATTR is
 * VALUE (kind=annex_a for the ISO catalogue's Annex A). Returns the
 * exit status: 0 the SoA was written (findings do not change that), 2 usage
 * or input error (also when a rule stopped with an error, as `check` does).
 * Prints everything it has to say. */
int cmd_soa(int argc, char **argv);

#endif
