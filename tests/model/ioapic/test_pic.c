/*
 * Unit tests of the in-kernel dual 8259 (model/i8259.c) against the fakes
 * of fake_env.c: ICW/OCW programming, line statuses (edge quirk, level,
 * masked), INTA priority and rotation, EOI commands and ack notifiers,
 * auto-EOI, poll, spurious IRQs, the cascade, the kick, GET/SET state.
 */
#include <kshim/sim.h>
#include "tests/cunit_main.h"
#include "fake_env.h"

#define MBASE	0x08
#define SBASE	0x70

static struct kvm_pic *pic(void)
{
	return env.kvm->arch.vpic;
}

static int set_irq(int irq, int level)
{
	return kvm_pic_set_irq(pic(), irq, KVM_USERSPACE_IRQ_SOURCE_ID, level);
}

/* ICW1 (ICW4 needed), ICW2 base, ICW3 cascade, ICW4. */
static void program(u16 port, u8 base, u8 icw3, u8 icw4)
{
	fake_pio_write(port, 0x11);
	fake_pio_write(port + 1, base);
	fake_pio_write(port + 1, icw3);
	fake_pio_write(port + 1, icw4);
}

static void setup_programmed(u8 master_icw4)
{
	fake_env_setup();
	program(0x20, MBASE, 0x04, master_icw4);
	program(0xa0, SBASE, 0x02, 0x01);
}

static u8 read_irr(u16 port)
{
	fake_pio_write(port, 0x0a);		/* OCW3: read IRR */
	return fake_pio_read(port);
}

static u8 read_isr(u16 port)
{
	fake_pio_write(port, 0x0b);		/* OCW3: read ISR */
	return fake_pio_read(port);
}

#define TEARDOWN_CLEAN() CU_ASSERT_EQUAL(fake_env_teardown(), 0)

static void test_devices_and_reset_state(void)
{
	struct fake_dev *d;
	struct kvm_pic_state st;

	fake_env_setup();
	d = fake_find_dev(KVM_PIO_BUS, 0x20);
	CU_ASSERT_TRUE(d && d->addr == 0x20 && d->len == 2);
	d = fake_find_dev(KVM_PIO_BUS, 0xa1);
	CU_ASSERT_TRUE(d && d->addr == 0xa0 && d->len == 2);
	d = fake_find_dev(KVM_PIO_BUS, 0x4d1);
	CU_ASSERT_TRUE(d && d->addr == 0x4d0 && d->len == 2);
	CU_ASSERT_EQUAL(fake_pio_read(0x21), 0);	/* all unmasked */
	CU_ASSERT_EQUAL(fake_pio_read(0x4d0), 0);	/* all edge */
	CU_ASSERT_EQUAL(kvm_pic_get_state(pic(), KVM_IRQCHIP_PIC_SLAVE, &st), 0);
	CU_ASSERT_EQUAL(st.elcr_mask, 0xde);
	CU_ASSERT_EQUAL(st.init_state, 0);
	/* a port the device does not own */
	{
		u8 v = 0;

		d = fake_find_dev(KVM_PIO_BUS, 0x20);
		CU_ASSERT_EQUAL(d->dev->ops->write(&env.vcpu[0], d->dev, 0x22, 1, &v), -EOPNOTSUPP);
	}
	TEARDOWN_CLEAN();
}

static void test_icw_ocw1_programming(void)
{
	struct kvm_pic_state st;

	fake_env_setup();
	fake_pio_write(0x21, 0x55);
	program(0x20, 0x0f, 0x04, 0x01);		/* ICW2 keeps bits 7:3 */
	kvm_pic_get_state(pic(), KVM_IRQCHIP_PIC_MASTER, &st);
	CU_ASSERT_EQUAL(st.irq_base, 0x08);
	CU_ASSERT_EQUAL(st.init_state, 0);
	CU_ASSERT_EQUAL(st.init4, 1);
	CU_ASSERT_EQUAL(st.imr, 0);			/* ICW1 cleared the mask */

	/* without ICW4 the sequence ends after ICW3 */
	fake_pio_write(0xa0, 0x10);
	fake_pio_write(0xa1, 0x70);
	kvm_pic_get_state(pic(), KVM_IRQCHIP_PIC_SLAVE, &st);
	CU_ASSERT_EQUAL(st.init_state, 2);
	fake_pio_write(0xa1, 0x02);
	kvm_pic_get_state(pic(), KVM_IRQCHIP_PIC_SLAVE, &st);
	CU_ASSERT_EQUAL(st.init_state, 0);
	CU_ASSERT_EQUAL(st.irq_base, 0x70);

	fake_pio_write(0x21, 0xfb);			/* OCW1 */
	CU_ASSERT_EQUAL(fake_pio_read(0x21), 0xfb);
	TEARDOWN_CLEAN();
}

