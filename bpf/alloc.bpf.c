// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Tier 3 of leak detection (`procwatch leaks --exact -p PID`): uprobes on
 * the target's libc allocator, byte-sampled in the kernel.
 *
 * Each thread of the target counts down the bytes it allocates; when the
 * countdown crosses zero the allocation is sampled and the countdown is
 * re-armed with a gap drawn from an exponential distribution (a table of
 * PW_ALLOC_GAP_SLOTS quantiles userspace fills), so every byte has the same
 * chance of being sampled (jemalloc's prof_sample). Unsampled calls return
 * after one hash update. A sampled allocation's address goes into
 * `outstanding_allocs` with its size and user stack; free only looks its
 * argument up there, so unsampled frees cost one failed lookup.
 *
 * The user stack is taken at the return probe: there the frame pointer is
 * the caller's and the IP is inside the caller, so the allocating function
 * is the first frame (at the entry the caller would be skipped).
 *
 * Attachment is per process (uprobe with a pid), so the kernel removes the
 * probes when procwatch's link fds close, even after kill -9.
 */
#include "common.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u32 targ_tgid = 0;

/* Exponential gaps in bytes, mean = the sampling period (filled before load). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PW_ALLOC_GAP_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} sample_gaps SEC(".maps");

/* Per thread: bytes left before the next sample (signed: may go below 0),
 * and the call in flight between entry and return. */
struct alloc_thread_state {
	__s64 countdown_bytes;
	__u64 pending_size_bytes; /* 0: the call in flight is not sampled */
	__u64 pending_memptr;     /* posix_memalign: where the result goes */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32); /* tid */
	__type(value, struct alloc_thread_state);
} thread_states SEC(".maps");

/* Sampled allocations not freed yet, by user address. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 262144);
	__type(key, __u64);
	__type(value, struct pw_alloc_info);
} outstanding_allocs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 16384);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 127 * sizeof(__u64));
} alloc_stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pw_alloc_counters);
} alloc_counters SEC(".maps");

static __always_inline struct pw_alloc_counters *counters(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&alloc_counters, &zero);
}

static __always_inline __u64 next_gap(void)
{
	__u32 slot = bpf_get_prandom_u32() & (PW_ALLOC_GAP_SLOTS - 1);
	__u64 *gap = bpf_map_lookup_elem(&sample_gaps, &slot);
	return gap && *gap ? *gap : 512 * 1024;
}

/* The entry of an allocation of `size` bytes: decides whether it is sampled. */
static __always_inline int on_alloc_entry(__u64 size, __u64 memptr)
{
	__u64 id = bpf_get_current_pid_tgid();
	if ((__u32)(id >> 32) != targ_tgid)
		return 0;
	__u32 tid = (__u32)id;
	struct pw_alloc_counters *c = counters();
	if (c) {
		c->alloc_calls++;
		c->alloc_bytes += size;
	}
	struct alloc_thread_state *st = bpf_map_lookup_elem(&thread_states, &tid);
	if (!st) {
		struct alloc_thread_state init = {.countdown_bytes = (__s64)next_gap()};
		bpf_map_update_elem(&thread_states, &tid, &init, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&thread_states, &tid);
		if (!st)
			return 0;
	}
	st->countdown_bytes -= (__s64)size;
	if (st->countdown_bytes > 0 || size == 0) {
		st->pending_size_bytes = 0;
		return 0;
	}
	/* Re-arm from zero: the overshoot of a large allocation is not
	 * carried (the exponential is memoryless, so this stays unbiased). */
	st->countdown_bytes = (__s64)next_gap();
	st->pending_size_bytes = size;
	st->pending_memptr = memptr;
	return 0;
}

