/*
 * arch/x86/kvm/irq.h, the irqchip team's part: MSI decoding, the x86 side
 * of routing (entry validation, default routing, the irqfd fast-path
 * hook), KVM_IRQ_LINE and KVM_GET/SET_IRQCHIP, and the vCPU's interrupt
 * acknowledge (LAPIC or ExtINT from the PIC). The routing structures
 * themselves are in kvm_host.h, as in the kernel. The PIC's structures and
 * functions are in i8259.h, the IOAPIC's in ioapic.h.
 */
#ifndef MODEL_IRQ_H
#define MODEL_IRQ_H

#include "kvm_host.h"

/*
 * pic_in_kernel(), PIC_NUM_PINS and struct kvm_pic are in i8259.h;
 * ioapic_in_kernel() and MAX_NR_RESERVED_IOAPIC_PINS in ioapic.h.
 */

/* MSI */
void kvm_set_msi_irq(struct kvm *kvm, struct kvm_kernel_irq_routing_entry *e,
		     struct kvm_lapic_irq *irq);
int kvm_set_msi(struct kvm_kernel_irq_routing_entry *e, struct kvm *kvm,
		int irq_source_id, int level, bool line_status);

/* routing entry set callbacks for IRQCHIP entries (irq_comm.c of older kernels) */
int kvm_set_pic_irq(struct kvm_kernel_irq_routing_entry *e, struct kvm *kvm,
		    int irq_source_id, int level, bool line_status);
int kvm_set_ioapic_irq(struct kvm_kernel_irq_routing_entry *e, struct kvm *kvm,
		       int irq_source_id, int level, bool line_status);

int kvm_setup_default_ioapic_and_pic_routing(struct kvm *kvm);

/* ioctls */
int kvm_vm_ioctl_irq_line(struct kvm *kvm, struct kvm_irq_level *irq_event, bool line_status);
int kvm_vm_ioctl_get_irqchip(struct kvm *kvm, struct kvm_irqchip *chip);
int kvm_vm_ioctl_set_irqchip(struct kvm *kvm, struct kvm_irqchip *chip);

/* EOI-exit bitmap for a split irqchip */
void kvm_scan_ioapic_routes(struct kvm_vcpu *vcpu, unsigned long *ioapic_handled_vectors);
void kvm_scan_ioapic_irq(struct kvm_vcpu *vcpu, u32 dest_id, u16 dest_mode,
			 u8 vector, unsigned long *ioapic_handled_vectors);

/* the vCPU's interrupt acknowledge (caller holds vcpu->mutex) */
int kvm_cpu_has_extint(struct kvm_vcpu *v);
int kvm_cpu_has_interrupt(struct kvm_vcpu *v);
int kvm_cpu_get_extint(struct kvm_vcpu *v);
int kvm_cpu_get_interrupt(struct kvm_vcpu *v);

#endif
