/*
 * SRCU, and the grace-period domain under RCU on the sched backend and in
 * TSan builds. Classic two-index counter SRCU:
 *
 *   reader:  idx = srcu_idx & 1; lock_count[idx]++; smp_mb();  (B)
 *            ... critical section ...
 *            unlock_count[idx]++ with release order              (C)
 *   updater: wait for readers of idx^1 (stragglers of the last flip),
 *            srcu_idx++ (flip), smp_mb(),
 *            wait until unlock_count[idx] == lock_count[idx] for the old idx
 *
 * The updater sums unlock counts (acquire loads) before lock counts, with
 * a full barrier (A) between them, so a reader counted in lock but not in
 * unlock keeps the grace period open; a reader whose lock increment the
 * updater missed has, by the pairing of (B) with (A), seen every update
 * made before the grace period began.
 *
 * Counters are per task slot, summed over slots. A task owns its slot
 * (1..KSIM_NR_SLOTS-1) alone, so its increments are a relaxed load and a
 * store, not a locked read-modify-write; slot 0 is shared and uses
 * atomic adds.
 *
 * (B) with membarrier (ksim_membarrier_ok: threads backend, not TSan):
 * (A) is a membarrier(PRIVATE_EXPEDITED), which puts a full barrier on
 * every running thread between the updater's earlier stores and its lock
 * count loads, so (B) only has to stop the compiler, as liburcu-memb's
 * readers do. A reader whose barrier point falls after its lock store is
 * counted; one whose barrier point falls before it does its critical
 * section after the updater's stores and sees them.
 *
 * (C) needs only release order, not the kernel's smp_mb(): what (C) must
 * do is keep the critical section's loads and stores before the unlock
 * count; the updater reads that count with acquire, so seeing it makes
 * the whole section happen before the updater's next step (the free). An
 * unlock seen implies its lock is seen too: the lock count was stored
 * before the unlock (same task, release) and the updater reads lock
 * counts after unlock counts across (A). Ordering the unlock count before
 * the later gp_waiting load (for the wakeup) is not needed for safety: a
 * waiter polls the condition before it sleeps and sleeps at most 1 ms at a
 * time (thr_wait_until), and the sched backend polls at every choice
 * point. The sum may be torn by readers that lock and unlock between the
 * two passes; that only adds locks (the updater waits longer).
 */
#include "internal.h"

int ksim_srcu_init_raw(struct srcu_struct *ssp, struct sim *sim)
{
	memset(ssp->slots, 0, sizeof(ssp->slots));
	ssp->srcu_idx = 0;
	ssp->gp_lock.word = 0;
	ssp->gp_lock.owner = NULL;
	ssp->gp_waiting = 0;
	ssp->gp_seq = 0;
	ssp->cb_head = NULL;
	ssp->cb_tail = &ssp->cb_head;
	ssp->cb_queued = 0;
	ssp->cb_done = 0;
	ssp->cb_next = NULL;
	ssp->cb_listed = false;
	ssp->sim = sim;
	ssp->magic = KSIM_SRCU_MAGIC;
	return 0;
}

struct readers_arg {
	struct srcu_struct *ssp;
	int idx;
};

static bool readers_gone(void *arg)
{
	struct readers_arg *ra = arg;
	unsigned long locks = 0, unlocks = 0;

	for (int i = 0; i < KSIM_NR_SLOTS; i++)
		unlocks += __atomic_load_n(&ra->ssp->slots[i].unlock_count[ra->idx], __ATOMIC_ACQUIRE);
	if (KSIM_FLAG(ksim_membarrier_ok))
		thr_membarrier();				/* (A), for readers without (B) */
	else
		__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* (A) */
	for (int i = 0; i < KSIM_NR_SLOTS; i++)
		locks += __atomic_load_n(&ra->ssp->slots[i].lock_count[ra->idx], __ATOMIC_ACQUIRE);
	return locks == unlocks;
}

static int wait_readers(struct srcu_struct *ssp, int idx)
{
	struct readers_arg ra = { ssp, idx };
	int ret;

	if (readers_gone(&ra))
		return 0;
	__atomic_store_n(&ssp->gp_waiting, 1, __ATOMIC_SEQ_CST);
	ret = ksim_wait_until(readers_gone, &ra, "srcu grace period");
	__atomic_store_n(&ssp->gp_waiting, 0, __ATOMIC_RELAXED);
	return ret;
}

