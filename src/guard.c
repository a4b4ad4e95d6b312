/*
** GSL's error handler off while the library runs. The library checks GSL's return codes itself,
** but GSL calls its handler first, and the default handler aborts the process. The handler is one
** process-wide pointer, so calls from several threads share one switch: the first to enter saves
** the program's handler and turns it off, the last to leave puts it back.
*/
#include <pthread.h>
#include <gsl/gsl_errno.h>
#include "guard.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned depth;               /* public calls running now, in any thread */
static gsl_error_handler_t *saved;   /* the program's handler while depth > 0 */

void cs_guard_enter(void)
{
    pthread_mutex_lock(&lock);
    if (depth++ == 0)
        saved = gsl_set_error_handler_off();
    pthread_mutex_unlock(&lock);
}

void cs_guard_leave(void)
{
    pthread_mutex_lock(&lock);
    if (depth > 0 && --depth == 0)
        gsl_set_error_handler(saved);
    pthread_mutex_unlock(&lock);
}
