// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Empty programs on the same hooks as the real ones: the cost floor that
 * the benchmarks compare against (`procwatch bench-floor`). Never loaded by
 * normal operation.
 */
#include "common.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tp_btf/sched_switch")
int BPF_PROG(empty_sched_switch) { return 0; }

SEC("tp_btf/sched_wakeup")
int BPF_PROG(empty_sched_wakeup) { return 0; }

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(empty_sched_wakeup_new) { return 0; }

SEC("tp_btf/sched_process_fork")
int BPF_PROG(empty_process_fork) { return 0; }

SEC("tp_btf/sched_process_exec")
int BPF_PROG(empty_process_exec) { return 0; }

SEC("tp_btf/sched_process_exit")
int BPF_PROG(empty_process_exit) { return 0; }
