/*
 * Model invariants: whole-VM consistency checks that fuzzers and tests run
 * between operations. Not a kernel file: the kernel states these rules in
 * comments and WARN_ONs spread over virt/kvm and arch/x86/kvm; here they are
 * gathered in one place and checked on the live structures.
 *
 * Each broken invariant files one SIM_REPORT_INVARIANT report (title
 * "BUG: irqsim invariant broken: <id>", the details in the text) and counts
 * one in the return value. The list, with the reason each holds, is in
 * model/invariants.c and docs/fuzzing.md.
 *
 * Call from a task of the VM's simulation holding no lock and outside any
 * RCU/SRCU read-side section. The checks take the model's own locks in the
 * documented order (resampler_lock -> irq_lock -> irqfds.lock -> eventfd
 * wait-queue lock; then slots_lock; then ioapic->lock; pic->lock;
 * vcpu->mutex), so they are safe while other tasks run, but only a quiescent
 * VM (sim_settle() done, no task in flight) makes every check meaningful.
 */
#ifndef MODEL_INVARIANTS_H
#define MODEL_INVARIANTS_H

#include <stdbool.h>

struct kvm;
struct eventfd_ctx;

enum kvm_inv_flags {
	/*
	 * Remote IRR set on an IOAPIC pin implies that some vCPU still has
	 * the pin's vector in IRR or ISR. Holds only if the caller never
	 * reprograms a redirection entry's vector while remote IRR is set,
	 * never sends an edge interrupt on an IOAPIC vector (which clears the
	 * TMR bit, so the EOI no longer reaches the IOAPIC), never disables or
	 * resets a LAPIC holding it and never uses KVM_SET_IRQCHIP/SET_LAPIC:
	 * all legal guest/VMM actions that leave remote IRR stuck in the kernel too.
	 */
	KVM_INV_REMOTE_IRR_PENDING = 1u << 0,
};

/* Check every invariant; returns the number broken (0 = all hold). */
int kvm_check_invariants(struct kvm *kvm);
int kvm_check_invariants_flags(struct kvm *kvm, unsigned int flags);

/*
 * The file of eventfd ctx has been released (the caller closed its last
 * fd, holding its own ctx reference from eventfd_ctx_fdget to keep ctx
 * valid): no irqfd of this VM may still be active on it, since EPOLLHUP
 * deactivates synchronously. Returns the number of offending irqfds.
 */
int kvm_check_eventfd_released(struct kvm *kvm, struct eventfd_ctx *ctx);

#endif
