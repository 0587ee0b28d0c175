/*
 * Helpers of the irqchip tests (see irqchip_test.h) and the test main.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kshim/mutex.h>
#include "irqchip_test.h"

struct sim *sim;
struct kvm *kvm;
enum sim_backend test_backend = SIM_BACKEND_SCHED;

static void print_report(void *ctx, const struct sim_report *r)
{
	fprintf(stderr, "REPORT: %s\n%s\n", r->title, r->text ? r->text : "");
}

void vm_setup(enum vm_irqchip chip, int nvcpus)
{
	struct sim_config cfg;
	int i;

	sim_config_init(&cfg);
	cfg.backend = test_backend;
	cfg.seed = 1;
	sim = sim_create(&cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
	sim_set_report_hook(sim, print_report, NULL);
	CU_ASSERT_EQUAL_FATAL(irqsim_create_vm(sim, 0, &kvm), 0);
	if (chip == VM_KERNEL_IRQCHIP)
		CU_ASSERT_EQUAL_FATAL(vm_ioctl(KVM_CREATE_IRQCHIP, 0), 0);
	if (chip == VM_SPLIT_IRQCHIP)
		CU_ASSERT_EQUAL_FATAL(enable_cap(KVM_CAP_SPLIT_IRQCHIP, 24), 0);
	for (i = 0; i < nvcpus; i++)
		CU_ASSERT_EQUAL_FATAL(vm_ioctl(KVM_CREATE_VCPU, i), i);
}

void vm_teardown(void)
{
	irqsim_destroy_vm(kvm);
	kvm = NULL;
	CU_ASSERT_EQUAL(sim_destroy(sim), 0);
	sim = NULL;
}

struct kvm_vcpu *vcpu(int idx)
{
	struct kvm_vcpu *v = irqsim_vcpu(kvm, idx);

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	return v;
}

void lapic_write(int idx, uint32_t reg, uint32_t val)
{
	CU_ASSERT_EQUAL(irqsim_guest_lapic_write(vcpu(idx), reg, val), 0);
}

void lapic_setup(int idx, uint8_t id, uint8_t ldr, bool cluster)
{
	lapic_write(idx, APIC_SPIV, 0x1ff);
	lapic_write(idx, APIC_ID, (uint32_t)id << 24);
	lapic_write(idx, APIC_DFR, cluster ? 0x0fffffff : 0xffffffff);
	lapic_write(idx, APIC_LDR, (uint32_t)ldr << 24);
}

static struct kvm_lapic_state lapic_state(int idx)
{
	struct kvm_lapic_state s;

	memset(&s, 0, sizeof(s));
	CU_ASSERT_EQUAL(irqsim_vcpu_ioctl(vcpu(idx), KVM_GET_LAPIC, (unsigned long)&s), 0);
	return s;
}

uint32_t lapic_reg(int idx, uint32_t reg)
{
	struct kvm_lapic_state s = lapic_state(idx);
	uint32_t v;

	memcpy(&v, s.regs + reg, sizeof(v));
	return v;
}

static bool bank_has(int idx, uint32_t bank, int vec)
{
	return (lapic_reg(idx, bank + 0x10 * (vec / 32)) >> (vec % 32)) & 1;
}

bool irr_has(int idx, int vec) { return bank_has(idx, APIC_IRR, vec); }
bool isr_has(int idx, int vec) { return bank_has(idx, APIC_ISR, vec); }
bool tmr_has(int idx, int vec) { return bank_has(idx, APIC_TMR, vec); }

int irr_count(int idx)
{
	int n = 0, i;

	for (i = 0; i < 8; i++)
		n += __builtin_popcount(lapic_reg(idx, APIC_IRR + 0x10 * i));
	return n;
}

int set_apic_base(int idx, uint64_t value)
{
	struct kvm_vcpu *v = vcpu(idx);
	int r;

	mutex_lock(&v->mutex);	/* KVM_SET_MSRS runs under vcpu->mutex */
	r = kvm_apic_set_base(v, value, true);
	mutex_unlock(&v->mutex);
	return r;
}

void enable_x2apic(int idx)
{
	CU_ASSERT_EQUAL(set_apic_base(idx, APIC_DEFAULT_PHYS_BASE | MSR_IA32_APICBASE_ENABLE |
				      X2APIC_ENABLE | (idx == 0 ? MSR_IA32_APICBASE_BSP : 0)), 0);
}

long vm_ioctl(unsigned int ioctl, unsigned long arg)
{
	return irqsim_vm_ioctl(kvm, ioctl, arg);
}

long set_routing(const struct kvm_irq_routing_entry *e, unsigned int nr, unsigned int flags)
{
	struct kvm_irq_routing *r = calloc(1, sizeof(*r) + nr * sizeof(*e) + 1);
	long ret;

	r->nr = nr;
	r->flags = flags;
	if (nr)
		memcpy(r->entries, e, nr * sizeof(*e));
	ret = vm_ioctl(KVM_SET_GSI_ROUTING, (unsigned long)r);
	free(r);
	return ret;
}

