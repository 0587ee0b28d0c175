/* CUnit tests of the .scn front end: AST fields, results, script errors, round trip. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cunit_main.h"
#include "scn_parse.h"

#define HDR "vm vcpus=4\neventfd ev\neventfd rs\n"

static struct scn_program *parse_len(const char *text, size_t len)
{
	struct scn_program *p = NULL;
	struct scn_diag d;
	int r;

	scn_diag_init(&d);
	r = scn_parse("t.scn", text, len, &p, &d);
	if (r) {
		fprintf(stderr, "unexpected parse failure %d of:\n%s\n", r, text);
		scn_diag_print(&d, stderr);
	}
	CU_ASSERT_EQUAL(r, 0);
	CU_ASSERT_EQUAL(d.count, 0);
	scn_diag_free(&d);
	return p;
}

static struct scn_program *parse(const char *text)
{
	return parse_len(text, strlen(text));
}

/* the last top-level statement of a program */
static const struct scn_stmt *last(const struct scn_program *p)
{
	return p && p->n_stmts ? &p->stmts[p->n_stmts - 1] : NULL;
}

/* parse(print(p)) == p and print is a fixed point */
static void check_round_trip(const struct scn_program *p)
{
	struct scn_program *q = NULL;
	char *t1, *t2;
	size_t n1;

	t1 = scn_program_print(p, &n1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t1);
	CU_ASSERT_EQUAL(n1, strlen(t1));
	q = parse(t1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	CU_ASSERT(scn_program_equal(p, q));
	t2 = scn_program_print(q, NULL);
	CU_ASSERT_STRING_EQUAL(t1, t2);
	free(t1);
	free(t2);
	scn_program_free(q);
}

/* the parse fails with exactly these messages (NULL-terminated) */
static void expect_errors_len(const char *text, size_t len, const char *const *msgs)
{
	struct scn_program *p = (void *)1;
	struct scn_diag d;
	unsigned int n = 0;
	int r;

	scn_diag_init(&d);
	r = scn_parse("t.scn", text, len, &p, &d);
	CU_ASSERT_EQUAL(r, -EINVAL);
	CU_ASSERT_PTR_NULL(p);
	while (msgs[n])
		n++;
	if (d.count != n) {
		fprintf(stderr, "for input:\n%s\nexpected %u messages, got:\n", text, n);
		scn_diag_print(&d, stderr);
	}
	CU_ASSERT_EQUAL(d.count, n);
	for (unsigned int i = 0; i < n && i < d.count; i++) {
		if (strcmp(d.msg[i].text, msgs[i]))
			fprintf(stderr, "expected: %s\n     got: %s\n", msgs[i], d.msg[i].text);
		CU_ASSERT_STRING_EQUAL(d.msg[i].text, msgs[i]);
	}
	scn_diag_free(&d);
}

#define EXPECT_ERRORS(text, ...) do {						\
	static const char *const m_[] = { __VA_ARGS__, NULL };			\
	expect_errors_len(text, strlen(text), m_);				\
} while (0)

/* ---------------- statements ---------------- */

static void test_contract_example(void)
{
	static const char ex[] =
		"# An MSI routed through an irqfd reaches vCPU 1 on the fast path.\n"
		"vm vcpus=2\n"
		"eventfd ev\n"
		"routing\n"
		"  gsi 24 msi addr=0xfee01000 data=0x41\n"
		"end\n"
		"irqfd ev gsi=24\n"
		"write ev\n"
		"expect lapic 1 irr 0x41\n"
		"vcpu 1 ack => 0x41\n"
		"vcpu 1 eoi\n"
		"expect lapic 1 isr none\n"
		"irqfd ev gsi=24 => EBUSY\n";
	struct scn_program *p = parse(ex);
	const struct scn_stmt *s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL_FATAL(p->n_stmts, 10);
	CU_ASSERT_EQUAL(p->vcpus, 2);
	CU_ASSERT_EQUAL(p->n_eventfds, 1);
	CU_ASSERT_STRING_EQUAL(p->eventfds[0].name, "ev");
	s = &p->stmts[2];
	CU_ASSERT_EQUAL(s->kind, SCN_ROUTING);
	CU_ASSERT_EQUAL(s->line, 4);
	CU_ASSERT_EQUAL(s->u.routing.end_line, 6);
	CU_ASSERT_EQUAL(s->u.routing.n_entries, 1);
	CU_ASSERT_EQUAL(s->u.routing.entries[0].type, SCN_ROUTE_MSI);
	CU_ASSERT_EQUAL(s->u.routing.entries[0].gsi, 24);
	CU_ASSERT_EQUAL(s->u.routing.entries[0].addr, 0xfee01000u);
	CU_ASSERT_EQUAL(s->u.routing.entries[0].data, 0x41);
	CU_ASSERT_EQUAL(s->u.routing.entries[0].line, 5);
	CU_ASSERT_EQUAL(s->u.routing.entries[0].col, 3);
	s = &p->stmts[5];
	CU_ASSERT_EQUAL(s->kind, SCN_EXPECT_LAPIC);
	CU_ASSERT_EQUAL(s->u.expect_lapic.vcpu, 1);
	CU_ASSERT_EQUAL(s->u.expect_lapic.reg, SCN_APIC_IRR);
	CU_ASSERT(scn_vecset_test(&s->u.expect_lapic.set, 0x41));
	CU_ASSERT(!scn_vecset_test(&s->u.expect_lapic.set, 0x40));
	s = &p->stmts[6];
	CU_ASSERT_EQUAL(s->kind, SCN_ACK);
	CU_ASSERT_EQUAL_FATAL(s->n_results, 1);
	CU_ASSERT_EQUAL(s->results[0].kind, SCN_RES_NUM);
	CU_ASSERT_EQUAL(s->results[0].value, 0x41);
	s = &p->stmts[8];
	CU_ASSERT_EQUAL(s->kind, SCN_EXPECT_LAPIC);
	CU_ASSERT_EQUAL(s->u.expect_lapic.reg, SCN_APIC_ISR);
	CU_ASSERT_EQUAL(s->u.expect_lapic.set.bits[0] | s->u.expect_lapic.set.bits[1] |
			s->u.expect_lapic.set.bits[2] | s->u.expect_lapic.set.bits[3], 0);
	s = last(p);
	CU_ASSERT_EQUAL(s->kind, SCN_IRQFD);
	CU_ASSERT_EQUAL(s->line, 13);
	CU_ASSERT_EQUAL_FATAL(s->n_results, 1);
	CU_ASSERT_EQUAL(s->results[0].kind, SCN_RES_ERRNO);
	CU_ASSERT_EQUAL(s->results[0].value, EBUSY);
	check_round_trip(p);
	scn_program_free(p);
}

static void test_vm(void)
{
	struct scn_program *p = parse("vm\n");

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->stmts[0].kind, SCN_VM);
	CU_ASSERT_EQUAL(p->stmts[0].u.vm.vcpus, 1);
	CU_ASSERT_EQUAL(p->stmts[0].u.vm.irqchip, SCN_IRQCHIP_KERNEL);
	CU_ASSERT_EQUAL(p->vcpus, 1);
	scn_program_free(p);

	p = parse("vm irqchip=split vcpus=1024");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->stmts[0].u.vm.vcpus, 1024);
	CU_ASSERT_EQUAL(p->irqchip, SCN_IRQCHIP_SPLIT);
	scn_program_free(p);

	p = parse("vm irqchip=none vcpus=0 => ok");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->stmts[0].u.vm.irqchip, SCN_IRQCHIP_NONE);
	CU_ASSERT_EQUAL(p->vcpus, 0);
	CU_ASSERT_EQUAL(p->stmts[0].n_results, 1);
	CU_ASSERT_EQUAL(p->stmts[0].results[0].kind, SCN_RES_OK);
	scn_program_free(p);
}

static void test_eventfd_ops(void)
{
	struct scn_program *p = parse(HDR
				      "eventfd big count=0xfffffffffffffffe\n"
				      "write ev\n"
				      "write rs 0x10\n"
				      "read ev => 3\n"
				      "read rs => EAGAIN\n"
				      "close big\n"
				      "write big => EBADF\n");
	const struct scn_stmt *s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->n_eventfds, 3);
	s = &p->stmts[3];
	CU_ASSERT_EQUAL(s->kind, SCN_EVENTFD);
	CU_ASSERT_EQUAL(s->u.eventfd.efd, 2);
	CU_ASSERT_EQUAL(s->u.eventfd.count, 0xfffffffffffffffeull);
	CU_ASSERT_EQUAL(p->stmts[1].u.eventfd.count, 0);
	s = &p->stmts[4];
	CU_ASSERT_EQUAL(s->kind, SCN_WRITE);
	CU_ASSERT_EQUAL(s->u.write.efd, 0);
	CU_ASSERT_EQUAL(s->u.write.value, 1);
	s = &p->stmts[5];
	CU_ASSERT_EQUAL(s->u.write.efd, 1);
	CU_ASSERT_EQUAL(s->u.write.value, 0x10);
	s = &p->stmts[6];
	CU_ASSERT_EQUAL(s->kind, SCN_READ);
	CU_ASSERT_EQUAL(s->u.read.efd, 0);
	CU_ASSERT_EQUAL(s->results[0].kind, SCN_RES_NUM);
	CU_ASSERT_EQUAL(s->results[0].value, 3);
	s = &p->stmts[7];
	CU_ASSERT_EQUAL(s->results[0].kind, SCN_RES_ERRNO);
	CU_ASSERT_EQUAL(s->results[0].value, EAGAIN);
	s = &p->stmts[8];
	CU_ASSERT_EQUAL(s->kind, SCN_CLOSE);
	CU_ASSERT_EQUAL(s->u.close.efd, 2);
	check_round_trip(p);
	scn_program_free(p);
}

