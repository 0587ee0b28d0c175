#ifndef BENCH_RAW_H
#define BENCH_RAW_H
/* ns per operation (lock+unlock pair), -1 when not available in this build */
double raw_urcu_read_ns(unsigned long n);
double raw_urcu_sync_ns(unsigned long n);
double raw_ck_epoch_ns(unsigned long n);
double raw_ck_spin_ns(unsigned long n);
double raw_pthread_mutex_ns(unsigned long n);
#endif
