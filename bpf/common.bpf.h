/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Helpers shared by every procwatch BPF object.
 *
 * Kernel structures are read with plain loads through BTF-typed pointers
 * (tp_btf arguments, bpf_get_current_task_btf(), iterator contexts and
 * what they point to), not BPF_CORE_READ: the verifier turns those loads
 * into fault-safe direct loads (BPF_PROBE_MEM), about 1 ns each, where
 * every BPF_CORE_READ is a bpf_probe_read_kernel() call, measured at
 * ~45 ns here (bench/tools/bpf_event_cost). CO-RE still relocates the
 * offsets. BPF_CORE_READ remains only where the pointer is untyped
 * (raw_tp arguments).
 */
#ifndef PROCWATCH_COMMON_BPF_H
#define PROCWATCH_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "procwatch_abi.h"

#ifndef PF_EXITING
#define PF_EXITING 0x00000004
#endif
#ifndef PF_KTHREAD
#define PF_KTHREAD 0x00200000
#endif
#ifndef TASK_RUNNING
#define TASK_RUNNING 0
#endif

/* Kernels before 5.14 call the task state field "state". */
struct task_struct___pre514 {
	long state;
} __attribute__((preserve_access_index));

static __always_inline __u32 pw_task_state(struct task_struct *t)
{
	if (bpf_core_field_exists(t->__state))
		return t->__state;
	return (__u32)((struct task_struct___pre514 *)t)->state;
}

/* Bucket index of a log2 histogram over nanoseconds. The mask keeps
 * clang 14 from dropping the verifier-visible bound on the index. */
static __always_inline __u32 pw_log2_bucket(__u64 v)
{
	__u32 r = 0;
	if (v >= (1ULL << 32)) { v >>= 32; r += 32; }
	if (v >= (1ULL << 16)) { v >>= 16; r += 16; }
	if (v >= (1ULL << 8)) { v >>= 8; r += 8; }
	if (v >= (1ULL << 4)) { v >>= 4; r += 4; }
	if (v >= (1ULL << 2)) { v >>= 2; r += 2; }
	if (v >= (1ULL << 1)) { r += 1; }
	if (r >= PW_HIST_BUCKETS)
		r = PW_HIST_BUCKETS - 1;
	return r & (PW_HIST_BUCKETS - 1);
}

/* Reads the kernel's own per-thread accounting (what /proc reports). */
static __always_inline void pw_read_thread_counters(struct task_struct *t,
						    struct pw_task_counters *c)
{
	c->runtime_ns = t->se.sum_exec_runtime;
	c->vol_ctxsw = t->nvcsw;
	c->invol_ctxsw = t->nivcsw;
	c->min_flt = t->min_flt;
	c->maj_flt = t->maj_flt;
	c->utime_ns = t->utime;
	c->stime_ns = t->stime;
	/* ioac exists only with CONFIG_TASK_XACCT. */
	if (bpf_core_field_exists(t->ioac)) {
		c->read_bytes = t->ioac.read_bytes;
		c->write_bytes = t->ioac.write_bytes;
	}
}

/* Totals of a process's threads that were already reaped. */
static __always_inline void pw_read_signal_counters(struct task_struct *t,
						    struct pw_task_counters *c)
{
	struct signal_struct *s = t->signal;
	c->runtime_ns = s->sum_sched_runtime;
	c->vol_ctxsw = s->nvcsw;
	c->invol_ctxsw = s->nivcsw;
	c->min_flt = s->min_flt;
	c->maj_flt = s->maj_flt;
	c->utime_ns = s->utime;
	c->stime_ns = s->stime;
	if (bpf_core_field_exists(s->ioac)) {
		c->read_bytes = s->ioac.read_bytes;
		c->write_bytes = s->ioac.write_bytes;
	}
}

static __always_inline void pw_add_counters(struct pw_task_counters *dst,
					    const struct pw_task_counters *src)
{
	dst->runtime_ns += src->runtime_ns;
	dst->vol_ctxsw += src->vol_ctxsw;
	dst->invol_ctxsw += src->invol_ctxsw;
	dst->min_flt += src->min_flt;
	dst->maj_flt += src->maj_flt;
	dst->read_bytes += src->read_bytes;
	dst->write_bytes += src->write_bytes;
	dst->utime_ns += src->utime_ns;
	dst->stime_ns += src->stime_ns;
}

/* Before 6.2 the RSS counters were atomics in struct mm_rss_stat. */
struct mm_rss_stat___pre62 {
	atomic_long_t count[4];
} __attribute__((preserve_access_index));
struct mm_struct___pre62 {
	struct mm_rss_stat___pre62 rss_stat;
} __attribute__((preserve_access_index));

#define PW_PAGE_SHIFT 12
enum { PW_MM_FILEPAGES = 0, PW_MM_ANONPAGES = 1, PW_MM_SWAPENTS = 2, PW_MM_SHMEMPAGES = 3 };

/* The same (batched, per-CPU-approximate) value /proc/PID/status shows:
 * get_mm_counter() reads the counter's central count too. */
static __always_inline __s64 pw_mm_counter(struct mm_struct *mm, int member)
{
	__s64 v;
	/* member is a constant after inlining: no variable offsets. */
	if (bpf_core_type_exists(struct mm_rss_stat___pre62))
		v = ((struct mm_struct___pre62 *)mm)->rss_stat.count[member].counter;
	else
		v = mm->rss_stat[member].count;
	return v > 0 ? v : 0;
}

static __always_inline void pw_read_mem(struct mm_struct *mm, struct pw_mem_gauges *g)
{
	if (!mm)
		return;
	__u64 anon = pw_mm_counter(mm, PW_MM_ANONPAGES);
	__u64 file = pw_mm_counter(mm, PW_MM_FILEPAGES);
	__u64 shmem = pw_mm_counter(mm, PW_MM_SHMEMPAGES);
	__u64 rss = anon + file + shmem;
	__u64 hiwater = mm->hiwater_rss;
	g->rss_anon_bytes = anon << PW_PAGE_SHIFT;
	g->rss_file_bytes = file << PW_PAGE_SHIFT;
	g->rss_shmem_bytes = shmem << PW_PAGE_SHIFT;
	g->swap_bytes = (__u64)pw_mm_counter(mm, PW_MM_SWAPENTS) << PW_PAGE_SHIFT;
	g->rss_peak_bytes = (hiwater > rss ? hiwater : rss) << PW_PAGE_SHIFT;
	g->vm_size_bytes = (__u64)mm->total_vm << PW_PAGE_SHIFT;
}

#endif /* PROCWATCH_COMMON_BPF_H */
