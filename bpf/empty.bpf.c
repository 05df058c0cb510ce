// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Empty programs on the same hooks as the real ones: the cost floor that
 * the benchmarks compare against (bench/tools/bpf_floor, bpf_event_cost).
 * Each is named empty_<hook>, as procwatch's own are on_<hook>. Never
 * loaded by normal operation.
 */
#include "common.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define EMPTY_TP_BTF(hook)                  \
	SEC("tp_btf/" #hook)                \
	int BPF_PROG(empty_##hook)          \
	{                                   \
		return 0;                   \
	}

/* procwatch's lifecycle programs are on_process_*: match their names. */
#define EMPTY_TP_BTF_AS(hook, name)         \
	SEC("tp_btf/" #hook)                \
	int BPF_PROG(empty_##name)          \
	{                                   \
		return 0;                   \
	}

#define EMPTY_TRACEPOINT(category, hook)        \
	SEC("tracepoint/" #category "/" #hook)  \
	int empty_##hook(void *ctx)             \
	{                                       \
		return 0;                       \
	}

EMPTY_TP_BTF(sched_switch)
EMPTY_TP_BTF_AS(sched_process_fork, process_fork)
EMPTY_TP_BTF_AS(sched_process_exec, process_exec)
EMPTY_TP_BTF_AS(sched_process_exit, process_exit)
EMPTY_TP_BTF(block_bio_queue)
EMPTY_TP_BTF(block_io_start)
EMPTY_TP_BTF(block_rq_issue)
EMPTY_TP_BTF(block_rq_complete)
EMPTY_TP_BTF(sock_send_length)
EMPTY_TP_BTF(sock_recv_length)
EMPTY_TP_BTF(inet_sock_set_state)
EMPTY_TP_BTF(tcp_retransmit_skb)
EMPTY_TRACEPOINT(syscalls, sys_enter_mmap)
EMPTY_TRACEPOINT(syscalls, sys_enter_munmap)
EMPTY_TRACEPOINT(syscalls, sys_enter_brk)
EMPTY_TRACEPOINT(syscalls, sys_exit_brk)