static void test_edge_quirk_statuses(void)
{
	setup_programmed(0x01);
	CU_ASSERT_EQUAL(set_irq(0, 1), 1);
	CU_ASSERT_EQUAL(set_irq(0, 1), 1);		/* line already high: quirk, not 0 */
	CU_ASSERT_EQUAL(read_irr(0x20), 0x01);
	CU_ASSERT_EQUAL(set_irq(0, 0), 1);
	CU_ASSERT_EQUAL(set_irq(0, 1), 0);		/* new edge, IRR still pending */
	CU_ASSERT_EQUAL(fake_stat("pic.coalesced"), 1);
	CU_ASSERT_EQUAL(kvm_pic_read_irq(env.kvm), MBASE + 0);
	CU_ASSERT_EQUAL(read_irr(0x20), 0);		/* edge IRR consumed by INTA */
	CU_ASSERT_EQUAL(set_irq(0, 0), 1);
	CU_ASSERT_EQUAL(set_irq(0, 1), 1);
	TEARDOWN_CLEAN();
}

static void test_level_mode(void)
{
	setup_programmed(0x01);
	fake_pio_write(0x4d0, 0x08);			/* pin 3 level */
	CU_ASSERT_EQUAL(set_irq(3, 1), 1);
	CU_ASSERT_EQUAL(set_irq(3, 1), 0);		/* already requested */
	CU_ASSERT_EQUAL(kvm_pic_read_irq(env.kvm), MBASE + 3);
	CU_ASSERT_EQUAL(read_irr(0x20), 0x08);		/* level IRR survives INTA */
	CU_ASSERT_EQUAL(read_isr(0x20), 0x08);
	CU_ASSERT_EQUAL(set_irq(3, 0), 1);
	CU_ASSERT_EQUAL(read_irr(0x20), 0);
	TEARDOWN_CLEAN();
}

static void test_masked_pin(void)
{
	setup_programmed(0x01);
	fake_pio_write(0x21, 0x10);
	CU_ASSERT_EQUAL(set_irq(4, 1), -1);
	CU_ASSERT_EQUAL(read_irr(0x20), 0x10);		/* latched anyway */
	CU_ASSERT_EQUAL(pic()->output, 0);
	fake_pio_write(0x21, 0x00);
	CU_ASSERT_EQUAL(pic()->output, 1);
	CU_ASSERT_EQUAL(kvm_pic_read_irq(env.kvm), MBASE + 4);
	TEARDOWN_CLEAN();
}

static void test_elcr_mask(void)
{
	fake_env_setup();
	fake_pio_write(0x4d0, 0xff);
	fake_pio_write(0x4d1, 0xff);
	CU_ASSERT_EQUAL(fake_pio_read(0x4d0), 0xf8);
	CU_ASSERT_EQUAL(fake_pio_read(0x4d1), 0xde);
	TEARDOWN_CLEAN();
}