static void test_routing(void)
{
	struct scn_program *p = parse(HDR
				      "routing\n"
				      "  gsi 0 irqchip=pic-master pin=0\n"
				      "  gsi 8 irqchip=pic-slave pin=0\n"
				      "  gsi 2 irqchip=ioapic pin=24\n"
				      "  gsi 24 msi addr=0xfee00000 data=0x30 addr_hi=0x1\n"
				      "end => EINVAL\n"
				      "routing\n"
				      "end\n"
				      "routing default\n"
				      "routing default => ok\n");
	const struct scn_stmt *s;
	const struct scn_route_entry *e;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->n_stmts, 7);
	s = &p->stmts[3];
	CU_ASSERT_EQUAL(s->kind, SCN_ROUTING);
	CU_ASSERT(!s->u.routing.is_default);
	CU_ASSERT_EQUAL(s->u.routing.n_entries, 4);
	CU_ASSERT_EQUAL(s->n_results, 1);
	CU_ASSERT_EQUAL(s->results[0].value, EINVAL);
	CU_ASSERT_EQUAL(s->u.routing.end_line, 9);
	e = s->u.routing.entries;
	CU_ASSERT_EQUAL(e[0].type, SCN_ROUTE_IRQCHIP);
	CU_ASSERT_EQUAL(e[0].chip, SCN_CHIP_PIC_MASTER);
	CU_ASSERT_EQUAL(e[1].chip, SCN_CHIP_PIC_SLAVE);
	CU_ASSERT_EQUAL(e[1].gsi, 8);
	CU_ASSERT_EQUAL(e[2].chip, SCN_CHIP_IOAPIC);
	CU_ASSERT_EQUAL(e[2].pin, 24);	/* the kernel rejects it, not the parser */
	CU_ASSERT_EQUAL(e[3].type, SCN_ROUTE_MSI);
	CU_ASSERT_EQUAL(e[3].addr, 0xfee00000u);
	CU_ASSERT_EQUAL(e[3].data, 0x30);
	CU_ASSERT(e[3].has_addr_hi);
	CU_ASSERT_EQUAL(e[3].addr_hi, 1);
	s = &p->stmts[4];
	CU_ASSERT_EQUAL(s->u.routing.n_entries, 0);
	CU_ASSERT(!s->u.routing.is_default);
	s = &p->stmts[5];
	CU_ASSERT(s->u.routing.is_default);
	CU_ASSERT_EQUAL(s->n_results, 0);
	CU_ASSERT_EQUAL(p->stmts[6].n_results, 1);
	check_round_trip(p);
	scn_program_free(p);
}

static void test_irq_line_msi(void)
{
	struct scn_program *p = parse(HDR
				      "irq_line 4 1 => 1\n"
				      "irq_line 100000 0 => ENXIO\n"
				      "msi addr=0xfee00000 data=0x41 => -1\n"
				      "msi addr=0xfee00000 data=0x41 addr_hi=0x2 flags=0x1 => EINVAL\n");
	const struct scn_stmt *s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	s = &p->stmts[3];
	CU_ASSERT_EQUAL(s->kind, SCN_IRQ_LINE);
	CU_ASSERT_EQUAL(s->u.irq_line.gsi, 4);
	CU_ASSERT_EQUAL(s->u.irq_line.level, 1);
	CU_ASSERT_EQUAL(s->results[0].kind, SCN_RES_NUM);
	CU_ASSERT_EQUAL(s->results[0].value, 1);
	CU_ASSERT_EQUAL(p->stmts[4].u.irq_line.gsi, 100000);
	s = &p->stmts[5];
	CU_ASSERT_EQUAL(s->kind, SCN_MSI);
	CU_ASSERT_EQUAL(s->u.msi.addr, 0xfee00000u);
	CU_ASSERT_EQUAL(s->u.msi.data, 0x41);
	CU_ASSERT(!s->u.msi.has_addr_hi);
	CU_ASSERT(!s->u.msi.has_flags);
	CU_ASSERT_EQUAL(s->results[0].kind, SCN_RES_NUM);
	CU_ASSERT(s->results[0].negative);
	CU_ASSERT_EQUAL((int64_t)s->results[0].value, -1);
	s = &p->stmts[6];
	CU_ASSERT(s->u.msi.has_addr_hi);
	CU_ASSERT_EQUAL(s->u.msi.addr_hi, 2);
	CU_ASSERT(s->u.msi.has_flags);
	CU_ASSERT_EQUAL(s->u.msi.flags, 1);
	check_round_trip(p);
	scn_program_free(p);
}

static void test_irqfd(void)
{
	struct scn_program *p = parse(HDR
				      "irqfd ev gsi=5\n"
				      "irqfd ev gsi=5 resample=rs flags=0x4 => EINVAL\n"
				      "irqfd ev gsi=5 deassign\n"
				      "irqfd ev deassign gsi=4294967295\n");
	const struct scn_stmt *s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	s = &p->stmts[3];
	CU_ASSERT_EQUAL(s->kind, SCN_IRQFD);
	CU_ASSERT_EQUAL(s->u.irqfd.efd, 0);
	CU_ASSERT_EQUAL(s->u.irqfd.gsi, 5);
	CU_ASSERT(!s->u.irqfd.has_resample);
	CU_ASSERT(!s->u.irqfd.has_flags);
	CU_ASSERT(!s->u.irqfd.deassign);
	CU_ASSERT_EQUAL(s->n_results, 0);
	s = &p->stmts[4];
	CU_ASSERT(s->u.irqfd.has_resample);
	CU_ASSERT_EQUAL(s->u.irqfd.resample_efd, 1);
	CU_ASSERT(s->u.irqfd.has_flags);
	CU_ASSERT_EQUAL(s->u.irqfd.flags, 4);
	CU_ASSERT(p->stmts[5].u.irqfd.deassign);
	CU_ASSERT_EQUAL(p->stmts[6].u.irqfd.gsi, 0xffffffffu);
	CU_ASSERT(p->stmts[6].u.irqfd.deassign);
	check_round_trip(p);
	scn_program_free(p);
}

static void test_ioeventfd(void)
{
	struct scn_program *p = parse(HDR
				      "ioeventfd ev mmio addr=0xfebf0000 len=4\n"
				      "ioeventfd rs pio addr=0x510 len=2 datamatch=0xffffffffffffffff flags=0x8\n"
				      "ioeventfd ev mmio addr=0xfebf0000 len=3 => EINVAL\n"
				      "ioeventfd ev mmio addr=0xfebf0000 len=4 deassign => ENOENT\n");
	const struct scn_stmt *s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	s = &p->stmts[3];
	CU_ASSERT_EQUAL(s->kind, SCN_IOEVENTFD);
	CU_ASSERT_EQUAL(s->u.ioeventfd.space, SCN_SPACE_MMIO);
	CU_ASSERT_EQUAL(s->u.ioeventfd.addr, 0xfebf0000u);
	CU_ASSERT_EQUAL(s->u.ioeventfd.len, 4);
	CU_ASSERT(!s->u.ioeventfd.has_datamatch);
	CU_ASSERT(!s->u.ioeventfd.deassign);
	s = &p->stmts[4];
	CU_ASSERT_EQUAL(s->u.ioeventfd.efd, 1);
	CU_ASSERT_EQUAL(s->u.ioeventfd.space, SCN_SPACE_PIO);
	CU_ASSERT(s->u.ioeventfd.has_datamatch);
	CU_ASSERT_EQUAL(s->u.ioeventfd.datamatch, UINT64_MAX);
	CU_ASSERT(s->u.ioeventfd.has_flags);
	CU_ASSERT_EQUAL(s->u.ioeventfd.flags, 8);
	CU_ASSERT_EQUAL(p->stmts[5].u.ioeventfd.len, 3);
	CU_ASSERT(p->stmts[6].u.ioeventfd.deassign);
	CU_ASSERT_EQUAL(p->stmts[6].results[0].value, ENOENT);
	check_round_trip(p);
	scn_program_free(p);
}

