// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Network per process: payload bytes at the socket layer (TCP, UDP, unix),
 * TCP connection lifecycle, retransmits and resets.
 *
 * sock_send_length / sock_recv_length fire in the process's context, so
 * bytes go to the process's own counters. Retransmits, resets and passive
 * opens happen in softirq or timer context: they are charged to the
 * socket's owner, remembered in socket local storage when the owner sends,
 * receives, connects or listens. BPF_F_CLONE copies a listener's storage
 * to each accepted socket, so accepted connections know their owner before
 * the process ever touches them.
 *
 * Under sampling (sampling.bpf.h) only the payload counters are sampled
 * (per process and per socket); state changes, retransmits and resets are
 * rare and always exact. A UDP socket, which has no state changes, then
 * gets its storage (and shows in the connection list) at its first sampled
 * send or receive.
 *
 * Some kernels refuse the socket-storage iterator (dump_sockets). Userspace
 * then loads this object with track_cookies set: the same per-socket
 * figures are also kept in a hash keyed by socket cookie, which userspace
 * joins with sock_diag netlink's listing (it reports each socket's cookie).
 */
#include "sampling.bpf.h"
#include "task_stats.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define PW_AF_UNIX 1
#define PW_AF_INET 2
#define PW_AF_INET6 10
#define PW_IPPROTO_TCP 6
#define PW_IPPROTO_UDP 17
#define PW_TCP_ESTABLISHED 1
#define PW_TCP_SYN_SENT 2
#define PW_TCP_SYN_RECV 3
#define PW_TCP_CLOSE 7
#define PW_TCP_LISTEN 10

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_CLONE);
	__type(key, int);
	__type(value, struct pw_sock_stats);
} sock_stats SEC(".maps");

/* owner tgid -> TCP events seen outside the owner's context. Userspace
 * deletes the entries of processes that are gone. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct pw_tcp_events);
} tcp_events SEC(".maps");

/* Set by userspace when the iterator is unavailable (see above). */
const volatile bool track_cookies = false;

/* socket cookie -> owner and bytes; only with track_cookies. Entries go at
 * TCP close; userspace removes those of sockets sock_diag no longer lists
 * (UDP), and LRU eviction bounds the rest. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct pw_sock_stats);
} sock_by_cookie SEC(".maps");

/* The cookie entry of a socket; created for owner tgid (0: look up only). */
static __always_inline struct pw_sock_stats *cookie_stats(struct sock *sk, __u32 tgid)
{
	__u64 cookie = bpf_get_socket_cookie(sk);
	struct pw_sock_stats *cs = bpf_map_lookup_elem(&sock_by_cookie, &cookie);
	if (cs) {
		if (tgid && cs->owner_tgid != tgid)
			cs->owner_tgid = tgid;
		return cs;
	}
	if (!tgid)
		return 0;
	struct pw_sock_stats fresh = { .owner_tgid = tgid };
	bpf_map_update_elem(&sock_by_cookie, &cookie, &fresh, BPF_NOEXIST);
	return bpf_map_lookup_elem(&sock_by_cookie, &cookie);
}

