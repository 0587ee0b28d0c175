/*
 * Stress of the runtime on the threads backend: readers and updaters on
 * an RCU-protected table (call_rcu and synchronize_rcu frees), two SRCU
 * domains with call_srcu, and workqueues (plain and delayed), for
 * argv[1] seconds. The oracle: a reader never sees a freed object (its
 * magic turns DEAD before the free, after a grace period), no checker
 * report, no leak. Runs under ASan and TSan too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <kshim/kernel.h>
#include <kshim/rculist.h>
#include <kshim/srcu.h>
#include <kshim/workqueue.h>
#include <kshim/sim.h>

#define SLOTS		64
#define ALIVE		0xa11e
#define DEAD		0xdead
#define NR_READERS	3

struct item {
	int magic;		/* ALIVE until its grace period ended */
	unsigned long gen;	/* update number that published it */
	struct rcu_head rcu;
};

static struct item __rcu *table[SLOTS];
static struct item __rcu *dom_ptr[2];
static struct srcu_struct doms[2];
static DEFINE_SPINLOCK(table_lock);
static DEFINE_MUTEX(dom_lock);
static int stop;
static unsigned long reads, updates, bad, works;
static struct workqueue_struct *wq;

static struct item *item_new(unsigned long gen)
{
	struct item *it = kmalloc(sizeof(*it), GFP_KERNEL);

	if (it) {
		it->magic = ALIVE;
		it->gen = gen;
	}
	return it;
}

static void item_free_cb(struct rcu_head *head)
{
	struct item *it = container_of(head, struct item, rcu);

	WRITE_ONCE(it->magic, DEAD);
	kfree(it);
}

static void check(const struct item *it)
{
	if (it && READ_ONCE(it->magic) != ALIVE)
		__atomic_add_fetch(&bad, 1, __ATOMIC_RELAXED);
}

static int rcu_reader(void *arg)
{
	unsigned long n = 0;

	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		rcu_read_lock();
		for (int i = 0; i < SLOTS; i++)
			check(rcu_dereference(table[i]));
		rcu_read_unlock();
		for (int d = 0; d < 2; d++) {
			int idx = srcu_read_lock(&doms[d]);

			check(srcu_dereference(dom_ptr[d], &doms[d]));
			srcu_read_unlock(&doms[d], idx);
		}
		n++;
	}
	__atomic_add_fetch(&reads, n, __ATOMIC_RELAXED);
	return 0;
}

static void count_work(struct work_struct *w)
{
	(void)w;
	__atomic_add_fetch(&works, 1, __ATOMIC_RELAXED);
}

static int rcu_updater(void *arg)
{
	unsigned long seed = (unsigned long)arg, gen = 0;
	struct work_struct w;
	struct delayed_work dw;

	INIT_WORK(&w, count_work);
	INIT_DELAYED_WORK(&dw, count_work);
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		int slot = (int)((seed = seed * 6364136223846793005UL + 1442695040888963407UL) >> 58);
		struct item *nw = item_new(++gen), *old;

		if (!nw)
			continue;
		spin_lock(&table_lock);
		old = rcu_replace_pointer(table[slot], nw, lockdep_is_held(&table_lock));
		spin_unlock(&table_lock);
		if (old) {
			if (gen & 1) {
				call_rcu(&old->rcu, item_free_cb);
			} else {
				synchronize_rcu();
				item_free_cb(&old->rcu);
			}
		}
		if (!(gen & 15)) {
			int d = (int)(gen >> 4) & 1;
			struct item *dn = item_new(gen), *dold;

			if (dn) {
				mutex_lock(&dom_lock);
				dold = rcu_replace_pointer(dom_ptr[d], dn, lockdep_is_held(&dom_lock));
				mutex_unlock(&dom_lock);
				if (dold) {
					if (gen & 32) {
						call_srcu(&doms[d], &dold->rcu, item_free_cb);
					} else {
						synchronize_srcu(&doms[d]);
						item_free_cb(&dold->rcu);
					}
				}
			}
		}
		if (!(gen & 7))
			queue_work(wq, &w);
		if (!(gen & 63))
			schedule_delayed_work(&dw, 1);
		__atomic_add_fetch(&updates, 1, __ATOMIC_RELAXED);
	}
	cancel_work_sync(&w);
	cancel_delayed_work_sync(&dw);
	return 0;
}

static int clock_ticker(void *arg)
{
	struct sim *sim = arg;

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		sim_clock_advance(sim, 1000000);
		cond_resched();
	}
	return 0;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 10;
	struct task_struct *tasks[NR_READERS + 3];
	struct sim_config cfg;
	struct timespec ts = { 0 };
	struct sim *sim;
	unsigned int nreports;
	int n = 0;

	sim_config_init(&cfg);
	cfg.backend = SIM_BACKEND_THREADS;
	cfg.checkers = true;
	sim = sim_create(&cfg);
	if (!sim)
		return 1;
	init_srcu_struct(&doms[0]);
	init_srcu_struct(&doms[1]);
	wq = alloc_workqueue("stress", 0, 0);
	for (int i = 0; i < NR_READERS; i++)
		tasks[n++] = sim_task_start(sim, "reader", rcu_reader, NULL);
	tasks[n++] = sim_task_start(sim, "updater", rcu_updater, (void *)1UL);
	tasks[n++] = sim_task_start(sim, "updater", rcu_updater, (void *)7UL);
	tasks[n++] = sim_task_start(sim, "ticker", clock_ticker, sim);
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < n; i++)
		sim_task_join(tasks[i]);

	/* teardown in the kernel's order: unpublish, wait, free */
	for (int i = 0; i < SLOTS; i++) {
		struct item *it = rcu_replace_pointer(table[i], NULL, 1);

		if (it)
			call_rcu(&it->rcu, item_free_cb);
	}
	for (int d = 0; d < 2; d++) {
		struct item *it = rcu_replace_pointer(dom_ptr[d], NULL, 1);

		if (it)
			call_srcu(&doms[d], &it->rcu, item_free_cb);
		srcu_barrier(&doms[d]);
		cleanup_srcu_struct(&doms[d]);
	}
	rcu_barrier();
	destroy_workqueue(wq);
	sim_settle(sim);
	printf("reads=%lu updates=%lu works=%lu bad=%lu live=%lu\n", reads, updates, works, bad,
	       sim_alloc_live_objects(sim));
	nreports = sim_destroy(sim);
	printf("reports=%u\n", nreports);
	if (bad || nreports || !reads || !updates || !works) {
		fprintf(stderr, "stress FAILED\n");
		return 1;
	}
	printf("stress OK\n");
	return 0;
}