static void test_settle(void)
{
	struct scn_program *p = parse("vm\nsettle\nsettle off\nsettle on\n");

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->stmts[1].kind, SCN_SETTLE);
	CU_ASSERT_EQUAL(p->stmts[1].u.settle.mode, SCN_SETTLE_NOW);
	CU_ASSERT_EQUAL(p->stmts[2].u.settle.mode, SCN_SETTLE_OFF);
	CU_ASSERT_EQUAL(p->stmts[3].u.settle.mode, SCN_SETTLE_ON);
	check_round_trip(p);
	scn_program_free(p);
}

static void test_vcpu(void)
{
	struct scn_program *p = parse(HDR
				      "vcpu 3 lapic id=7 ldr=0x1000000 dfr=cluster tpr=0x20 enable\n"
				      "vcpu 0 lapic disable\n"
				      "vcpu 1 lapic x2apic\n"
				      "vcpu 2 ack\n"
				      "vcpu 2 ack => none\n"
				      "vcpu 2 ack => 0x41|none\n"
				      "vcpu 2 eoi\n"
				      "vcpu 1 mmio write 0xfebf0000 4 0x1234 => kernel\n"
				      "vcpu 0 pio write 0x510 2 7 => exit\n");
	const struct scn_stmt *s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	s = &p->stmts[3];
	CU_ASSERT_EQUAL(s->kind, SCN_LAPIC);
	CU_ASSERT_EQUAL(s->u.lapic.vcpu, 3);
	CU_ASSERT(s->u.lapic.has_id && s->u.lapic.id == 7);
	CU_ASSERT(s->u.lapic.has_ldr && s->u.lapic.ldr == 0x1000000);
	CU_ASSERT(s->u.lapic.has_dfr && s->u.lapic.dfr == SCN_DFR_CLUSTER);
	CU_ASSERT(s->u.lapic.has_tpr && s->u.lapic.tpr == 0x20);
	CU_ASSERT_EQUAL(s->u.lapic.sw, SCN_LAPIC_SW_ENABLE);
	CU_ASSERT(!s->u.lapic.x2apic);
	s = &p->stmts[4];
	CU_ASSERT(!s->u.lapic.has_id && !s->u.lapic.has_dfr);
	CU_ASSERT_EQUAL(s->u.lapic.sw, SCN_LAPIC_SW_DISABLE);
	s = &p->stmts[5];
	CU_ASSERT_EQUAL(s->u.lapic.sw, SCN_LAPIC_SW_KEEP);
	CU_ASSERT(s->u.lapic.x2apic);
	s = &p->stmts[6];
	CU_ASSERT_EQUAL(s->kind, SCN_ACK);
	CU_ASSERT_EQUAL(s->u.ack.vcpu, 2);
	CU_ASSERT_EQUAL(s->n_results, 0);
	CU_ASSERT_EQUAL(p->stmts[7].results[0].kind, SCN_RES_NONE);
	s = &p->stmts[8];
	CU_ASSERT_EQUAL(s->n_results, 2);
	CU_ASSERT_EQUAL(s->results[0].kind, SCN_RES_NUM);
	CU_ASSERT_EQUAL(s->results[0].value, 0x41);
	CU_ASSERT_EQUAL(s->results[1].kind, SCN_RES_NONE);
	CU_ASSERT_EQUAL(p->stmts[9].kind, SCN_EOI);
	CU_ASSERT_EQUAL(p->stmts[9].u.eoi.vcpu, 2);
	s = &p->stmts[10];
	CU_ASSERT_EQUAL(s->kind, SCN_GUEST_WRITE);
	CU_ASSERT_EQUAL(s->u.guest_write.vcpu, 1);
	CU_ASSERT_EQUAL(s->u.guest_write.space, SCN_SPACE_MMIO);
	CU_ASSERT_EQUAL(s->u.guest_write.addr, 0xfebf0000u);
	CU_ASSERT_EQUAL(s->u.guest_write.len, 4);
	CU_ASSERT_EQUAL(s->u.guest_write.value, 0x1234);
	CU_ASSERT_EQUAL(s->results[0].kind, SCN_RES_KERNEL);
	s = &p->stmts[11];
	CU_ASSERT_EQUAL(s->u.guest_write.space, SCN_SPACE_PIO);
	CU_ASSERT_EQUAL(s->u.guest_write.addr, 0x510);
	CU_ASSERT_EQUAL(s->u.guest_write.len, 2);
	CU_ASSERT_EQUAL(s->u.guest_write.value, 7);
	CU_ASSERT_EQUAL(s->results[0].kind, SCN_RES_EXIT);
	check_round_trip(p);
	scn_program_free(p);
}

static void test_ioapic_pin(void)
{
	struct scn_program *p = parse(HDR
				      "ioapic pin 3 vector=0x31\n"
				      "ioapic pin 23 vector=0x32 dest=0xff destmode=logical delivery=lowest trigger=level polarity=low masked\n"
				      "ioapic pin 4 vector=0x33 delivery=extint\n"
				      "ioapic pin 5 masked\n"
				      "ioapic pin 24 unmasked\n");
	const struct scn_stmt *s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	s = &p->stmts[3];
	CU_ASSERT_EQUAL(s->kind, SCN_IOAPIC_PIN);
	CU_ASSERT_EQUAL(s->u.ioapic_pin.pin, 3);
	CU_ASSERT(s->u.ioapic_pin.program);
	CU_ASSERT_EQUAL(s->u.ioapic_pin.vector, 0x31);
	CU_ASSERT_EQUAL(s->u.ioapic_pin.dest, 0);
	CU_ASSERT_EQUAL(s->u.ioapic_pin.destmode, SCN_DESTMODE_PHYSICAL);
	CU_ASSERT_EQUAL(s->u.ioapic_pin.delivery, SCN_DELIVERY_FIXED);
	CU_ASSERT_EQUAL(s->u.ioapic_pin.trigger, SCN_TRIGGER_EDGE);
	CU_ASSERT_EQUAL(s->u.ioapic_pin.polarity, SCN_POLARITY_HIGH);
	CU_ASSERT_EQUAL(s->u.ioapic_pin.mask, SCN_PIN_MASK_NONE);
	s = &p->stmts[4];
	CU_ASSERT_EQUAL(s->u.ioapic_pin.pin, 23);
	CU_ASSERT_EQUAL(s->u.ioapic_pin.dest, 0xff);
	CU_ASSERT_EQUAL(s->u.ioapic_pin.destmode, SCN_DESTMODE_LOGICAL);
	CU_ASSERT_EQUAL(s->u.ioapic_pin.delivery, SCN_DELIVERY_LOWEST);
	CU_ASSERT_EQUAL(s->u.ioapic_pin.trigger, SCN_TRIGGER_LEVEL);
	CU_ASSERT_EQUAL(s->u.ioapic_pin.polarity, SCN_POLARITY_LOW);
	CU_ASSERT_EQUAL(s->u.ioapic_pin.mask, SCN_PIN_MASKED);
	CU_ASSERT_EQUAL(p->stmts[5].u.ioapic_pin.delivery, 7);
	s = &p->stmts[6];
	CU_ASSERT(!s->u.ioapic_pin.program);
	CU_ASSERT_EQUAL(s->u.ioapic_pin.mask, SCN_PIN_MASKED);
	s = &p->stmts[7];
	CU_ASSERT(!s->u.ioapic_pin.program);
	CU_ASSERT_EQUAL(s->u.ioapic_pin.pin, 24);
	CU_ASSERT_EQUAL(s->u.ioapic_pin.mask, SCN_PIN_UNMASKED);
	check_round_trip(p);
	scn_program_free(p);
}