static void test_inta_priority_and_eoi(void)
{
	setup_programmed(0x01);
	set_irq(5, 1);
	set_irq(3, 1);
	CU_ASSERT_EQUAL(kvm_pic_read_irq(env.kvm), MBASE + 3);
	CU_ASSERT_EQUAL(pic()->output, 0);		/* 5 is below the in-service 3 */
	CU_ASSERT_EQUAL(kvm_pic_read_irq(env.kvm), MBASE + 7);	/* spurious */
	CU_ASSERT_EQUAL(read_isr(0x20), 0x08);
	fake_pio_write(0x20, 0x20);			/* non-specific EOI */
	CU_ASSERT_EQUAL(env.nr_acks, 1);
	CU_ASSERT_EQUAL(env.acks[0].irqchip, KVM_IRQCHIP_PIC_MASTER);
	CU_ASSERT_EQUAL(env.acks[0].pin, 3);
	CU_ASSERT_FALSE(env.acks[0].pic_lock_held);
	CU_ASSERT_EQUAL(pic()->output, 1);
	CU_ASSERT_EQUAL(kvm_pic_read_irq(env.kvm), MBASE + 5);
	/* a higher-priority pin nests above the in-service 5 */
	set_irq(1, 1);
	CU_ASSERT_EQUAL(kvm_pic_read_irq(env.kvm), MBASE + 1);
	CU_ASSERT_EQUAL(read_isr(0x20), 0x22);
	fake_pio_write(0x20, 0x20);			/* retires the highest: 1 */
	CU_ASSERT_EQUAL(read_isr(0x20), 0x20);
	TEARDOWN_CLEAN();
}

static void test_rotation_commands(void)
{
	struct kvm_pic_state st;

	setup_programmed(0x01);
	set_irq(3, 1);
	CU_ASSERT_EQUAL(kvm_pic_read_irq(env.kvm), MBASE + 3);
	fake_pio_write(0x20, 0xa0);			/* rotate on non-specific EOI */
	kvm_pic_get_state(pic(), KVM_IRQCHIP_PIC_MASTER, &st);
	CU_ASSERT_EQUAL(st.priority_add, 4);		/* 3 is now the lowest */
	set_irq(1, 1);
	set_irq(6, 1);
	CU_ASSERT_EQUAL(kvm_pic_read_irq(env.kvm), MBASE + 6);
	fake_pio_write(0x20, 0x66);			/* specific EOI of 6 */
	CU_ASSERT_EQUAL(read_isr(0x20), 0);
	fake_pio_write(0x20, 0xc0 | 0);			/* set priority: 0 lowest, 1 highest */
	kvm_pic_get_state(pic(), KVM_IRQCHIP_PIC_MASTER, &st);
	CU_ASSERT_EQUAL(st.priority_add, 1);
	CU_ASSERT_EQUAL(kvm_pic_read_irq(env.kvm), MBASE + 1);
	fake_pio_write(0x20, 0xe0 | 1);			/* specific EOI and rotate */
	kvm_pic_get_state(pic(), KVM_IRQCHIP_PIC_MASTER, &st);
	CU_ASSERT_EQUAL(st.priority_add, 2);
	CU_ASSERT_EQUAL(read_isr(0x20), 0);
	TEARDOWN_CLEAN();
}

static void test_auto_eoi(void)
{
	struct kvm_pic_state st;

	setup_programmed(0x03);				/* ICW4: AEOI */
	set_irq(4, 1);
	CU_ASSERT_EQUAL(kvm_pic_read_irq(env.kvm), MBASE + 4);
	CU_ASSERT_EQUAL(read_isr(0x20), 0);		/* retired at INTA */
	CU_ASSERT_EQUAL(env.nr_acks, 1);
	CU_ASSERT_EQUAL(env.acks[0].pin, 4);
	CU_ASSERT_FALSE(env.acks[0].pic_lock_held);

	fake_pio_write(0x20, 0x80);			/* rotate in AEOI mode */
	set_irq(6, 1);
	CU_ASSERT_EQUAL(kvm_pic_read_irq(env.kvm), MBASE + 6);
	kvm_pic_get_state(pic(), KVM_IRQCHIP_PIC_MASTER, &st);
	CU_ASSERT_EQUAL(st.priority_add, 7);
	fake_pio_write(0x20, 0x00);			/* clear rotate in AEOI mode */
	kvm_pic_get_state(pic(), KVM_IRQCHIP_PIC_MASTER, &st);
	CU_ASSERT_EQUAL(st.rotate_on_auto_eoi, 0);
	TEARDOWN_CLEAN();
}

