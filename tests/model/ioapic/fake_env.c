/*
 * Test-local fakes of the symbols the IOAPIC and PIC call in other teams'
 * files, and a hand-built VM. See fake_env.h.
 */
#include <stdlib.h>
#include <string.h>
#include <kshim/sim.h>
#include <kshim/srcu.h>

#include "fake_env.h"
#include "../common/fake_kvm.h"

struct fake_env env;

static bool lock_is_held(spinlock_t *l)
{
	return __atomic_load_n(&l->impl.word, __ATOMIC_RELAXED) != 0;
}

/* ---- the VM ---------------------------------------------------------------- */

void fake_env_setup(void)
{
	struct sim_config cfg;
	struct kvm *kvm;
	int i, r;

	memset(&env, 0, sizeof(env));
	sim_config_init(&cfg);
	/* IOAPIC_TEST_BACKEND=threads runs the same tests on real pthreads and locks */
	if (getenv("IOAPIC_TEST_BACKEND") && !strcmp(getenv("IOAPIC_TEST_BACKEND"), "threads"))
		cfg.backend = SIM_BACKEND_THREADS;
	env.sim = sim_create(&cfg);
	if (!env.sim)
		abort();

	kvm = fake_kvm_alloc(env.sim, KVM_IRQCHIP_KERNEL);
	for (i = 0; i < FAKE_NR_VCPUS; i++) {
		struct kvm_vcpu *vcpu = &env.vcpu[i];

		vcpu->kvm = kvm;
		vcpu->vcpu_id = i;
		vcpu->vcpu_idx = i;
		env.lapic[i].vcpu = vcpu;
		env.lapic[i].regs = calloc(1, 4096);
		if (!env.lapic[i].regs)
			abort();
		vcpu->arch.apic = &env.lapic[i];
		kvm->vcpus[i] = vcpu;
	}
	atomic_set(&kvm->online_vcpus, FAKE_NR_VCPUS);
	env.kvm = kvm;

	r = kvm_pic_init(kvm);
	if (r)
		abort();
	r = kvm_ioapic_init(kvm);
	if (r)
		abort();
}

unsigned int fake_env_teardown(void)
{
	struct kvm *kvm = env.kvm;
	unsigned int reports;
	int i;

	kvm_pic_destroy(kvm);
	kvm_ioapic_destroy(kvm);
	for (i = 0; i < FAKE_NR_VCPUS; i++)
		free(env.lapic[i].regs);
	fake_kvm_free(kvm);
	reports = sim_destroy(env.sim);
	env.sim = NULL;
	env.kvm = NULL;
	return reports;
}

u64 fake_stat(const char *name)
{
	return fake_kvm_stat(env.kvm, name);
}

/* ---- io bus ----------------------------------------------------------------- */

int kvm_io_bus_register_dev(struct kvm *kvm, enum kvm_bus bus_idx, gpa_t addr,
			    int len, struct kvm_io_device *dev)
{
	lockdep_assert_held(&kvm->slots_lock);
	env.register_calls++;
	if (env.register_fail_at && env.register_calls == env.register_fail_at)
		return env.register_err;
	if (env.nr_devs == FAKE_MAX_DEVS)
		return -ENOSPC;
	env.devs[env.nr_devs++] = (struct fake_dev){ bus_idx, addr, len, dev };
	return 0;
}

int kvm_io_bus_unregister_dev(struct kvm *kvm, enum kvm_bus bus_idx,
			      struct kvm_io_device *dev)
{
	int i;

	lockdep_assert_held(&kvm->slots_lock);
	for (i = 0; i < env.nr_devs; i++) {
		if (env.devs[i].bus == bus_idx && env.devs[i].dev == dev) {
			env.devs[i] = env.devs[--env.nr_devs];
			return 0;
		}
	}
	return 0;
}

struct fake_dev *fake_find_dev(enum kvm_bus bus, gpa_t addr)
{
	int i;

	for (i = 0; i < env.nr_devs; i++) {
		struct fake_dev *d = &env.devs[i];

		if (d->bus == bus && addr >= d->addr && addr < d->addr + d->len)
			return d;
	}
	return NULL;
}

int fake_mmio_write(gpa_t addr, int len, u64 val)
{
	struct fake_dev *d = fake_find_dev(KVM_MMIO_BUS, addr);

	if (!d)
		return -EOPNOTSUPP;
	return kvm_iodevice_write(&env.vcpu[0], d->dev, addr, len, &val);
}

int fake_mmio_read(gpa_t addr, int len, u64 *val)
{
	struct fake_dev *d = fake_find_dev(KVM_MMIO_BUS, addr);

	if (!d)
		return -EOPNOTSUPP;
	return kvm_iodevice_read(&env.vcpu[0], d->dev, addr, len, val);
}

int fake_pio_write(u16 port, u8 val)
{
	struct fake_dev *d = fake_find_dev(KVM_PIO_BUS, port);

	if (!d)
		return -EOPNOTSUPP;
	return kvm_iodevice_write(&env.vcpu[0], d->dev, port, 1, &val);
}

u8 fake_pio_read(u16 port)
{
	struct fake_dev *d = fake_find_dev(KVM_PIO_BUS, port);
	u8 val = 0xee;

	if (!d || kvm_iodevice_read(&env.vcpu[0], d->dev, port, 1, &val))
		abort();
	return val;
}

void ioapic_write_reg(u32 reg, u32 val)
{
	fake_mmio_write(IOAPIC_DEFAULT_BASE_ADDRESS + IOAPIC_REG_SELECT, 4, reg);
	fake_mmio_write(IOAPIC_DEFAULT_BASE_ADDRESS + IOAPIC_REG_WINDOW, 4, val);
}

