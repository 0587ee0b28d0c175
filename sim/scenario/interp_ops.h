/*
 * What the interpreter needs from whatever executes a scenario: one table
 * per backend. exec_sim.c runs the statements on the simulator (libirqsim's
 * public API); exec_kvm.c runs them on the real kernel through /dev/kvm
 * (sim/kvmreal). The statement semantics (which registers a `vcpu N lapic`
 * writes, how an IOAPIC entry is encoded, what `=>` matches, the messages)
 * stay in interp_*.c, written once for both.
 *
 * Conventions: every call returns 0 (or a documented value) or -errno. The
 * ioctl entries take the uapi structures of <linux/kvm.h> and return what
 * the ioctl would (the MSI's -1 included). -EOPNOTSUPP means "this backend
 * cannot do it faithfully": the interpreter reports the statement as not
 * checkable instead of failing it. vCPU indexes were checked with has_vcpu.
 */
#ifndef IRQSIM_INTERP_OPS_H
#define IRQSIM_INTERP_OPS_H

#include <stdbool.h>
#include <stdint.h>

struct interp;
struct scn_vm;

struct interp_ops {
	const char *name;		/* "sim" or "kvm" */
	/*
	 * The real kernel runs its deferred work (irqfd inject work items)
	 * when it likes: expectations and acks poll for up to this long when
	 * what they read is not what they want. 0: state is settled exactly.
	 */
	unsigned int poll_ms;
	/* Runs only on the simulator (counters, checkers, settle off windows). */
	bool simulated;

	/* KVM_CREATE_VM, the irqchip, the vCPUs, each LAPIC as the contract promises. */
	int (*vm_create)(struct interp *in, const struct scn_vm *vm);
	bool (*has_vm)(struct interp *in);
	bool (*has_vcpu)(struct interp *in, uint32_t idx);
	/* Release the VM, then close every eventfd the host still holds. */
	void (*teardown)(struct interp *in);
	/* Run deferred work to completion (the kernel: as far as it can be waited for). */
	void (*settle)(struct interp *in);

	/* VM ioctls: SET_GSI_ROUTING, IRQ_LINE_STATUS, SIGNAL_MSI, IRQFD, IOEVENTFD, GET_IRQCHIP. */
	long (*vm_ioctl)(struct interp *in, unsigned int cmd, void *arg);
	/* vCPU ioctls: GET_LAPIC. */
	long (*vcpu_ioctl)(struct interp *in, uint32_t vcpu, unsigned int cmd, void *arg);

	/* The host's eventfds (fd -1 is a closed name: -EBADF). */
	int (*efd_create)(struct interp *in, uint64_t count);	/* fd or -errno */
	int (*efd_write)(struct interp *in, int fd, uint64_t value);
	int (*efd_read)(struct interp *in, int fd, uint64_t *value);	/* -EAGAIN at 0 */
	int (*efd_peek)(struct interp *in, int fd, uint64_t *count);
	int (*efd_close)(struct interp *in, int fd);

	/* Guest side: IRQSIM_ACCESS_KERNEL / _EXIT or -errno. */
	int (*pio_write)(struct interp *in, uint32_t vcpu, uint16_t port, int len, uint64_t value);
	int (*mmio_write)(struct interp *in, uint32_t vcpu, uint64_t addr, int len, uint64_t value);
	/* A 4-byte guest write to an xAPIC register (offset). */
	int (*lapic_write)(struct interp *in, uint32_t vcpu, uint32_t reg, uint32_t value);
	/* A guest RDMSR / WRMSR (APIC base, x2APIC registers); #GP is -EINVAL. */
	int (*rdmsr)(struct interp *in, uint32_t vcpu, uint32_t msr, uint64_t *value);
	int (*wrmsr)(struct interp *in, uint32_t vcpu, uint32_t msr, uint64_t value);
	/* Interrupt acknowledge: the vector, -1 for none, or -errno. */
	int (*ack)(struct interp *in, uint32_t vcpu);
	int (*eoi)(struct interp *in, uint32_t vcpu);

	/* Guest writes that exited to userspace so far. */
	int (*exits)(struct interp *in, uint64_t *mmio, uint64_t *pio);
	/* A named counter; -ENOENT unknown name, -EOPNOTSUPP no counters here. */
	int (*stat)(struct interp *in, const char *name, uint64_t *value);
	/* Why the last -EOPNOTSUPP happened (may be NULL). */
	const char *(*reason)(struct interp *in);
	/* Counters for the result (simulator only; may be NULL). */
	void (*snapshot_stats)(struct interp *in);
};

extern const struct interp_ops interp_sim_ops;
extern const struct interp_ops interp_kvm_ops;

/*
 * The kvm backend: 0 when /dev/kvm is usable, else -errno and *why says
 * what is missing. *ack_mode names the acknowledge mode kvmreal detected.
 */
int interp_kvm_available(const char **why, const char **ack_mode);

#endif
