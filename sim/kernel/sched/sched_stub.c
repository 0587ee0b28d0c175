/* Placeholder until the sched backend lands: every entry point aborts. */
#include <stdlib.h>
#include <errno.h>
#include "../backend.h"

int ksim_sched_active;

int sch_sim_init(struct sim *sim) { (void)sim; return -ENOSYS; }
void sch_sim_exit(struct sim *sim) { (void)sim; }
int sch_task_start(struct task_struct *t) { (void)t; abort(); }
int sch_task_join(struct task_struct *t) { (void)t; abort(); }
void sch_yield(void) { }
void sch_lock_acquire(struct ksim_lock_impl *l, bool sleeping) { (void)l; (void)sleeping; abort(); }
bool sch_lock_trylock(struct ksim_lock_impl *l) { (void)l; abort(); }
void sch_lock_release(struct ksim_lock_impl *l) { (void)l; abort(); }
int sch_wait_until(bool (*cond)(void *arg), void *arg, const char *what) { (void)cond; (void)arg; (void)what; abort(); }
uint64_t sch_now_ns(void) { return 0; }
