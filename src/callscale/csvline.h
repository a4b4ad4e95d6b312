/*
** One CSV line split into fields: commas separate, "..." quotes a field ("" inside is a quote).
*/
#ifndef CALLSCALE_CSVLINE_H
#define CALLSCALE_CSVLINE_H

#include <stddef.h>

/* Split line in place into at most max fields (pointers into line); returns the number of fields
** found (which may exceed max: the rest are not stored). A trailing newline is removed first. */
size_t cs_csvline_split(char *line, char **field, size_t max);

#endif
