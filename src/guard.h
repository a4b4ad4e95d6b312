/*
** GSL's error handler switched off while any public entry point runs, so that no GSL error can
** abort an embedding program; the program's own handler comes back when the last call returns.
*/
#ifndef CALLSCALE_GUARD_H
#define CALLSCALE_GUARD_H

/* Around the body of every public function that can reach GSL (and of its threads' work). */
void cs_guard_enter(void);
void cs_guard_leave(void);

#endif
