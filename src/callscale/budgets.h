/*
** The budget grammar: a list ("1,3,5") or a range ("1..1024 x2", "1..31 +2") of budgets N.
*/
#ifndef CALLSCALE_BUDGETS_H
#define CALLSCALE_BUDGETS_H

#include <stddef.h>

/* Parse a budget list or range into a strictly increasing array (malloc'd). Returns 0, or -1
** with a reason in why. */
int cs_budgets_parse(const char *text, size_t **out, size_t *n, char *why, size_t nwhy);

#endif