static void test_expect(void)
{
	struct scn_program *p = parse(HDR
				      "expect lapic 0 irr 0x41 0x30 255 0\n"
				      "expect lapic 1 irr has 0x41\n"
				      "expect lapic 2 isr none\n"
				      "expect lapic 3 tmr 0x30\n"
				      "expect lapic 3 tmr has 0x30\n"
				      "expect ioapic pin 3 irr=1 remote_irr=0\n"
				      "expect ioapic pin 4 remote_irr=1\n"
				      "expect eventfd ev count=0x10\n"
				      "expect exits mmio=3 pio=0\n"
				      "expect exits pio=2\n"
				      "expect stat irqfd.inject.fast=5\n");
	const struct scn_stmt *s;
	const struct scn_vecset *v;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	s = &p->stmts[3];
	CU_ASSERT_EQUAL(s->kind, SCN_EXPECT_LAPIC);
	v = &s->u.expect_lapic.set;
	CU_ASSERT(scn_vecset_test(v, 0x41) && scn_vecset_test(v, 0x30) &&
		  scn_vecset_test(v, 255) && scn_vecset_test(v, 0));
	CU_ASSERT(!scn_vecset_test(v, 0x31));
	s = &p->stmts[4];
	CU_ASSERT_EQUAL(s->kind, SCN_EXPECT_LAPIC_HAS);
	CU_ASSERT_EQUAL(s->u.expect_lapic.vcpu, 1);
	CU_ASSERT_EQUAL(s->u.expect_lapic.reg, SCN_APIC_IRR);
	CU_ASSERT_EQUAL(s->u.expect_lapic.vector, 0x41);
	CU_ASSERT_EQUAL(p->stmts[5].u.expect_lapic.reg, SCN_APIC_ISR);
	CU_ASSERT_EQUAL(p->stmts[6].u.expect_lapic.reg, SCN_APIC_TMR);
	CU_ASSERT_EQUAL(p->stmts[7].kind, SCN_EXPECT_LAPIC_HAS);
	CU_ASSERT_EQUAL(p->stmts[7].u.expect_lapic.reg, SCN_APIC_TMR);
	s = &p->stmts[8];
	CU_ASSERT_EQUAL(s->kind, SCN_EXPECT_IOAPIC);
	CU_ASSERT_EQUAL(s->u.expect_ioapic.pin, 3);
	CU_ASSERT(s->u.expect_ioapic.has_irr && s->u.expect_ioapic.irr == 1);
	CU_ASSERT(s->u.expect_ioapic.has_remote_irr && s->u.expect_ioapic.remote_irr == 0);
	s = &p->stmts[9];
	CU_ASSERT(!s->u.expect_ioapic.has_irr);
	CU_ASSERT(s->u.expect_ioapic.has_remote_irr && s->u.expect_ioapic.remote_irr == 1);
	s = &p->stmts[10];
	CU_ASSERT_EQUAL(s->kind, SCN_EXPECT_EVENTFD);
	CU_ASSERT_EQUAL(s->u.expect_eventfd.efd, 0);
	CU_ASSERT_EQUAL(s->u.expect_eventfd.count, 16);
	s = &p->stmts[11];
	CU_ASSERT_EQUAL(s->kind, SCN_EXPECT_EXITS);
	CU_ASSERT(s->u.expect_exits.has_mmio && s->u.expect_exits.mmio == 3);
	CU_ASSERT(s->u.expect_exits.has_pio && s->u.expect_exits.pio == 0);
	s = &p->stmts[12];
	CU_ASSERT(!s->u.expect_exits.has_mmio);
	CU_ASSERT(s->u.expect_exits.has_pio && s->u.expect_exits.pio == 2);
	s = &p->stmts[13];
	CU_ASSERT_EQUAL(s->kind, SCN_EXPECT_STAT);
	CU_ASSERT_STRING_EQUAL(s->u.expect_stat.name, "irqfd.inject.fast");
	CU_ASSERT_EQUAL(s->u.expect_stat.value, 5);
	check_round_trip(p);
	scn_program_free(p);
}

static void test_threads(void)
{
	struct scn_program *p = parse(HDR
				      "thread t1\n"
				      "  irqfd ev gsi=1 => ok|EBUSY\n"
				      "  eventfd inner\n"
				      "  routing\n"
				      "    gsi 1 irqchip=ioapic pin=1\n"
				      "  end => ok|EINVAL\n"
				      "end\n"
				      "thread t2\n"
				      "  irqfd ev gsi=1 deassign\n"
				      "  write inner\n"
				      "end\n"
				      "run\n"
				      "run schedules=100 seed=0x1234\n");
	const struct scn_stmt *s, *b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->n_stmts, 7);
	CU_ASSERT_EQUAL(p->n_threads, 2);
	s = &p->stmts[3];
	CU_ASSERT_EQUAL(s->kind, SCN_THREAD);
	CU_ASSERT_STRING_EQUAL(s->u.thread.name, "t1");
	CU_ASSERT_EQUAL(s->u.thread.index, 0);
	CU_ASSERT_EQUAL(s->u.thread.n_body, 3);
	CU_ASSERT_EQUAL(s->u.thread.end_line, 10);
	b = s->u.thread.body;
	CU_ASSERT_EQUAL(b[0].kind, SCN_IRQFD);
	CU_ASSERT_EQUAL(b[0].line, 5);
	CU_ASSERT_EQUAL(b[0].col, 3);
	CU_ASSERT_EQUAL(b[0].n_results, 2);
	CU_ASSERT_EQUAL(b[0].results[0].kind, SCN_RES_OK);
	CU_ASSERT_EQUAL(b[0].results[1].kind, SCN_RES_ERRNO);
	CU_ASSERT_EQUAL(b[0].results[1].value, EBUSY);
	CU_ASSERT_EQUAL(b[1].kind, SCN_EVENTFD);
	CU_ASSERT(p->eventfds[2].in_thread);
	CU_ASSERT(!p->eventfds[0].in_thread);
	CU_ASSERT_EQUAL(b[2].kind, SCN_ROUTING);
	CU_ASSERT_EQUAL(b[2].u.routing.n_entries, 1);
	CU_ASSERT_EQUAL(b[2].n_results, 2);
	s = &p->stmts[4];
	CU_ASSERT_STRING_EQUAL(s->u.thread.name, "t2");
	CU_ASSERT_EQUAL(s->u.thread.index, 1);
	CU_ASSERT_EQUAL(s->u.thread.body[1].u.write.efd, 2);
	s = &p->stmts[5];
	CU_ASSERT_EQUAL(s->kind, SCN_RUN);
	CU_ASSERT(!s->u.run.has_schedules && !s->u.run.has_seed);
	s = &p->stmts[6];
	CU_ASSERT(s->u.run.has_schedules && s->u.run.schedules == 100);
	CU_ASSERT(s->u.run.has_seed && s->u.run.seed == 0x1234);
	check_round_trip(p);
	scn_program_free(p);
}

/* ---------------- results ---------------- */

static void test_results(void)
{
	struct scn_program *p = parse(HDR
				      "irq_line 1 1 => ok|EPERM|ENOTRECOVERABLE|EWOULDBLOCK|-22|0x10|18446744073709551615\n"
				      "irq_line 1 1 =>ok | ENOENT\n"
				      "irq_line 1 1 => -9223372036854775808\n"
				      "vcpu 0 ack => 255|0|none\n");
	const struct scn_stmt *s;
	char buf[256];
	int n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	s = &p->stmts[3];
	CU_ASSERT_EQUAL_FATAL(s->n_results, 7);
	CU_ASSERT_EQUAL(s->results[0].kind, SCN_RES_OK);
	CU_ASSERT_EQUAL(s->results[1].kind, SCN_RES_ERRNO);
	CU_ASSERT_EQUAL(s->results[1].value, EPERM);
	CU_ASSERT_EQUAL(s->results[2].value, ENOTRECOVERABLE);
	CU_ASSERT_EQUAL(s->results[3].value, EAGAIN);	/* alias */
	CU_ASSERT_EQUAL(s->results[4].kind, SCN_RES_NUM);
	CU_ASSERT_EQUAL((int64_t)s->results[4].value, -22);
	CU_ASSERT(s->results[4].negative);
	CU_ASSERT_EQUAL(s->results[5].value, 16);
	CU_ASSERT(!s->results[5].negative);
	CU_ASSERT_EQUAL(s->results[6].value, UINT64_MAX);
	s = &p->stmts[4];
	CU_ASSERT_EQUAL(s->n_results, 2);
	CU_ASSERT_EQUAL(s->results[1].value, ENOENT);
	s = &p->stmts[5];
	CU_ASSERT_EQUAL((int64_t)s->results[0].value, INT64_MIN);
	/* canonical form: aliases print as the primary name, vectors in hex */
	n = scn_stmt_print(p, &p->stmts[3], buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "irq_line 1 1 => ok|EPERM|ENOTRECOVERABLE|EAGAIN|-22|16|18446744073709551615");
	CU_ASSERT_EQUAL(n, (int)strlen(buf));
	scn_stmt_print(p, &p->stmts[6], buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "vcpu 0 ack => 0xff|0x0|none");
	n = scn_stmt_print(p, &p->stmts[6], buf, 5);
	CU_ASSERT_STRING_EQUAL(buf, "vcpu");
	CU_ASSERT_EQUAL(n, (int)strlen("vcpu 0 ack => 0xff|0x0|none"));
	check_round_trip(p);
	scn_program_free(p);
}

