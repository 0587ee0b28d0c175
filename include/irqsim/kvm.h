/*
 * libirqsim: the simulated KVM as a VMM sees it.
 *
 * Host side: the VM and vCPU ioctls, taking the real uapi structures of
 * <linux/kvm.h> exactly as a VMM passes them to ioctl(2) (arg is a
 * pointer cast to unsigned long, or an integer where the ioctl takes one).
 * Return values follow the kernel: 0 or a value on success, a negative
 * errno on failure (where ioctl(2) would return -1 and set errno).
 *
 * Guest side: what a vCPU does (no instruction emulation): MMIO and PIO
 * writes, LAPIC register writes, interrupt acknowledge and EOI.
 *
 * Every call must come from a task of the active simulation (the main
 * task, or a task started with sim_task_start).
 */
#ifndef IRQSIM_KVM_H
#define IRQSIM_KVM_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/kvm.h>
#include <irqsim/sim.h>

struct kvm;
struct kvm_vcpu;

/* KVM_CREATE_VM (type 0). Returns 0 and the VM in *out, or -errno. */
int irqsim_create_vm(struct sim *sim, unsigned long type, struct kvm **out);

/*
 * Close the VM file descriptor: kvm_vm_release (irqfds released, their
 * shutdown flushed) and the last kvm_put_kvm (everything freed).
 */
void irqsim_destroy_vm(struct kvm *kvm);

/*
 * VM ioctls: KVM_CREATE_IRQCHIP, KVM_CREATE_VCPU (arg = vcpu id),
 * KVM_ENABLE_CAP, KVM_CHECK_EXTENSION (arg = capability), KVM_SET_GSI_ROUTING,
 * KVM_IRQ_LINE, KVM_IRQ_LINE_STATUS, KVM_SIGNAL_MSI, KVM_IRQFD,
 * KVM_IOEVENTFD, KVM_GET_IRQCHIP, KVM_SET_IRQCHIP.
 * Unknown ioctl: -ENOTTY. A NULL pointer argument: -EFAULT.
 */
long irqsim_vm_ioctl(struct kvm *kvm, unsigned int ioctl, unsigned long arg);

/* The vCPU created with index idx (creation order), or NULL. */
struct kvm_vcpu *irqsim_vcpu(struct kvm *kvm, int idx);
int irqsim_vcpu_count(struct kvm *kvm);

/* vCPU ioctls: KVM_GET_LAPIC, KVM_SET_LAPIC. */
long irqsim_vcpu_ioctl(struct kvm_vcpu *vcpu, unsigned int ioctl, unsigned long arg);

/* ---- guest side ---------------------------------------------------- */

enum irqsim_access_result {
	IRQSIM_ACCESS_KERNEL = 0,	/* an in-kernel device or ioeventfd took it */
	IRQSIM_ACCESS_EXIT = 1,		/* KVM_EXIT_MMIO / KVM_EXIT_IO to userspace */
};

/* A guest MMIO / PIO write of len (1, 2, 4 or 8) bytes: IRQSIM_ACCESS_* or -errno. */
int irqsim_guest_mmio_write(struct kvm_vcpu *vcpu, uint64_t gpa, int len, uint64_t value);
int irqsim_guest_pio_write(struct kvm_vcpu *vcpu, uint16_t port, int len, uint64_t value);
/* A guest MMIO read (the LAPIC and IOAPIC windows answer); IRQSIM_ACCESS_* or -errno. */
int irqsim_guest_mmio_read(struct kvm_vcpu *vcpu, uint64_t gpa, int len, uint64_t *value);

/* The guest writes a local APIC register (offset as in the xAPIC page, e.g. 0x80 TPR). */
int irqsim_guest_lapic_write(struct kvm_vcpu *vcpu, uint32_t reg, uint32_t value);
int irqsim_guest_lapic_read(struct kvm_vcpu *vcpu, uint32_t reg, uint32_t *value);

/*
 * The guest executes WRMSR / RDMSR (not KVM_SET_MSRS: no host_initiated
 * leniency). Modelled MSRs: IA32_APIC_BASE (0x1b) and the x2APIC register
 * MSRs 0x800-0x8ff (register offset = (msr - 0x800) << 4; ICR 0x830 is 64
 * bits). APIC_BASE follows the kernel's kvm_apic_set_base: reserved bits
 * (8:0 except BSP bit 8, bit 9, bits 63:46), the invalid mode (x2APIC
 * without enable), x2APIC -> xAPIC and disabled -> x2APIC are refused;
 * entering x2APIC mode sets the id to the vCPU id and derives the LDR.
 * Where the kernel's kvm_set_msr/kvm_get_msr return 1 (the guest takes
 * #GP) these return -EINVAL, including an x2APIC MSR outside x2APIC mode
 * or without an in-kernel LAPIC, a read-only or reserved register, and
 * bits 63:32 set in any register but the ICR. -EOPNOTSUPP: an MSR the
 * simulator does not model. 0 on success.
 */
#define IRQSIM_MSR_IA32_APICBASE	0x1bu
#define IRQSIM_APICBASE_BSP		(1ull << 8)
#define IRQSIM_APICBASE_X2APIC		(1ull << 10)
#define IRQSIM_APICBASE_ENABLE		(1ull << 11)
#define IRQSIM_MSR_X2APIC_FIRST		0x800u
#define IRQSIM_MSR_X2APIC_LAST		0x8ffu
int irqsim_guest_wrmsr(struct kvm_vcpu *vcpu, uint32_t msr, uint64_t value);
int irqsim_guest_rdmsr(struct kvm_vcpu *vcpu, uint32_t msr, uint64_t *value);

/*
 * Interrupt acknowledge: the highest-priority deliverable vector (IRR,
 * above PPR) moves to ISR and is returned; -1 when none is deliverable.
 * When the LAPIC accepts PIC interrupts and the PIC output is raised, the
 * ExtINT vector comes from the PIC's INTA cycle.
 */
int irqsim_guest_ack(struct kvm_vcpu *vcpu);

/* EOI: the highest in-service vector is retired (level: forwarded to the IOAPIC). */
void irqsim_guest_eoi(struct kvm_vcpu *vcpu);

/* ---- observation -------------------------------------------------- */

/* Named counters (documented in docs/model.md); -ENOENT for an unknown name. */
int irqsim_stat(struct kvm *kvm, const char *name, uint64_t *value);
/* NULL-terminated list of every counter name. */
const char *const *irqsim_stat_names(void);

/* One guest access that exited to userspace. */
struct irqsim_exit {
	bool pio;		/* KVM_EXIT_IO, else KVM_EXIT_MMIO */
	uint64_t addr;
	int len;
	uint64_t data;
	int vcpu;
};
/* Exits recorded so far (oldest first); count returned, up to max copied. */
unsigned int irqsim_exits(struct kvm *kvm, struct irqsim_exit *out, unsigned int max);

#endif
