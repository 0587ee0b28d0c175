/*
 * kvm_io_bus dispatch and registration cost against the number of devices
 * (threads backend, checkers off), on model/iobus.c itself.
 *
 * Dispatch: a vCPU inside kvm->srcu writes to random registered addresses
 * (bsearch, walk left, device callback). Registration: the copy-insert-
 * publish of kvm_io_bus_register_dev (old array freed by call_srcu) and
 * unregistration (which waits for a kvm->srcu grace period).
 * Target: dispatch with 1000 devices at most 2x the cost with 10.
 *
 * Usage: iobus [-n N] [-o FILE.csv] [-q]
 */
#include <stdbool.h>
#include <kshim/kernel.h>
#include <kshim/srcu.h>
#include <irqsim/kvm.h>
#include "model/kvm_host.h"
#include "model/iodev.h"
#include "bench_util.h"

#define BASE	0x40000000ULL
#define STRIDE	0x1000

static struct kvm_io_device devs[NR_IOBUS_DEVS];
static uint64_t hits;

static int dev_write(struct kvm_vcpu *vcpu, struct kvm_io_device *this,
		     gpa_t addr, int len, const void *val)
{
	hits++;
	return 0;
}

static const struct kvm_io_device_ops dev_ops = { .write = dev_write };

/*
 * Mean ns per dispatch with the first `count` devices registered. With
 * per_exit, each access takes and drops kvm->srcu as a vCPU does around
 * every exit (vcpu_enter_guest); otherwise one section covers them all and
 * only the bus search and callback are timed.
 */
static double dispatch_ns(struct kvm *kvm, int count, uint64_t n, bool per_exit)
{
	struct kvm_vcpu vcpu = { .kvm = kvm };
	uint64_t x = 0x9e3779b97f4a7c15ull, i, val = 1;
	double t0, t1;
	int idx = 0;

	if (!per_exit)
		idx = srcu_read_lock(&kvm->srcu);
	t0 = bench_now();
	for (i = 0; i < n; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		if (per_exit)
			idx = srcu_read_lock(&kvm->srcu);
		kvm_io_bus_write(&vcpu, KVM_MMIO_BUS, BASE + (x % count) * STRIDE, 4, &val);
		if (per_exit)
			srcu_read_unlock(&kvm->srcu, idx);
	}
	t1 = bench_now();
	if (!per_exit)
		srcu_read_unlock(&kvm->srcu, idx);
	return (t1 - t0) * 1e9 / n;
}

/* Mean ns per full guest MMIO write (the vCPU path of irqsim_guest_mmio_write). */
static double guest_ns(struct kvm_vcpu *vcpu, int count, uint64_t n)
{
	uint64_t x = 0x9e3779b97f4a7c15ull, i;
	double t0 = bench_now();

	for (i = 0; i < n; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		irqsim_guest_mmio_write(vcpu, BASE + (x % count) * STRIDE, 4, 1);
	}
	return (bench_now() - t0) * 1e9 / n;
}

#define REPEATS 5

/* The best of REPEATS runs of n/REPEATS: robust to other load on the host. */
static double best_of(struct kvm *kvm, int count, uint64_t n, int mode)
{
	uint64_t per = n / REPEATS ? n / REPEATS : 1;
	double best = 1e30, ns;
	int i;

	for (i = 0; i < REPEATS; i++) {
		ns = mode == 2 ? guest_ns(irqsim_vcpu(kvm, 0), count, per)
			       : dispatch_ns(kvm, count, per, mode);
		if (ns < best)
			best = ns;
	}
	return best;
}