static void test_errno_table(void)
{
	CU_ASSERT_EQUAL(scn_errno_from_name("EPERM", 5), EPERM);
	CU_ASSERT_EQUAL(scn_errno_from_name("EINVAL", 6), EINVAL);
	CU_ASSERT_EQUAL(scn_errno_from_name("EHWPOISON", 9), EHWPOISON);
	CU_ASSERT_EQUAL(scn_errno_from_name("EDEADLOCK", 9), EDEADLK);
	CU_ASSERT_EQUAL(scn_errno_from_name("ENOTSUP", 7), EOPNOTSUPP);
	CU_ASSERT_EQUAL(scn_errno_from_name("EINVALX", 7), 0);
	CU_ASSERT_EQUAL(scn_errno_from_name("EINVAL", 5), 0);
	CU_ASSERT_STRING_EQUAL(scn_errno_name(EAGAIN), "EAGAIN");
	CU_ASSERT_STRING_EQUAL(scn_errno_name(EOPNOTSUPP), "EOPNOTSUPP");
	CU_ASSERT_PTR_NULL(scn_errno_name(4095));
	/* every errno 1..133 has a name */
	for (int e = 1; e <= 133; e++) {
		if (e == 41 || e == 58)	/* unused numbers in Linux */
			continue;
		CU_ASSERT_PTR_NOT_NULL(scn_errno_name(e));
	}
}

/* ---------------- lexical ---------------- */

static void test_lexical(void)
{
	static const char crlf[] = "vm vcpus=2\r\n\t eventfd  ev   # comment\r\n\r\n# only a comment\nwrite ev#x\n   \nread ev =>EAGAIN";
	struct scn_program *p = parse(crlf);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->n_stmts, 4);
	CU_ASSERT_EQUAL(p->stmts[1].line, 2);
	CU_ASSERT_EQUAL(p->stmts[1].col, 3);
	CU_ASSERT_EQUAL(p->stmts[2].line, 5);
	CU_ASSERT_EQUAL(p->stmts[3].line, 7);
	CU_ASSERT_EQUAL(p->stmts[3].results[0].value, EAGAIN);
	scn_program_free(p);

	/* names: dots, dashes, underscores */
	p = parse("vm\neventfd _a.b-c9\nwrite _a.b-c9 0x0\nthread T.1-x\nend\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(p->eventfds[0].name, "_a.b-c9");
	CU_ASSERT_EQUAL(p->stmts[2].u.write.value, 0);
	check_round_trip(p);
	scn_program_free(p);

	/* decimal with leading zeros, upper-case hex */
	p = parse("vm\nirq_line 010 0X1F\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->stmts[1].u.irq_line.gsi, 10);
	CU_ASSERT_EQUAL(p->stmts[1].u.irq_line.level, 31);
	scn_program_free(p);
}

static void test_binary_garbage(void)
{
	static const char nul[] = "vm\nwrite e\0v\n";
	static const char *const m1[] = {
		"t.scn:2:7: error: bad name 'e\\x00v' (names match [A-Za-z_][A-Za-z0-9_.-]*)", NULL };
	static const char bin[] = "\xff\xfe\x01vm\n";
	static const char *const m2[] = { "t.scn:1:1: error: unknown statement '\\xff\\xfe\\x01vm'", NULL };
	unsigned char junk[4096];
	struct scn_program *p;
	struct scn_diag d;
	uint32_t x = 12345;

	expect_errors_len(nul, sizeof(nul) - 1, m1);
	expect_errors_len(bin, sizeof(bin) - 1, m2);
	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < sizeof(junk); i++) {
			x = x * 1103515245 + 12345;
			junk[i] = (unsigned char)(x >> 16);
		}
		scn_diag_init(&d);
		p = NULL;
		CU_ASSERT_EQUAL(scn_parse("j", (const char *)junk, sizeof(junk), &p, &d), -EINVAL);
		CU_ASSERT(d.count >= 1 && d.count <= SCN_DIAG_MAX);
		scn_diag_free(&d);
	}
	/* a NULL diag is allowed */
	CU_ASSERT_EQUAL(scn_parse("j", "foo", 3, &p, NULL), -EINVAL);
}

static void test_huge_line(void)
{
	size_t n = 4 << 20;
	char *big = malloc(n + 64);
	struct scn_program *p;
	struct scn_diag d;

	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	/* one enormous token */
	memcpy(big, "vm\neventfd ", 11);
	memset(big + 11, 'a', n);
	big[11 + n] = '\n';
	p = parse_len(big, n + 12);
	CU_ASSERT_PTR_NOT_NULL(p);
	if (p)
		CU_ASSERT_EQUAL(strlen(p->eventfds[0].name), n);
	scn_program_free(p);
	/* a line of a million tokens: one message per bad token, capped */
	memcpy(big, "vm\nsettle", 9);
	for (size_t i = 9; i + 1 < n; i += 2) {
		big[i] = ' ';
		big[i + 1] = 'x';
	}
	scn_diag_init(&d);
	CU_ASSERT_EQUAL(scn_parse("h", big, n, &p, &d), -EINVAL);
	CU_ASSERT_EQUAL(d.count, SCN_DIAG_MAX);
	CU_ASSERT(d.truncated);
	CU_ASSERT_STRING_EQUAL(d.msg[0].text, "h:2:8: error: unknown flag 'x' for 'settle' (expected: off, on)");
	scn_diag_free(&d);
	free(big);
}

/* many declarations and statements: linear time, and a speed floor */
static void test_speed(void)
{
	const size_t nstmt = 400000;
	size_t cap = nstmt * 48 + 64, len = 0;
	char *t = malloc(cap);
	struct scn_program *p;
	struct timespec a, b;
	double secs;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	len += (size_t)sprintf(t + len, "vm vcpus=2\n");
	for (size_t i = 0; len + 64 < cap && i < nstmt / 4; i++)
		len += (size_t)sprintf(t + len, "eventfd e%zu\nirqfd e%zu gsi=%zu\nwrite e%zu\nvcpu 1 ack => none\n",
				       i, i, i, i);
	clock_gettime(CLOCK_MONOTONIC, &a);
	p = parse_len(t, len);
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->n_stmts, nstmt + 1);
	CU_ASSERT_EQUAL(p->n_eventfds, nstmt / 4);
	printf("\n  parsed %zu statements in %.3f s: %.0f statements/s\n", nstmt, secs, nstmt / secs);
	/* loose floor (sanitizer builds included): catches quadratic behaviour */
	CU_ASSERT(nstmt / secs > 200000);
	scn_program_free(p);
	free(t);
}

/* ---------------- script errors ---------------- */

static void test_errors_structure(void)
{
	EXPECT_ERRORS("", "t.scn:1:1: error: empty scenario: the first statement must be 'vm'");
	EXPECT_ERRORS("# nothing\n\n", "t.scn:1:1: error: empty scenario: the first statement must be 'vm'");
	EXPECT_ERRORS("eventfd ev\nvm\n",
		      "t.scn:1:1: error: the first statement must be 'vm', got 'eventfd'",
		      "t.scn:2:1: error: 'vm' must be the first statement");
	EXPECT_ERRORS("vm\n  vm vcpus=2\n", "t.scn:2:3: error: duplicate 'vm' statement (first at line 1)");
	EXPECT_ERRORS("vm\nfoo bar\n", "t.scn:2:1: error: unknown statement 'foo'");
	EXPECT_ERRORS("vm\nend\n", "t.scn:2:1: error: 'end' without 'routing' or 'thread'");
	EXPECT_ERRORS("vm\nrouting\n gsi 1 irqchip=ioapic pin=1\n",
		      "t.scn:2:1: error: unterminated 'routing' block (no 'end' before the end of the file)");
	EXPECT_ERRORS("vm\nrouting\n gsi 1 irqchip=ioapic pin=1\nsettle\n",
		      "t.scn:2:1: error: unterminated 'routing' block (no 'end' before line 4)");
	EXPECT_ERRORS("vm\nrouting\n  foo\nend\n",
		      "t.scn:3:3: error: expected a 'gsi' entry or 'end' in the 'routing' block, got 'foo'");
	EXPECT_ERRORS("vm\ngsi 1 msi addr=1 data=2\n",
		      "t.scn:2:1: error: 'gsi' entry outside a 'routing' block");
	EXPECT_ERRORS("vm\nthread a\nsettle\n",
		      "t.scn:2:1: error: unterminated 'thread' block 'a' (no 'end' before the end of the file)");
	EXPECT_ERRORS("vm\nthread a\n  thread b\n  end\nend\n",
		      "t.scn:3:3: error: nested 'thread' (threads cannot contain threads)");
	EXPECT_ERRORS("vm\nthread a\n  run\nend\n", "t.scn:3:3: error: 'run' is not allowed inside a thread");
	EXPECT_ERRORS("vm\nthread a\n  vm\nend\n", "t.scn:3:3: error: 'vm' is not allowed inside a thread");
	EXPECT_ERRORS("vm\nthread a\nend\nthread a\nend\n",
		      "t.scn:4:8: error: duplicate thread name 'a' (first at line 2)");
	EXPECT_ERRORS("vm\nthread a\nend extra => ok\n",
		      "t.scn:3:5: error: unexpected 'extra' after 'end'",
		      "t.scn:3:11: error: the 'end' of a thread takes no '=>' result");
	EXPECT_ERRORS("vm\nrouting => EINVAL\nend\n",
		      "t.scn:2:9: error: the result of a 'routing' block goes on its 'end' line");
	EXPECT_ERRORS("vm\nrouting\n gsi 1 irqchip=ioapic pin=1 => ok\nend\n",
		      "t.scn:3:29: error: a 'gsi' entry takes no '=>' result (put it on 'end')");
}