static void test_cascade_and_slave_eoi(void)
{
	setup_programmed(0x01);
	CU_ASSERT_EQUAL(set_irq(10, 1), 1);
	CU_ASSERT_EQUAL(pic()->output, 1);
	CU_ASSERT_EQUAL(kvm_pic_read_irq(env.kvm), SBASE + 2);
	CU_ASSERT_EQUAL(read_isr(0x20), 0x04);
	CU_ASSERT_EQUAL(read_isr(0xa0), 0x04);
	fake_pio_write(0xa0, 0x20);
	fake_pio_write(0x20, 0x20);
	CU_ASSERT_EQUAL(env.nr_acks, 2);
	CU_ASSERT_EQUAL(env.acks[0].irqchip, KVM_IRQCHIP_PIC_SLAVE);
	CU_ASSERT_EQUAL(env.acks[0].pin, 10);		/* slave pins are 8..15 */
	CU_ASSERT_EQUAL(env.acks[1].irqchip, KVM_IRQCHIP_PIC_MASTER);
	CU_ASSERT_EQUAL(env.acks[1].pin, 2);
	TEARDOWN_CLEAN();
}

static void test_spurious(void)
{
	struct kvm_pic_state st;

	setup_programmed(0x01);
	CU_ASSERT_EQUAL(kvm_pic_read_irq(env.kvm), MBASE + 7);
	CU_ASSERT_EQUAL(read_isr(0x20), 0);
	/* master pin 2 requested but nothing on the slave: spurious 15 */
	kvm_pic_get_state(pic(), KVM_IRQCHIP_PIC_MASTER, &st);
	st.irr = 0x04;
	kvm_pic_set_state(pic(), KVM_IRQCHIP_PIC_MASTER, &st);
	CU_ASSERT_EQUAL(kvm_pic_read_irq(env.kvm), SBASE + 7);
	CU_ASSERT_EQUAL(read_isr(0xa0), 0);
	TEARDOWN_CLEAN();
}

static void test_special_fully_nested(void)
{
	/* without SFNM a slave pin cannot nest above an in-service slave pin */
	setup_programmed(0x01);
	set_irq(9, 1);
	CU_ASSERT_EQUAL(kvm_pic_read_irq(env.kvm), SBASE + 1);
	set_irq(8, 1);
	CU_ASSERT_EQUAL(pic()->output, 0);
	fake_env_teardown();

	setup_programmed(0x11);				/* ICW4: SFNM */
	set_irq(9, 1);
	CU_ASSERT_EQUAL(kvm_pic_read_irq(env.kvm), SBASE + 1);
	set_irq(8, 1);
	CU_ASSERT_EQUAL(pic()->output, 1);
	CU_ASSERT_EQUAL(kvm_pic_read_irq(env.kvm), SBASE + 0);
	TEARDOWN_CLEAN();
}

static void test_poll_mode(void)
{
	setup_programmed(0x01);
	set_irq(4, 1);
	fake_pio_write(0x20, 0x0c);			/* OCW3: poll */
	CU_ASSERT_EQUAL(fake_pio_read(0x20), 0x84);
	CU_ASSERT_EQUAL(read_irr(0x20), 0);
	CU_ASSERT_EQUAL(read_isr(0x20), 0);
	CU_ASSERT_EQUAL(env.nr_acks, 1);
	CU_ASSERT_EQUAL(env.acks[0].pin, 4);
	fake_pio_write(0x20, 0x0c);
	CU_ASSERT_EQUAL(fake_pio_read(0x20), 0x07);	/* nothing pending */
	/* poll is one-shot: the next read is a register read again */
	fake_pio_write(0x21, 0x42);
	CU_ASSERT_EQUAL(fake_pio_read(0x21), 0x42);
	TEARDOWN_CLEAN();
}

static void test_non_byte_access(void)
{
	struct fake_dev *d;
	u32 v = 0xffffffff;

	fake_env_setup();
	d = fake_find_dev(KVM_PIO_BUS, 0x21);
	CU_ASSERT_EQUAL(d->dev->ops->read(&env.vcpu[0], d->dev, 0x21, 2, &v), 0);
	CU_ASSERT_EQUAL(v, 0xffff0000);			/* two zero bytes */
	v = 0xff;
	CU_ASSERT_EQUAL(d->dev->ops->write(&env.vcpu[0], d->dev, 0x21, 2, &v), 0);
	CU_ASSERT_EQUAL(fake_pio_read(0x21), 0);	/* ignored */
	TEARDOWN_CLEAN();
}

