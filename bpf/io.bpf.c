// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Block IO per process and per device, with issue->complete latency.
 *
 * Attribution: block_bio_queue runs in the submitter's context, so reads
 * and direct writes are charged exactly to the process that issued them.
 * Bytes and operations per device are counted there too, so they are
 * exact whatever happens to the bio later (splits, merges into another
 * process's request). The submitting thread counts them in its own task
 * storage (pw_task_stats.proc and .io: a few device slots, plain adds);
 * bios to more devices than it has slots go to the io_stats hash, and so
 * do a thread's slots when it exits (on_sched_process_exit below).
 * Userspace adds the live threads' slots (dump_io) to the hash.
 *
 * Latency is a property of a request, which may hold bios of several
 * submitters after merges: it is charged to the process that made the
 * request. Issue and completion run in arbitrary contexts (IRQ, kworkers),
 * so the owner is recorded when the request is made, still in the
 * submitter's context: block_io_start (6.5+) names the request itself;
 * older kernels fall back to block_getrq, keyed by the bio that becomes
 * rq->bio (userspace sets owners_from_bios then). Requests made by kernel
 * threads (buffered writeback from the flushers, journal commits) are not
 * timed: they have no owner to charge, and the dirtying process's bytes
 * are its write_bytes counter (ioac, read by the task iterator), which is
 * what /proc/PID/io reports.
 *
 * Under sampling (sampling.bpf.h) a sampled bio counts 2^k times its bytes
 * and one operation 2^k times; a request that is not sampled is simply not
 * timed, and a timed one counts 2^k in its latency bucket.
 */
#include "sampling.bpf.h"
#include "task_stats.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define PW_REQ_OP_MASK 0xff
#define PW_REQ_OP_READ 0
#define PW_REQ_OP_WRITE 1

/* Set by userspace when block_io_start is missing (kernels before 6.5):
 * request owners then come from block_getrq through bio_owners. */
const volatile bool owners_from_bios = false;

struct bio_owner {
	__u32 tgid;
	__u32 dev;
	__u32 shift;             /* sample shift of the request */
	__u32 pad0;
};

/* bio -> who made a request of it; consumed at issue (fallback only). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct bio_owner);
} bio_owners SEC(".maps");

/*
 * Requests in flight: request -> owner, then issue time; freed at
 * completion. A set-associative table in an array rather than a hash map:
 * the LRU hash it replaces cost ~500 ns per block_io_start here (bucket
 * lock, LRU lists, several cold cache lines); an array element is found by
 * the verifier-inlined index and a cmpxchg claims a way, so what is left is
 * the one line of the set, cold for a new request (~200 ns here: see
 * ref_table_line in bench/tools/bpf_event_cost). A request is always
 * hashed to the same set, so a stale entry (a request freed without
 * completing, e.g. merged into another) is reused when the kernel reuses
 * the request; when all ways of a set are busy the oldest is evicted, as
 * an LRU map would. 4096 ways in 128 KiB: few pages, so few TLB misses
 * (costly under nested paging).
 */
#define PW_RQ_SET_BITS 10
#define PW_RQ_SETS (1u << PW_RQ_SET_BITS)
#define PW_RQ_WAYS 4

/* 32 bytes: a set is two cache lines. */
struct rq_slot {
	__u64 rq;                /* rq_id() of the request; 0 = free */
	__u64 issue_ns;          /* 0 until block_rq_issue */
	__u32 start_jiffies;     /* when claimed (low bits), to evict the oldest */
	__u32 tgid;
	__u32 dev;
	__u32 shift;             /* sample shift of the request */
};

struct rq_set {
	struct rq_slot way[PW_RQ_WAYS];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PW_RQ_SETS);
	__type(key, __u32);
	__type(value, struct rq_set);
} requests SEC(".maps");

/* A request's identity as a number. The verifier allows no arithmetic on
 * a kernel pointer but the difference of two pointers (for programs that
 * may see addresses, as procwatch's are): the distance from a fixed
 * address of our own is as unique as the pointer itself, and never 0. */
