/*
 * Test-local fakes of the symbols eventfd.c and iobus.c call in other
 * teams' files, and hand-built VMs. See fake_env.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kshim/sim.h>

#include "fake_env.h"
#include "../common/fake_kvm.h"

struct fake_env env;
enum sim_backend fake_backend = SIM_BACKEND_SCHED;
uint64_t fake_seed = 1;

static struct fake_vm *vm_of(struct kvm *kvm)
{
	int i;

	for (i = 0; i < env.nr_vms; i++)
		if (env.vm[i].kvm == kvm)
			return &env.vm[i];
	abort();
}

/* ---- fakes of irqchip.c / irq.c / ioapic.c ------------------------------- */

/* kvm_irq_map_gsi: copies of the GSI's entries; irq_srcu or irq_lock held. */
int kvm_irq_map_gsi(struct kvm *kvm, struct kvm_kernel_irq_routing_entry *entries,
		    int gsi)
{
	struct fake_vm *vm = vm_of(kvm);
	struct fake_routing *rt;
	int i, n = 0;

	rt = srcu_dereference_check(vm->routing, &kvm->irq_srcu,
				    lockdep_is_held(&kvm->irq_lock));
	for (i = 0; rt && i < rt->nr; i++)
		if (rt->e[i].gsi == (u32)gsi && n < KVM_NR_IRQCHIPS)
			entries[n++] = rt->e[i];
	return n;
}

/* kvm_irq_map_chip_pin: the GSI routed to (irqchip, pin), or -1. */
int kvm_irq_map_chip_pin(struct kvm *kvm, unsigned irqchip, unsigned pin)
{
	struct fake_vm *vm = vm_of(kvm);
	struct fake_routing *rt;
	int i;

	rt = srcu_dereference_check(vm->routing, &kvm->irq_srcu,
				    lockdep_is_held(&kvm->irq_lock));
	for (i = 0; rt && i < rt->nr; i++)
		if (rt->e[i].type == KVM_IRQ_ROUTING_IRQCHIP &&
		    rt->e[i].irqchip.irqchip == irqchip &&
		    rt->e[i].irqchip.pin == pin)
			return rt->e[i].gsi;
	return -1;
}

/* kvm_set_irq: per-source line state; must run in process context. */
int kvm_set_irq(struct kvm *kvm, int irq_source_id, u32 irq, int level,
		bool line_status)
{
	struct fake_vm *vm = vm_of(kvm);

	/* the real one takes the IOAPIC/PIC locks, which are not irq-safe */
	WARN_ON(irqs_disabled());
	__atomic_add_fetch(&vm->set_irq_calls, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&vm->set_irq_last_gsi, irq, __ATOMIC_RELAXED);
	if (irq >= FAKE_MAX_GSI)
		return -1;
	if (level) {
		__atomic_fetch_or(&vm->line[irq], 1ul << irq_source_id, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&vm->asserts[irq], 1, __ATOMIC_SEQ_CST);
	} else {
		__atomic_fetch_and(&vm->line[irq], ~(1ul << irq_source_id), __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&vm->deasserts[irq], 1, __ATOMIC_SEQ_CST);
	}
	return 1;
}

/* kvm_arch_set_irq_inatomic: MSIs are delivered, everything else would block. */
int kvm_arch_set_irq_inatomic(struct kvm_kernel_irq_routing_entry *e, struct kvm *kvm,
			      int irq_source_id, int level, bool line_status)
{
	struct fake_vm *vm = vm_of(kvm);

	if (e->type != KVM_IRQ_ROUTING_MSI)
		return -EWOULDBLOCK;
	__atomic_add_fetch(&vm->msi_fast[e->msi.data & 0xff], 1, __ATOMIC_SEQ_CST);
	return 1;
}

/* kvm_arch_irqfd_allowed (x86): resample needs the full irqchip. */
bool kvm_arch_irqfd_allowed(struct kvm *kvm, struct kvm_irqfd *args)
{
	bool resample = args->flags & KVM_IRQFD_FLAG_RESAMPLE;

	return resample ? irqchip_full(kvm) : irqchip_in_kernel(kvm);
}