static void test_kick_on_rising_output(void)
{
	setup_programmed(0x01);
	env.accept_pic[1] = true;
	env.accept_pic[2] = true;
	set_irq(0, 1);
	CU_ASSERT_EQUAL(env.kicks[0], 0);
	CU_ASSERT_EQUAL(env.kicks[1], 1);		/* the first that accepts */
	CU_ASSERT_EQUAL(env.kicks[2], 0);
	CU_ASSERT_TRUE(test_bit(KVM_REQ_EVENT, &env.vcpu[1].requests));
	CU_ASSERT_EQUAL(fake_stat("pic.kick"), 1);
	set_irq(1, 1);					/* output already high */
	CU_ASSERT_EQUAL(env.kicks[1], 1);
	CU_ASSERT_EQUAL(kvm_pic_read_irq(env.kvm), MBASE + 0);
	fake_pio_write(0x20, 0x20);			/* EOI: pin 1 raises the output again */
	CU_ASSERT_EQUAL(env.kicks[1], 2);
	CU_ASSERT_EQUAL(fake_stat("pic.kick"), 2);
	TEARDOWN_CLEAN();
}

static void test_no_kick_without_acceptor(void)
{
	setup_programmed(0x01);
	set_irq(0, 1);
	CU_ASSERT_EQUAL(pic()->output, 1);
	CU_ASSERT_EQUAL(fake_stat("pic.kick"), 0);
	TEARDOWN_CLEAN();
}

static void test_icw1_reset_retires_edge_requests(void)
{
	setup_programmed(0x01);
	set_irq(4, 1);
	fake_pio_write(0x20, 0x11);			/* no vCPU takes PIC interrupts */
	CU_ASSERT_EQUAL(env.nr_acks, 0);
	CU_ASSERT_EQUAL(read_irr(0x20), 0);
	fake_env_teardown();

	setup_programmed(0x01);
	env.accept_pic[0] = true;
	fake_pio_write(0x4d0, 0x20);			/* pin 5 level */
	set_irq(4, 1);
	set_irq(5, 1);
	fake_pio_write(0x20, 0x11);
	CU_ASSERT_EQUAL(env.nr_acks, 1);		/* the edge pin only */
	CU_ASSERT_EQUAL(env.acks[0].pin, 4);
	CU_ASSERT_EQUAL(read_irr(0x20), 0x20);		/* level request kept */
	TEARDOWN_CLEAN();
}

static void pic_reassert_ack(struct fake_env *e, unsigned int irqchip, unsigned int pin)
{
	/* re-enters the PIC: would self-deadlock if pic->lock were held */
	CU_ASSERT_EQUAL(kvm_pic_set_irq(e->kvm->arch.vpic, pin, KVM_IRQFD_RESAMPLE_IRQ_SOURCE_ID, 0), 1);
}

static void test_ack_notifier_reenters(void)
{
	setup_programmed(0x01);
	fake_pio_write(0x4d0, 0x08);
	kvm_pic_set_irq(pic(), 3, KVM_IRQFD_RESAMPLE_IRQ_SOURCE_ID, 1);
	CU_ASSERT_EQUAL(kvm_pic_read_irq(env.kvm), MBASE + 3);
	env.on_ack = pic_reassert_ack;
	fake_pio_write(0x20, 0x63);
	CU_ASSERT_EQUAL(env.nr_acks, 1);
	CU_ASSERT_EQUAL(read_irr(0x20), 0);
	CU_ASSERT_EQUAL(pic()->output, 0);
	TEARDOWN_CLEAN();
}

static void test_per_source_line_state(void)
{
	setup_programmed(0x01);
	fake_pio_write(0x4d0, 0x08);
	CU_ASSERT_EQUAL(kvm_pic_set_irq(pic(), 3, 0, 1), 1);
	CU_ASSERT_EQUAL(kvm_pic_set_irq(pic(), 3, 2, 1), 0);
	CU_ASSERT_EQUAL(kvm_pic_set_irq(pic(), 3, 0, 0), 0);	/* source 2 still high */
	CU_ASSERT_EQUAL(read_irr(0x20), 0x08);
	CU_ASSERT_EQUAL(kvm_pic_set_irq(pic(), 3, 2, 0), 1);
	CU_ASSERT_EQUAL(read_irr(0x20), 0);
	TEARDOWN_CLEAN();
}

