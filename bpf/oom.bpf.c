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
	e->victim_tgid = BPF_CORE_READ(victim, tgid);
	e->trigger_tgid = trigger->tgid;
	e->victim_start_ns = BPF_CORE_READ(victim, group_leader, start_time);
	struct pw_mem_gauges mem = {};
	pw_read_mem(BPF_CORE_READ(victim, mm), &mem);
	e->victim_rss_bytes = mem.rss_anon_bytes + mem.rss_file_bytes + mem.rss_shmem_bytes;
	bpf_probe_read_kernel_str(e->victim_comm, sizeof(e->victim_comm), &victim->comm);
	bpf_probe_read_kernel_str(e->trigger_comm, sizeof(e->trigger_comm), &trigger->comm);
	submit_event(e);
	return 0;
}
