// SPDX-License-Identifier: GPL-2.0-only
/*
 * include/irqsim/kvm.h: the simulated KVM as a VMM sees it. Host-side
 * calls are thin wrappers around the ioctl entry points. A guest-side call
 * is one step of a running vCPU: like KVM_RUN it holds vcpu->mutex and a
 * kvm->srcu read lock, and first serves pending vCPU requests.
 */
#include <string.h>

#include <kshim/kernel.h>
#include <kshim/srcu.h>
#include <kshim/mutex.h>
#include <kshim/err.h>
#include <irqsim/kvm.h>

#include "kvm_host.h"
#include "x86.h"
#include "irq.h"
#include "lapic.h"

#define X2APIC_MSR_BASE		0x800

/* KVM_CREATE_VM: kvm_dev_ioctl_create_vm() without the fd (kvm_create_vm()). */
int irqsim_create_vm(struct sim *sim, unsigned long type, struct kvm **out)
{
	struct kvm *kvm;

	if (!out)
		return -EFAULT;
	kvm = kvm_create_vm(sim, type);
	if (IS_ERR(kvm))
		return PTR_ERR(kvm);
	*out = kvm;
	return 0;
}

/* The last close() of the VM fd: kvm_vm_release(). */
void irqsim_destroy_vm(struct kvm *kvm)
{
	if (kvm)
		kvm_vm_release(kvm);
}

/* ioctl() on the VM fd: kvm_vm_ioctl(). */
long irqsim_vm_ioctl(struct kvm *kvm, unsigned int ioctl, unsigned long arg)
{
	return kvm_vm_ioctl(kvm, ioctl, arg);
}

/* kvm_get_vcpu(): the vCPU a VMM holds an fd for, by index. */
struct kvm_vcpu *irqsim_vcpu(struct kvm *kvm, int idx)
{
	return kvm_get_vcpu(kvm, idx);
}

/* model-only: kvm->online_vcpus for the VMM (the kernel has no such call). */
int irqsim_vcpu_count(struct kvm *kvm)
{
	return atomic_read(&kvm->online_vcpus);
}

/* ioctl() on a vCPU fd: kvm_vcpu_ioctl(). */
long irqsim_vcpu_ioctl(struct kvm_vcpu *vcpu, unsigned int ioctl, unsigned long arg)
{
	return kvm_vcpu_ioctl(vcpu, ioctl, arg);
}

/* ---- guest side ---------------------------------------------------- */

/* model-only: the vCPU "runs": vcpu->mutex and kvm->srcu, as KVM_RUN holds them. */
static int guest_enter(struct kvm_vcpu *vcpu)
{
	int idx;

	mutex_lock(&vcpu->mutex);
	idx = srcu_read_lock(&vcpu->kvm->srcu);
	kvm_vcpu_enter_guest(vcpu);
	return idx;
}

/* model-only: the end of one guest step, as KVM_RUN drops what guest_enter took. */
static void guest_exit(struct kvm_vcpu *vcpu, int idx)
{
	srcu_read_unlock(&vcpu->kvm->srcu, idx);
	mutex_unlock(&vcpu->mutex);
}

/* A guest MMIO store: emulator_write_emulated() inside KVM_RUN. */
int irqsim_guest_mmio_write(struct kvm_vcpu *vcpu, uint64_t gpa, int len, uint64_t value)
{
	int idx, r;

	if (!vcpu)
		return -EINVAL;
	idx = guest_enter(vcpu);
	r = kvm_vcpu_mmio_write(vcpu, gpa, len, &value);
	guest_exit(vcpu, idx);
	return r;
}

/* A guest OUT: kernel_pio() inside KVM_RUN (else KVM_EXIT_IO). */
int irqsim_guest_pio_write(struct kvm_vcpu *vcpu, uint16_t port, int len, uint64_t value)
{
	int idx, r;

	if (!vcpu)
		return -EINVAL;
	idx = guest_enter(vcpu);
	r = kvm_vcpu_pio_write(vcpu, port, len, &value);
	guest_exit(vcpu, idx);
	return r;
}

