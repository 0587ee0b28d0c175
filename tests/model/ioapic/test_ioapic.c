/*
 * Unit tests of the in-kernel IOAPIC (model/ioapic.c) against fakes of
 * the LAPIC, io bus and notifier layers (fake_env.c). Statuses follow
 * kernel-notes 4.3 / 5.x, measured on a real 6.18 kernel.
 */
#include <kshim/sim.h>
#include <kshim/workqueue.h>
#include "tests/cunit_main.h"
#include "fake_env.h"

#define BASE	IOAPIC_DEFAULT_BASE_ADDRESS
#define ENTRY_MASKED	0x10000ULL
#define REMOTE_IRR	(1ULL << 14)
#define DELIV_STATUS	(1ULL << 12)

static struct kvm_ioapic *ioapic(void)
{
	return env.kvm->arch.vioapic;
}

static int set_irq(int pin, int src, int level)
{
	return kvm_ioapic_set_irq(ioapic(), pin, src, level, false);
}

static void eoi(int vcpu, int vector, int trig)
{
	__clear_bit(vector, env.pending_eoi[vcpu]);
	kvm_ioapic_update_eoi(&env.vcpu[vcpu], vector, trig);
}

static int init(void)
{
	return 0;
}

#define SETUP() fake_env_setup()
#define TEARDOWN_CLEAN() CU_ASSERT_EQUAL(fake_env_teardown(), 0)

/* ---- reset state and the register window ---------------------------------- */

