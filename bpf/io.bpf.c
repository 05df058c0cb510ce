// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Block IO per process and per device, with issue->complete latency.
 *
 * Attribution: block_bio_queue runs in the submitter's context, so reads
 * and direct writes are charged exactly to the process that issued them.
 * Bytes and operations per device are counted there too, so they are
 * exact whatever happens to the bio later (splits, merges into another
 * process's request).
 *
 * Latency is a property of a request, which may hold bios of several
 * submitters after merges: it is charged to the process that made the
 * request. Issue and completion run in arbitrary contexts (IRQ, kworkers),
 * so the owner is recorded when the request is made, still in the
 * submitter's context: block_io_start (6.5+) names the request itself;
 * older kernels fall back to block_getrq, keyed by the bio that becomes
 * rq->bio.
 * Buffered writes reach the disk from flusher kthreads: those bios are
 * charged to owner 0 ("kernel writeback"); the dirtying process's bytes are
 * its write_bytes counter (ioac, read by the task iterator), which is what
 * /proc/PID/io reports.
 */
#include "task_stats.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define PW_REQ_OP_MASK 0xff
#define PW_REQ_OP_READ 0
#define PW_REQ_OP_WRITE 1

struct bio_owner {
	__u32 tgid;
	__u32 dev;
};

struct rq_info {
	__u64 issue_ns;
	__u32 tgid;
	__u32 dev;
};

/* bio -> who made a request of it; consumed at issue. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct bio_owner);
} bio_owners SEC(".maps");

/* request -> owner, then issue time; consumed at completion. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct rq_info);
} issued_requests SEC(".maps");

/* (tgid, dev) -> submitted IO totals and completed-request latency.
 * Userspace deletes the entries of processes that are gone. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct pw_io_key);
	__type(value, struct pw_io_stats);
} io_stats SEC(".maps");

/* bi_bdev (5.12+) is the partition's block device. */
static __always_inline __u32 bio_dev(struct bio *bio)
{
	if (bpf_core_field_exists(bio->bi_bdev))
		return BPF_CORE_READ(bio, bi_bdev, bd_dev);
	return 0;
}

static __always_inline struct pw_io_stats *io_stats_of(struct pw_io_key *key)
{
	struct pw_io_stats *st = bpf_map_lookup_elem(&io_stats, key);
	if (st)
		return st;
	struct pw_io_stats zero = {};
	bpf_map_update_elem(&io_stats, key, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&io_stats, key);
}

SEC("tp_btf/block_bio_queue")
int BPF_PROG(on_block_bio_queue, struct bio *bio)
{
	__u32 op = BPF_CORE_READ(bio, bi_opf) & PW_REQ_OP_MASK;
	__u32 size = BPF_CORE_READ(bio, bi_iter.bi_size);
	if ((op != PW_REQ_OP_READ && op != PW_REQ_OP_WRITE) || size == 0)
		return 0;

	struct task_struct *t = bpf_get_current_task_btf();
	if (t->flags & PF_KTHREAD)
		return 0;
	struct pw_proc_counters *pc = pw_current_proc();
	struct pw_io_key key = {.tgid = t->tgid, .dev = bio_dev(bio)};
	struct pw_io_stats *st = io_stats_of(&key);
	if (op == PW_REQ_OP_READ) {
		if (pc) {
			__sync_fetch_and_add(&pc->block_read_ops, 1);
			__sync_fetch_and_add(&pc->block_read_bytes, size);
		}
		if (st) {
			__sync_fetch_and_add(&st->read_ops, 1);
			__sync_fetch_and_add(&st->read_bytes, size);
		}
	} else {
		if (pc) {
			__sync_fetch_and_add(&pc->block_write_ops, 1);
			__sync_fetch_and_add(&pc->block_write_bytes, size);
		}
		if (st) {
			__sync_fetch_and_add(&st->write_ops, 1);
			__sync_fetch_and_add(&st->write_bytes, size);
		}
	}
	return 0;
}

SEC("tp_btf/block_getrq")
int BPF_PROG(on_block_getrq, struct bio *bio)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct bio_owner owner = {.tgid = 0, .dev = bio_dev(bio)};
	/* Kernel threads (flushers) submit other processes' writeback. */
	if (!(t->flags & PF_KTHREAD))
		owner.tgid = t->tgid;
	__u64 key = (__u64)bio;
	bpf_map_update_elem(&bio_owners, &key, &owner, BPF_ANY);
	return 0;
}

SEC("tp_btf/block_io_start")
int BPF_PROG(on_block_io_start, struct request *rq)
{
	struct task_struct *t = bpf_get_current_task_btf();
	/* rq->part is set only after this tracepoint: take the bio's device. */
	struct rq_info info = {.dev = bio_dev(BPF_CORE_READ(rq, bio))};
	if (!(t->flags & PF_KTHREAD))
		info.tgid = t->tgid;
	__u64 key = (__u64)rq;
	bpf_map_update_elem(&issued_requests, &key, &info, BPF_ANY);
	return 0;
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(on_block_rq_issue, struct request *rq)
{
	__u64 key = (__u64)rq;
	struct rq_info *known = bpf_map_lookup_elem(&issued_requests, &key);
	if (known) {
		/* Owner from block_io_start; a requeued request restarts its clock. */
		known->issue_ns = bpf_ktime_get_ns();
		return 0;
	}
	__u64 bio_key = (__u64)BPF_CORE_READ(rq, bio);
	struct rq_info info = {.issue_ns = bpf_ktime_get_ns()};
	struct bio_owner *owner = bpf_map_lookup_elem(&bio_owners, &bio_key);
	if (owner) {
		info.tgid = owner->tgid;
		info.dev = owner->dev;
		bpf_map_delete_elem(&bio_owners, &bio_key);
	} else {
		info.dev = BPF_CORE_READ(rq, part, bd_dev);
	}
	bpf_map_update_elem(&issued_requests, &key, &info, BPF_ANY);
	return 0;
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(on_block_rq_complete, struct request *rq, blk_status_t error, unsigned int nr_bytes)
{
	__u64 key = (__u64)rq;
	struct rq_info *info = bpf_map_lookup_elem(&issued_requests, &key);
	/* Requests issued before procwatch started have no entry. */
	if (!info || !info->issue_ns)
		return 0;
	__u64 latency = bpf_ktime_get_ns() - info->issue_ns;
	struct pw_io_key io_key = {.tgid = info->tgid, .dev = info->dev};
	bpf_map_delete_elem(&issued_requests, &key);

	__u32 op = BPF_CORE_READ(rq, cmd_flags) & PW_REQ_OP_MASK;
	if (op != PW_REQ_OP_READ && op != PW_REQ_OP_WRITE)
		return 0;
	struct pw_io_stats *st = io_stats_of(&io_key);
	if (st)
		__sync_fetch_and_add(&st->latency.buckets[pw_log2_bucket(latency)], 1);
	return 0;
}