/* One full grace period of ssp (callers did the checks). */
void ksim_srcu_gp(struct srcu_struct *ssp)
{
	unsigned long cur;
	int idx;

	ksim_switch_point();
	KSIM_BE(lock_acquire, &ssp->gp_lock, true);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	cur = __atomic_load_n(&ssp->srcu_idx, __ATOMIC_RELAXED);
	idx = (int)(cur & 1);
	if (wait_readers(ssp, idx ^ 1))
		goto out;
	__atomic_store_n(&ssp->srcu_idx, cur + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (wait_readers(ssp, idx))
		goto out;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ssp->gp_seq++;
out:
	KSIM_BE(lock_release, &ssp->gp_lock);
	ksim_switch_point();
}

int __init_srcu_struct(struct srcu_struct *ssp, const char *name, const struct lock_class_key *key)
{
	ksim_srcu_init_raw(ssp, ksim_sim);
	ksim_lockdep_init_map(&ssp->dep_map, name, key, KSIM_LK_SRCU);
	return 0;
}

static bool check_magic(struct srcu_struct *ssp, const char *what, const char *file, int line)
{
	if (likely(ssp->magic == KSIM_SRCU_MAGIC))
		return true;
	if (ksim_once(file, (uintptr_t)line | (11UL << 56)))
		sim_report(SIM_REPORT_RCU, "WARNING: srcu_struct used before init_srcu_struct() or after cleanup",
			   "WARNING: %s() at %s:%d on an srcu_struct that is not initialized\n",
			   what, ksim_short_file(file), line);
	return false;
}

void cleanup_srcu_struct(struct srcu_struct *ssp)
{
	if (!check_magic(ssp, "cleanup_srcu_struct", __FILE__, __LINE__))
		return;
	if (__atomic_load_n(&ssp->cb_done, __ATOMIC_ACQUIRE) != ssp->cb_queued) {
		ksim_warn(__FILE__, __LINE__, __func__, false,
			  "cleanup_srcu_struct(%s) with call_srcu() callbacks pending", ssp->dep_map.name);
		ksim_cb_barrier(ssp);
	}
	for (int i = 0; i < 2; i++) {
		struct readers_arg ra = { ssp, i };

		if (!readers_gone(&ra)) {
			ksim_warn(__FILE__, __LINE__, __func__, false,
				  "cleanup_srcu_struct(%s) with readers active", ssp->dep_map.name);
			break;
		}
	}
	ssp->magic = 0;
}

/* Find current's most recent read of ssp; -1 if none. */
static int held_index(const struct task_struct *t, const struct srcu_struct *ssp)
{
	for (int i = t->srcu_depth - 1; i >= 0; i--)
		if (i < KSIM_MAX_SRCU_HELD && t->srcu_held[i].ssp == ssp)
			return i;
	return -1;
}

int ksim_srcu_read_lock_slow(struct srcu_struct *ssp, const struct ksim_site *site)
{
	struct task_struct *t = current;
	int idx;

	if (KSIM_FLAG(ksim_checkers_on) && !check_magic(ssp, "srcu_read_lock", site->file, site->line))
		return 0;
	ksim_switch_point();
	idx = ksim_srcu_lock_raw(ssp, !KSIM_FLAG(ksim_membarrier_ok));
	if (KSIM_FLAG(ksim_checkers_on) && t) {
		if (t->srcu_depth < KSIM_MAX_SRCU_HELD) {
			t->srcu_held[t->srcu_depth].ssp = ssp;
			t->srcu_held[t->srcu_depth].idx = idx;
		}
		t->srcu_depth++;
		ksim_lock_acquire(&ssp->dep_map, 0, 0, 1, site->file, site->line, site->func);
	}
	sim_trace(SIM_EV_BEGIN, "srcu", ssp->dep_map.name, "idx=%d", idx);
	return idx;
}

static void bad_unlock(struct srcu_struct *ssp, int idx, int want, const char *file, int line)
{
	struct task_struct *t = current;
	struct ksim_buf b = { 0 };

	if (!ksim_once(file, (uintptr_t)line | (9UL << 56)))
		return;
	kbuf_printf(&b, "=============================\nWARNING: suspicious RCU usage\n");
	kbuf_printf(&b, "-----------------------------\n%s:%d ", ksim_short_file(file), line);
	if (want < 0)
		kbuf_printf(&b, "srcu_read_unlock(%s, %d) without a matching srcu_read_lock() of that domain!\n",
			    ssp->dep_map.name, idx);
	else
		kbuf_printf(&b, "srcu_read_unlock(%s) with index %d, srcu_read_lock() returned %d!\n",
			    ssp->dep_map.name, idx, want);
	kbuf_printf(&b, "\nother info that might help us debug this:\n\n");
	ksim_print_held_locks(&b, t);
	ksim_report_text(SIM_REPORT_RCU, want < 0 ?
			 "WARNING: srcu_read_unlock() of a domain not read-locked" :
			 "WARNING: srcu_read_unlock() with a wrong index", b.s);
	kbuf_free(&b);
}

void ksim_srcu_read_unlock_slow(struct srcu_struct *ssp, int idx, const struct ksim_site *site)
{
	struct task_struct *t = current;
	int i;

	if (KSIM_FLAG(ksim_checkers_on) && t) {
		if (!check_magic(ssp, "srcu_read_unlock", site->file, site->line))
			return;
		i = held_index(t, ssp);
		if (i < 0) {
			bad_unlock(ssp, idx, -1, site->file, site->line);
			return;		/* leave the counters consistent */
		}
		if (t->srcu_held[i].idx != idx) {
			bad_unlock(ssp, idx, t->srcu_held[i].idx, site->file, site->line);
			idx = t->srcu_held[i].idx;
		}
		memmove(&t->srcu_held[i], &t->srcu_held[i + 1],
			(size_t)(min(t->srcu_depth, KSIM_MAX_SRCU_HELD) - i - 1) * sizeof(t->srcu_held[0]));
		t->srcu_depth--;
		ksim_lock_release(&ssp->dep_map, site->file, site->line);
	}
	sim_trace(SIM_EV_END, "srcu", ssp->dep_map.name, NULL);
	ksim_srcu_unlock_raw(ssp, idx);
	ksim_switch_point();
}

bool ksim_srcu_read_lock_held(const struct srcu_struct *ssp)
{
	struct task_struct *t = current;

	return t && held_index(t, ssp) >= 0;
}

void ksim_synchronize_srcu(struct srcu_struct *ssp, const char *file, int line, const char *func)
{
	struct task_struct *t = current;

	if (KSIM_FLAG(ksim_checkers_on) && t) {
		if (!check_magic(ssp, "synchronize_srcu", file, line))
			return;
		ksim_might_sleep(file, line, func);
		if (held_index(t, ssp) >= 0) {
			if (ksim_once(file, (uintptr_t)line | (10UL << 56))) {
				struct ksim_buf b = { 0 };

				kbuf_printf(&b, "=============================\nWARNING: suspicious RCU usage\n");
				kbuf_printf(&b, "-----------------------------\n%s:%d Illegal synchronize_srcu() in same-type SRCU (or in RCU) read-side critical section!\n",
					    ksim_short_file(file), line);
				kbuf_printf(&b, "\nother info that might help us debug this:\n\n");
				ksim_print_held_locks(&b, t);
				ksim_report_text(SIM_REPORT_RCU, "WARNING: suspicious RCU usage", b.s);
				kbuf_free(&b);
			}
			return;		/* it would never return */
		}
		ksim_lock_wait_for(&ssp->dep_map, file, line, func);
	}
	sim_trace(SIM_EV_BEGIN, "gp", ssp->dep_map.name, NULL);
	ksim_srcu_gp(ssp);
	sim_trace(SIM_EV_END, "gp", ssp->dep_map.name, NULL);
}

void call_srcu(struct srcu_struct *ssp, struct rcu_head *head, rcu_callback_t func)
{
	if (KSIM_FLAG(ksim_checkers_on) && !check_magic(ssp, "call_srcu", __FILE__, __LINE__))
		return;
	ksim_cb_enqueue(ssp, head, func);
}

void ksim_srcu_barrier(struct srcu_struct *ssp, const char *file, int line, const char *func)
{
	if (KSIM_FLAG(ksim_checkers_on)) {
		if (!check_magic(ssp, "srcu_barrier", file, line))
			return;
		ksim_might_sleep(file, line, func);
	}
	ksim_cb_barrier(ssp);
}
