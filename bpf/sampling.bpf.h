/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Sampling of high-rate events, the CPU budget's second degrade step
 * (after lengthening the interval, before switching a probe off).
 *
 * Userspace writes sample_shift through the mmaped .bss
 * (ProbeSet::set_sample_shift): 0 counts every event; k counts one event in
 * 2^k, picked with bpf_get_prandom_u32(), and multiplies what that event
 * contributes by 2^k, so every total stays an unbiased estimate (variance
 * grows with k; see tests/privileged/sampling_test.cpp). The choice is
 * random rather than "every 2^k-th event" so that a periodic workload
 * cannot beat in phase with the sampler.
 *
 * Only objects with high-rate hooks include this (sched, net, io, mem);
 * lifecycle and OOM events are never sampled.
 */
#ifndef PROCWATCH_SAMPLING_BPF_H
#define PROCWATCH_SAMPLING_BPF_H

#include "common.bpf.h"

/* log2 of the sampling period; userspace clamps it to 0..6. */
__u32 sample_shift = 0;

/* Returns the shift to scale this event's contribution by, or -1 when the
 * event is skipped. Unsampled (shift 0) it costs one load and a branch. */
static __always_inline int pw_sample(void)
{
	__u32 k = sample_shift & 31;
	if (!k)
		return 0;
	if (bpf_get_prandom_u32() & ((1u << k) - 1))
		return -1;
	return k;
}

#endif /* PROCWATCH_SAMPLING_BPF_H */
