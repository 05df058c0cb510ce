// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Empty programs on the same hooks as the real ones: the cost floor that
 * the benchmarks compare against (bench/tools/bpf_floor, bpf_event_cost).
 * bpf_event_cost pairs programs by the hook in their section name, so the
 * names are free; they read empty_<hook>. Never loaded by normal operation.
 *
 * The ref_* programs at the end are not floors: each does one thing
 * procwatch's programs cannot avoid (a ring-buffer record of a lifecycle
 * event's size, one task-storage lookup, one clock read, one cold cache
 * line of a table indexed by request), so bpf_event_cost can show what
 * that alone costs on the same events. bpf_floor does not load them.
 */
#include "common.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define EMPTY_TP_BTF(hook)                  \
	SEC("tp_btf/" #hook)                \
	int BPF_PROG(empty_##hook)          \
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
EMPTY_TP_BTF(sched_process_fork)
EMPTY_TP_BTF(sched_process_exec)
EMPTY_TP_BTF(sched_process_exit)
EMPTY_TP_BTF(block_bio_queue)
EMPTY_TP_BTF(block_io_start)
EMPTY_TP_BTF(block_rq_issue)
EMPTY_TP_BTF(block_rq_complete)
EMPTY_TP_BTF(sock_send_length)
EMPTY_TP_BTF(sock_recv_length)
EMPTY_TP_BTF(inet_sock_set_state)
EMPTY_TP_BTF(tcp_retransmit_skb)
EMPTY_TP_BTF(tcp_send_reset)
EMPTY_TP_BTF(tcp_receive_reset)
EMPTY_TP_BTF(block_getrq)
EMPTY_TP_BTF(mark_victim)
EMPTY_TRACEPOINT(syscalls, sys_enter_mmap)
EMPTY_TRACEPOINT(syscalls, sys_enter_munmap)
EMPTY_TRACEPOINT(syscalls, sys_enter_brk)
EMPTY_TRACEPOINT(syscalls, sys_exit_brk)

/* Its own ring, drained by bpf_event_cost, so procwatch's is unaffected. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} ref_events SEC(".maps");

/* Reserve, fill with zeros and submit one record of `size` bytes, nothing
 * else: no clock, no wakeup (procwatch's reader drains on a timer). Filling
 * it matters: every line of a fresh record is a cache miss to write. */
#define REF_RINGBUF(hook, name, size)                                   \
	SEC("tp_btf/" #hook)                                            \
	int BPF_PROG(ref_ringbuf_##name)                                \
	{                                                               \
		void *e = bpf_ringbuf_reserve(&ref_events, size, 0);    \
		if (!e)                                                 \
			return 0;                                       \
		__builtin_memset(e, 0, size);                           \
		bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);                \
		return 0;                                               \
	}

REF_RINGBUF(sched_process_fork, process_fork, sizeof(struct pw_fork_event))
REF_RINGBUF(sched_process_exec, process_exec, sizeof(struct pw_exec_event))
REF_RINGBUF(sched_process_exit, process_exit, sizeof(struct pw_exit_event))

/* One task-storage lookup of the current thread, created on first use:
 * what every per-process counter of procwatch needs at least. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} ref_task_storage SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_mmap")
int ref_task_storage_sys_enter_mmap(void *ctx)
{
	__u64 *v = bpf_task_storage_get(&ref_task_storage, bpf_get_current_task_btf(), 0,
					BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (v)
		*v += 1;
	return 0;
}

/* One clock read (bpf_ktime_get_ns), as a latency measurement needs. */
SEC("tp_btf/block_rq_complete")
int BPF_PROG(ref_ktime_block_rq_complete)
{
	return bpf_ktime_get_ns() & 1;
}

/* One cache line of a 128 KiB array at an index hashed from the request
 * pointer: what finding any per-request state costs when it is cold. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2048);
	__type(key, __u32);
	__type(value, __u64[8]);
} ref_table SEC(".maps");

SEC("tp_btf/block_io_start")
int BPF_PROG(ref_table_line_block_io_start, struct request *rq)
{
	/* Pointer minus pointer is the one arithmetic the verifier allows. */
	__u64 id = (__u64)rq - (__u64)&ref_table;
	__u32 idx = (id * 0x9E3779B97F4A7C15ULL) >> 53;
	__u64 *line = bpf_map_lookup_elem(&ref_table, &idx);
	if (line)
		line[0] += 1;
	return 0;
}