static void test_errors_names(void)
{
	EXPECT_ERRORS("vm\nwrite ev\n",
		      "t.scn:2:7: error: unknown eventfd 'ev' (declare it first: eventfd ev)");
	EXPECT_ERRORS("vm\nthread t\n  write ev\nend\neventfd ev\n",
		      "t.scn:3:9: error: eventfd 'ev' used before its declaration at line 5");
	EXPECT_ERRORS("vm\neventfd ev\neventfd ev\n",
		      "t.scn:3:9: error: eventfd 'ev' already declared at line 2");
	EXPECT_ERRORS("vm\neventfd 1ev\n",
		      "t.scn:2:9: error: bad name '1ev' (names match [A-Za-z_][A-Za-z0-9_.-]*)");
	EXPECT_ERRORS("vm\nthread a/b\nend\n",
		      "t.scn:2:8: error: bad name 'a/b' (names match [A-Za-z_][A-Za-z0-9_.-]*)");
	EXPECT_ERRORS("vm\neventfd ev\nirqfd ev gsi=1 resample=nope\n",
		      "t.scn:3:25: error: unknown eventfd 'nope' (declare it first: eventfd nope)");
	EXPECT_ERRORS("vm\nexpect eventfd nope count=1\n",
		      "t.scn:2:16: error: unknown eventfd 'nope' (declare it first: eventfd nope)");
	EXPECT_ERRORS("vm\nexpect stat 9x=1\n",
		      "t.scn:2:13: error: bad name '9x' (names match [A-Za-z_][A-Za-z0-9_.-]*)");
	EXPECT_ERRORS("vm\nexpect stat foo\n",
		      "t.scn:2:13: error: expected NAME=N for 'expect stat', got 'foo'");
}

static void test_errors_args(void)
{
	EXPECT_ERRORS(HDR "irqfd ev pinn=3 gsi=1\n",
		      "t.scn:4:10: error: unknown key 'pinn' for 'irqfd' (expected: gsi, resample, flags, deassign)");
	EXPECT_ERRORS(HDR "irqfd ev gsi=1 gsi=2\n", "t.scn:4:16: error: duplicate key 'gsi' for 'irqfd'");
	EXPECT_ERRORS(HDR "irqfd ev\n", "t.scn:4:1: error: missing required key 'gsi' for 'irqfd'");
	EXPECT_ERRORS(HDR "irqfd ev gsi\n", "t.scn:4:10: error: key 'gsi' needs a value (gsi=VALUE)");
	EXPECT_ERRORS(HDR "irqfd ev gsi=\n", "t.scn:4:14: error: missing value for 'gsi'");
	EXPECT_ERRORS(HDR "irqfd ev =1 gsi=1\n", "t.scn:4:10: error: missing key before '=' in '=1'");
	EXPECT_ERRORS(HDR "irqfd ev gsi=1 deassign deassign\n",
		      "t.scn:4:25: error: duplicate flag 'deassign' for 'irqfd'");
	EXPECT_ERRORS(HDR "irqfd ev gsi=1 deasign\n",
		      "t.scn:4:16: error: unknown flag 'deasign' for 'irqfd' (expected: gsi, resample, flags, deassign)");
	EXPECT_ERRORS(HDR "irqfd gsi=1\n", "t.scn:4:7: error: missing eventfd NAME for 'irqfd'");
	EXPECT_ERRORS(HDR "irqfd ev gsi=x1\n",
		      "t.scn:4:14: error: bad number 'x1' for 'gsi' (expected decimal or 0x hex)");
	EXPECT_ERRORS(HDR "irqfd ev gsi=-1\n", "t.scn:4:14: error: negative value '-1' for 'gsi'");
	EXPECT_ERRORS(HDR "irqfd ev gsi=4294967296\n",
		      "t.scn:4:14: error: value '4294967296' out of range for 'gsi' (max 4294967295)");
	EXPECT_ERRORS(HDR "ioeventfd ev mmio addr=0x10000000000000000 len=4\n",
		      "t.scn:4:24: error: number '0x10000000000000000' does not fit in 64 bits");
	EXPECT_ERRORS(HDR "ioeventfd ev mmio addr=18446744073709551616 len=4\n",
		      "t.scn:4:24: error: number '18446744073709551616' does not fit in 64 bits");
	EXPECT_ERRORS(HDR "ioeventfd ev addr=1 len=4\n",
		      "t.scn:4:1: error: missing 'mmio' or 'pio' for 'ioeventfd'");
	EXPECT_ERRORS(HDR "ioeventfd ev mmio pio addr=1 len=4\n",
		      "t.scn:4:19: error: 'pio' conflicts with 'mmio' for 'ioeventfd'");
	EXPECT_ERRORS(HDR "ioeventfd ev mmio addr=1\n",
		      "t.scn:4:1: error: missing required key 'len' for 'ioeventfd'");
	EXPECT_ERRORS(HDR "msi data=1 addr=0x100000000\n",
		      "t.scn:4:17: error: value '0x100000000' out of range for 'addr' (max 0xffffffff)");
	EXPECT_ERRORS("vm vcpus=1025\n", "t.scn:1:10: error: value '1025' out of range for 'vcpus' (max 1024)");
	EXPECT_ERRORS("vm irqchip=foo\n",
		      "t.scn:1:12: error: bad value 'foo' for 'irqchip' (expected: kernel, split, none)");
	EXPECT_ERRORS(HDR "write ev 1 2\n", "t.scn:4:12: error: unexpected '2' after 'write'");
	EXPECT_ERRORS(HDR "write ev gsi=1\n", "t.scn:4:10: error: unknown key 'gsi' for 'write' (it takes no keys)");
	EXPECT_ERRORS(HDR "irq_line 4\n", "t.scn:4:11: error: missing LEVEL for 'irq_line'");
	EXPECT_ERRORS(HDR "settle now\n", "t.scn:4:8: error: unknown flag 'now' for 'settle' (expected: off, on)");
	EXPECT_ERRORS(HDR "settle off on\n", "t.scn:4:12: error: 'on' conflicts with 'off' for 'settle'");
	EXPECT_ERRORS(HDR "run schedules=1 schedules=2\n",
		      "t.scn:4:17: error: duplicate key 'schedules' for 'run'");
	EXPECT_ERRORS(HDR "routing\n  gsi 1 irqchip=ioapic\nend\n",
		      "t.scn:5:3: error: missing required key 'pin' for 'gsi' irqchip entry");
	EXPECT_ERRORS(HDR "routing\n  gsi 1 msi addr=1\nend\n",
		      "t.scn:5:3: error: missing required key 'data' for 'gsi' msi entry");
	EXPECT_ERRORS(HDR "routing\n  gsi 1 msi addr=1 data=2 pin=3\nend\n",
		      "t.scn:5:3: error: 'gsi' entry: 'msi' cannot be combined with irqchip= or pin=");
	EXPECT_ERRORS(HDR "routing\n  gsi 1 irqchip=ioapic pin=3 data=2\nend\n",
		      "t.scn:5:3: error: 'gsi' entry: addr=, data= and addr_hi= need 'msi'");
	EXPECT_ERRORS(HDR "routing\n  gsi 1\nend\n",
		      "t.scn:5:3: error: 'gsi' entry needs irqchip=CHIP pin=P, or msi addr=A data=D");
	EXPECT_ERRORS(HDR "routing\n  gsi 1 irqchip=pic pin=1\nend\n",
		      "t.scn:5:17: error: bad value 'pic' for 'irqchip' (expected: pic-master, pic-slave, ioapic)");
}

