/*
 * Interrupt delivery cost in the simulator, with the real kernel's rates
 * side by side (through sim/kvmreal) when /dev/kvm is usable:
 *
 *   irq_line     KVM_IRQ_LINE_STATUS assert/de-assert of an edge IOAPIC pin
 *   signal_msi   KVM_SIGNAL_MSI, fixed, physical, one destination
 *                (these two beside the real ioctls, interleaved, medians of
 *                REPS samples; target: the simulator >= 10x the real rate)
 *   broadcast    an MSI to physical 0xff with N vCPUs (slow path by design)
 *   logical      a logical-mode MSI to one vCPU with N vCPUs, through the
 *                APIC map (fast) and with the map's logical part disabled
 *                by mixed DFR modes (slow: every vCPU is matched)
 *   physical     a single-destination physical MSI with N vCPUs (fast path:
 *                its cost must not grow with N)
 *
 * Usage: delivery [-b sched|threads] [-n OPS] [-o FILE.csv] [-q]
 * CSV: case,vcpus,backend,ops,ns_per_op,ops_per_sec
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <irqsim/kvm.h>
#include <irqsim/sim.h>
#include "kvmreal.h"

#define APIC_SPIV	0xF0
#define APIC_ID		0x20
#define APIC_LDR	0xD0
#define APIC_DFR	0xE0
#define MSI(dest, logical)	(0xfee00000u | ((unsigned)(dest) << 12) | ((logical) ? 4u : 0u))

struct run {
	FILE *csv;
	const char *backend;
	unsigned long ops;
	struct sim *sim;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void emit(struct run *run, const char *name, int vcpus, const char *backend,
		 unsigned long ops, double secs)
{
	double ns = secs * 1e9 / ops;

	printf("%-22s vcpus=%-4d %-8s %10.1f ns/op %12.0f ops/s\n",
	       name, vcpus, backend, ns, ops / secs);
	if (run->csv)
		fprintf(run->csv, "%s,%d,%s,%lu,%.1f,%.0f\n", name, vcpus, backend,
			ops, ns, ops / secs);
}

static void die(const char *what, long r)
{
	fprintf(stderr, "delivery: %s failed: %ld\n", what, r);
	exit(1);
}

static long msi(struct kvm *kvm, unsigned lo, unsigned data)
{
	struct kvm_msi m = { .address_lo = lo, .data = data };

	return irqsim_vm_ioctl(kvm, KVM_SIGNAL_MSI, (unsigned long)&m);
}

/* A VM with n vCPUs, each LAPIC enabled, xAPIC id = index, flat logical id 1 << index (< 8). */
static struct kvm *make_vm(struct run *run, int n)
{
	struct kvm *kvm;
	long r;
	int i;

	r = irqsim_create_vm(run->sim, 0, &kvm);
	if (r)
		die("create_vm", r);
	r = irqsim_vm_ioctl(kvm, KVM_CREATE_IRQCHIP, 0);
	if (r)
		die("KVM_CREATE_IRQCHIP", r);
	for (i = 0; i < n; i++) {
		struct kvm_vcpu *v;

		r = irqsim_vm_ioctl(kvm, KVM_CREATE_VCPU, i);
		if (r < 0)
			die("KVM_CREATE_VCPU", r);
		v = irqsim_vcpu(kvm, i);
		irqsim_guest_lapic_write(v, APIC_SPIV, 0x1ff);
		irqsim_guest_lapic_write(v, APIC_ID, (unsigned)i << 24);
		irqsim_guest_lapic_write(v, APIC_DFR, 0xffffffff);
		irqsim_guest_lapic_write(v, APIC_LDR, i < 8 ? (1u << i) << 24 : 0);
	}
	return kvm;
}

/* Seconds for `ops` MSIs; every vector stays pending in IRR, which is idempotent. */
static double time_msi(struct kvm *kvm, unsigned lo, unsigned data, unsigned long ops, long expect)
{
	double t0 = now();
	unsigned long i;
	long r;

	for (i = 0; i < ops; i++) {
		r = msi(kvm, lo, data);
		if (r != expect)
			die("KVM_SIGNAL_MSI result", r);
	}
	return now() - t0;
}

/*
 * KVM_IRQ_LINE_STATUS and KVM_SIGNAL_MSI, in the simulator and on the
 * real /dev/kvm side by side: REPS samples of each, the simulator's and
 * the kernel's alternating (which goes first alternates too), so load
 * from other processes on the 2 cores hits both alike. Figures are the
 * medians; the speedup is the median of the per-repetition ratios.
 * Target: the simulator at least 10x the real ioctl rate.
 */
#define REPS		31
#define TARGET_X	10.0

