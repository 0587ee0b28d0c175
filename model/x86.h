/*
 * arch/x86/kvm/x86.h, the irqchip team's part: the arch halves of VM and
 * vCPU life and ioctls, and the guest's MMIO/PIO paths (no instruction
 * emulation: a guest access arrives already decoded).
 */
#ifndef MODEL_X86_H
#define MODEL_X86_H

#include "kvm_host.h"

/* VM and vCPU life (called from kvm_main.c) */
int kvm_arch_init_vm(struct kvm *kvm, unsigned long type);
void kvm_arch_destroy_vm(struct kvm *kvm);
int kvm_arch_vcpu_create(struct kvm_vcpu *vcpu);
void kvm_arch_vcpu_destroy(struct kvm_vcpu *vcpu);
void kvm_destroy_vcpus(struct kvm *kvm);

/* ioctls */
long kvm_arch_vm_ioctl(struct kvm *kvm, unsigned int ioctl, unsigned long arg);
long kvm_arch_vcpu_ioctl(struct kvm_vcpu *vcpu, unsigned int ioctl, unsigned long arg);
int kvm_vm_ioctl_enable_cap(struct kvm *kvm, struct kvm_enable_cap *cap);
long kvm_vm_ioctl_check_extension(struct kvm *kvm, long ext);

/*
 * The guest side. Callers hold vcpu->mutex and kvm->srcu (as KVM_RUN does)
 * and call kvm_vcpu_enter_guest() first, which handles pending requests.
 * Each access returns 0 when the kernel handled it, 1 when it exited to
 * userspace (recorded in kvm->exits), or -errno.
 */
void kvm_vcpu_enter_guest(struct kvm_vcpu *vcpu);
int kvm_vcpu_mmio_write(struct kvm_vcpu *vcpu, gpa_t addr, int len, const void *val);
int kvm_vcpu_mmio_read(struct kvm_vcpu *vcpu, gpa_t addr, int len, void *val);
int kvm_vcpu_pio_write(struct kvm_vcpu *vcpu, u16 port, int len, const void *val);

#endif