static void test_errors_guest(void)
{
	EXPECT_ERRORS(HDR "vcpu 4 ack\n", "t.scn:4:6: error: vCPU 4 out of range (the vm has vcpus=4)");
	EXPECT_ERRORS("vm\nvcpu 1 eoi\n", "t.scn:2:6: error: vCPU 1 out of range (the vm has vcpus=1)");
	EXPECT_ERRORS(HDR "expect lapic 9 irr none\n",
		      "t.scn:4:14: error: vCPU 9 out of range (the vm has vcpus=4)");
	EXPECT_ERRORS(HDR "vcpu 0 foo\n",
		      "t.scn:4:8: error: unexpected 'foo' in 'vcpu' statement (expected: lapic, ack, eoi, mmio, pio)");
	EXPECT_ERRORS(HDR "vcpu 0\n",
		      "t.scn:4:7: error: incomplete 'vcpu' statement (expected: lapic, ack, eoi, mmio, pio)");
	EXPECT_ERRORS(HDR "vcpu lapic id=1\n",
		      "t.scn:4:6: error: unexpected 'lapic' in 'vcpu' statement (expected: vCPU number)");
	EXPECT_ERRORS(HDR "vcpu 0 mmio read 1 1 1\n",
		      "t.scn:4:13: error: unexpected 'read' in 'vcpu' statement (expected: write)");
	EXPECT_ERRORS(HDR "vcpu 0 mmio write 0x1000 4\n", "t.scn:4:27: error: missing VALUE for 'vcpu write'");
	EXPECT_ERRORS(HDR "vcpu 0 lapic enable disable\n",
		      "t.scn:4:21: error: 'disable' conflicts with 'enable' for 'vcpu lapic'");
	EXPECT_ERRORS(HDR "vcpu 0 lapic dfr=mixed\n",
		      "t.scn:4:18: error: bad value 'mixed' for 'dfr' (expected: flat, cluster)");
	EXPECT_ERRORS(HDR "ioapic pin 3\n", "t.scn:4:1: error: 'ioapic pin' needs vector=V, or masked or unmasked");
	EXPECT_ERRORS(HDR "ioapic pin 3 trigger=level\n",
		      "t.scn:4:1: error: missing required key 'vector' for 'ioapic pin'");
	EXPECT_ERRORS(HDR "ioapic pin 3 vector=256\n",
		      "t.scn:4:21: error: value '256' out of range for 'vector' (max 0xff)");
	EXPECT_ERRORS(HDR "ioapic pin 3 masked unmasked\n",
		      "t.scn:4:21: error: 'unmasked' conflicts with 'masked' for 'ioapic pin'");
	EXPECT_ERRORS(HDR "ioapic pin 3 vector=0x30 delivery=weird\n",
		      "t.scn:4:35: error: bad value 'weird' for 'delivery' (expected: fixed, lowest, smi, nmi, init, extint)");
	EXPECT_ERRORS(HDR "ioapic 3 masked\n",
		      "t.scn:4:8: error: unexpected '3' in 'ioapic' statement (expected: pin)");
}

/* The contract writes every key of these statements as optional. */
static void test_all_keys_optional(void)
{
	struct scn_program *p = parse(HDR "vcpu 0 lapic\nexpect ioapic pin 1\nexpect exits\n");
	const struct scn_stmt *s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL_FATAL(p->n_stmts, 6);
	s = &p->stmts[3];
	CU_ASSERT_EQUAL(s->kind, SCN_LAPIC);
	CU_ASSERT(!s->u.lapic.has_id && !s->u.lapic.has_tpr && s->u.lapic.sw == SCN_LAPIC_SW_KEEP);
	s = &p->stmts[4];
	CU_ASSERT_EQUAL(s->kind, SCN_EXPECT_IOAPIC);
	CU_ASSERT_EQUAL(s->u.expect_ioapic.pin, 1);
	CU_ASSERT(!s->u.expect_ioapic.has_irr && !s->u.expect_ioapic.has_remote_irr);
	s = &p->stmts[5];
	CU_ASSERT_EQUAL(s->kind, SCN_EXPECT_EXITS);
	CU_ASSERT(!s->u.expect_exits.has_mmio && !s->u.expect_exits.has_pio);
	check_round_trip(p);
	scn_program_free(p);
}

static void test_errors_expect(void)
{
	EXPECT_ERRORS(HDR "expect lapic 0 irr\n", "t.scn:4:19: error: missing vectors (or 'none') for 'expect lapic'");
	EXPECT_ERRORS(HDR "expect lapic 0 irr 0x30 none\n",
		      "t.scn:4:25: error: 'none' cannot be combined with vectors");
	EXPECT_ERRORS(HDR "expect lapic 0 irr 256\n", "t.scn:4:20: error: vector '256' out of range (0-255)");
	EXPECT_ERRORS(HDR "expect lapic 0 irr foo\n",
		      "t.scn:4:20: error: bad vector 'foo' for 'expect lapic' (expected a number or 'none')");
	EXPECT_ERRORS(HDR "expect lapic 0 irr has\n", "t.scn:4:23: error: missing VECTOR for 'expect lapic'");
	EXPECT_ERRORS(HDR "expect lapic 0 irq 1\n",
		      "t.scn:4:16: error: unexpected 'irq' in 'expect' statement (expected: irr, isr, tmr)");
	EXPECT_ERRORS(HDR "expect pic 1\n",
		      "t.scn:4:8: error: unexpected 'pic' in 'expect' statement (expected: lapic, ioapic, eventfd, exits, stat)");
	EXPECT_ERRORS(HDR "expect\n",
		      "t.scn:4:7: error: incomplete 'expect' statement (expected: lapic, ioapic, eventfd, exits, stat)");
	EXPECT_ERRORS(HDR "expect ioapic pin 1 irr=2\n",
		      "t.scn:4:25: error: value '2' out of range for 'irr' (max 1)");
	EXPECT_ERRORS(HDR "expect eventfd ev\n",
		      "t.scn:4:1: error: missing required key 'count' for 'expect eventfd'");
	EXPECT_ERRORS(HDR "expect stat a=0x1ffffffffffffffff\n",
		      "t.scn:4:15: error: number '0x1ffffffffffffffff' does not fit in 64 bits");
	EXPECT_ERRORS(HDR "expect exits mmio=1 => ok\n",
		      "t.scn:4:21: error: 'expect exits' takes no '=>' result");
}

static void test_errors_results(void)
{
	EXPECT_ERRORS(HDR "irqfd ev gsi=1 => kernel\n",
		      "t.scn:4:19: error: result 'kernel' is not valid for 'irqfd' (expected: ok, an errno name, a number)");
	EXPECT_ERRORS(HDR "irqfd ev gsi=1 => EFOO\n", "t.scn:4:19: error: unknown errno name 'EFOO'");
	EXPECT_ERRORS(HDR "irqfd ev gsi=1 => maybe\n",
		      "t.scn:4:19: error: unknown result 'maybe' for 'irqfd' (expected: ok, an errno name, a number)");
	EXPECT_ERRORS(HDR "irqfd ev gsi=1 =>\n", "t.scn:4:18: error: missing result after '=>'");
	EXPECT_ERRORS(HDR "irqfd ev gsi=1 => ok|\n", "t.scn:4:22: error: missing result after '|'");
	EXPECT_ERRORS(HDR "irqfd ev gsi=1 => ok||EBUSY\n", "t.scn:4:22: error: empty alternative in result");
	EXPECT_ERRORS(HDR "irqfd ev gsi=1 => ok EBUSY\n",
		      "t.scn:4:22: error: unexpected 'EBUSY' after result (separate alternatives with '|')");
	EXPECT_ERRORS(HDR "irqfd ev gsi=1 => 1x\n", "t.scn:4:19: error: bad number '1x' in result");
	EXPECT_ERRORS(HDR "irqfd ev gsi=1 => -9223372036854775809\n",
		      "t.scn:4:19: error: number '-9223372036854775809' does not fit in 64 bits");
	EXPECT_ERRORS(HDR "vcpu 0 ack => 0x100\n", "t.scn:4:15: error: vector '0x100' out of range (0-255)");
	EXPECT_ERRORS(HDR "vcpu 0 ack => EINVAL\n",
		      "t.scn:4:15: error: result 'EINVAL' is not valid for 'vcpu ack' (expected: a vector, none)");
	EXPECT_ERRORS(HDR "vcpu 0 mmio write 1 4 1 => ok\n",
		      "t.scn:4:28: error: result 'ok' is not valid for 'vcpu write' (expected: kernel, exit)");
	EXPECT_ERRORS(HDR "vcpu 0 eoi => ok\n", "t.scn:4:12: error: 'vcpu eoi' takes no '=>' result");
	EXPECT_ERRORS(HDR "settle => ok\n", "t.scn:4:8: error: 'settle' takes no '=>' result");
	EXPECT_ERRORS(HDR "thread t => ok\nend\n", "t.scn:4:10: error: 'thread' takes no '=>' result");
}

/* recovery: one message per bad line, later lines still checked, in order */
static void test_errors_recovery(void)
{
	EXPECT_ERRORS("vm\nfoo\neventfd 1x\nwrite nope\nirqfd\n",
		      "t.scn:2:1: error: unknown statement 'foo'",
		      "t.scn:3:9: error: bad name '1x' (names match [A-Za-z_][A-Za-z0-9_.-]*)",
		      "t.scn:4:7: error: unknown eventfd 'nope' (declare it first: eventfd nope)",
		      "t.scn:5:1: error: missing required key 'gsi' for 'irqfd'",
		      "t.scn:5:6: error: missing eventfd NAME for 'irqfd'");
}

