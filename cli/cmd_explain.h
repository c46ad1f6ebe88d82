/*
 * cmd_explain.h: the `vouch explain` command (cmd_explain.c).
 */
#ifndef VOUCH_CMD_EXPLAIN_H
#define VOUCH_CMD_EXPLAIN_H


/* vouch explain --facts F.db [--as-of D] [--period A..B] [--format text|json]
 *               [--output FILE] RULE [SUBJECT] PACK...
 * Runs rule RULE of the packs and shows, for SUBJECT (or every subject),
 * its outcome and why (runtime/vm/explain.h), through one session
 * (runtime/session/session.h) that compiles an explain program. Returns 0 when it explained
 * something, 2 on a usage or input error, an unknown rule or subject. */
int cmd_explain(int argc, char **argv);

#endif