static __always_inline __u64 rq_id(struct request *rq)
{
	return (__u64)rq - (__u64)&owners_from_bios;
}

/* Requests are carved at a fixed stride from preallocated pages: a
 * multiplicative hash spreads them over the sets. */
static __always_inline struct rq_set *rq_set_of(__u64 id)
{
	__u32 idx = (id * 0x9E3779B97F4A7C15ULL) >> (64 - PW_RQ_SET_BITS);
	return bpf_map_lookup_elem(&requests, &idx);
}

static __always_inline struct rq_slot *rq_find(struct rq_set *set, __u64 rq)
{
	for (int w = 0; w < PW_RQ_WAYS; w++)
		if (set->way[w].rq == rq)
			return &set->way[w];
	return 0;
}

/* A way for rq: its stale entry, a free way, or the oldest one. NULL only
 * when another CPU took the way first. */
static __always_inline struct rq_slot *rq_claim(struct rq_set *set, __u64 rq)
{
	struct rq_slot *slot = rq_find(set, rq);
	if (slot)
		return slot;
	int oldest = 0;
	for (int w = 0; w < PW_RQ_WAYS; w++) {
		if (set->way[w].rq == 0) {
			if (__sync_val_compare_and_swap(&set->way[w].rq, 0, rq) == 0)
				return &set->way[w];
			continue;
		}
		if ((__s32)(set->way[w].start_jiffies - set->way[oldest].start_jiffies) < 0)
			oldest = w;
	}
	oldest &= PW_RQ_WAYS - 1;
	__u64 victim = set->way[oldest].rq;
	if (victim && __sync_val_compare_and_swap(&set->way[oldest].rq, victim, rq) == victim)
		return &set->way[oldest];
	return 0;
}

static __always_inline void rq_start(__u64 rq, __u64 issue_ns, __u32 tgid, __u32 dev, __u32 k)
{
	struct rq_set *set = rq_set_of(rq);
	if (!set)
		return;
	struct rq_slot *slot = rq_claim(set, rq);
	if (!slot)
		return;
	slot->issue_ns = issue_ns;
	slot->start_jiffies = bpf_jiffies64();
	slot->tgid = tgid;
	slot->dev = dev;
	slot->shift = k;
}

/* (tgid, dev) -> completed-request latency, and the IO totals of exited
 * threads and of bios beyond a thread's device slots. Userspace deletes
 * the entries of processes that are gone. */
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
		return bio->bi_bdev->bd_dev;
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

static __always_inline void io_stats_add(__u32 tgid, __u32 dev, bool write, __u64 bytes,
					 __u64 ops)
{
	struct pw_io_key key = {.tgid = tgid, .dev = dev};
	struct pw_io_stats *st = io_stats_of(&key);
	if (!st)
		return;
	if (write) {
		__sync_fetch_and_add(&st->write_ops, ops);
		__sync_fetch_and_add(&st->write_bytes, bytes);
	} else {
		__sync_fetch_and_add(&st->read_ops, ops);
		__sync_fetch_and_add(&st->read_bytes, bytes);
	}
}

/* The thread's slot for dev, claiming a free one; NULL when all are taken. */
static __always_inline struct pw_io_slot *io_slot(struct pw_task_stats *s, __u32 dev)
{
	for (__u32 i = 0; i < PW_IO_SLOTS; i++) {
		if (i == s->io_slots) {
			s->io_slots = i + 1;
			s->io[i].dev = dev;
			return &s->io[i];
		}
		if (s->io[i].dev == dev)
			return &s->io[i];
	}
	return 0;
}

