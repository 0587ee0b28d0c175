/*
 * The statement schemas: one table row per statement form. Positionals come
 * first in the order they are written, then keys and flags in the order the
 * canonical printer writes them (and error messages list them).
 */
#include <stddef.h>
#include "scn_internal.h"

#define SZ(T, f)	sizeof(((T *)0)->f)
#define OFF(T, f)	offsetof(T, f)
#define U8		0xffull
#define U32		0xffffffffull
#define U64		UINT64_MAX

#define P_WORD(w)	{ .kind = SE_WORD, .word = (w), .has_off = -1 }
#define P_ENUM(T, f, label, wl) \
	{ .kind = SE_ENUM, .word = (label), .size = SZ(T, f), .off = OFF(T, f), \
	  .has_off = -1, .words = (wl) }
#define P_NUM(T, f, label, mx, o, d) \
	{ .kind = SE_NUM, .word = (label), .size = SZ(T, f), .off = OFF(T, f), \
	  .has_off = -1, .max = (mx), .opts = (o), .dflt = (d) }
#define P_VCPU(T) \
	{ .kind = SE_VCPU, .word = "vCPU number", .size = SZ(T, vcpu), \
	  .off = OFF(T, vcpu), .has_off = -1, .max = U32 }
#define P_EFD(T, f) \
	{ .kind = SE_EFD, .word = "eventfd NAME", .size = SZ(T, f), .off = OFF(T, f), \
	  .has_off = -1 }
#define P_EFD_DECL(T, f) \
	{ .kind = SE_EFD_DECL, .word = "eventfd NAME", .size = SZ(T, f), \
	  .off = OFF(T, f), .has_off = -1 }
#define P_NAME(T, f, label) \
	{ .kind = SE_NAME, .word = (label), .size = SZ(T, f), .off = OFF(T, f), \
	  .has_off = -1 }
#define P_VLIST(T, f) \
	{ .kind = SE_VLIST, .word = "vectors (or 'none')", .size = SZ(T, f), \
	  .off = OFF(T, f), .has_off = -1 }
#define P_STAT(T, f, v) \
	{ .kind = SE_STAT, .word = "NAME=N", .size = SZ(T, v), .off = OFF(T, f), \
	  .off2 = OFF(T, v), .has_off = -1, .max = U64 }

#define K_NUM(T, key, f, mx, o, d) \
	{ .kind = SE_KEY, .vtype = SV_NUM, .word = (key), .size = SZ(T, f), \
	  .off = OFF(T, f), .has_off = -1, .max = (mx), .opts = (o), .dflt = (d) }