/* A guest MMIO load: emulator_read_emulated() inside KVM_RUN. */
int irqsim_guest_mmio_read(struct kvm_vcpu *vcpu, uint64_t gpa, int len, uint64_t *value)
{
	int idx, r;

	if (!vcpu || !value)
		return -EINVAL;
	*value = 0;
	idx = guest_enter(vcpu);
	r = kvm_vcpu_mmio_read(vcpu, gpa, len, value);
	guest_exit(vcpu, idx);
	return r;
}

/*
 * A guest LAPIC write: apic_mmio_write() or kvm_x2apic_msr_write(), by
 * mode. An xAPIC-mode guest writes the register with a 4-byte MMIO store (a
 * hardware-disabled APIC swallows it, as KVM's MMIO-hole quirk does); an
 * x2APIC-mode guest uses WRMSR 0x800 + reg/16, whose #GP is -EINVAL.
 */
int irqsim_guest_lapic_write(struct kvm_vcpu *vcpu, uint32_t reg, uint32_t value)
{
	int idx, r = 0;

	if (!vcpu || !lapic_in_kernel(vcpu))
		return -ENXIO;
	if ((reg & 0xf) || reg >= LAPIC_MMIO_LENGTH)
		return -EINVAL;

	idx = guest_enter(vcpu);
	if (apic_x2apic_mode(vcpu->arch.apic)) {
		if (kvm_x2apic_msr_write(vcpu, X2APIC_MSR_BASE + (reg >> 4), value))
			r = -EINVAL;
	} else {
		r = kvm_vcpu_mmio_write(vcpu, vcpu->arch.apic->base_address + reg, 4, &value);
	}
	guest_exit(vcpu, idx);
	return r;
}

/* A guest LAPIC read: apic_mmio_read() or, in x2APIC mode, kvm_x2apic_msr_read(). */
int irqsim_guest_lapic_read(struct kvm_vcpu *vcpu, uint32_t reg, uint32_t *value)
{
	int idx, r = 0;
	u64 data = 0;

	if (!vcpu || !value || !lapic_in_kernel(vcpu))
		return -ENXIO;
	if ((reg & 0xf) || reg >= LAPIC_MMIO_LENGTH)
		return -EINVAL;

	idx = guest_enter(vcpu);
	if (apic_x2apic_mode(vcpu->arch.apic)) {
		if (kvm_x2apic_msr_read(vcpu, X2APIC_MSR_BASE + (reg >> 4), &data))
			r = -EINVAL;
	} else {
		r = kvm_vcpu_mmio_read(vcpu, vcpu->arch.apic->base_address + reg, 4, &data);
	}
	guest_exit(vcpu, idx);
	*value = (u32)data;
	return r;
}

#define MSR_IA32_APICBASE	0x1b
#define X2APIC_MSR_LAST		(X2APIC_MSR_BASE + 0xff)

/* model-only: the MSRs kvm_{set,get}_msr_common() serve here (APIC base, x2APIC). */
static bool msr_modelled(u32 msr)
{
	return msr == MSR_IA32_APICBASE || (msr >= X2APIC_MSR_BASE && msr <= X2APIC_MSR_LAST);
}

/*
 * kvm_set_msr_common()'s APIC cases for a guest WRMSR (host_initiated
 * false): kvm_apic_set_base() and kvm_x2apic_msr_write(). Their 1 is the
 * #GP the guest takes: -EINVAL here.
 */
int irqsim_guest_wrmsr(struct kvm_vcpu *vcpu, uint32_t msr, uint64_t value)
{
	int idx, r;

	if (!vcpu)
		return -EINVAL;
	if (!msr_modelled(msr))
		return -EOPNOTSUPP;
	idx = guest_enter(vcpu);
	if (msr == MSR_IA32_APICBASE)
		r = kvm_apic_set_base(vcpu, value, false);
	else
		r = kvm_x2apic_msr_write(vcpu, msr, value);
	guest_exit(vcpu, idx);
	return r ? -EINVAL : 0;
}