/* The return of a sampled allocation: records the address and the stack. */
static __always_inline int on_alloc_return(struct pt_regs *ctx, __u64 addr, bool via_memptr)
{
	__u64 id = bpf_get_current_pid_tgid();
	if ((__u32)(id >> 32) != targ_tgid)
		return 0;
	__u32 tid = (__u32)id;
	struct alloc_thread_state *st = bpf_map_lookup_elem(&thread_states, &tid);
	if (!st || !st->pending_size_bytes)
		return 0;
	__u64 size = st->pending_size_bytes;
	st->pending_size_bytes = 0;
	if (via_memptr) {
		if (addr != 0) /* posix_memalign's error code */
			return 0;
		if (bpf_probe_read_user(&addr, sizeof(addr), (void *)st->pending_memptr))
			return 0;
	}
	if (!addr)
		return 0;
	struct pw_alloc_info info = {
		.size_bytes = size,
		.alloc_ns = bpf_ktime_get_ns(),
		.stack_id = (__s32)bpf_get_stackid(ctx, &alloc_stacks, BPF_F_USER_STACK),
	};
	struct pw_alloc_counters *c = counters();
	if (bpf_map_update_elem(&outstanding_allocs, &addr, &info, BPF_ANY)) {
		if (c)
			c->map_full_drops++;
		return 0;
	}
	if (c) {
		c->sampled++;
		if (info.stack_id < 0)
			c->stack_errors++;
	}
	return 0;
}

static __always_inline void on_free_addr(__u64 addr)
{
	if ((__u32)(bpf_get_current_pid_tgid() >> 32) != targ_tgid)
		return;
	struct pw_alloc_counters *c = counters();
	if (c)
		c->free_calls++;
	if (!addr)
		return;
	if (bpf_map_delete_elem(&outstanding_allocs, &addr) == 0 && c)
		c->frees_matched++;
}

/* Attached by name with an offset past free's first instruction (see
 * userspace/probe/alloc_probes.cpp): %rdi still holds the pointer there. */
SEC("uprobe")
int BPF_KPROBE(on_free, void *ptr)
{
	on_free_addr((__u64)ptr);
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(on_malloc, __u64 size)
{
	return on_alloc_entry(size, 0);
}

SEC("uretprobe")
int BPF_KRETPROBE(on_malloc_ret, void *ret)
{
	return on_alloc_return(ctx, (__u64)ret, false);
}

SEC("uprobe")
int BPF_KPROBE(on_calloc, __u64 n, __u64 size)
{
	return on_alloc_entry(n * size, 0);
}

SEC("uretprobe")
int BPF_KRETPROBE(on_calloc_ret, void *ret)
{
	return on_alloc_return(ctx, (__u64)ret, false);
}

/* realloc frees the old block (when it was sampled) and allocates anew;
 * a block realloc moves in place is recorded again under the same key. */
SEC("uprobe")
int BPF_KPROBE(on_realloc, void *ptr, __u64 size)
{
	on_free_addr((__u64)ptr);
	return on_alloc_entry(size, 0);
}

SEC("uretprobe")
int BPF_KRETPROBE(on_realloc_ret, void *ret)
{
	return on_alloc_return(ctx, (__u64)ret, false);
}

SEC("uprobe")
int BPF_KPROBE(on_posix_memalign, void **memptr, __u64 alignment, __u64 size)
{
	return on_alloc_entry(size, (__u64)memptr);
}

SEC("uretprobe")
int BPF_KRETPROBE(on_posix_memalign_ret, int ret)
{
	return on_alloc_return(ctx, (__u64)(__s64)ret, true);
}

/* aligned_alloc and memalign share (alignment, size). */
SEC("uprobe")
int BPF_KPROBE(on_aligned_alloc, __u64 alignment, __u64 size)
{
	return on_alloc_entry(size, 0);
}

SEC("uretprobe")
int BPF_KRETPROBE(on_aligned_alloc_ret, void *ret)
{
	return on_alloc_return(ctx, (__u64)ret, false);
}

/* valloc and pvalloc share (size). */
SEC("uprobe")
int BPF_KPROBE(on_valloc, __u64 size)
{
	return on_alloc_entry(size, 0);
}

SEC("uretprobe")
int BPF_KRETPROBE(on_valloc_ret, void *ret)
{
	return on_alloc_return(ctx, (__u64)ret, false);
}