SEC("tp_btf/block_bio_queue")
int BPF_PROG(on_block_bio_queue, struct bio *bio)
{
	__u32 op = bio->bi_opf & PW_REQ_OP_MASK;
	__u32 size = bio->bi_iter.bi_size;
	if ((op != PW_REQ_OP_READ && op != PW_REQ_OP_WRITE) || size == 0)
		return 0;
	struct task_struct *t = bpf_get_current_task_btf();
	if (t->flags & PF_KTHREAD)
		return 0;
	int k = pw_sample();
	if (k < 0)
		return 0;
	struct pw_task_stats *s = pw_thread_stats(t);
	if (!s)
		return 0;

	bool write = op == PW_REQ_OP_WRITE;
	__u64 bytes = (__u64)size << k, ops = 1ULL << k;
	if (write) {
		pw_proc_add(s, block_write_ops, ops);
		pw_proc_add(s, block_write_bytes, bytes);
	} else {
		pw_proc_add(s, block_read_ops, ops);
		pw_proc_add(s, block_read_bytes, bytes);
	}

	__u32 dev = bio_dev(bio);
	/* Slots folded at exit are no longer read: count in the hash. */
	struct pw_io_slot *slot = s->flags & PW_TS_IO_FOLDED ? 0 : io_slot(s, dev);
	if (!slot) {
		io_stats_add(t->tgid, dev, write, bytes, ops);
	} else if (write) {
		slot->write_ops += ops;
		slot->write_bytes += bytes;
	} else {
		slot->read_ops += ops;
		slot->read_bytes += bytes;
	}
	return 0;
}

/* A thread's device slots die with its storage: fold them into the hash,
 * where the process's totals stay until userspace has seen it exit. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_sched_process_exit, struct task_struct *p)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct pw_task_stats *s = bpf_task_storage_get(&task_stats, t, 0, 0);
	if (!s || !s->io_slots || (s->flags & PW_TS_IO_FOLDED))
		return 0;
	__u32 tgid = t->tgid;
	for (__u32 i = 0; i < PW_IO_SLOTS; i++) {
		if (i >= s->io_slots)
			break;
		struct pw_io_slot *slot = &s->io[i];
		if (slot->read_ops)
			io_stats_add(tgid, slot->dev, false, slot->read_bytes, slot->read_ops);
		if (slot->write_ops)
			io_stats_add(tgid, slot->dev, true, slot->write_bytes, slot->write_ops);
	}
	s->flags |= PW_TS_IO_FOLDED;
	return 0;
}

/* Userspace runs this once per interval (ProbeSet::read_io_stats): the
 * device slots of every live thread. */
SEC("iter/task")
int dump_io(struct bpf_iter__task *ctx)
{
	struct task_struct *t = ctx->task;
	if (!t)
		return 0;
	struct pw_task_stats *s = bpf_task_storage_get(&task_stats, t, 0, 0);
	if (!s || !s->io_slots || (s->flags & PW_TS_IO_FOLDED))
		return 0;
	for (__u32 i = 0; i < PW_IO_SLOTS; i++) {
		if (i >= s->io_slots)
			break;
		struct pw_io_record r = {
			.tgid = t->tgid,
			.dev = s->io[i].dev,
			.read_bytes = s->io[i].read_bytes,
			.write_bytes = s->io[i].write_bytes,
			.read_ops = s->io[i].read_ops,
			.write_ops = s->io[i].write_ops,
		};
		bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	}
	return 0;
}

SEC("tp_btf/block_getrq")
int BPF_PROG(on_block_getrq, struct bio *bio)
{
	struct task_struct *t = bpf_get_current_task_btf();
	/* Kernel threads (flushers) submit other processes' writeback. */
	if (t->flags & PF_KTHREAD)
		return 0;
	int k = pw_sample();
	if (k < 0)
		return 0;
	struct bio_owner owner = {.tgid = t->tgid, .dev = bio_dev(bio), .shift = k};
	__u64 key = (__u64)bio;
	bpf_map_update_elem(&bio_owners, &key, &owner, BPF_ANY);
	return 0;
}

SEC("tp_btf/block_io_start")
int BPF_PROG(on_block_io_start, struct request *rq)
{
	int k = pw_sample();
	if (k < 0)
		return 0;
	struct task_struct *t = bpf_get_current_task_btf();
	if (t->flags & PF_KTHREAD)
		return 0;
	/* rq->part is set only after this tracepoint: take the bio's device. */
	rq_start(rq_id(rq), 0, t->tgid, bio_dev(rq->bio), k);
	return 0;
}