/* kvm_get_msr_common()'s APIC cases: kvm_get_apic_base() and kvm_x2apic_msr_read(). */
int irqsim_guest_rdmsr(struct kvm_vcpu *vcpu, uint32_t msr, uint64_t *value)
{
	int idx, r = 0;
	u64 data = 0;

	if (!vcpu || !value)
		return -EINVAL;
	if (!msr_modelled(msr))
		return -EOPNOTSUPP;
	idx = guest_enter(vcpu);
	if (msr == MSR_IA32_APICBASE)
		data = READ_ONCE(vcpu->arch.apic_base);
	else
		r = kvm_x2apic_msr_read(vcpu, msr, &data);
	guest_exit(vcpu, idx);
	if (r)
		return -EINVAL;
	*value = data;
	return 0;
}

/* The vCPU takes an interrupt: kvm_cpu_get_interrupt() (from inject_pending_event()). */
int irqsim_guest_ack(struct kvm_vcpu *vcpu)
{
	int idx, vector;

	if (!vcpu || !lapic_in_kernel(vcpu))
		return -1;
	idx = guest_enter(vcpu);
	vector = kvm_cpu_get_interrupt(vcpu);
	guest_exit(vcpu, idx);
	/*
	 * The vector reaches the guest through kvm_queue_interrupt()'s u8: a
	 * PIC whose irq_base came from KVM_SET_IRQCHIP unmasked (bits 2:0 set)
	 * can make irq_base + irq exceed 255, and the CPU sees the low byte.
	 */
	return vector < 0 ? vector : vector & 0xff;
}

/* A guest EOI: kvm_lapic_set_eoi(). */
void irqsim_guest_eoi(struct kvm_vcpu *vcpu)
{
	int idx;

	if (!vcpu || !lapic_in_kernel(vcpu))
		return;
	idx = guest_enter(vcpu);
	kvm_lapic_set_eoi(vcpu);
	guest_exit(vcpu, idx);
}

/* ---- observation -------------------------------------------------- */

/* One VM statistic by name, as the binary stats fd (kvm_vm_stats_read()) gives it. */
int irqsim_stat(struct kvm *kvm, const char *name, uint64_t *value)
{
	if (!kvm || !name || !value)
		return -EINVAL;
#define KVM_SIM_STAT_LOOKUP(field, sname, doc)			\
	if (!strcmp(name, sname)) {				\
		*value = kvm_stat_read(kvm, field);		\
		return 0;					\
	}
	KVM_SIM_STATS(KVM_SIM_STAT_LOOKUP)
#undef KVM_SIM_STAT_LOOKUP
	return -ENOENT;
}

/* The names of the VM statistics: the stats fd descriptors (kvm_vm_stats_desc). */
const char *const *irqsim_stat_names(void)
{
	static const char *const names[] = {
#define KVM_SIM_STAT_NAME(field, sname, doc) sname,
		KVM_SIM_STATS(KVM_SIM_STAT_NAME)
#undef KVM_SIM_STAT_NAME
		NULL,
	};
	return names;
}

/* model-only: the KVM_EXIT_MMIO/KVM_EXIT_IO exits recorded for the VMM to inspect. */
unsigned int irqsim_exits(struct kvm *kvm, struct irqsim_exit *out, unsigned int max)
{
	unsigned int i, nr;

	if (!kvm)
		return 0;
	mutex_lock(&kvm->exits.lock);
	nr = kvm->exits.nr;
	for (i = 0; i < nr && i < max && out; i++) {
		out[i].pio = kvm->exits.recs[i].pio;
		out[i].addr = kvm->exits.recs[i].addr;
		out[i].len = kvm->exits.recs[i].len;
		out[i].data = kvm->exits.recs[i].data;
		out[i].vcpu = kvm->exits.recs[i].vcpu;
	}
	mutex_unlock(&kvm->exits.lock);
	return nr;
}
