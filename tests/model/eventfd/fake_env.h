/*
 * Unit-test environment for eventfd.c and iobus.c: a hand-built struct kvm
 * and test-local fakes of the symbols they call in other teams' files
 * (routing lookups and updates, kvm_set_irq, the atomic MSI hook,
 * kvm_arch_irqfd_allowed, the IOAPIC rescan hook). The code under test is
 * compiled into the test binary as is.
 *
 * The fakes are thread-safe (atomics and a spinlock) so the stress test
 * can share them. Routing is a small table published like the real one:
 * replaced under irq_lock, read under irq_srcu, freed after a grace period.
 */
#ifndef TESTS_EVENTFD_FAKE_ENV_H
#define TESTS_EVENTFD_FAKE_ENV_H

#include <kshim/kernel.h>
#include <kshim/eventfd.h>
#include <kshim/srcu.h>
#include "model/kvm_host.h"
#include "model/kvm_irqfd.h"
#include "model/iodev.h"

#define FAKE_MAX_ROUTES		16
#define FAKE_MAX_GSI		64	/* line state tracked for GSIs below this */
#define FAKE_NR_VMS		2

/* A routing table, as the fake publishes it (immutable once published). */
struct fake_routing {
	int nr;
	struct kvm_kernel_irq_routing_entry e[FAKE_MAX_ROUTES];
};

struct fake_vm {
	struct kvm *kvm;
	struct kvm_vcpu vcpu;
	struct fake_routing __rcu *routing;	/* irq_srcu; irq_lock to write */

	/* kvm_set_irq, per GSI below FAKE_MAX_GSI (atomics) */
	unsigned long line[FAKE_MAX_GSI];	/* bit per source id: line level */
	long asserts[FAKE_MAX_GSI];		/* level-1 calls */
	long deasserts[FAKE_MAX_GSI];		/* level-0 calls */
	long set_irq_calls;			/* all GSIs, including huge ones */
	long set_irq_last_gsi;

	/* kvm_arch_set_irq_inatomic: MSIs delivered in atomic context, per vector */
	long msi_fast[256];
	/* kvm_arch_post_irq_ack_notifier_list_update calls */
	long notifier_updates;
};

struct fake_env {
	struct sim *sim;
	enum sim_backend backend;
	struct fake_vm vm[FAKE_NR_VMS];
	int nr_vms;
};

extern struct fake_env env;
/* Backend the next fake_env_setup uses (suite init sets it). */
extern enum sim_backend fake_backend;
/* Seed of the next fake_env_setup (default 1). */
extern uint64_t fake_seed;

/* Fresh simulation and nr_vms VMs (irqchip mode for each). */
void fake_env_setup_n(int nr_vms, enum kvm_irqchip_mode mode);
static inline void fake_env_setup(void) { fake_env_setup_n(1, KVM_IRQCHIP_KERNEL); }
/* VM release + destroy as kvm_main.c does, then sim_destroy: checker reports. */
unsigned int fake_env_teardown(void);
/* Release and destroy one VM early (teardown skips it). */
void fake_vm_destroy(struct fake_vm *vm);

static inline struct kvm *fkvm(void) { return env.vm[0].kvm; }
static inline struct fake_vm *fvm(void) { return &env.vm[0]; }

/* A named counter of struct kvm_sim_stats (aborts on an unknown name). */
u64 fake_stat(struct kvm *kvm, const char *name);

/* Replace the routing table (like KVM_SET_GSI_ROUTING): entries built below. */
void fake_set_routing(struct fake_vm *vm, const struct kvm_kernel_irq_routing_entry *e, int nr);
struct kvm_kernel_irq_routing_entry fake_msi(u32 gsi, u8 vector);
struct kvm_kernel_irq_routing_entry fake_irqchip(u32 gsi, unsigned int chip, unsigned int pin);

/* Reads of the fake's atomic counters. */
long fake_asserts(struct fake_vm *vm, u32 gsi);
long fake_deasserts(struct fake_vm *vm, u32 gsi);
bool fake_line(struct fake_vm *vm, u32 gsi, int source);
long fake_msi_fast(struct fake_vm *vm, u8 vector);

/* KVM_IRQFD / KVM_IOEVENTFD with the uapi structs. */
int irqfd_assign(struct kvm *kvm, int fd, u32 gsi);
int irqfd_assign_resample(struct kvm *kvm, int fd, u32 gsi, int resamplefd);
int irqfd_deassign(struct kvm *kvm, int fd, u32 gsi);
int ioeventfd(struct kvm *kvm, int fd, u64 addr, u32 len, u32 flags, u64 datamatch);

/* eventfd count without reading it (aborts on a bad fd). */
u64 efd_peek(int fd);

/* Bus contents (caller: main task, no concurrent writer). */
int bus_dev_count(struct kvm *kvm, enum kvm_bus idx);
int bus_ioeventfd_count(struct kvm *kvm, enum kvm_bus idx);

/* Guest write of len bytes of value on a bus, inside a kvm->srcu section. */
int guest_write(struct fake_vm *vm, enum kvm_bus bus, gpa_t addr, int len, u64 value);

#endif