/* kvm_arch_post_irq_ack_notifier_list_update: counted. */
void kvm_arch_post_irq_ack_notifier_list_update(struct kvm *kvm)
{
	__atomic_add_fetch(&vm_of(kvm)->notifier_updates, 1, __ATOMIC_RELAXED);
}

/* ---- routing ---------------------------------------------------------------- */

struct kvm_kernel_irq_routing_entry fake_msi(u32 gsi, u8 vector)
{
	struct kvm_kernel_irq_routing_entry e;

	memset(&e, 0, sizeof(e));
	e.gsi = gsi;
	e.type = KVM_IRQ_ROUTING_MSI;
	e.msi.address_lo = 0xfee00000;
	e.msi.data = vector;
	return e;
}

struct kvm_kernel_irq_routing_entry fake_irqchip(u32 gsi, unsigned int chip,
						 unsigned int pin)
{
	struct kvm_kernel_irq_routing_entry e;

	memset(&e, 0, sizeof(e));
	e.gsi = gsi;
	e.type = KVM_IRQ_ROUTING_IRQCHIP;
	e.irqchip.irqchip = chip;
	e.irqchip.pin = pin;
	return e;
}

/* As kvm_set_irq_routing: publish under irq_lock, refresh irqfds, then wait. */
void fake_set_routing(struct fake_vm *vm, const struct kvm_kernel_irq_routing_entry *e,
		      int nr)
{
	struct kvm *kvm = vm->kvm;
	struct fake_routing *new, *old;

	if (nr > FAKE_MAX_ROUTES)
		abort();
	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		abort();
	new->nr = nr;
	if (nr)
		memcpy(new->e, e, nr * sizeof(*e));

	mutex_lock(&kvm->irq_lock);
	old = rcu_dereference_protected(vm->routing, lockdep_is_held(&kvm->irq_lock));
	rcu_assign_pointer(vm->routing, new);
	kvm_irq_routing_update(kvm);
	mutex_unlock(&kvm->irq_lock);

	synchronize_srcu_expedited(&kvm->irq_srcu);
	kfree(old);
}

long fake_asserts(struct fake_vm *vm, u32 gsi)
{
	return __atomic_load_n(&vm->asserts[gsi], __ATOMIC_SEQ_CST);
}

long fake_deasserts(struct fake_vm *vm, u32 gsi)
{
	return __atomic_load_n(&vm->deasserts[gsi], __ATOMIC_SEQ_CST);
}

bool fake_line(struct fake_vm *vm, u32 gsi, int source)
{
	return (__atomic_load_n(&vm->line[gsi], __ATOMIC_SEQ_CST) >> source) & 1;
}

long fake_msi_fast(struct fake_vm *vm, u8 vector)
{
	return __atomic_load_n(&vm->msi_fast[vector], __ATOMIC_SEQ_CST);
}

/* ---- VMs ------------------------------------------------------------------- */

static void vm_create(struct fake_vm *vm, enum kvm_irqchip_mode mode)
{
	struct kvm *kvm;
	int i;

	memset(vm, 0, sizeof(*vm));
	kvm = fake_kvm_alloc(env.sim, mode);
	kvm_eventfd_init(kvm);
	for (i = 0; i < KVM_NR_BUSES; i++) {
		struct kvm_io_bus *bus = kzalloc(sizeof(*bus), GFP_KERNEL_ACCOUNT);

		if (!bus)
			abort();
		rcu_assign_pointer(kvm->buses[i], bus);
	}
	vm->vcpu.kvm = kvm;
	vm->kvm = kvm;
}

static void print_report(void *ctx, const struct sim_report *r)
{
	fprintf(stderr, "%s\n", r->text ? r->text : r->title);
}