int main(int argc, char **argv)
{
	static const int sizes[] = { 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000 };
	double disp[ARRAY_SIZE(sizes)], search[ARRAY_SIZE(sizes)], guest[ARRAY_SIZE(sizes)];
	double reg_ns[ARRAY_SIZE(sizes)], unreg_ns;
	struct bench_args args;
	struct sim *sim;
	struct kvm *kvm;
	double t0, d10 = 0, d1000 = 0, s10 = 0, s1000 = 0, g10 = 0, g1000 = 0;
	int have = 0, i, s, unreg_n = 100;
	FILE *csv;

	bench_parse(argc, argv, &args, 2000000, "bench/results/iobus.csv");
	sim = bench_sim_create();
	if (!sim || bench_vm_create(sim, false, &kvm)) {
		fprintf(stderr, "iobus: cannot set up the simulated VM\n");
		return 1;
	}

	for (s = 0; s < (int)ARRAY_SIZE(sizes); s++) {
		int grow = sizes[s] - have;

		mutex_lock(&kvm->slots_lock);
		t0 = bench_now();
		for (i = have; i < sizes[s]; i++) {
			kvm_iodevice_init(&devs[i], &dev_ops);
			if (kvm_io_bus_register_dev(kvm, KVM_MMIO_BUS, BASE + (u64)i * STRIDE,
						    8, &devs[i]))
				fprintf(stderr, "iobus: registration %d failed\n", i);
		}
		reg_ns[s] = (bench_now() - t0) * 1e9 / grow;
		mutex_unlock(&kvm->slots_lock);
		have = sizes[s];
		disp[s] = best_of(kvm, have, args.n, 1);
		search[s] = best_of(kvm, have, args.n, 0);
		guest[s] = best_of(kvm, have, args.n, 2);
		if (sizes[s] == 10) {
			g10 = guest[s];
			d10 = disp[s];
			s10 = search[s];
		}
		if (sizes[s] == 1000) {
			g1000 = guest[s];
			d1000 = disp[s];
			s1000 = search[s];
		}
	}
	if (hits != 3 * REPEATS * (args.n / REPEATS ? args.n / REPEATS : 1) * ARRAY_SIZE(sizes))
		fprintf(stderr, "iobus: some dispatches missed their device\n");

	/* unregistration: each waits for a kvm->srcu grace period */
	mutex_lock(&kvm->slots_lock);
	t0 = bench_now();
	for (i = 0; i < unreg_n; i++)
		kvm_io_bus_unregister_dev(kvm, KVM_MMIO_BUS, &devs[NR_IOBUS_DEVS - 1 - i]);
	unreg_ns = (bench_now() - t0) * 1e9 / unreg_n;
	mutex_unlock(&kvm->slots_lock);

	irqsim_destroy_vm(kvm);
	if (sim_destroy(sim))
		fprintf(stderr, "iobus: the simulation filed checker reports\n");

	printf("kvm_io_bus (simulator, threads backend, checkers off), %llu dispatches per size, best of 5\n",
	       (unsigned long long)args.n);
	printf("%8s %10s %6s %10s %6s %10s %6s %12s\n", "devices", "guest_ns", "vs_10",
	       "exit_ns", "vs_10", "search_ns", "vs_10", "register_ns");
	csv = bench_csv_open(args.csv, "devices,guest_ns,guest_vs_10,per_exit_ns,per_exit_vs_10,"
			     "search_ns,search_vs_10,register_ns_mean");
	for (s = 0; s < (int)ARRAY_SIZE(sizes); s++) {
		printf("%8d %10.1f %6.2f %10.1f %6.2f %10.1f %6.2f %12.1f\n", sizes[s],
		       guest[s], guest[s] / g10, disp[s], disp[s] / d10,
		       search[s], search[s] / s10, reg_ns[s]);
		if (csv)
			fprintf(csv, "%d,%.1f,%.3f,%.1f,%.3f,%.1f,%.3f,%.1f\n", sizes[s],
				guest[s], guest[s] / g10, disp[s], disp[s] / d10,
				search[s], search[s] / s10, reg_ns[s]);
	}
	printf("unregister (from 1000 devices, synchronize_srcu each): %.0f ns\n", unreg_ns);
	if (csv) {
		fprintf(csv, "unregister-from-1000,,,,,%.1f\n", unreg_ns);
		fclose(csv);
	}
	printf("target: a guest access at 1000 devices %.2fx the cost at 10 (<= 2x): %s\n"
	       "        (io-bus layer per exit: %.2fx; bus search alone: %.2fx, log2 ratio 3.0)\n",
	       g1000 / g10, g1000 <= 2 * g10 ? "met" : "NOT met", d1000 / d10, s1000 / s10);
	return 0;
}
