/* kvm_main.c: placeholder until its owner lands it. */
