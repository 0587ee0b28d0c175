/* The fuzz targets' shared harness: see fuzz_common.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/kvm.h>
#include "fuzz_common.h"

bool fz_verbose;
void (*fz_on_fail)(void);

#define APIC_ID_REG	0x20
#define APIC_TPR_REG	0x80
#define APIC_LDR_REG	0xd0
#define APIC_DFR_REG	0xe0
#define APIC_SPIV_REG	0xf0
#define APIC_LVT_MASK	0x10000u
#define IOAPIC_BASE	0xfec00000ull

void fz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("FUZZ FINDING: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (fz_on_fail) {
		void (*fn)(void) = fz_on_fail;

		fz_on_fail = NULL;
		fn();
	}
	abort();
}

/* Every report is printed as it is filed, so a finding shows all of them. */
static void fz_report_hook(void *ctx, const struct sim_report *r)
{
	(void)ctx;
	fprintf(stderr, "---- checker report (kind %d) ----\n%s\n", (int)r->kind,
		r->text ? r->text : r->title);
}

void fz_env_begin(struct fz_env *env, uint64_t seed, const uint8_t *schedule,
		  size_t schedule_len)
{
	struct sim_config cfg;
	int r;

	sim_config_init(&cfg);
	cfg.backend = SIM_BACKEND_SCHED;
	cfg.seed = seed;
	cfg.checkers = true;
	cfg.schedule = schedule;
	cfg.schedule_len = schedule_len;
	env->sim = sim_create(&cfg);
	if (!env->sim)
		fz_fail("sim_create failed (a simulation left from an earlier input?)");
	sim_set_report_hook(env->sim, fz_report_hook, NULL);
	env->kvm = NULL;
	env->nr_vcpus = 0;
	r = irqsim_create_vm(env->sim, 0, &env->kvm);
	if (r)
		fz_fail("KVM_CREATE_VM failed: %d", r);
}

void fz_env_irqchip(struct fz_env *env, enum fz_irqchip mode)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_SPLIT_IRQCHIP, .args = { 24 } };
	long r = 0;

	if (mode == FZ_IRQCHIP_KERNEL)
		r = irqsim_vm_ioctl(env->kvm, KVM_CREATE_IRQCHIP, 0);
	else if (mode == FZ_IRQCHIP_SPLIT)
		r = irqsim_vm_ioctl(env->kvm, KVM_ENABLE_CAP, (unsigned long)&cap);
	if (r)
		fz_fail("irqchip mode %d setup failed: %ld", (int)mode, r);
}

void fz_env_add_vcpu(struct fz_env *env, unsigned long id)
{
	struct kvm_vcpu *vcpu;
	long r;

	r = irqsim_vm_ioctl(env->kvm, KVM_CREATE_VCPU, id);
	if (r < 0)
		fz_fail("KVM_CREATE_VCPU %lu failed: %ld", id, r);
	vcpu = irqsim_vcpu(env->kvm, env->nr_vcpus);
	if (!vcpu)
		fz_fail("vCPU %d missing after KVM_CREATE_VCPU", env->nr_vcpus);
	env->nr_vcpus++;
	/* without an in-kernel irqchip there is no LAPIC to boot */
	r = fz_lapic_boot(vcpu, (uint32_t)id);
	if (r && r != -ENXIO)
		fz_fail("booting the LAPIC of vCPU %lu failed: %ld", id, r);
}

void fz_env_check_reports(struct fz_env *env, const char *what)
{
	unsigned int n = sim_report_count(env->sim, -1);

	if (n)
		fz_fail("%u checker report(s) after %s", n, what);
}

void fz_env_end(struct fz_env *env)
{
	unsigned int n;

	fz_env_check_reports(env, "the last operation");
	if (fz_verbose) {
		static const char *const show[] = {
			"routing.updates", "irq_line", "signal_msi", "lapic.accepted",
			"lapic.ack", "lapic.eoi", "ioapic.eoi", "irqfd.inject.fast",
			"irqfd.inject.slow", "ioeventfd.signal", "exits.mmio", "exits.pio",
		};
		size_t i;

		fprintf(stderr, "  stats:");
		for (i = 0; i < sizeof(show) / sizeof(show[0]); i++) {
			uint64_t v = 0;

			if (!irqsim_stat(env->kvm, show[i], &v) && v)
				fprintf(stderr, " %s=%llu", show[i], (unsigned long long)v);
		}
		fputc('\n', stderr);
	}
	irqsim_destroy_vm(env->kvm);
	env->kvm = NULL;
	n = sim_destroy(env->sim);
	env->sim = NULL;
	if (n)
		fz_fail("%u checker report(s) at VM/simulation teardown (leaks?)", n);
}

int fz_lapic_boot(struct kvm_vcpu *vcpu, uint32_t xapic_id)
{
	static const uint32_t lvts[] = { 0x320, 0x330, 0x340, 0x350, 0x360, 0x370 };
	int r;
	size_t i;

	r = irqsim_guest_lapic_write(vcpu, APIC_SPIV_REG, 0x1ff);
	if (!r)
		r = irqsim_guest_lapic_write(vcpu, APIC_ID_REG, xapic_id << 24);
	if (!r)
		r = irqsim_guest_lapic_write(vcpu, APIC_LDR_REG, 0);
	if (!r)
		r = irqsim_guest_lapic_write(vcpu, APIC_DFR_REG, 0xffffffffu);
	if (!r)
		r = irqsim_guest_lapic_write(vcpu, APIC_TPR_REG, 0);
	for (i = 0; !r && i < sizeof(lvts) / sizeof(lvts[0]); i++)
		r = irqsim_guest_lapic_write(vcpu, lvts[i], APIC_LVT_MASK);
	return r;
}

int fz_ioapic_write_entry(struct kvm_vcpu *vcpu, unsigned int pin, uint64_t entry)
{
	int r;

	/* high half first, so the entry is complete when the low half (mask, vector) lands */
	r = irqsim_guest_mmio_write(vcpu, IOAPIC_BASE, 4, 0x11 + 2 * pin);
	if (r >= 0)
		r = irqsim_guest_mmio_write(vcpu, IOAPIC_BASE + 0x10, 4, entry >> 32);
	if (r >= 0)
		r = irqsim_guest_mmio_write(vcpu, IOAPIC_BASE, 4, 0x10 + 2 * pin);
	if (r >= 0)
		r = irqsim_guest_mmio_write(vcpu, IOAPIC_BASE + 0x10, 4, (uint32_t)entry);
	return r;
}
