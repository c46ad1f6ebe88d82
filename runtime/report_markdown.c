#include "report_util.h"
int vouch_report_markdown(const vouch_report *r, FILE *out) { (void)r; (void)out; return -1; }