static void test_diag_cap(void)
{
	char text[4096];
	size_t len = 0;
	struct scn_program *p;
	struct scn_diag d;

	len += (size_t)sprintf(text + len, "vm\n");
	for (int i = 0; i < 50; i++)
		len += (size_t)sprintf(text + len, "bogus%d\n", i);
	scn_diag_init(&d);
	CU_ASSERT_EQUAL(scn_parse("c.scn", text, len, &p, &d), -EINVAL);
	CU_ASSERT_EQUAL(d.count, SCN_DIAG_MAX);
	CU_ASSERT(d.truncated);
	CU_ASSERT_STRING_EQUAL(d.msg[0].text, "c.scn:2:1: error: unknown statement 'bogus0'");
	CU_ASSERT_STRING_EQUAL(d.msg[19].text, "c.scn:21:1: error: unknown statement 'bogus19'");
	{
		char *out = NULL;
		size_t outlen = 0;
		FILE *f = open_memstream(&out, &outlen);

		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		scn_diag_print(&d, f);
		fclose(f);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "c.scn:2:1: error: unknown statement 'bogus0'\n"));
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "\ntoo many errors (showing the first 20)\n"));
		free(out);
	}
	scn_diag_free(&d);
	CU_ASSERT_EQUAL(d.count, 0);

	/* the interpreter reports run-time script errors the same way */
	scn_diag_add(&d, "f.scn", 3, 7, "unknown stat '%s'", "x.y");
	CU_ASSERT_EQUAL(d.count, 1);
	CU_ASSERT_STRING_EQUAL(d.msg[0].text, "f.scn:3:7: error: unknown stat 'x.y'");
	scn_diag_free(&d);
}

/* ---------------- round trip ---------------- */

static void test_round_trip_all(void)
{
	static const char all[] =
		"vm vcpus=3 irqchip=split\n"
		"eventfd a count=5\n"
		"eventfd b\n"
		"write a\n"
		"write b 7 => EBADF\n"
		"read a => 5|EAGAIN\n"
		"close b\n"
		"routing\n"
		"  gsi 0 irqchip=pic-master pin=0\n"
		"  gsi 1 irqchip=ioapic pin=1\n"
		"  gsi 40 msi addr=0xfee00000 data=0x4041 addr_hi=0x0\n"
		"end => ok|EINVAL\n"
		"routing default\n"
		"irq_line 1 0 => -1|0|1\n"
		"msi addr=0xfee01000 data=0x41 flags=0x0\n"
		"irqfd a gsi=1 resample=b flags=0x2 deassign => ok\n"
		"ioeventfd a pio addr=0x60 len=1 datamatch=0x0 flags=0x0 deassign => ENOENT\n"
		"settle off\n"
		"settle\n"
		"settle on\n"
		"vcpu 2 lapic id=0 ldr=0x0 dfr=flat tpr=0x0 disable x2apic\n"
		"vcpu 2 ack => 0x0\n"
		"vcpu 0 eoi\n"
		"vcpu 1 mmio write 0x0 0 0x0\n"
		"ioapic pin 0 vector=0x0 dest=0 destmode=physical delivery=fixed trigger=edge polarity=high unmasked\n"
		"ioapic pin 1 unmasked\n"
		"expect lapic 0 irr none\n"
		"expect lapic 0 isr has 0x0\n"
		"expect ioapic pin 0 irr=0 remote_irr=0\n"
		"expect eventfd a count=0\n"
		"expect exits mmio=0\n"
		"expect stat x=0\n"
		"thread th\n"
		"  routing default\n"
		"end\n"
		"thread empty\n"
		"end\n"
		"run seed=0x0\n";
	struct scn_program *p = parse(all);
	char *text;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	check_round_trip(p);
	/* defaults given explicitly are dropped in the canonical text */
	text = scn_program_print(p, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nioapic pin 0 vector=0x0 unmasked\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nwrite a\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nthread th\n  routing default\nend\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n  gsi 40 msi addr=0xfee00000 data=0x4041 addr_hi=0x0\nend => ok|EINVAL\n"));
	free(text);
	scn_program_free(p);
}

/* a program differing in any one field compares unequal */
static void test_equal_detects_differences(void)
{
	static const char *const pairs[][2] = {
		{ "vm\nirq_line 1 1\n", "vm\nirq_line 1 0\n" },
		{ "vm\nirq_line 1 1 => 1\n", "vm\nirq_line 1 1 => -1\n" },
		{ "vm\nirq_line 1 1 => ok\n", "vm\nirq_line 1 1\n" },
		{ "vm\neventfd a\nirqfd a gsi=1\n", "vm\neventfd a\nirqfd a gsi=1 deassign\n" },
		{ "vm\neventfd a\nirqfd a gsi=1\n", "vm\neventfd a\nirqfd a gsi=1 flags=0\n" },
		{ "vm\neventfd a\neventfd b\nwrite a\n", "vm\neventfd a\neventfd b\nwrite b\n" },
		{ "vm\neventfd a\n", "vm\neventfd b\n" },
		{ "vm\nexpect lapic 0 irr 1\n", "vm\nexpect lapic 0 irr 2\n" },
		{ "vm\nexpect stat a=1\n", "vm\nexpect stat b=1\n" },
		{ "vm\nthread a\nsettle\nend\n", "vm\nthread a\nsettle on\nend\n" },
		{ "vm\nrouting\ngsi 1 irqchip=ioapic pin=1\nend\n", "vm\nrouting\ngsi 1 irqchip=ioapic pin=2\nend\n" },
		{ "vm\nioapic pin 1 masked\n", "vm\nioapic pin 1 unmasked\n" },
		{ "vm vcpus=2\n", "vm vcpus=3\n" },
	};

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		struct scn_program *a = parse(pairs[i][0]), *b = parse(pairs[i][1]);

		CU_ASSERT_PTR_NOT_NULL_FATAL(a);
		CU_ASSERT_PTR_NOT_NULL_FATAL(b);
		CU_ASSERT(scn_program_equal(a, a));
		if (scn_program_equal(a, b))
			fprintf(stderr, "not told apart: %s vs %s\n", pairs[i][0], pairs[i][1]);
		CU_ASSERT(!scn_program_equal(a, b));
		scn_program_free(a);
		scn_program_free(b);
	}
}

static void test_kind_names(void)
{
	CU_ASSERT_STRING_EQUAL(scn_kind_name(SCN_IRQFD), "irqfd");
	CU_ASSERT_STRING_EQUAL(scn_kind_name(SCN_GUEST_WRITE), "vcpu write");
	CU_ASSERT_STRING_EQUAL(scn_kind_name(SCN_ROUTE_ENTRY), "gsi");
	for (int k = 0; k < SCN_KIND_COUNT; k++)
		CU_ASSERT_STRING_NOT_EQUAL(scn_kind_name((enum scn_kind)k), "?");
}

static const struct cunit_test stmt_tests[] = {
	{ "contract_example", test_contract_example },
	{ "vm", test_vm },
	{ "eventfd_ops", test_eventfd_ops },
	{ "routing", test_routing },
	{ "irq_line_msi", test_irq_line_msi },
	{ "irqfd", test_irqfd },
	{ "ioeventfd", test_ioeventfd },
	{ "settle", test_settle },
	{ "vcpu", test_vcpu },
	{ "ioapic_pin", test_ioapic_pin },
	{ "expect", test_expect },
	{ "threads", test_threads },
	{ "results", test_results },
	{ "errno_table", test_errno_table },
	{ "kind_names", test_kind_names },
	{ NULL, NULL },
};

static const struct cunit_test lex_tests[] = {
	{ "lexical", test_lexical },
	{ "binary_garbage", test_binary_garbage },
	{ "huge_line", test_huge_line },
	{ "speed", test_speed },
	{ NULL, NULL },
};

static const struct cunit_test error_tests[] = {
	{ "structure", test_errors_structure },
	{ "names", test_errors_names },
	{ "args", test_errors_args },
	{ "guest", test_errors_guest },
	{ "expect", test_errors_expect },
	{ "all_keys_optional", test_all_keys_optional },
	{ "results", test_errors_results },
	{ "recovery", test_errors_recovery },
	{ "cap", test_diag_cap },
	{ NULL, NULL },
};

static const struct cunit_test rt_tests[] = {
	{ "all_statements", test_round_trip_all },
	{ "equal_detects_differences", test_equal_detects_differences },
	{ NULL, NULL },
};

static const struct cunit_suite suites[] = {
	{ "statements", stmt_tests, NULL, NULL },
	{ "lexical", lex_tests, NULL, NULL },
	{ "errors", error_tests, NULL, NULL },
	{ "round_trip", rt_tests, NULL, NULL },
};

CUNIT_MAIN(suites)