u32 ioapic_read_reg(u32 reg)
{
	u64 v = 0;

	fake_mmio_write(IOAPIC_DEFAULT_BASE_ADDRESS + IOAPIC_REG_SELECT, 4, reg);
	fake_mmio_read(IOAPIC_DEFAULT_BASE_ADDRESS + IOAPIC_REG_WINDOW, 4, &v);
	return (u32)v;
}

/* High half first, as guests do, so the entry is complete when the low half (mask) lands. */
void ioapic_write_entry(int pin, u64 entry)
{
	ioapic_write_reg(0x10 + 2 * pin + 1, (u32)(entry >> 32));
	ioapic_write_reg(0x10 + 2 * pin, (u32)entry);
}

u64 ioapic_read_entry(int pin)
{
	return ((u64)ioapic_read_reg(0x10 + 2 * pin + 1) << 32) | ioapic_read_reg(0x10 + 2 * pin);
}

u64 redir(u8 vector, u8 dest, bool level, bool masked)
{
	return vector | ((u64)level << 15) | ((u64)masked << 16) | ((u64)dest << 56);
}

/* ---- LAPIC side --------------------------------------------------------------- */

/* Physical destinations only: APIC id = vCPU id, 0xff = broadcast. */
bool kvm_apic_match_dest(struct kvm_vcpu *vcpu, struct kvm_lapic *source,
			 int shorthand, unsigned int dest, int dest_mode)
{
	return dest == 0xff || dest == (unsigned int)vcpu->vcpu_id;
}

bool kvm_apic_pending_eoi(struct kvm_vcpu *vcpu, int vector)
{
	return test_bit(vector, env.pending_eoi[vcpu->vcpu_id]);
}

/* Accepted by every matching vCPU (recorded in dest_map) unless the test forces a result. */
int kvm_irq_delivery_to_apic(struct kvm *kvm, struct kvm_lapic *src,
			     struct kvm_lapic_irq *irq, struct dest_map *dest_map)
{
	int i, r = -1;

	if (env.nr_deliveries < FAKE_MAX_LOG) {
		env.deliveries[env.nr_deliveries].irq = *irq;
		env.deliveries[env.nr_deliveries].with_dest_map = dest_map != NULL;
	}
	env.nr_deliveries++;
	for (i = 0; i < FAKE_NR_VCPUS; i++) {
		if (!kvm_apic_match_dest(&env.vcpu[i], src, irq->shorthand, irq->dest_id,
					 irq->dest_mode))
			continue;
		r = r < 0 ? 1 : r + 1;
		__set_bit(irq->vector, env.pending_eoi[i]);
		if (dest_map) {
			__set_bit(i, dest_map->map);
			dest_map->vectors[i] = irq->vector;
		}
	}
	return env.delivery_ret_forced ? env.delivery_ret : r;
}

void kvm_bitmap_or_dest_vcpus(struct kvm *kvm, struct kvm_lapic_irq *irq,
			      unsigned long *vcpu_bitmap)
{
	int i;

	for (i = 0; i < FAKE_NR_VCPUS; i++)
		if (kvm_apic_match_dest(&env.vcpu[i], NULL, irq->shorthand, irq->dest_id,
					irq->dest_mode))
			__set_bit(i, vcpu_bitmap);
}

void kvm_scan_ioapic_irq(struct kvm_vcpu *vcpu, u32 dest_id, u16 dest_mode,
			 u8 vector, unsigned long *ioapic_handled_vectors)
{
	if (kvm_apic_match_dest(vcpu, NULL, APIC_DEST_NOSHORT, dest_id, dest_mode) ||
	    kvm_apic_pending_eoi(vcpu, vector))
		__set_bit(vector, ioapic_handled_vectors);
}

int kvm_apic_accept_pic_intr(struct kvm_vcpu *vcpu)
{
	return env.accept_pic[vcpu->vcpu_id];
}

void kvm_vcpu_kick(struct kvm_vcpu *vcpu)
{
	env.kicks[vcpu->vcpu_id]++;
}

void kvm_make_scan_ioapic_request(struct kvm *kvm)
{
	env.scan_all++;
}

void kvm_make_scan_ioapic_request_mask(struct kvm *kvm, unsigned long *vcpu_bitmap)
{
	env.scan_mask++;
	env.last_scan_mask = vcpu_bitmap[0];
}

/* ---- routing and notifiers ------------------------------------------------------ */

/* Default routing: GSI n is IOAPIC pin n and PIC pin n. */
int kvm_irq_map_chip_pin(struct kvm *kvm, unsigned irqchip, unsigned pin)
{
	return pin;
}

void kvm_notify_acked_irq(struct kvm *kvm, unsigned irqchip, unsigned pin)
{
	if (env.nr_acks < FAKE_MAX_LOG) {
		struct fake_ack *a = &env.acks[env.nr_acks];

		a->irqchip = irqchip;
		a->pin = pin;
		a->ioapic_lock_held = kvm->arch.vioapic && lock_is_held(&kvm->arch.vioapic->lock);
		a->pic_lock_held = kvm->arch.vpic && lock_is_held(&kvm->arch.vpic->lock);
	}
	env.nr_acks++;
	if (env.on_ack)
		env.on_ack(&env, irqchip, pin);
}

bool kvm_irq_has_notifier(struct kvm *kvm, unsigned int irqchip, unsigned int pin)
{
	return test_bit(pin, &env.has_notifier[irqchip]);
}

bool kvm_notify_irqfd_resampler(struct kvm *kvm, unsigned int irqchip, unsigned int pin)
{
	if (irqchip != KVM_IRQCHIP_IOAPIC || !test_bit(pin, &env.has_resampler))
		return false;
	env.resampler_calls++;
	return true;
}