#define K_NUMH(T, key, f, mx, o) \
	{ .kind = SE_KEY, .vtype = SV_NUM, .word = (key), .size = SZ(T, f), \
	  .off = OFF(T, f), .has_off = OFF(T, has_##f), .max = (mx), .opts = (o) }
#define K_ENUM(T, key, f, wl) \
	{ .kind = SE_KEY, .vtype = SV_ENUM, .word = (key), .size = SZ(T, f), \
	  .off = OFF(T, f), .has_off = -1, .words = (wl) }
#define K_ENUMH(T, key, f, wl) \
	{ .kind = SE_KEY, .vtype = SV_ENUM, .word = (key), .size = SZ(T, f), \
	  .off = OFF(T, f), .has_off = OFF(T, has_##f), .words = (wl) }
#define K_EFDH(T, key, f, hasf) \
	{ .kind = SE_KEY, .vtype = SV_EFD, .word = (key), .size = SZ(T, f), \
	  .off = OFF(T, f), .has_off = OFF(T, hasf) }
#define FLAG(T, w, f, v, o) \
	{ .kind = SE_FLAG, .word = (w), .size = SZ(T, f), .off = OFF(T, f), \
	  .has_off = -1, .value = (v), .opts = (o) }

#define SCHEMA(var, k, nm, res, chk, ...)					\
	static const struct scn_elem var##_elems[] = { __VA_ARGS__ };		\
	static const struct scn_schema var = {					\
		.kind = (k), .name = (nm), .elems = var##_elems,		\
		.n_elems = sizeof(var##_elems) / sizeof(var##_elems[0]),	\
		.results = (res), .check = (chk) }

static const struct scn_word irqchip_words[] = {
	{ "kernel", SCN_IRQCHIP_KERNEL }, { "split", SCN_IRQCHIP_SPLIT },
	{ "none", SCN_IRQCHIP_NONE }, { NULL, 0 } };
static const struct scn_word chip_words[] = {
	{ "pic-master", SCN_CHIP_PIC_MASTER }, { "pic-slave", SCN_CHIP_PIC_SLAVE },
	{ "ioapic", SCN_CHIP_IOAPIC }, { NULL, 0 } };
static const struct scn_word space_words[] = {
	{ "mmio", SCN_SPACE_MMIO }, { "pio", SCN_SPACE_PIO }, { NULL, 0 } };
static const struct scn_word dfr_words[] = {
	{ "flat", SCN_DFR_FLAT }, { "cluster", SCN_DFR_CLUSTER }, { NULL, 0 } };
static const struct scn_word destmode_words[] = {
	{ "physical", SCN_DESTMODE_PHYSICAL }, { "logical", SCN_DESTMODE_LOGICAL },
	{ NULL, 0 } };
static const struct scn_word delivery_words[] = {
	{ "fixed", SCN_DELIVERY_FIXED }, { "lowest", SCN_DELIVERY_LOWEST },
	{ "smi", SCN_DELIVERY_SMI }, { "nmi", SCN_DELIVERY_NMI },
	{ "init", SCN_DELIVERY_INIT }, { "extint", SCN_DELIVERY_EXTINT },
	{ NULL, 0 } };
static const struct scn_word trigger_words[] = {
	{ "edge", SCN_TRIGGER_EDGE }, { "level", SCN_TRIGGER_LEVEL }, { NULL, 0 } };
static const struct scn_word polarity_words[] = {
	{ "high", SCN_POLARITY_HIGH }, { "low", SCN_POLARITY_LOW }, { NULL, 0 } };
static const struct scn_word reg_words[] = {
	{ "irr", SCN_APIC_IRR }, { "isr", SCN_APIC_ISR }, { "tmr", SCN_APIC_TMR },
	{ NULL, 0 } };

/* ---- cross-argument checks ---- */

static void check_route_entry(struct scn_parser *p, const struct scn_tok *kw,
			      void *base, uint64_t seen)
{
	struct scn_route_entry *e = base;

	if (e->msi) {
		e->type = SCN_ROUTE_MSI;
		if (e->has_chip || e->has_pin)
			scn_error(p, kw->col, "'gsi' entry: 'msi' cannot be combined with irqchip= or pin=");
		if (!e->has_addr)
			scn_error(p, kw->col, "missing required key 'addr' for 'gsi' msi entry");
		if (!e->has_data)
			scn_error(p, kw->col, "missing required key 'data' for 'gsi' msi entry");
	} else if (e->has_chip) {
		e->type = SCN_ROUTE_IRQCHIP;
		if (!e->has_pin)
			scn_error(p, kw->col, "missing required key 'pin' for 'gsi' irqchip entry");
		if (e->has_addr || e->has_data || e->has_addr_hi)
			scn_error(p, kw->col, "'gsi' entry: addr=, data= and addr_hi= need 'msi'");
	} else {
		scn_error(p, kw->col, "'gsi' entry needs irqchip=CHIP pin=P, or msi addr=A data=D");
	}
}


static void check_ioapic_pin(struct scn_parser *p, const struct scn_tok *kw,
			     void *base, uint64_t seen)
{
	struct scn_ioapic_pin *pin = base;
	pin->program = pin->has_vector;
	if (pin->has_vector)
		return;
	/* elems 4..8 are the keys after vector= (s_ioapic_pin) */
	if (seen & 0x1f0ull)
		scn_error(p, kw->col, "missing required key 'vector' for 'ioapic pin'");
	else if (pin->mask == SCN_PIN_MASK_NONE)
		scn_error(p, kw->col, "'ioapic pin' needs vector=V, or masked or unmasked");
}



/* ---- host side ---- */

SCHEMA(s_vm, SCN_VM, "vm", SR_CALL, NULL,
	P_WORD("vm"),
	K_NUM(struct scn_vm, "vcpus", vcpus, SCN_MAX_VCPUS, 0, 1),
	K_ENUM(struct scn_vm, "irqchip", irqchip, irqchip_words));

SCHEMA(s_eventfd, SCN_EVENTFD, "eventfd", SR_CALL, NULL,
	P_WORD("eventfd"),
	P_EFD_DECL(struct scn_eventfd, efd),
	K_NUM(struct scn_eventfd, "count", count, U64, 0, 0));

SCHEMA(s_write, SCN_WRITE, "write", SR_CALL, NULL,
	P_WORD("write"),
	P_EFD(struct scn_write, efd),
	P_NUM(struct scn_write, value, "N", U64, SO_OPTIONAL, 1));

SCHEMA(s_read, SCN_READ, "read", SR_CALL, NULL,
	P_WORD("read"),
	P_EFD(struct scn_efd_ref, efd));

SCHEMA(s_close, SCN_CLOSE, "close", SR_CALL, NULL,
	P_WORD("close"),
	P_EFD(struct scn_efd_ref, efd));

SCHEMA(s_routing, SCN_ROUTING, "routing", SR_CALL, NULL,
	P_WORD("routing"),
	FLAG(struct scn_routing, "default", is_default, 1, 0));

SCHEMA(s_irq_line, SCN_IRQ_LINE, "irq_line", SR_CALL, NULL,
	P_WORD("irq_line"),
	P_NUM(struct scn_irq_line, gsi, "GSI", U32, 0, 0),
	P_NUM(struct scn_irq_line, level, "LEVEL", U32, 0, 0));

SCHEMA(s_msi, SCN_MSI, "msi", SR_CALL, NULL,
	P_WORD("msi"),
	K_NUM(struct scn_msi, "addr", addr, U32, SO_REQUIRED | SO_HEX, 0),
	K_NUM(struct scn_msi, "data", data, U32, SO_REQUIRED | SO_HEX, 0),
	K_NUMH(struct scn_msi, "addr_hi", addr_hi, U32, SO_HEX),
	K_NUMH(struct scn_msi, "flags", flags, U32, SO_HEX));

SCHEMA(s_irqfd, SCN_IRQFD, "irqfd", SR_CALL, NULL,
	P_WORD("irqfd"),
	P_EFD(struct scn_irqfd, efd),
	K_NUM(struct scn_irqfd, "gsi", gsi, U32, SO_REQUIRED, 0),
	K_EFDH(struct scn_irqfd, "resample", resample_efd, has_resample),
	K_NUMH(struct scn_irqfd, "flags", flags, U32, SO_HEX),
	FLAG(struct scn_irqfd, "deassign", deassign, 1, 0));

SCHEMA(s_ioeventfd, SCN_IOEVENTFD, "ioeventfd", SR_CALL, NULL,
	P_WORD("ioeventfd"),
	P_EFD(struct scn_ioeventfd, efd),
	FLAG(struct scn_ioeventfd, "mmio", space, SCN_SPACE_MMIO, SO_REQUIRED),
	FLAG(struct scn_ioeventfd, "pio", space, SCN_SPACE_PIO, SO_REQUIRED),
	K_NUM(struct scn_ioeventfd, "addr", addr, U64, SO_REQUIRED | SO_HEX, 0),
	K_NUM(struct scn_ioeventfd, "len", len, U32, SO_REQUIRED, 0),
	K_NUMH(struct scn_ioeventfd, "datamatch", datamatch, U64, SO_HEX),
	K_NUMH(struct scn_ioeventfd, "flags", flags, U32, SO_HEX),
	FLAG(struct scn_ioeventfd, "deassign", deassign, 1, 0));

SCHEMA(s_settle, SCN_SETTLE, "settle", 0, NULL,
	P_WORD("settle"),
	FLAG(struct scn_settle, "off", mode, SCN_SETTLE_OFF, 0),
	FLAG(struct scn_settle, "on", mode, SCN_SETTLE_ON, 0));

/* ---- guest side ---- */

SCHEMA(s_lapic, SCN_LAPIC, "vcpu lapic", SR_CALL, NULL,
	P_WORD("vcpu"),
	P_VCPU(struct scn_lapic),
	P_WORD("lapic"),
	K_NUMH(struct scn_lapic, "id", id, U32, 0),
	K_NUMH(struct scn_lapic, "ldr", ldr, U32, SO_HEX),
	K_ENUMH(struct scn_lapic, "dfr", dfr, dfr_words),
	K_NUMH(struct scn_lapic, "tpr", tpr, U32, SO_HEX),
	FLAG(struct scn_lapic, "enable", sw, SCN_LAPIC_SW_ENABLE, 0),
	FLAG(struct scn_lapic, "disable", sw, SCN_LAPIC_SW_DISABLE, 0),
	FLAG(struct scn_lapic, "x2apic", x2apic, 1, 0));

SCHEMA(s_ack, SCN_ACK, "vcpu ack", SR_VECTOR | SR_NONE, NULL,
	P_WORD("vcpu"),
	P_VCPU(struct scn_vcpu_ref),
	P_WORD("ack"));

SCHEMA(s_eoi, SCN_EOI, "vcpu eoi", 0, NULL,
	P_WORD("vcpu"),
	P_VCPU(struct scn_vcpu_ref),
	P_WORD("eoi"));

SCHEMA(s_guest_write, SCN_GUEST_WRITE, "vcpu write", SR_KERNEL | SR_EXIT, NULL,
	P_WORD("vcpu"),
	P_VCPU(struct scn_guest_write),
	P_ENUM(struct scn_guest_write, space, "mmio or pio", space_words),
	P_WORD("write"),
	P_NUM(struct scn_guest_write, addr, "ADDR", U64, SO_HEX, 0),
	P_NUM(struct scn_guest_write, len, "LEN", U32, 0, 0),
	P_NUM(struct scn_guest_write, value, "VALUE", U64, SO_HEX, 0));

/* check_ioapic_pin knows the element order: 3 positionals, 6 keys, 2 flags */
SCHEMA(s_ioapic_pin, SCN_IOAPIC_PIN, "ioapic pin", 0, check_ioapic_pin,
	P_WORD("ioapic"),
	P_WORD("pin"),
	P_NUM(struct scn_ioapic_pin, pin, "PIN", U32, 0, 0),
	K_NUMH(struct scn_ioapic_pin, "vector", vector, U8, SO_HEX),
	K_NUM(struct scn_ioapic_pin, "dest", dest, U8, 0, 0),
	K_ENUM(struct scn_ioapic_pin, "destmode", destmode, destmode_words),
	K_ENUM(struct scn_ioapic_pin, "delivery", delivery, delivery_words),
	K_ENUM(struct scn_ioapic_pin, "trigger", trigger, trigger_words),
	K_ENUM(struct scn_ioapic_pin, "polarity", polarity, polarity_words),
	FLAG(struct scn_ioapic_pin, "masked", mask, SCN_PIN_MASKED, 0),
	FLAG(struct scn_ioapic_pin, "unmasked", mask, SCN_PIN_UNMASKED, 0));

/* ---- expectations ---- */

SCHEMA(s_expect_lapic_has, SCN_EXPECT_LAPIC_HAS, "expect lapic", 0, NULL,
	P_WORD("expect"),
	P_WORD("lapic"),
	P_VCPU(struct scn_expect_lapic),
	P_ENUM(struct scn_expect_lapic, reg, "irr, isr or tmr", reg_words),
	P_WORD("has"),
	P_NUM(struct scn_expect_lapic, vector, "VECTOR", U8, SO_HEX, 0));

SCHEMA(s_expect_lapic, SCN_EXPECT_LAPIC, "expect lapic", 0, NULL,
	P_WORD("expect"),
	P_WORD("lapic"),
	P_VCPU(struct scn_expect_lapic),
	P_ENUM(struct scn_expect_lapic, reg, "irr, isr or tmr", reg_words),
	P_VLIST(struct scn_expect_lapic, set));

SCHEMA(s_expect_ioapic, SCN_EXPECT_IOAPIC, "expect ioapic", 0, NULL,
	P_WORD("expect"),
	P_WORD("ioapic"),
	P_WORD("pin"),
	P_NUM(struct scn_expect_ioapic, pin, "PIN", U32, 0, 0),
	K_NUMH(struct scn_expect_ioapic, "irr", irr, 1, 0),
	K_NUMH(struct scn_expect_ioapic, "remote_irr", remote_irr, 1, 0));

SCHEMA(s_expect_eventfd, SCN_EXPECT_EVENTFD, "expect eventfd", 0, NULL,
	P_WORD("expect"),
	P_WORD("eventfd"),
	P_EFD(struct scn_expect_eventfd, efd),
	K_NUM(struct scn_expect_eventfd, "count", count, U64, SO_REQUIRED, 0));

SCHEMA(s_expect_exits, SCN_EXPECT_EXITS, "expect exits", 0, NULL,
	P_WORD("expect"),
	P_WORD("exits"),
	K_NUMH(struct scn_expect_exits, "mmio", mmio, U64, 0),
	K_NUMH(struct scn_expect_exits, "pio", pio, U64, 0));

SCHEMA(s_expect_stat, SCN_EXPECT_STAT, "expect stat", 0, NULL,
	P_WORD("expect"),
	P_WORD("stat"),
	P_STAT(struct scn_expect_stat, name, value));

/* ---- concurrency ---- */

SCHEMA(s_thread, SCN_THREAD, "thread", 0, NULL,
	P_WORD("thread"),
	P_NAME(struct scn_thread, name, "thread NAME"));

SCHEMA(s_run, SCN_RUN, "run", 0, NULL,
	P_WORD("run"),
	K_NUMH(struct scn_run, "schedules", schedules, U64, 0),
	K_NUMH(struct scn_run, "seed", seed, U64, SO_HEX));

/* ---- routing block entries ---- */

/* printing order gives `gsi N irqchip=C pin=P` and `gsi N msi addr=A data=D` */
SCHEMA(s_route_entry, SCN_ROUTE_ENTRY, "gsi", 0, check_route_entry,
	P_WORD("gsi"),
	P_NUM(struct scn_route_entry, gsi, "GSI", U32, 0, 0),
	K_ENUMH(struct scn_route_entry, "irqchip", chip, chip_words),
	K_NUMH(struct scn_route_entry, "pin", pin, U32, 0),
	FLAG(struct scn_route_entry, "msi", msi, 1, 0),
	K_NUMH(struct scn_route_entry, "addr", addr, U32, SO_HEX),
	K_NUMH(struct scn_route_entry, "data", data, U32, SO_HEX),
	K_NUMH(struct scn_route_entry, "addr_hi", addr_hi, U32, SO_HEX));

const struct scn_schema *const scn_route_entry_schema = &s_route_entry;

/* Tried in this order; the first whose words match the line is used. */
const struct scn_schema *const scn_dispatch[] = {
	&s_vm, &s_eventfd, &s_write, &s_read, &s_close, &s_routing,
	&s_irq_line, &s_msi, &s_irqfd, &s_ioeventfd, &s_settle,
	&s_lapic, &s_ack, &s_eoi, &s_guest_write, &s_ioapic_pin,
	&s_expect_lapic_has, &s_expect_lapic, &s_expect_ioapic,
	&s_expect_eventfd, &s_expect_exits, &s_expect_stat,
	&s_thread, &s_run,
};
const size_t scn_n_dispatch = sizeof(scn_dispatch) / sizeof(scn_dispatch[0]);

static const struct scn_schema *const by_kind[SCN_KIND_COUNT + 1] = {
	[SCN_VM] = &s_vm, [SCN_EVENTFD] = &s_eventfd, [SCN_WRITE] = &s_write,
	[SCN_READ] = &s_read, [SCN_CLOSE] = &s_close, [SCN_ROUTING] = &s_routing,
	[SCN_IRQ_LINE] = &s_irq_line, [SCN_MSI] = &s_msi, [SCN_IRQFD] = &s_irqfd,
	[SCN_IOEVENTFD] = &s_ioeventfd, [SCN_SETTLE] = &s_settle,
	[SCN_LAPIC] = &s_lapic, [SCN_ACK] = &s_ack, [SCN_EOI] = &s_eoi,
	[SCN_GUEST_WRITE] = &s_guest_write, [SCN_IOAPIC_PIN] = &s_ioapic_pin,
	[SCN_EXPECT_LAPIC] = &s_expect_lapic,
	[SCN_EXPECT_LAPIC_HAS] = &s_expect_lapic_has,
	[SCN_EXPECT_IOAPIC] = &s_expect_ioapic,
	[SCN_EXPECT_EVENTFD] = &s_expect_eventfd,
	[SCN_EXPECT_EXITS] = &s_expect_exits, [SCN_EXPECT_STAT] = &s_expect_stat,
	[SCN_THREAD] = &s_thread, [SCN_RUN] = &s_run,
	[SCN_ROUTE_ENTRY] = &s_route_entry,
};

const struct scn_schema *scn_schema_of(enum scn_kind kind)
{
	if ((unsigned int)kind > SCN_KIND_COUNT)
		return NULL;
	return by_kind[kind];
}

const char *scn_kind_name(enum scn_kind kind)
{
	const struct scn_schema *s = scn_schema_of(kind);

	return s ? s->name : "?";
}
