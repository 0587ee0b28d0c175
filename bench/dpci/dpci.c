/*
 * The Xen 2014 dpci fairness question, on the simulator's workqueues
 * (threads backend, checkers off). N interrupt sources of one VM are
 * delivered by deferred work, in one of two designs:
 *
 *   per-vm      one work item per VM; a signal sets the source's pending
 *               bit and queues it; the work scans the bitmap from source 0
 *               (Xen's per-domain dpci tasklet before 2014);
 *   per-source  one work item per source, queued by its own signal (Xen's
 *               per-pirq softirq list after 2014, and KVM's irqfd inject).
 *
 * Loads: "highest busy" signals only source N-1; "all busy" signals every
 * source, then measures source N-1, which the per-vm scan reaches last.
 * Figures: mean signal-to-delivery latency of source N-1, and bitmap
 * entries examined per delivery, for N = 8, 64, 512.
 *
 * Usage: dpci [-n ROUNDS] [-o FILE.csv] [-q]
 */
#include <sched.h>
#include <stdbool.h>
#include <kshim/kernel.h>
#include <kshim/workqueue.h>
#include <irqsim/sim.h>
#include "bench_util.h"

#define MAX_SRC 512

struct source {
	struct work_struct work;	/* per-source design */
	struct vmstate *vm;
	int id;
};

struct vmstate {
	int nsrc;
	unsigned long pending[MAX_SRC / BITS_PER_LONG];	/* per-vm design; atomic bitops */
	struct work_struct work;			/* per-vm design */
	struct source src[MAX_SRC];
	uint64_t delivered[MAX_SRC];			/* atomic */
	uint64_t scanned;				/* bitmap entries examined; atomic */
};

static void deliver(struct vmstate *vm, int id)
{
	__atomic_add_fetch(&vm->delivered[id], 1, __ATOMIC_RELEASE);
}

static void per_vm_work(struct work_struct *w)
{
	struct vmstate *vm = container_of(w, struct vmstate, work);
	int i;

	for (i = 0; i < vm->nsrc; i++) {
		__atomic_add_fetch(&vm->scanned, 1, __ATOMIC_RELAXED);
		if (test_and_clear_bit(i, vm->pending))
			deliver(vm, i);
	}
}

static void per_source_work(struct work_struct *w)
{
	struct source *s = container_of(w, struct source, work);

	__atomic_add_fetch(&s->vm->scanned, 1, __ATOMIC_RELAXED);
	deliver(s->vm, s->id);
}

static void signal_src(struct vmstate *vm, int id, bool per_vm)
{
	if (per_vm) {
		set_bit(id, vm->pending);
		queue_work(system_wq, &vm->work);
	} else {
		queue_work(system_wq, &vm->src[id].work);
	}
}

static void wait_delivered(struct vmstate *vm, int id, uint64_t want)
{
	while (__atomic_load_n(&vm->delivered[id], __ATOMIC_ACQUIRE) < want)
		sched_yield();
}

struct result {
	double latency_ns;	/* source N-1, mean */
	double scan_per_delivery;
};

static struct result run(struct sim *sim, int nsrc, bool per_vm, bool all_busy, uint64_t rounds)
{
	static struct vmstate vm;
	uint64_t r, deliveries = 0;
	double total = 0, t0;
	struct result res;
	int i;

	memset(&vm, 0, sizeof(vm));
	vm.nsrc = nsrc;
	INIT_WORK(&vm.work, per_vm_work);
	for (i = 0; i < nsrc; i++) {
		vm.src[i].vm = &vm;
		vm.src[i].id = i;
		INIT_WORK(&vm.src[i].work, per_source_work);
	}
	for (r = 1; r <= rounds; r++) {
		if (all_busy)
			for (i = 0; i < nsrc - 1; i++)
				signal_src(&vm, i, per_vm);
		t0 = bench_now();
		signal_src(&vm, nsrc - 1, per_vm);
		wait_delivered(&vm, nsrc - 1, r);
		total += bench_now() - t0;
		if (all_busy)
			for (i = 0; i < nsrc - 1; i++)
				wait_delivered(&vm, i, r);
	}
	sim_settle(sim);
	for (i = 0; i < nsrc; i++)
		deliveries += vm.delivered[i];
	res.latency_ns = total * 1e9 / rounds;
	res.scan_per_delivery = (double)vm.scanned / deliveries;
	return res;
}

int main(int argc, char **argv)
{
	static const int sizes[] = { 8, 64, 512 };
	struct bench_args args;
	struct sim *sim;
	FILE *csv;
	size_t s;
	int load, design;

	bench_parse(argc, argv, &args, 2000, "bench/results/dpci.csv");
	sim = bench_sim_create();
	if (!sim) {
		fprintf(stderr, "dpci: cannot create the simulation\n");
		return 1;
	}
	csv = bench_csv_open(args.csv, "load,design,sources,rounds,latency_ns,scan_per_delivery");
	printf("dpci fairness (simulator, threads backend, checkers off), %llu rounds\n",
	       (unsigned long long)args.n);
	printf("%-13s %-11s %8s %16s %18s\n", "load", "design", "sources", "latency_ns(N-1)",
	       "scan_per_delivery");
	for (load = 0; load < 2; load++) {
		for (s = 0; s < ARRAY_SIZE(sizes); s++) {
			for (design = 0; design < 2; design++) {
				const char *ln = load ? "all-busy" : "highest-busy";
				const char *dn = design ? "per-source" : "per-vm";
				uint64_t rounds = load ? args.n / 10 + 1 : args.n;
				struct result res = run(sim, sizes[s], !design, load, rounds);

				printf("%-13s %-11s %8d %16.0f %18.1f\n", ln, dn, sizes[s],
				       res.latency_ns, res.scan_per_delivery);
				if (csv)
					fprintf(csv, "%s,%s,%d,%llu,%.0f,%.2f\n", ln, dn, sizes[s],
						(unsigned long long)rounds, res.latency_ns,
						res.scan_per_delivery);
			}
		}
	}
	if (csv)
		fclose(csv);
	if (sim_destroy(sim))
		fprintf(stderr, "dpci: the simulation filed checker reports\n");
	return 0;
}
