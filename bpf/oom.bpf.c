// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * OOM kills as events: the victim, its RSS at the kill, and the task whose
 * allocation triggered the killer (mark_victim runs in its context).
 */
#include "events.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tp_btf/mark_victim")
int BPF_PROG(on_mark_victim, struct task_struct *victim)
{
	struct pw_oom_event *e = reserve_event(PW_EVENT_OOM_KILL, sizeof(*e));
	if (!e)
		return 0;
	struct task_struct *trigger = bpf_get_current_task_btf();
	e->victim_tgid = victim->tgid;
	e->trigger_tgid = trigger->tgid;
	e->victim_start_ns = victim->group_leader->start_time;
	struct pw_mem_gauges mem = {};
	pw_read_mem(victim->mm, &mem);
	e->victim_rss_bytes = mem.rss_anon_bytes + mem.rss_file_bytes + mem.rss_shmem_bytes;
	__builtin_memcpy(e->victim_comm, victim->comm, PW_COMM_LEN);
	__builtin_memcpy(e->trigger_comm, trigger->comm, PW_COMM_LEN);
	submit_event(e);
	return 0;
}