static void test_reset_state(void)
{
	struct kvm_ioapic_state st;
	struct fake_dev *d;
	int pin;

	SETUP();
	d = fake_find_dev(KVM_MMIO_BUS, BASE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(d->addr, 0xfec00000);
	CU_ASSERT_EQUAL(d->len, 0x100);
	for (pin = 0; pin < IOAPIC_NUM_PINS; pin++)
		CU_ASSERT_EQUAL(ioapic_read_entry(pin), ENTRY_MASKED);
	CU_ASSERT_EQUAL(ioapic_read_reg(IOAPIC_REG_VERSION), 0x11 | (23 << 16));
	CU_ASSERT_EQUAL(ioapic_read_reg(IOAPIC_REG_APIC_ID), 0);
	kvm_get_ioapic(env.kvm, &st);
	CU_ASSERT_EQUAL(st.base_address, 0xfec00000);
	CU_ASSERT_EQUAL(st.irr, 0);
	CU_ASSERT_EQUAL(st.redirtbl[0].bits, ENTRY_MASKED);
	TEARDOWN_CLEAN();
}

static void test_ioregsel_and_widths(void)
{
	u64 v;

	SETUP();
	/* IOREGSEL keeps 8 bits */
	CU_ASSERT_EQUAL(fake_mmio_write(BASE, 4, 0x1ff), 0);
	CU_ASSERT_EQUAL(fake_mmio_read(BASE, 4, &v), 0);
	CU_ASSERT_EQUAL(v & 0xffffffff, 0xff);

	/* version register through each read width; 8 zero-extends */
	fake_mmio_write(BASE, 1, IOAPIC_REG_VERSION);
	v = ~0ULL;
	fake_mmio_read(BASE + 0x10, 8, &v);
	CU_ASSERT_EQUAL(v, 0x170011);
	v = 0;
	fake_mmio_read(BASE + 0x10, 2, &v);
	CU_ASSERT_EQUAL(v, 0x0011);
	v = 0;
	fake_mmio_read(BASE + 0x10, 1, &v);
	CU_ASSERT_EQUAL(v, 0x11);

	/* other offsets read 0 and ignore writes */
	v = 123;
	CU_ASSERT_EQUAL(fake_mmio_read(BASE + 0x20, 4, &v), 0);
	CU_ASSERT_EQUAL(v, 0);
	CU_ASSERT_EQUAL(fake_mmio_write(BASE + 0x40, 4, 0x99), 0);

	/* outside [base, base+0x100): not ours */
	{
		struct fake_dev *d = fake_find_dev(KVM_MMIO_BUS, BASE);
		u32 val = 0;

		CU_ASSERT_EQUAL(d->dev->ops->write(&env.vcpu[0], d->dev, BASE + 0x100, 4, &val),
				-EOPNOTSUPP);
		CU_ASSERT_EQUAL(d->dev->ops->read(&env.vcpu[0], d->dev, BASE - 4, 4, &val),
				-EOPNOTSUPP);
	}

	/* an odd width is swallowed: claimed, but changes nothing */
	fake_mmio_write(BASE, 4, 0x10);
	CU_ASSERT_EQUAL(fake_mmio_write(BASE + 0x10, 3, 0x55), 0);
	CU_ASSERT_EQUAL(ioapic_read_entry(0), ENTRY_MASKED);

	/* an 8-byte write uses the low 32 bits; a 1-byte write only the byte */
	fake_mmio_write(BASE, 4, 0x10);
	fake_mmio_write(BASE + 0x10, 8, 0xaaaaaaaa00010031ULL);
	CU_ASSERT_EQUAL(ioapic_read_entry(0), 0x10031);
	fake_mmio_write(BASE + 0x10, 1, 0x1ff42);
	CU_ASSERT_EQUAL(ioapic_read_entry(0), 0x42);	/* unmasked: bit 16 not in the byte */
	TEARDOWN_CLEAN();
}

static void test_id_arb_version_registers(void)
{
	SETUP();
	ioapic_write_reg(IOAPIC_REG_APIC_ID, 0xfa000000);
	CU_ASSERT_EQUAL(ioapic_read_reg(IOAPIC_REG_APIC_ID), 0x0a000000);
	CU_ASSERT_EQUAL(ioapic_read_reg(IOAPIC_REG_ARB_ID), 0x0a000000);
	ioapic_write_reg(IOAPIC_REG_ARB_ID, 0x05000000);
	CU_ASSERT_EQUAL(ioapic_read_reg(IOAPIC_REG_ARB_ID), 0x0a000000);
	ioapic_write_reg(IOAPIC_REG_VERSION, 0);
	CU_ASSERT_EQUAL(ioapic_read_reg(IOAPIC_REG_VERSION), 0x170011);
	TEARDOWN_CLEAN();
}

static void test_index_out_of_range(void)
{
	int pin;

	SETUP();
	/* entries 24.. (0x40+) and the holes 0x03..0x0f read all-ones */
	CU_ASSERT_EQUAL(ioapic_read_reg(0x40), 0xffffffff);
	CU_ASSERT_EQUAL(ioapic_read_reg(0x41), 0xffffffff);
	CU_ASSERT_EQUAL(ioapic_read_reg(0xff), 0xffffffff);
	CU_ASSERT_EQUAL(ioapic_read_reg(0x03), 0xffffffff);
	CU_ASSERT_EQUAL(ioapic_read_reg(0x3f), 0);	/* entry 23 high half */
	ioapic_write_reg(0x40, 0);
	ioapic_write_reg(0x0f, 0);
	for (pin = 0; pin < IOAPIC_NUM_PINS; pin++)
		CU_ASSERT_EQUAL(ioapic_read_entry(pin), ENTRY_MASKED);
	TEARDOWN_CLEAN();
}

static void test_read_only_bits(void)
{
	SETUP();
	/* delivery status and remote IRR cannot be written */
	ioapic_write_entry(3, redir(0x33, 0, true, true) | REMOTE_IRR | DELIV_STATUS);
	CU_ASSERT_EQUAL(ioapic_read_entry(3), redir(0x33, 0, true, true));

	/* level delivery sets remote IRR; a rewrite keeps it; switching to edge clears it */
	ioapic_write_entry(3, redir(0x33, 0, true, false));
	CU_ASSERT_EQUAL(set_irq(3, 0, 1), 1);
	CU_ASSERT_TRUE(ioapic_read_entry(3) & REMOTE_IRR);
	ioapic_write_reg(0x10 + 2 * 3, (u32)redir(0x34, 0, true, false));
	CU_ASSERT_TRUE(ioapic_read_entry(3) & REMOTE_IRR);
	ioapic_write_reg(0x10 + 2 * 3, (u32)redir(0x34, 0, false, false));
	CU_ASSERT_FALSE(ioapic_read_entry(3) & REMOTE_IRR);
	TEARDOWN_CLEAN();
}

/* ---- statuses (kernel-notes 4.3) --------------------------------------------- */

static void test_edge_statuses(void)
{
	struct kvm_ioapic_state st;

	SETUP();
	ioapic_write_entry(4, redir(0x30, 1, false, false));
	CU_ASSERT_EQUAL(set_irq(4, 0, 1), 1);
	CU_ASSERT_EQUAL(env.nr_deliveries, 1);
	CU_ASSERT_EQUAL(env.deliveries[0].irq.vector, 0x30);
	CU_ASSERT_EQUAL(env.deliveries[0].irq.dest_id, 1);
	CU_ASSERT_EQUAL(env.deliveries[0].irq.trig_mode, 0);
	CU_ASSERT_EQUAL(env.deliveries[0].irq.level, 1);
	CU_ASSERT_EQUAL(env.deliveries[0].irq.delivery_mode, APIC_DM_FIXED);
	CU_ASSERT_EQUAL(env.deliveries[0].irq.shorthand, APIC_DEST_NOSHORT);
	CU_ASSERT_FALSE(env.deliveries[0].with_dest_map);

	/* the delivered edge is hidden from GET_IRQCHIP's irr */
	kvm_get_ioapic(env.kvm, &st);
	CU_ASSERT_EQUAL(st.irr, 0);

	CU_ASSERT_EQUAL(set_irq(4, 0, 1), 0);		/* coalesced */
	CU_ASSERT_EQUAL(env.nr_deliveries, 1);
	CU_ASSERT_EQUAL(fake_stat("ioapic.coalesced"), 1);
	CU_ASSERT_EQUAL(set_irq(4, 0, 0), 1);		/* de-assert */
	CU_ASSERT_EQUAL(set_irq(4, 0, 1), 1);
	CU_ASSERT_EQUAL(env.nr_deliveries, 2);
	CU_ASSERT_FALSE(ioapic_read_entry(4) & REMOTE_IRR);
	TEARDOWN_CLEAN();
}

static void test_level_statuses(void)
{
	struct kvm_ioapic_state st;

	SETUP();
	ioapic_write_entry(5, redir(0x35, 0, true, false));
	CU_ASSERT_EQUAL(set_irq(5, 0, 1), 1);
	CU_ASSERT_TRUE(ioapic_read_entry(5) & REMOTE_IRR);
	CU_ASSERT_EQUAL(env.deliveries[0].irq.trig_mode, 1);
	CU_ASSERT_EQUAL(set_irq(5, 0, 1), -1);		/* remote IRR pending */
	CU_ASSERT_EQUAL(set_irq(5, 0, 0), 1);
	CU_ASSERT_EQUAL(set_irq(5, 0, 1), -1);		/* still waiting for the EOI */
	CU_ASSERT_EQUAL(env.nr_deliveries, 1);
	kvm_get_ioapic(env.kvm, &st);
	CU_ASSERT_EQUAL(st.irr, 1u << 5);		/* level IRR is visible */
	TEARDOWN_CLEAN();
}

static void test_level_no_destination_keeps_remote_irr_clear(void)
{
	SETUP();
	/* nobody accepts: result 0 is returned and remote IRR stays clear */
	env.delivery_ret_forced = true;
	env.delivery_ret = 0;
	ioapic_write_entry(5, redir(0x35, 0, true, false));
	CU_ASSERT_EQUAL(set_irq(5, 0, 1), 0);
	CU_ASSERT_FALSE(ioapic_read_entry(5) & REMOTE_IRR);
	TEARDOWN_CLEAN();
}

static void test_masked_pin(void)
{
	SETUP();
	/* edge, masked: -1, then coalesced while the edge stays latched */
	ioapic_write_entry(6, redir(0x36, 0, false, true));
	CU_ASSERT_EQUAL(set_irq(6, 0, 1), -1);
	CU_ASSERT_EQUAL(set_irq(6, 0, 1), 0);
	/* unmasking an edge pin does not replay the latched edge */
	ioapic_write_entry(6, redir(0x36, 0, false, false));
	CU_ASSERT_EQUAL(env.nr_deliveries, 0);

	/* level, masked: -1; unmask services it (no resampler) */
	ioapic_write_entry(7, redir(0x37, 0, true, true));
	CU_ASSERT_EQUAL(set_irq(7, 0, 1), -1);
	CU_ASSERT_EQUAL(env.nr_deliveries, 0);
	ioapic_write_entry(7, redir(0x37, 0, true, false));
	CU_ASSERT_EQUAL(env.nr_deliveries, 1);
	CU_ASSERT_EQUAL(env.deliveries[0].irq.vector, 0x37);
	CU_ASSERT_TRUE(ioapic_read_entry(7) & REMOTE_IRR);
	TEARDOWN_CLEAN();
}

static void test_unmask_resamples_when_resampler_exists(void)
{
	struct kvm_ioapic_state st;

	SETUP();
	__set_bit(9, &env.has_resampler);
	ioapic_write_entry(9, redir(0x39, 0, true, true));
	CU_ASSERT_EQUAL(set_irq(9, KVM_IRQFD_RESAMPLE_IRQ_SOURCE_ID, 1), -1);
	ioapic_write_entry(9, redir(0x39, 0, true, false));
	CU_ASSERT_EQUAL(env.resampler_calls, 1);
	CU_ASSERT_EQUAL(env.nr_deliveries, 0);		/* not injected */
	kvm_get_ioapic(env.kvm, &st);
	CU_ASSERT_EQUAL(st.irr & (1u << 9), 0);		/* IRR cleared for re-assert */
	CU_ASSERT_FALSE(ioapic_read_entry(9) & REMOTE_IRR);
	TEARDOWN_CLEAN();
}

static void test_per_source_line_state(void)
{
	struct kvm_ioapic_state st;

	SETUP();
	ioapic_write_entry(10, redir(0x3a, 0, true, true));
	CU_ASSERT_EQUAL(set_irq(10, KVM_USERSPACE_IRQ_SOURCE_ID, 1), -1);
	CU_ASSERT_EQUAL(set_irq(10, KVM_IRQFD_RESAMPLE_IRQ_SOURCE_ID, 1), -1);
	/* one source drops: the line stays up */
	CU_ASSERT_EQUAL(set_irq(10, KVM_USERSPACE_IRQ_SOURCE_ID, 0), -1);
	kvm_get_ioapic(env.kvm, &st);
	CU_ASSERT_EQUAL(st.irr, 1u << 10);
	/* the last one drops: de-assert, status 1 */
	CU_ASSERT_EQUAL(set_irq(10, KVM_IRQFD_RESAMPLE_IRQ_SOURCE_ID, 0), 1);
	kvm_get_ioapic(env.kvm, &st);
	CU_ASSERT_EQUAL(st.irr, 0);
	TEARDOWN_CLEAN();
}

static void test_bad_pin_warns(void)
{
	SETUP();
	CU_ASSERT_EQUAL(kvm_ioapic_set_irq(ioapic(), 24, 0, 1, false), -1);
	CU_ASSERT_EQUAL(kvm_ioapic_set_irq(ioapic(), -1, 0, 1, false), -1);
	CU_ASSERT_EQUAL(sim_report_count(env.sim, SIM_REPORT_WARN), 1);	/* WARN_ON_ONCE */
	CU_ASSERT_EQUAL(fake_env_teardown(), 1);
}

/* ---- EOI ------------------------------------------------------------------------ */

static void test_eoi_level_line_still_high_redelivers(void)
{
	SETUP();
	ioapic_write_entry(5, redir(0x35, 0, true, false));
	CU_ASSERT_EQUAL(set_irq(5, 0, 1), 1);
	eoi(0, 0x35, IOAPIC_LEVEL_TRIG);
	CU_ASSERT_EQUAL(env.nr_acks, 1);
	CU_ASSERT_EQUAL(env.acks[0].irqchip, KVM_IRQCHIP_IOAPIC);
	CU_ASSERT_EQUAL(env.acks[0].pin, 5);
	CU_ASSERT_FALSE(env.acks[0].ioapic_lock_held);
	CU_ASSERT_EQUAL(env.nr_deliveries, 2);		/* re-serviced at once */
	CU_ASSERT_TRUE(ioapic_read_entry(5) & REMOTE_IRR);
	CU_ASSERT_EQUAL(fake_stat("ioapic.eoi"), 1);
	TEARDOWN_CLEAN();
}

static void test_eoi_level_line_low_clears_remote_irr(void)
{
	SETUP();
	ioapic_write_entry(5, redir(0x35, 0, true, false));
	CU_ASSERT_EQUAL(set_irq(5, 0, 1), 1);
	CU_ASSERT_EQUAL(set_irq(5, 0, 0), 1);
	eoi(0, 0x35, IOAPIC_LEVEL_TRIG);
	CU_ASSERT_FALSE(ioapic_read_entry(5) & REMOTE_IRR);
	CU_ASSERT_EQUAL(env.nr_deliveries, 1);
	CU_ASSERT_EQUAL(set_irq(5, 0, 1), 1);		/* accepted again */
	TEARDOWN_CLEAN();
}

/* An ack notifier that behaves like the irqfd resampler: de-assert its source. */
static void resampler_like_ack(struct fake_env *e, unsigned int irqchip, unsigned int pin)
{
	CU_ASSERT_EQUAL(kvm_ioapic_set_irq(e->kvm->arch.vioapic, pin,
					   KVM_IRQFD_RESAMPLE_IRQ_SOURCE_ID, 0, false), 1);
}

static void test_eoi_ack_notifier_reenters_with_lock_dropped(void)
{
	SETUP();
	env.on_ack = resampler_like_ack;
	ioapic_write_entry(11, redir(0x3b, 0, true, false));
	CU_ASSERT_EQUAL(set_irq(11, KVM_IRQFD_RESAMPLE_IRQ_SOURCE_ID, 1), 1);
	eoi(0, 0x3b, IOAPIC_LEVEL_TRIG);
	CU_ASSERT_EQUAL(env.nr_acks, 1);
	CU_ASSERT_FALSE(env.acks[0].ioapic_lock_held);
	CU_ASSERT_EQUAL(env.nr_deliveries, 1);		/* line went low in the notifier */
	CU_ASSERT_FALSE(ioapic_read_entry(11) & REMOTE_IRR);
	TEARDOWN_CLEAN();
}

/* An ack notifier that re-asserts (a device still pending): delivered after the ack. */
static void reassert_ack(struct fake_env *e, unsigned int irqchip, unsigned int pin)
{
	/* remote IRR is still set while notifiers run: the assert only lands in IRR */
	CU_ASSERT_EQUAL(kvm_ioapic_set_irq(e->kvm->arch.vioapic, pin, 1, 1, false), -1);
}

static void test_eoi_reassert_during_ack_is_delivered_after(void)
{
	SETUP();
	ioapic_write_entry(11, redir(0x3b, 0, true, false));
	CU_ASSERT_EQUAL(set_irq(11, 0, 1), 1);
	CU_ASSERT_EQUAL(set_irq(11, 0, 0), 1);
	env.on_ack = reassert_ack;
	eoi(0, 0x3b, IOAPIC_LEVEL_TRIG);
	CU_ASSERT_EQUAL(env.nr_deliveries, 2);
	CU_ASSERT_TRUE(ioapic_read_entry(11) & REMOTE_IRR);
	TEARDOWN_CLEAN();
}

static void test_eoi_every_pin_with_vector(void)
{
	SETUP();
	ioapic_write_entry(1, redir(0x40, 0, true, false));
	ioapic_write_entry(2, redir(0x40, 0, false, false));
	ioapic_write_entry(3, redir(0x41, 0, true, false));
	set_irq(1, 0, 1);
	eoi(0, 0x40, IOAPIC_LEVEL_TRIG);
	CU_ASSERT_EQUAL(env.nr_acks, 2);
	CU_ASSERT_EQUAL(env.acks[0].pin, 1);
	CU_ASSERT_EQUAL(env.acks[1].pin, 2);
	TEARDOWN_CLEAN();
}

static void test_eoi_edge_trigger_keeps_remote_irr(void)
{
	SETUP();
	ioapic_write_entry(5, redir(0x35, 0, true, false));
	set_irq(5, 0, 1);
	set_irq(5, 0, 0);
	/* the LAPIC's TMR said edge: notifiers run, remote IRR untouched */
	eoi(0, 0x35, IOAPIC_EDGE_TRIG);
	CU_ASSERT_EQUAL(env.nr_acks, 1);
	CU_ASSERT_TRUE(ioapic_read_entry(5) & REMOTE_IRR);
	TEARDOWN_CLEAN();
}

static void test_eoi_directed_eoi_keeps_remote_irr(void)
{
	SETUP();
	kvm_lapic_set_reg(&env.lapic[0], APIC_SPIV, APIC_SPIV_APIC_ENABLED | APIC_SPIV_DIRECTED_EOI);
	ioapic_write_entry(5, redir(0x35, 0, true, false));
	set_irq(5, 0, 1);
	eoi(0, 0x35, IOAPIC_LEVEL_TRIG);
	CU_ASSERT_EQUAL(env.nr_acks, 1);
	CU_ASSERT_TRUE(ioapic_read_entry(5) & REMOTE_IRR);
	CU_ASSERT_EQUAL(env.nr_deliveries, 1);
	TEARDOWN_CLEAN();
}

static void test_eoi_storm_guard(void)
{
	int i, before;

	SETUP();
	ioapic_write_entry(5, redir(0x35, 0, true, false));
	CU_ASSERT_EQUAL(set_irq(5, 0, 1), 1);
	/* a guest that never quiets the device: 9999 EOIs re-deliver at once */
	for (i = 0; i < 9999; i++)
		eoi(0, 0x35, IOAPIC_LEVEL_TRIG);
	CU_ASSERT_EQUAL(env.nr_deliveries, 10000);
	CU_ASSERT_EQUAL(fake_stat("ioapic.eoi.storm"), 0);

	/* the 10000th successive one backs off to the delayed work */
	eoi(0, 0x35, IOAPIC_LEVEL_TRIG);
	CU_ASSERT_EQUAL(env.nr_deliveries, 10000);
	CU_ASSERT_FALSE(ioapic_read_entry(5) & REMOTE_IRR);
	CU_ASSERT_EQUAL(fake_stat("ioapic.eoi.storm"), 1);

	/* HZ/100 = 10 ms of simulated time; sim_settle would jump the clock, so flush instead */
	before = env.nr_deliveries;
	CU_ASSERT_TRUE(delayed_work_pending(&ioapic()->eoi_inject));
	sim_clock_advance(env.sim, 10 * NSEC_PER_MSEC - NSEC_PER_MSEC / 2);
	flush_scheduled_work();
	CU_ASSERT_EQUAL(env.nr_deliveries, before);
	CU_ASSERT_TRUE(delayed_work_pending(&ioapic()->eoi_inject));
	sim_clock_advance(env.sim, NSEC_PER_MSEC);
	flush_scheduled_work();
	CU_ASSERT_EQUAL(env.nr_deliveries, before + 1);
	CU_ASSERT_FALSE(delayed_work_pending(&ioapic()->eoi_inject));
	CU_ASSERT_TRUE(ioapic_read_entry(5) & REMOTE_IRR);

	/* the counter restarted: the next EOI re-delivers at once again */
	eoi(0, 0x35, IOAPIC_LEVEL_TRIG);
	CU_ASSERT_EQUAL(env.nr_deliveries, before + 2);
	TEARDOWN_CLEAN();
}

static void test_eoi_storm_counter_resets_when_line_drops(void)
{
	int i;

	SETUP();
	ioapic_write_entry(5, redir(0x35, 0, true, false));
	set_irq(5, 0, 1);
	for (i = 0; i < 9000; i++)
		eoi(0, 0x35, IOAPIC_LEVEL_TRIG);
	/* one quiet EOI resets the successive count */
	set_irq(5, 0, 0);
	eoi(0, 0x35, IOAPIC_LEVEL_TRIG);
	set_irq(5, 0, 1);
	for (i = 0; i < 9000; i++)
		eoi(0, 0x35, IOAPIC_LEVEL_TRIG);
	CU_ASSERT_EQUAL(fake_stat("ioapic.eoi.storm"), 0);
	CU_ASSERT_TRUE(ioapic_read_entry(5) & REMOTE_IRR);
	TEARDOWN_CLEAN();
}

static void test_destroy_cancels_eoi_inject(void)
{
	int i;

	SETUP();
	ioapic_write_entry(5, redir(0x35, 0, true, false));
	set_irq(5, 0, 1);
	for (i = 0; i < 10000; i++)
		eoi(0, 0x35, IOAPIC_LEVEL_TRIG);
	CU_ASSERT_EQUAL(fake_stat("ioapic.eoi.storm"), 1);
	kvm_ioapic_destroy(env.kvm);
	CU_ASSERT_PTR_NULL(env.kvm->arch.vioapic);
	CU_ASSERT_PTR_NULL(fake_find_dev(KVM_MMIO_BUS, BASE));
	i = env.nr_deliveries;
	sim_clock_advance(env.sim, 100 * NSEC_PER_MSEC);
	sim_settle(env.sim);
	CU_ASSERT_EQUAL(env.nr_deliveries, i);
	TEARDOWN_CLEAN();
}

/* ---- RTC ------------------------------------------------------------------------- */

static void test_rtc_coalescing(void)
{
	SETUP();
	ioapic_write_entry(RTC_GSI, redir(0x28, 0, false, false));
	CU_ASSERT_EQUAL(kvm_ioapic_set_irq(ioapic(), RTC_GSI, 0, 1, true), 1);
	CU_ASSERT_TRUE(env.deliveries[0].with_dest_map);
	CU_ASSERT_EQUAL(ioapic()->rtc_status.pending_eoi, 1);
	CU_ASSERT_EQUAL(kvm_ioapic_set_irq(ioapic(), RTC_GSI, 0, 0, true), 1);
	/* not EOI'd yet: coalesced, nothing delivered */
	CU_ASSERT_EQUAL(kvm_ioapic_set_irq(ioapic(), RTC_GSI, 0, 1, true), 0);
	CU_ASSERT_EQUAL(env.nr_deliveries, 1);
	kvm_ioapic_set_irq(ioapic(), RTC_GSI, 0, 0, true);

	/* an EOI of another vector, or from another vCPU, does not count */
	eoi(0, 0x29, IOAPIC_EDGE_TRIG);
	eoi(1, 0x28, IOAPIC_EDGE_TRIG);
	CU_ASSERT_EQUAL(ioapic()->rtc_status.pending_eoi, 1);
	eoi(0, 0x28, IOAPIC_EDGE_TRIG);
	CU_ASSERT_EQUAL(ioapic()->rtc_status.pending_eoi, 0);
	CU_ASSERT_EQUAL(kvm_ioapic_set_irq(ioapic(), RTC_GSI, 0, 1, true), 1);
	CU_ASSERT_EQUAL(env.nr_deliveries, 2);
	TEARDOWN_CLEAN();
}

static void test_rtc_without_line_status_not_tracked(void)
{
	SETUP();
	ioapic_write_entry(RTC_GSI, redir(0x28, 0, false, false));
	CU_ASSERT_EQUAL(kvm_ioapic_set_irq(ioapic(), RTC_GSI, 0, 1, false), 1);
	CU_ASSERT_FALSE(env.deliveries[0].with_dest_map);
	CU_ASSERT_EQUAL(ioapic()->rtc_status.pending_eoi, 0);
	kvm_ioapic_set_irq(ioapic(), RTC_GSI, 0, 0, false);
	CU_ASSERT_EQUAL(kvm_ioapic_set_irq(ioapic(), RTC_GSI, 0, 1, false), 1);
	TEARDOWN_CLEAN();
}

static void test_rtc_broadcast_counts_every_vcpu(void)
{
	int i;

	SETUP();
	ioapic_write_entry(RTC_GSI, redir(0x28, 0xff, false, false));
	CU_ASSERT_EQUAL(kvm_ioapic_set_irq(ioapic(), RTC_GSI, 0, 1, true), FAKE_NR_VCPUS);
	CU_ASSERT_EQUAL(ioapic()->rtc_status.pending_eoi, FAKE_NR_VCPUS);
	for (i = 0; i < FAKE_NR_VCPUS - 1; i++)
		eoi(i, 0x28, IOAPIC_EDGE_TRIG);
	kvm_ioapic_set_irq(ioapic(), RTC_GSI, 0, 0, true);
	CU_ASSERT_EQUAL(kvm_ioapic_set_irq(ioapic(), RTC_GSI, 0, 1, true), 0);
	eoi(FAKE_NR_VCPUS - 1, 0x28, IOAPIC_EDGE_TRIG);
	kvm_ioapic_set_irq(ioapic(), RTC_GSI, 0, 0, true);
	CU_ASSERT_EQUAL(kvm_ioapic_set_irq(ioapic(), RTC_GSI, 0, 1, true), FAKE_NR_VCPUS);
	TEARDOWN_CLEAN();
}

static void test_rtc_restore_one(void)
{
	SETUP();
	ioapic_write_entry(RTC_GSI, redir(0x28, 2, false, false));
	/* KVM_SET_LAPIC gave vCPU 2 the RTC vector in ISR: it now owes an EOI */
	__set_bit(0x28, env.pending_eoi[2]);
	kvm_rtc_eoi_tracking_restore_one(&env.vcpu[2]);
	CU_ASSERT_EQUAL(ioapic()->rtc_status.pending_eoi, 1);
	CU_ASSERT_EQUAL(kvm_ioapic_set_irq(ioapic(), RTC_GSI, 0, 1, true), 0);
	/* a vCPU outside the destination is ignored */
	__set_bit(0x28, env.pending_eoi[1]);
	kvm_rtc_eoi_tracking_restore_one(&env.vcpu[1]);
	CU_ASSERT_EQUAL(ioapic()->rtc_status.pending_eoi, 1);
	/* restored without the vector: the debt is dropped */
	__clear_bit(0x28, env.pending_eoi[2]);
	kvm_rtc_eoi_tracking_restore_one(&env.vcpu[2]);
	CU_ASSERT_EQUAL(ioapic()->rtc_status.pending_eoi, 0);
	TEARDOWN_CLEAN();
}

/* ---- GET / SET ------------------------------------------------------------------- */

static void test_set_ioapic(void)
{
	struct kvm_ioapic_state st, out;
	int scans;

	SETUP();
	memset(&st, 0, sizeof(st));
	st.base_address = 0xfed00000;		/* taken verbatim */
	st.id = 3;
	st.ioregsel = 0x12;
	st.redirtbl[2].bits = redir(0x22, 0, true, false) | REMOTE_IRR;
	st.redirtbl[3].bits = redir(0x23, 0, false, false);
	st.redirtbl[4].bits = redir(0x24, 0, true, true);
	st.irr = (1u << 2) | (1u << 3) | (1u << 4);
	scans = env.scan_all;
	kvm_set_ioapic(env.kvm, &st);
	CU_ASSERT_EQUAL(env.scan_all, scans + 1);
	/* pin 2 blocked by the supplied remote IRR, pin 3 delivered, pin 4 masked */
	CU_ASSERT_EQUAL(env.nr_deliveries, 1);
	CU_ASSERT_EQUAL(env.deliveries[0].irq.vector, 0x23);

	kvm_get_ioapic(env.kvm, &out);
	CU_ASSERT_EQUAL(out.base_address, 0xfed00000);
	CU_ASSERT_EQUAL(out.id, 3);
	CU_ASSERT_EQUAL(out.ioregsel, 0x12);
	CU_ASSERT_EQUAL(out.irr, (1u << 2) | (1u << 4));	/* edge pin 3 delivered: hidden */
	CU_ASSERT_EQUAL(out.redirtbl[2].bits, st.redirtbl[2].bits);
	/* the MMIO device stayed at the old base, which no longer answers */
	CU_ASSERT_PTR_NOT_NULL(fake_find_dev(KVM_MMIO_BUS, BASE));
	{
		u64 v = 0;

		CU_ASSERT_EQUAL(fake_mmio_read(BASE, 4, &v), -EOPNOTSUPP);
	}
	TEARDOWN_CLEAN();
}

static void test_set_ioapic_clears_irr_delivered(void)
{
	struct kvm_ioapic_state st;

	SETUP();
	ioapic_write_entry(3, redir(0x23, 0, false, true));
	set_irq(3, 0, 1);				/* latched, masked: not delivered */
	kvm_get_ioapic(env.kvm, &st);
	CU_ASSERT_EQUAL(st.irr, 1u << 3);
	st.irr = 0;
	kvm_set_ioapic(env.kvm, &st);
	kvm_get_ioapic(env.kvm, &st);
	CU_ASSERT_EQUAL(st.irr, 0);
	TEARDOWN_CLEAN();
}

static void test_set_ioapic_rtc_tracking_rebuilt(void)
{
	struct kvm_ioapic_state st;

	SETUP();
	kvm_get_ioapic(env.kvm, &st);
	st.redirtbl[RTC_GSI].bits = redir(0x28, 1, false, false);
	st.irr = 1u << RTC_GSI;
	kvm_set_ioapic(env.kvm, &st);
	CU_ASSERT_EQUAL(env.nr_deliveries, 1);
	/* rebuilt from the LAPICs: vCPU 1 holds the vector (the fake set it on delivery) */
	CU_ASSERT_EQUAL(ioapic()->rtc_status.pending_eoi, 1);
	CU_ASSERT_TRUE(test_bit(1, ioapic()->rtc_status.dest_map.map));
	TEARDOWN_CLEAN();
}

/* ---- scan, rescan requests, mask notifiers ---------------------------------------- */

static void test_scan_entry(void)
{
	DECLARE_BITMAP(v, 256);

	SETUP();
	ioapic_write_entry(1, redir(0x41, 0, true, false));	/* level, vCPU 0 */
	ioapic_write_entry(2, redir(0x42, 0, false, false));	/* edge, no notifier */
	ioapic_write_entry(3, redir(0x43, 0, false, false));	/* edge with ack notifier */
	ioapic_write_entry(4, redir(0x44, 1, true, false));	/* level, vCPU 1 */
	ioapic_write_entry(RTC_GSI, redir(0x48, 0, false, false));
	__set_bit(3, &env.has_notifier[KVM_IRQCHIP_IOAPIC]);
	bitmap_zero(v, 256);
	kvm_ioapic_scan_entry(&env.vcpu[0], v);
	CU_ASSERT_TRUE(test_bit(0x41, v));
	CU_ASSERT_FALSE(test_bit(0x42, v));
	CU_ASSERT_TRUE(test_bit(0x43, v));
	CU_ASSERT_FALSE(test_bit(0x44, v));
	CU_ASSERT_TRUE(test_bit(0x48, v));

	/* vCPU 1 still owes the EOI of a vector from an old RTC routing */
	ioapic()->rtc_status.dest_map.vectors[1] = 0x77;
	__set_bit(1, ioapic()->rtc_status.dest_map.map);
	bitmap_zero(v, 256);
	kvm_ioapic_scan_entry(&env.vcpu[1], v);
	CU_ASSERT_TRUE(test_bit(0x77, v));
	CU_ASSERT_TRUE(test_bit(0x44, v));
	CU_ASSERT_FALSE(test_bit(0x41, v));
	__clear_bit(1, ioapic()->rtc_status.dest_map.map);
	TEARDOWN_CLEAN();
}

static void test_write_requests_rescan(void)
{
	SETUP();
	/* fixed delivery: only the old and new destinations rescan */
	ioapic_write_entry(1, redir(0x41, 2, true, false));
	CU_ASSERT_EQUAL(env.last_scan_mask, 1ul << 2);
	ioapic_write_reg(0x10 + 2 + 1, 3u << 24);		/* dest 2 -> 3 */
	CU_ASSERT_EQUAL(env.last_scan_mask, (1ul << 2) | (1ul << 3));
	CU_ASSERT_EQUAL(env.scan_all, 0);
	/* any other delivery mode: every vCPU */
	ioapic_write_reg(0x10 + 2, 0x41 | (IOAPIC_NMI << 8));
	CU_ASSERT_EQUAL(env.scan_all, 1);
	/* ID register writes do not rescan */
	ioapic_write_reg(IOAPIC_REG_APIC_ID, 0);
	CU_ASSERT_EQUAL(env.scan_all, 1);
	TEARDOWN_CLEAN();
}

static int mask_calls;
static bool last_masked;

static void mask_func(struct kvm_irq_mask_notifier *kimn, bool masked)
{
	mask_calls++;
	last_masked = masked;
}

static void test_mask_notifiers(void)
{
	struct kvm_irq_mask_notifier kimn = { .func = mask_func };

	SETUP();
	mask_calls = 0;
	kvm_register_irq_mask_notifier(env.kvm, 3, &kimn);
	ioapic_write_entry(3, redir(0x43, 0, false, false));	/* unmask */
	CU_ASSERT_EQUAL(mask_calls, 1);
	CU_ASSERT_FALSE(last_masked);
	ioapic_write_entry(3, redir(0x44, 0, false, false));	/* mask unchanged */
	CU_ASSERT_EQUAL(mask_calls, 1);
	ioapic_write_entry(4, redir(0x44, 0, false, false));	/* another GSI */
	CU_ASSERT_EQUAL(mask_calls, 1);
	ioapic_write_entry(3, redir(0x43, 0, false, true));
	CU_ASSERT_EQUAL(mask_calls, 2);
	CU_ASSERT_TRUE(last_masked);
	/* the PIC reports its IMR changes through the same list */
	fake_pio_write(0x21, 1u << 3);
	CU_ASSERT_EQUAL(mask_calls, 3);
	CU_ASSERT_TRUE(last_masked);
	kvm_unregister_irq_mask_notifier(env.kvm, 3, &kimn);
	ioapic_write_entry(3, redir(0x43, 0, false, false));
	CU_ASSERT_EQUAL(mask_calls, 3);
	TEARDOWN_CLEAN();
}

/* ---- init failure ------------------------------------------------------------------ */

static void test_init_failure(void)
{
	SETUP();
	kvm_ioapic_destroy(env.kvm);
	env.register_fail_at = env.register_calls + 1;
	env.register_err = -ENOSPC;
	CU_ASSERT_EQUAL(kvm_ioapic_init(env.kvm), -ENOSPC);
	CU_ASSERT_PTR_NULL(env.kvm->arch.vioapic);
	env.register_fail_at = 0;
	TEARDOWN_CLEAN();	/* the leak checker would report the IOAPIC */
}

static const struct cunit_test ioapic_tests[] = {
	{ "reset_state", test_reset_state },
	{ "ioregsel_and_widths", test_ioregsel_and_widths },
	{ "id_arb_version_registers", test_id_arb_version_registers },
	{ "index_out_of_range", test_index_out_of_range },
	{ "read_only_bits", test_read_only_bits },
	{ "edge_statuses", test_edge_statuses },
	{ "level_statuses", test_level_statuses },
	{ "level_no_destination", test_level_no_destination_keeps_remote_irr_clear },
	{ "masked_pin", test_masked_pin },
	{ "unmask_resamples", test_unmask_resamples_when_resampler_exists },
	{ "per_source_line_state", test_per_source_line_state },
	{ "bad_pin_warns", test_bad_pin_warns },
	{ "eoi_line_high_redelivers", test_eoi_level_line_still_high_redelivers },
	{ "eoi_line_low", test_eoi_level_line_low_clears_remote_irr },
	{ "eoi_ack_notifier_reenters", test_eoi_ack_notifier_reenters_with_lock_dropped },
	{ "eoi_reassert_during_ack", test_eoi_reassert_during_ack_is_delivered_after },
	{ "eoi_every_pin_with_vector", test_eoi_every_pin_with_vector },
	{ "eoi_edge_trigger", test_eoi_edge_trigger_keeps_remote_irr },
	{ "eoi_directed_eoi", test_eoi_directed_eoi_keeps_remote_irr },
	{ "eoi_storm_guard", test_eoi_storm_guard },
	{ "eoi_storm_counter_resets", test_eoi_storm_counter_resets_when_line_drops },
	{ "destroy_cancels_eoi_inject", test_destroy_cancels_eoi_inject },
	{ "rtc_coalescing", test_rtc_coalescing },
	{ "rtc_without_line_status", test_rtc_without_line_status_not_tracked },
	{ "rtc_broadcast", test_rtc_broadcast_counts_every_vcpu },
	{ "rtc_restore_one", test_rtc_restore_one },
	{ "set_ioapic", test_set_ioapic },
	{ "set_ioapic_clears_irr_delivered", test_set_ioapic_clears_irr_delivered },
	{ "set_ioapic_rtc_tracking", test_set_ioapic_rtc_tracking_rebuilt },
	{ "scan_entry", test_scan_entry },
	{ "write_requests_rescan", test_write_requests_rescan },
	{ "mask_notifiers", test_mask_notifiers },
	{ "init_failure", test_init_failure },
	{ NULL, NULL },
};

extern const struct cunit_test pic_tests[];

static const struct cunit_suite suites[] = {
	{ "ioapic", ioapic_tests, init, NULL },
	{ "pic", pic_tests, init, NULL },
};

CUNIT_MAIN(suites)
