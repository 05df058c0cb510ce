/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The ring buffer of rare events (lifecycle, OOM) and its per-CPU drop
 * counters. Objects that include this share the maps through
 * bpf_map__reuse_fd(), so userspace reads one ring.
 */
#ifndef PROCWATCH_EVENTS_BPF_H
#define PROCWATCH_EVENTS_BPF_H

#include "common.bpf.h"

/* Wake the reader only once this many bytes wait; a timer drains the rest.
 * Waking on every event caps the ring buffer at ~1M events/s (KERNEL-FACTS). */
const volatile __u64 wakeup_threshold_bytes = 64 * 1024;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1024 * 1024); /* bytes; userspace may resize */
} events SEC(".maps");

/* Events lost because the ring buffer was full, per CPU, by pw_event_kind. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PW_EVENT_KIND_MAX);
	__type(key, __u32);
	__type(value, __u64);
} dropped_events SEC(".maps");

static __always_inline void *reserve_event(__u32 kind, __u32 size)
{
	void *e = bpf_ringbuf_reserve(&events, size, 0);
	if (!e) {
		__u64 *n = bpf_map_lookup_elem(&dropped_events, &kind);
		if (n)
			*n += 1;
		return 0;
	}
	struct pw_event_header *h = e;
	h->kind = kind;
	h->cpu = bpf_get_smp_processor_id();
	h->ts_ns = bpf_ktime_get_ns();
	return e;
}

static __always_inline void submit_event(void *e)
{
	__u64 flags = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_threshold_bytes
			      ? BPF_RB_FORCE_WAKEUP
			      : BPF_RB_NO_WAKEUP;
	bpf_ringbuf_submit(e, flags);
}

#endif /* PROCWATCH_EVENTS_BPF_H */