/*
 * The kernel stamps rq->io_start_time_ns itself, right after this
 * tracepoint, on queues with block statistics on (QUEUE_FLAG_STATS: set
 * while a statistics consumer such as writeback throttling, on by default,
 * is registered) and marks such requests RQF_STATS. Using its stamp saves
 * a clock read, ~90 ns in this VM. Its flag bits are an anonymous enum or
 * #defines, so test the condition the flag stands for instead; RQF_STATS
 * is read at completion through CO-RE where rqf_flags is an enum (6.7+).
 */
static __always_inline bool kernel_stamps_issue(struct request *rq)
{
	if (!bpf_core_enum_value_exists(enum rqf_flags, __RQF_STATS) ||
	    !bpf_core_field_exists(rq->io_start_time_ns) ||
	    !bpf_core_field_exists(struct blk_queue_stats, accounting) ||
	    !bpf_core_field_exists(struct blk_queue_stats, callbacks))
		return false;
	struct blk_queue_stats *st = rq->q->stats;
	if (!st)
		return false;
	return st->accounting || (__u64)st->callbacks.next != (__u64)&st->callbacks;
}

static __always_inline __u64 kernel_issue_stamp(struct request *rq)
{
	if (!bpf_core_enum_value_exists(enum rqf_flags, __RQF_STATS) ||
	    !bpf_core_field_exists(rq->io_start_time_ns))
		return 0;
	__u64 rqf_stats = 1ULL << bpf_core_enum_value(enum rqf_flags, __RQF_STATS);
	return rq->rq_flags & rqf_stats ? rq->io_start_time_ns : 0;
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(on_block_rq_issue, struct request *rq)
{
	if (!owners_from_bios && kernel_stamps_issue(rq))
		return 0;
	__u64 key = rq_id(rq);
	struct rq_set *set = rq_set_of(key);
	if (!set)
		return 0;
	struct rq_slot *known = rq_find(set, key);
	if (known) {
		/* Owner from block_io_start; a requeued request restarts its clock. */
		known->issue_ns = bpf_ktime_get_ns();
		return 0;
	}
	/* Unknown with block_io_start: made before procwatch started, by a
	 * kernel thread, or not sampled. Not timed. */
	if (!owners_from_bios)
		return 0;
	__u64 bio_key = (__u64)rq->bio;
	struct bio_owner *owner = bpf_map_lookup_elem(&bio_owners, &bio_key);
	if (!owner)
		return 0;
	__u32 tgid = owner->tgid, dev = owner->dev, k = owner->shift;
	bpf_map_delete_elem(&bio_owners, &bio_key);
	rq_start(key, bpf_ktime_get_ns(), tgid, dev, k);
	return 0;
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(on_block_rq_complete, struct request *rq, blk_status_t error, unsigned int nr_bytes)
{
	__u64 key = rq_id(rq);
	struct rq_set *set = rq_set_of(key);
	if (!set)
		return 0;
	struct rq_slot *slot = rq_find(set, key);
	if (!slot)
		return 0;
	struct pw_io_key io_key = {.tgid = slot->tgid, .dev = slot->dev};
	__u64 issued = slot->issue_ns;
	__u32 k = slot->shift & 31;
	/* Free the way; if it was evicted meanwhile, the fields read above
	 * may be another request's: drop them. */
	if (__sync_val_compare_and_swap(&slot->rq, key, 0) != key)
		return 0;
	__u32 op = rq->cmd_flags & PW_REQ_OP_MASK;
	if (op != PW_REQ_OP_READ && op != PW_REQ_OP_WRITE)
		return 0;
	/* Our stamp when the kernel does not stamp (or a requeue restarted
	 * ours); the kernel's otherwise. */
	__u64 kernel = kernel_issue_stamp(rq);
	if (kernel > issued)
		issued = kernel;
	if (!issued)
		return 0;
	__u64 latency = bpf_ktime_get_ns() - issued;
	struct pw_io_stats *st = io_stats_of(&io_key);
	if (st)
		__sync_fetch_and_add(&st->latency.buckets[pw_log2_bucket(latency)], 1u << k);
	return 0;
}