static void test_get_set_state(void)
{
	struct kvm_pic_state st, out;

	fake_env_setup();
	memset(&st, 0, sizeof(st));
	st.irr = 0x12;
	st.imr = 0x34;
	st.isr = 0x40;
	st.priority_add = 7;				/* pin 7 lowest: 1 outranks in-service 6 */
	st.irq_base = 0x20;
	st.elcr = 0xa0;
	st.elcr_mask = 0xf8;
	st.init4 = 1;
	CU_ASSERT_EQUAL(kvm_pic_set_state(pic(), KVM_IRQCHIP_PIC_SLAVE, &st), 0);
	CU_ASSERT_EQUAL(kvm_pic_get_state(pic(), KVM_IRQCHIP_PIC_SLAVE, &out), 0);
	CU_ASSERT_EQUAL(memcmp(&st, &out, sizeof(st)), 0);
	CU_ASSERT_EQUAL(kvm_pic_get_state(pic(), KVM_IRQCHIP_IOAPIC, &out), -EINVAL);
	CU_ASSERT_EQUAL(kvm_pic_set_state(pic(), 3, &st), -EINVAL);
	/* the output follows only once kvm_pic_update_irq runs (SET_IRQCHIP does it) */
	CU_ASSERT_EQUAL(pic()->output, 0);
	kvm_pic_update_irq(pic());
	CU_ASSERT_EQUAL(pic()->output, 1);		/* slave irr 0x12 & ~imr 0x34 -> pin 1 */
	TEARDOWN_CLEAN();
}

static void test_bad_pin_warns(void)
{
	fake_env_setup();
	CU_ASSERT_EQUAL(kvm_pic_set_irq(pic(), 16, 0, 1), -1);
	CU_ASSERT_EQUAL(fake_env_teardown(), 1);
}

static void test_init_failure_unwinds(void)
{
	int at;

	for (at = 1; at <= 3; at++) {
		fake_env_setup();
		kvm_pic_destroy(env.kvm);
		CU_ASSERT_EQUAL(env.nr_devs, 1);	/* the IOAPIC only */
		env.register_fail_at = env.register_calls + at;
		env.register_err = -ENOMEM;
		CU_ASSERT_EQUAL(kvm_pic_init(env.kvm), -ENOMEM);
		CU_ASSERT_PTR_NULL(env.kvm->arch.vpic);
		CU_ASSERT_EQUAL(env.nr_devs, 1);	/* every PIC device unregistered */
		env.register_fail_at = 0;
		TEARDOWN_CLEAN();
	}
}

const struct cunit_test pic_tests[] = {
	{ "devices_and_reset_state", test_devices_and_reset_state },
	{ "icw_ocw1_programming", test_icw_ocw1_programming },
	{ "edge_quirk_statuses", test_edge_quirk_statuses },
	{ "level_mode", test_level_mode },
	{ "masked_pin", test_masked_pin },
	{ "elcr_mask", test_elcr_mask },
	{ "inta_priority_and_eoi", test_inta_priority_and_eoi },
	{ "rotation_commands", test_rotation_commands },
	{ "auto_eoi", test_auto_eoi },
	{ "cascade_and_slave_eoi", test_cascade_and_slave_eoi },
	{ "spurious", test_spurious },
	{ "special_fully_nested", test_special_fully_nested },
	{ "poll_mode", test_poll_mode },
	{ "non_byte_access", test_non_byte_access },
	{ "kick_on_rising_output", test_kick_on_rising_output },
	{ "no_kick_without_acceptor", test_no_kick_without_acceptor },
	{ "icw1_reset", test_icw1_reset_retires_edge_requests },
	{ "ack_notifier_reenters", test_ack_notifier_reenters },
	{ "per_source_line_state", test_per_source_line_state },
	{ "get_set_state", test_get_set_state },
	{ "bad_pin_warns", test_bad_pin_warns },
	{ "init_failure_unwinds", test_init_failure_unwinds },
	{ NULL, NULL },
};