void fake_env_setup_n(int nr_vms, enum kvm_irqchip_mode mode)
{
	struct sim_config cfg;
	int i;

	memset(&env, 0, sizeof(env));
	sim_config_init(&cfg);
	cfg.backend = fake_backend;
	cfg.checkers = true;
	cfg.seed = fake_seed;
	env.backend = fake_backend;
	env.sim = sim_create(&cfg);
	if (!env.sim)
		abort();
	sim_set_report_hook(env.sim, print_report, NULL);
	env.nr_vms = nr_vms;
	for (i = 0; i < nr_vms; i++)
		vm_create(&env.vm[i], mode);
}

/* kvm_vm_release then kvm_destroy_vm, the parts touching eventfd.c/iobus.c. */
void fake_vm_destroy(struct fake_vm *vm)
{
	struct kvm *kvm = vm->kvm;
	int i;

	if (!kvm)
		return;
	kvm_irqfd_release(kvm);
	kfree(rcu_dereference_protected(vm->routing, 1));
	vm->routing = NULL;
	for (i = 0; i < KVM_NR_BUSES; i++) {
		struct kvm_io_bus *bus = rcu_dereference_protected(kvm->buses[i], 1);

		if (bus)
			kvm_io_bus_destroy(bus);
		kvm->buses[i] = NULL;
	}
	srcu_barrier(&kvm->srcu);
	srcu_barrier(&kvm->irq_srcu);
	fake_kvm_free(kvm);
	vm->kvm = NULL;
}

unsigned int fake_env_teardown(void)
{
	unsigned int reports;
	int i;

	for (i = 0; i < env.nr_vms; i++)
		fake_vm_destroy(&env.vm[i]);
	reports = sim_destroy(env.sim);
	env.sim = NULL;
	return reports;
}

u64 fake_stat(struct kvm *kvm, const char *name)
{
	return fake_kvm_stat(kvm, name);
}

/* ---- ioctls and host side -------------------------------------------------- */

int irqfd_assign(struct kvm *kvm, int fd, u32 gsi)
{
	struct kvm_irqfd a = { .fd = (u32)fd, .gsi = gsi };

	return kvm_irqfd(kvm, &a);
}

int irqfd_assign_resample(struct kvm *kvm, int fd, u32 gsi, int resamplefd)
{
	struct kvm_irqfd a = { .fd = (u32)fd, .gsi = gsi,
			       .flags = KVM_IRQFD_FLAG_RESAMPLE,
			       .resamplefd = (u32)resamplefd };

	return kvm_irqfd(kvm, &a);
}

int irqfd_deassign(struct kvm *kvm, int fd, u32 gsi)
{
	struct kvm_irqfd a = { .fd = (u32)fd, .gsi = gsi,
			       .flags = KVM_IRQFD_FLAG_DEASSIGN };

	return kvm_irqfd(kvm, &a);
}

int ioeventfd(struct kvm *kvm, int fd, u64 addr, u32 len, u32 flags, u64 datamatch)
{
	struct kvm_ioeventfd a = { .datamatch = datamatch, .addr = addr,
				   .len = len, .fd = fd, .flags = flags };

	return kvm_ioeventfd(kvm, &a);
}

u64 efd_peek(int fd)
{
	u64 v;

	if (sim_fd_peek(env.sim, fd, &v))
		abort();
	return v;
}

int bus_dev_count(struct kvm *kvm, enum kvm_bus idx)
{
	struct kvm_io_bus *bus = rcu_dereference_protected(kvm->buses[idx], 1);

	return bus ? bus->dev_count : -1;
}

int bus_ioeventfd_count(struct kvm *kvm, enum kvm_bus idx)
{
	struct kvm_io_bus *bus = rcu_dereference_protected(kvm->buses[idx], 1);

	return bus ? bus->ioeventfd_count : -1;
}

int guest_write(struct fake_vm *vm, enum kvm_bus bus, gpa_t addr, int len, u64 value)
{
	u8 buf[8];
	int idx, r;

	memcpy(buf, &value, sizeof(buf));
	idx = srcu_read_lock(&vm->kvm->srcu);
	r = kvm_io_bus_write(&vm->vcpu, bus, addr, len, buf);
	srcu_read_unlock(&vm->kvm->srcu, idx);
	return r;
}