struct rates {
	struct kvm *kvm;		/* simulated VM */
	struct kvmreal_vm *real;	/* NULL when /dev/kvm is not usable */
	unsigned long chunk;		/* ops per sample (even) */
	unsigned long line_ops;		/* KVM_IRQ_LINE_STATUS calls so far: the level alternates */
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
	double s[REPS];

	memcpy(s, v, (size_t)n * sizeof(*v));
	qsort(s, (size_t)n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* ns per KVM_IRQ_LINE_STATUS of IOAPIC pin 17 (edge: assert, de-assert, ...) */
static double sim_irq_line(struct rates *r)
{
	struct kvm_irq_level l = { .irq = 17 };
	double t0 = now();

	for (unsigned long i = 0; i < r->chunk; i++) {
		l.irq = 17;	/* status shares the union with irq */
		l.level = !(i & 1);
		if (irqsim_vm_ioctl(r->kvm, KVM_IRQ_LINE_STATUS, (unsigned long)&l) || l.status != 1)
			die("KVM_IRQ_LINE_STATUS", l.status);
	}
	return (now() - t0) * 1e9 / r->chunk;
}

static double sim_signal_msi(struct rates *r)
{
	return time_msi(r->kvm, MSI(0, 0), 0x41, r->chunk, 1) * 1e9 / r->chunk;
}

static double kvm_irq_line(struct rates *r)
{
	double t0 = now();
	int status;

	for (unsigned long i = 0; i < r->chunk; i++) {
		if (kvmreal_irq_line(r->real, 17, !(i & 1), &status) || status != 1)
			die("real KVM_IRQ_LINE_STATUS", status);
	}
	return (now() - t0) * 1e9 / r->chunk;
}

static double kvm_signal_msi(struct rates *r)
{
	double t0 = now();
	int ret;

	for (unsigned long i = 0; i < r->chunk; i++) {
		ret = kvmreal_signal_msi(r->real, MSI(0, 0), 0, 0x41);
		if (ret != 1)
			die("real KVM_SIGNAL_MSI", ret);
	}
	return (now() - t0) * 1e9 / r->chunk;
}

/* The real VM with IOAPIC pin 17 programmed as the simulated one, or NULL. */
static struct kvmreal_vm *real_vm(void)
{
	struct kvmreal_vm *vm;
	int r;

	r = kvmreal_available();
	if (r) {
		printf("real KVM: not available (%d), skipped\n", r);
		return NULL;
	}
	r = kvmreal_vm_create(&vm, 1, KVMREAL_IRQCHIP_KERNEL);
	if (r) {
		printf("real KVM: VM creation failed (%d), skipped\n", r);
		return NULL;
	}
	r = kvmreal_guest_ioapic_write_entry(vm, 17, 0x31);
	if (r) {
		printf("real KVM: IOAPIC programming failed (%d: %s), skipped\n", r, kvmreal_reason(vm));
		kvmreal_vm_destroy(vm);
		return NULL;
	}
	return vm;
}

static void report_case(struct run *run, const char *name, unsigned long ops,
			const double *sim, const double *real, bool have_real)
{
	double q[REPS], x, ms = median(sim, REPS), mr;

	emit(run, name, 1, run->backend, ops, ms * ops * 1e-9);
	if (!have_real)
		return;
	mr = median(real, REPS);
	emit(run, name, 1, "kvm", ops, mr * ops * 1e-9);
	for (int k = 0; k < REPS; k++)
		q[k] = real[k] / sim[k];
	x = median(q, REPS);
	printf("%-22s simulator %.1f ns, real KVM %.1f ns: %.1fx the real rate  [%s: >= %.0fx]\n",
	       name, ms, mr, x, x >= TARGET_X ? "ok" : "MISS", TARGET_X);
}

static void bench_rates(struct run *run)
{
	struct rates r = { .kvm = make_vm(run, 1) };
	struct kvm_vcpu *v = irqsim_vcpu(r.kvm, 0);
	double s_line[REPS], s_msi[REPS], k_line[REPS] = { 0 }, k_msi[REPS] = { 0 };

	/* IOAPIC pin 17: vector 0x31, edge, physical dest 0, unmasked */
	irqsim_guest_mmio_write(v, 0xfec00000, 4, 0x10 + 2 * 17);
	irqsim_guest_mmio_write(v, 0xfec00010, 4, 0x31);
	irqsim_guest_mmio_write(v, 0xfec00000, 4, 0x11 + 2 * 17);
	irqsim_guest_mmio_write(v, 0xfec00010, 4, 0);
	r.real = real_vm();
	r.chunk = (run->ops / REPS + 1) & ~1UL;

	for (int k = 0; k < REPS; k++) {
		if (k % 2 || !r.real) {
			s_line[k] = sim_irq_line(&r);
			if (r.real)
				k_line[k] = kvm_irq_line(&r);
			s_msi[k] = sim_signal_msi(&r);
			if (r.real)
				k_msi[k] = kvm_signal_msi(&r);
		} else {
			k_line[k] = kvm_irq_line(&r);
			s_line[k] = sim_irq_line(&r);
			k_msi[k] = kvm_signal_msi(&r);
			s_msi[k] = sim_signal_msi(&r);
		}
	}
	report_case(run, "irq_line", r.chunk * REPS, s_line, k_line, r.real != NULL);
	report_case(run, "signal_msi", r.chunk * REPS, s_msi, k_msi, r.real != NULL);
	if (r.real)
		kvmreal_vm_destroy(r.real);
	irqsim_destroy_vm(r.kvm);
}

static const int sizes[] = { 1, 8, 64, 255 };
#define NR_SIZES	((int)(sizeof(sizes) / sizeof(sizes[0])))

/*
 * Single-destination delivery (physical, and logical through the map)
 * must cost the same whatever the vCPU count: the VMs of every size exist
 * at once and their samples alternate, so load from other processes hits
 * every size alike; each figure is the median sample.
 */
static void bench_single_destination(struct run *run)
{
	static double t[2][NR_SIZES][REPS];
	unsigned long chunk = run->ops / REPS;
	struct kvm *kvm[NR_SIZES];
	int i, k;

	for (i = 0; i < NR_SIZES; i++)
		kvm[i] = make_vm(run, sizes[i]);
	for (k = 0; k < REPS; k++) {
		for (i = 0; i < NR_SIZES; i++) {
			t[0][i][k] = time_msi(kvm[i], MSI(sizes[i] - 1, 0), 0x42, chunk, 1);
			t[1][i][k] = time_msi(kvm[i], MSI(0x01, 1), 0x43, chunk, 1);
		}
	}
	for (i = 0; i < NR_SIZES; i++) {
		emit(run, "physical", sizes[i], run->backend, chunk, median(t[0][i], REPS));
		emit(run, "logical_fast", sizes[i], run->backend, chunk, median(t[1][i], REPS));
		irqsim_destroy_vm(kvm[i]);
	}
}

/* Broadcast and the slow-path walk, which grow with the vCPU count. */
static void bench_sim_scaling(struct run *run, int n)
{
	struct kvm *kvm = make_vm(run, n);
	unsigned long ops = run->ops / (n > 8 ? 8 : 1);

	emit(run, "broadcast", n, run->backend, ops,
	     time_msi(kvm, MSI(0xff, 0), 0x44, ops, n));
	/* a vCPU in cluster mode disables the map's logical part: the walk */
	if (n > 1) {
		struct kvm_vcpu *last = irqsim_vcpu(kvm, n - 1);

		irqsim_guest_lapic_write(last, APIC_DFR, 0x0fffffff);
		irqsim_guest_lapic_write(last, APIC_LDR, 0x11u << 24);	/* cluster 1 */
		emit(run, "logical_slow", n, run->backend, ops,
		     time_msi(kvm, MSI(0x01, 1), 0x45, ops, 1));
	}
	irqsim_destroy_vm(kvm);
}

int main(int argc, char **argv)
{
	struct run run = { .backend = "threads", .ops = 200000 };
	struct sim_config cfg;
	const char *out = NULL;
	unsigned int reports;
	int c, i;

	while ((c = getopt(argc, argv, "b:n:o:q")) != -1) {
		switch (c) {
		case 'b': run.backend = optarg; break;
		case 'n': run.ops = strtoul(optarg, NULL, 0); break;
		case 'o': out = optarg; break;
		case 'q': run.ops = 2000; break;
		default:
			fprintf(stderr, "usage: delivery [-b sched|threads] [-n OPS] [-o FILE.csv] [-q]\n");
			return 2;
		}
	}
	if (run.ops < 2 * REPS)
		run.ops = 2 * REPS;
	if (out) {
		run.csv = fopen(out, "w");
		if (!run.csv) {
			perror(out);
			return 1;
		}
		fprintf(run.csv, "case,vcpus,backend,ops,ns_per_op,ops_per_sec\n");
	}

	sim_config_init(&cfg);
	cfg.backend = strcmp(run.backend, "sched") ? SIM_BACKEND_THREADS : SIM_BACKEND_SCHED;
	cfg.checkers = false;	/* measure the model, not the checkers */
	run.sim = sim_create(&cfg);
	if (!run.sim)
		die("sim_create", -ENOMEM);

	bench_rates(&run);
	bench_single_destination(&run);
	for (i = 0; i < NR_SIZES; i++)
		bench_sim_scaling(&run, sizes[i]);
	reports = sim_destroy(run.sim);

	if (run.csv)
		fclose(run.csv);
	if (reports) {
		fprintf(stderr, "delivery: the simulation filed %u checker reports\n", reports);
		return 1;
	}
	return 0;
}