static __always_inline struct pw_sock_stats *owned_by(struct sock *sk, __u32 tgid)
{
	struct pw_sock_stats *ss =
		bpf_sk_storage_get(&sock_stats, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (ss && ss->owner_tgid != tgid)
		ss->owner_tgid = tgid;
	return ss;
}

/* The TCP event counters of the socket's owner (ss: the socket's storage). */
static __always_inline struct pw_tcp_events *events_of_owner(struct pw_sock_stats *ss)
{
	if (!ss || !ss->owner_tgid)
		return 0;
	__u32 owner = ss->owner_tgid;
	struct pw_tcp_events *ev = bpf_map_lookup_elem(&tcp_events, &owner);
	if (ev)
		return ev;
	struct pw_tcp_events zero = {};
	bpf_map_update_elem(&tcp_events, &owner, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&tcp_events, &owner);
}

/* Payload bytes of one send or receive: the thread's own counters (plain
 * adds, see task_stats.bpf.h), and the socket's when it is an IP socket
 * (atomics: threads share sockets). Sampled: one call in 2^k counts 2^k. */
static __always_inline void count_payload(struct sock *sk, int ret, bool tx)
{
	if (ret <= 0)
		return;
	/* Payload of IP and unix sockets only: netlink (ss, procwatch's own
	 * sock_diag listing, routing daemons) is control traffic. */
	__u16 family = sk->__sk_common.skc_family;
	if (family != PW_AF_INET && family != PW_AF_INET6 && family != PW_AF_UNIX)
		return;
	int k = pw_sample();
	if (k < 0)
		return;
	struct task_struct *t = bpf_get_current_task_btf();
	__u64 bytes = (__u64)ret << k, calls = 1ULL << k;
	struct pw_task_stats *s = pw_thread_stats(t);
	if (s) {
		if (tx) {
			pw_proc_add(s, net_tx_bytes, bytes);
			pw_proc_add(s, net_tx_calls, calls);
		} else {
			pw_proc_add(s, net_rx_bytes, bytes);
			pw_proc_add(s, net_rx_calls, calls);
		}
	}
	/* Per-socket figures only for IP sockets: they are the connections. */
	if (family == PW_AF_UNIX)
		return;
	struct pw_sock_stats *ss = owned_by(sk, t->tgid);
	if (ss)
		__sync_fetch_and_add(tx ? &ss->tx_bytes : &ss->rx_bytes, bytes);
	if (track_cookies) {
		struct pw_sock_stats *cs = cookie_stats(sk, t->tgid);
		if (cs)
			__sync_fetch_and_add(tx ? &cs->tx_bytes : &cs->rx_bytes, bytes);
	}
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(on_sock_send_length, struct sock *sk, int ret, int flags)
{
	count_payload(sk, ret, true);
	return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(on_sock_recv_length, struct sock *sk, int ret, int flags)
{
	count_payload(sk, ret, false);
	return 0;
}

/* State changes are rare and never sampled. */
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(on_inet_sock_set_state, struct sock *sk, int oldstate, int newstate)
{
	/* sk_protocol is a u16 since 5.6; task storage needs 5.11 anyway. */
	if (sk->sk_protocol != PW_IPPROTO_TCP)
		return 0;
	if (newstate == PW_TCP_SYN_SENT) {
		/* connect(): the owner's own context. */
		struct task_struct *t = bpf_get_current_task_btf();
		owned_by(sk, t->tgid);
		if (track_cookies)
			cookie_stats(sk, t->tgid);
		struct pw_task_stats *s = pw_thread_stats(t);
		if (s)
			pw_proc_add(s, tcp_active_opens, 1);
		return 0;
	}
	if (newstate == PW_TCP_LISTEN) {
		__u32 tgid = bpf_get_current_task_btf()->tgid;
		owned_by(sk, tgid);
		if (track_cookies)
			cookie_stats(sk, tgid);
		return 0;
	}
	if (oldstate == PW_TCP_SYN_RECV && newstate == PW_TCP_ESTABLISHED) {
		struct pw_sock_stats *ss = bpf_sk_storage_get(&sock_stats, sk, 0, 0);
		/* The accepted socket inherits the listener's owner (BPF_F_CLONE). */
		if (track_cookies && ss)
			cookie_stats(sk, ss->owner_tgid);
		struct pw_tcp_events *ev = events_of_owner(ss);
		if (ev)
			__sync_fetch_and_add(&ev->passive_opens, 1);
		return 0;
	}
	if (newstate == PW_TCP_CLOSE && oldstate != PW_TCP_LISTEN) {
		struct pw_tcp_events *ev =
			events_of_owner(bpf_sk_storage_get(&sock_stats, sk, 0, 0));
		if (ev)
			__sync_fetch_and_add(&ev->closes, 1);
	}
	if (newstate == PW_TCP_CLOSE && track_cookies) {
		__u64 cookie = bpf_get_socket_cookie(sk);
		bpf_map_delete_elem(&sock_by_cookie, &cookie);
	}
	return 0;
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(on_tcp_retransmit_skb, struct sock *sk)
{
	struct pw_sock_stats *ss = bpf_sk_storage_get(&sock_stats, sk, 0, 0);
	if (!ss)
		return 0;
	__sync_fetch_and_add(&ss->retransmits, 1);
	if (track_cookies) {
		struct pw_sock_stats *cs = cookie_stats(sk, 0);
		if (cs)
			__sync_fetch_and_add(&cs->retransmits, 1);
	}
	struct pw_tcp_events *ev = events_of_owner(ss);
	if (ev)
		__sync_fetch_and_add(&ev->retransmits, 1);
	return 0;
}

static __always_inline int count_reset(struct sock *sk)
{
	if (!sk)
		return 0;
	struct pw_tcp_events *ev = events_of_owner(bpf_sk_storage_get(&sock_stats, sk, 0, 0));
	if (ev)
		__sync_fetch_and_add(&ev->resets, 1);
	return 0;
}

SEC("tp_btf/tcp_send_reset")
int BPF_PROG(on_tcp_send_reset, struct sock *sk)
{
	return count_reset(sk);
}

SEC("tp_btf/tcp_receive_reset")
int BPF_PROG(on_tcp_receive_reset, struct sock *sk)
{
	return count_reset(sk);
}

/* Userspace runs this iterator once per interval: every socket procwatch
 * has seen, with its current addresses and state. Sockets that closed are
 * gone with their storage. */
SEC("iter/bpf_sk_storage_map")
int dump_sockets(struct bpf_iter__bpf_sk_storage_map *ctx)
{
	struct sock *sk = ctx->sk;
	struct pw_sock_stats *ss = ctx->value;
	if (!sk || !ss)
		return 0;

	struct pw_socket_record r = {};
	r.owner_tgid = ss->owner_tgid;
	r.family = BPF_CORE_READ(sk, __sk_common.skc_family);
	r.protocol = BPF_CORE_READ(sk, sk_protocol);
	r.state = BPF_CORE_READ(sk, __sk_common.skc_state);
	r.local_port = BPF_CORE_READ(sk, __sk_common.skc_num);
	r.remote_port = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (r.family == PW_AF_INET) {
		BPF_CORE_READ_INTO(&r.local_addr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO(&r.remote_addr, sk, __sk_common.skc_daddr);
	} else {
		BPF_CORE_READ_INTO(&r.local_addr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&r.remote_addr, sk, __sk_common.skc_v6_daddr);
	}
	if (r.protocol == PW_IPPROTO_TCP)
		r.srtt_us = BPF_CORE_READ((struct tcp_sock *)sk, srtt_us) >> 3;
	r.tx_bytes = ss->tx_bytes;
	r.rx_bytes = ss->rx_bytes;
	r.retransmits = ss->retransmits;
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}
