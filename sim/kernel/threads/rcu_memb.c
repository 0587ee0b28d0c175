/*
 * RCU on the threads backend: liburcu's memb flavor, the one file that
 * uses it (only one flavor header per translation unit, see
 * toolchain-notes). Only readers and synchronize_rcu come from liburcu;
 * callbacks run on the simulation's callback task, so liburcu never
 * starts its call_rcu threads. TSan builds use the runtime's own domain
 * instead (liburcu 0.13 is invisible to TSan).
 */
#ifndef KSIM_TSAN
/* liburcu's own struct rcu_head clashes with the shim's: no kshim headers here. */
#define _LGPL_SOURCE
#include <urcu/urcu-memb.h>

void thr_rcu_register(void);
void thr_rcu_unregister(void);
void thr_rcu_read_lock(void);
void thr_rcu_read_unlock(void);
void thr_synchronize_rcu(void);

void thr_rcu_register(void)
{
	urcu_memb_register_thread();
}

void thr_rcu_unregister(void)
{
	urcu_memb_unregister_thread();
}

void thr_rcu_read_lock(void)
{
	urcu_memb_read_lock();
}

void thr_rcu_read_unlock(void)
{
	urcu_memb_read_unlock();
}

void thr_synchronize_rcu(void)
{
	urcu_memb_synchronize_rcu();
}

#else /* KSIM_TSAN: the runtime's own grace-period domain */
#include "../internal.h"

void thr_rcu_register(void)
{
}

void thr_rcu_unregister(void)
{
}

void thr_rcu_read_lock(void)
{
	ksim_rcu_read_lock_slow(KSIM_SITE());
}

void thr_rcu_read_unlock(void)
{
	ksim_rcu_read_unlock_slow(KSIM_SITE());
}

void thr_synchronize_rcu(void)
{
	ksim_srcu_gp(&ksim_sim->rcu_dom);
}
#endif
