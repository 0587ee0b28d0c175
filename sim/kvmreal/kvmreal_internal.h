/* Private to sim/kvmreal: the VM object and helpers shared by its files. */
#ifndef KVMREAL_INTERNAL_H
#define KVMREAL_INTERNAL_H

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include "kvmreal.h"
#include "guest_abi.h"

struct kvmreal_vcpu {
	int fd;				/* immutable after create */
	struct kvm_run *run;		/* mmap of fd; used under lock */
	volatile uint8_t *block;	/* command block in guest RAM; under lock */
	pthread_mutex_t lock;		/* one KVM_RUN "command" at a time */
	bool dead;			/* the guest faulted; under lock */
};

struct kvmreal_vm {
	int kvm_fd;			/* /dev/kvm; immutable */
	int fd;				/* the VM; immutable */
	enum kvmreal_irqchip irqchip;	/* immutable */
	uint8_t *ram;			/* guest RAM mapping; immutable */
	size_t run_size;		/* KVM_GET_VCPU_MMAP_SIZE; immutable */
	int nr_vcpus;			/* immutable after create */
	struct kvmreal_vcpu vcpus[KVMREAL_MAX_VCPUS];
	atomic_uint_least64_t pio_exits, mmio_exits, eoi_exits;	/* lock-free counters */
	_Atomic(const char *) reason;	/* last -EOPNOTSUPP / failure explanation */
};

/* ioctl(2) with the kernel's errno as a negative result. */
static inline int kvmreal_ioctl(int fd, unsigned long req, void *arg)
{
	int ret = ioctl(fd, req, arg);

	return ret < 0 ? -errno : ret;
}

static inline int kvmreal_fail(const struct kvmreal_vm *vm, int err, const char *why)
{
	atomic_store(&((struct kvmreal_vm *)vm)->reason, why);
	return err;
}

static inline struct kvmreal_vcpu *kvmreal_vcpu(struct kvmreal_vm *vm, int n)
{
	if (!vm || n < 0 || n >= vm->nr_vcpus)
		return NULL;
	return &vm->vcpus[n];
}

/* guest_mem.c */
void kvmreal_guest_mem_init(uint8_t *ram);
int kvmreal_vcpu_setup_regs(struct kvmreal_vm *vm, int n);

/* vcpu_run.c: run one command to completion; caller holds vcpu->lock. */
int kvmreal_vcpu_command(struct kvmreal_vm *vm, struct kvmreal_vcpu *v, int *exited);
/* Run until the guest's first "done" (called once at create). */
int kvmreal_vcpu_start(struct kvmreal_vm *vm, struct kvmreal_vcpu *v);

/* lapic.c */
int kvmreal_lapic_init(struct kvmreal_vm *vm, int n);
int kvmreal_apic_base(struct kvmreal_vm *vm, int n, uint64_t *val, bool set);

#define U64_AT(p, off)	(*(volatile uint64_t *)((p) + (off)))
#define U32_AT(p, off)	(*(volatile uint32_t *)((p) + (off)))

#endif