long signal_msi(uint32_t lo, uint32_t hi, uint32_t data)
{
	struct kvm_msi msi = { .address_lo = lo, .address_hi = hi, .data = data };

	return vm_ioctl(KVM_SIGNAL_MSI, (unsigned long)&msi);
}

int irq_line(uint32_t gsi, int level)
{
	struct kvm_irq_level l = { .irq = gsi, .level = level };

	CU_ASSERT_EQUAL(vm_ioctl(KVM_IRQ_LINE_STATUS, (unsigned long)&l), 0);
	return l.status;
}

struct kvm_irq_routing_entry route_irqchip(uint32_t gsi, uint32_t chip, uint32_t pin)
{
	struct kvm_irq_routing_entry e;

	memset(&e, 0, sizeof(e));
	e.gsi = gsi;
	e.type = KVM_IRQ_ROUTING_IRQCHIP;
	e.u.irqchip.irqchip = chip;
	e.u.irqchip.pin = pin;
	return e;
}

struct kvm_irq_routing_entry route_msi(uint32_t gsi, uint32_t lo, uint32_t hi, uint32_t data)
{
	struct kvm_irq_routing_entry e;

	memset(&e, 0, sizeof(e));
	e.gsi = gsi;
	e.type = KVM_IRQ_ROUTING_MSI;
	e.u.msi.address_lo = lo;
	e.u.msi.address_hi = hi;
	e.u.msi.data = data;
	return e;
}

long enable_cap(uint32_t cap, uint64_t arg0)
{
	struct kvm_enable_cap c;

	memset(&c, 0, sizeof(c));
	c.cap = cap;
	c.args[0] = arg0;
	return vm_ioctl(KVM_ENABLE_CAP, (unsigned long)&c);
}

void ioapic_write_entry(int pin, uint64_t entry)
{
	struct kvm_vcpu *v = vcpu(0);

	CU_ASSERT_EQUAL(irqsim_guest_mmio_write(v, 0xfec00000, 4, 0x10 + 2 * pin), IRQSIM_ACCESS_KERNEL);
	CU_ASSERT_EQUAL(irqsim_guest_mmio_write(v, 0xfec00010, 4, (uint32_t)entry), IRQSIM_ACCESS_KERNEL);
	CU_ASSERT_EQUAL(irqsim_guest_mmio_write(v, 0xfec00000, 4, 0x11 + 2 * pin), IRQSIM_ACCESS_KERNEL);
	CU_ASSERT_EQUAL(irqsim_guest_mmio_write(v, 0xfec00010, 4, entry >> 32), IRQSIM_ACCESS_KERNEL);
}

uint64_t ioapic_entry(int pin)
{
	struct kvm_irqchip chip;

	memset(&chip, 0, sizeof(chip));
	chip.chip_id = KVM_IRQCHIP_IOAPIC;
	CU_ASSERT_EQUAL(vm_ioctl(KVM_GET_IRQCHIP, (unsigned long)&chip), 0);
	return chip.chip.ioapic.redirtbl[pin].bits;
}

void pic_init_master(uint8_t base)
{
	struct kvm_vcpu *v = vcpu(0);

	CU_ASSERT_EQUAL(irqsim_guest_pio_write(v, 0x20, 1, 0x11), IRQSIM_ACCESS_KERNEL); /* ICW1 + ICW4 */
	CU_ASSERT_EQUAL(irqsim_guest_pio_write(v, 0x21, 1, base), IRQSIM_ACCESS_KERNEL); /* ICW2 */
	CU_ASSERT_EQUAL(irqsim_guest_pio_write(v, 0x21, 1, 0x04), IRQSIM_ACCESS_KERNEL); /* ICW3 */
	CU_ASSERT_EQUAL(irqsim_guest_pio_write(v, 0x21, 1, 0x01), IRQSIM_ACCESS_KERNEL); /* ICW4 8086 */
	CU_ASSERT_EQUAL(irqsim_guest_pio_write(v, 0x21, 1, 0x00), IRQSIM_ACCESS_KERNEL); /* OCW1: unmask */
}

uint64_t stat(const char *name)
{
	uint64_t v = ~0ULL;

	CU_ASSERT_EQUAL(irqsim_stat(kvm, name, &v), 0);
	return v;
}

static int threads_init(void)
{
	test_backend = SIM_BACKEND_THREADS;
	return 0;
}

static int threads_cleanup(void)
{
	test_backend = SIM_BACKEND_SCHED;
	return 0;
}

static const struct cunit_suite suites[] = {
	{ "routing", routing_tests, NULL, NULL },
	{ "irq_line", irq_line_tests, NULL, NULL },
	{ "msi", msi_tests, NULL, NULL },
	{ "dest", dest_tests, NULL, NULL },
	{ "lapic", lapic_tests, NULL, NULL },
	{ "vm", vm_tests, NULL, NULL },
	/* the same on the threads backend (real pthreads, liburcu, ck) */
	{ "threads_routing", routing_tests, threads_init, threads_cleanup },
	{ "threads_irq_line", irq_line_tests, threads_init, threads_cleanup },
	{ "threads_msi", msi_tests, threads_init, threads_cleanup },
	{ "threads_lapic", lapic_tests, threads_init, threads_cleanup },
};

CUNIT_MAIN(suites)
