/*
 * The lock word embedded in spinlock_t and struct mutex. Public because
 * the lock types are embedded in model structs; only the backends
 * interpret it (see sim/kernel/backend.h).
 */
#ifndef KSHIM_LOCK_IMPL_H
#define KSHIM_LOCK_IMPL_H

struct task_struct;

struct ksim_lock_impl {
	unsigned int word;		/* 0 free, nonzero held (threads: ck fas / C11 atomic) */
	struct task_struct *owner;	/* holder (checkers on), for assert_held and reports */
};
#define KSIM_LOCK_IMPL_INIT { 0, NULL }

#endif
