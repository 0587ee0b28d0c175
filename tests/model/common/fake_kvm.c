/* The hand-built struct kvm the model unit tests share (see fake_kvm.h). */
#include <stdlib.h>
#include <string.h>
#include <kshim/srcu.h>

#include "fake_kvm.h"

struct kvm *fake_kvm_alloc(struct sim *sim, enum kvm_irqchip_mode mode)
{
	struct kvm *kvm = calloc(1, sizeof(*kvm));

	if (!kvm)
		abort();
	kvm->sim = sim;
	mutex_init(&kvm->lock);
	mutex_init(&kvm->slots_lock);
	mutex_init(&kvm->irq_lock);
	if (init_srcu_struct(&kvm->srcu) || init_srcu_struct(&kvm->irq_srcu))
		abort();
	INIT_HLIST_HEAD(&kvm->irq_ack_notifier_list);
	kvm->arch.irqchip_mode = mode;
	return kvm;
}

void fake_kvm_free(struct kvm *kvm)
{
	cleanup_srcu_struct(&kvm->irq_srcu);
	cleanup_srcu_struct(&kvm->srcu);
	free(kvm);
}

u64 fake_kvm_stat(struct kvm *kvm, const char *name)
{
#define X(field, sname, doc)						\
	if (!strcmp(name, sname))					\
		return kvm_stat_read(kvm, field);
	KVM_SIM_STATS(X)
#undef X
	abort();
}
