#include "probe/program_roles.h"

namespace pw {
namespace {

struct Entry {
  std::string_view object, program, provides, fallback;
};

constexpr Entry kRoles[] = {
    {"sched", "on_sched_switch", "run-queue latency, off-CPU time and context switches", ""},
    {"lifecycle", "on_process_fork", "fork events (typed tracepoint)",
     "the raw tracepoint twin on_process_fork_raw"},
    {"lifecycle", "on_process_exec", "exec events (typed tracepoint)",
     "the raw tracepoint twin on_process_exec_raw"},
    {"lifecycle", "on_process_exit", "exit events with final counters (typed tracepoint)",
     "the raw tracepoint twin on_process_exit_raw"},
    {"lifecycle", "on_process_fork_raw", "fork events", ""},
    {"lifecycle", "on_process_exec_raw", "exec events", ""},
    {"lifecycle", "on_process_exit_raw", "exit events with final counters", ""},
    {"tasks", "dump_task", "exact per-thread counters from the task iterator",
     "counters read from /proc"},
    {"io", "on_block_bio_queue", "block IO bytes and operations per process and device", ""},
    {"io", "on_sched_process_exit", "block IO of exited threads", ""},
    {"io", "dump_io", "block IO of live threads per device", ""},
    {"io", "on_block_io_start", "request owners named in the submitter's context",
     "owners traced back through the request's bios (on_block_getrq)"},
    {"io", "on_block_getrq", "request owners through their bios", ""},
    {"io", "on_block_rq_issue", "block IO latency (issue stamps)", ""},
    {"io", "on_block_rq_complete", "block IO latency (completions)", ""},
    {"net", "on_sock_send_length", "socket bytes and sends per process", ""},
    {"net", "on_sock_recv_length", "socket bytes and receives per process", ""},
    {"net", "on_inet_sock_set_state", "TCP opens and closes, listener ownership", ""},
    {"net", "on_tcp_retransmit_skb", "TCP retransmits per process and socket", ""},
    {"net", "on_tcp_send_reset", "TCP resets sent", ""},
    {"net", "on_tcp_receive_reset", "TCP resets received", ""},
    {"net", "dump_sockets", "the connection list from the socket-storage iterator",
     "the connection list from sock_diag netlink, owners and bytes joined by socket cookie"},
    {"mem", "on_sys_enter_mmap", "mmap calls and bytes", ""},
    {"mem", "on_sys_enter_munmap", "munmap calls and bytes", ""},
    {"mem", "on_sys_enter_brk", "brk calls", ""},
    {"mem", "on_sys_exit_brk", "heap growth through brk", ""},
    {"oom", "on_mark_victim", "OOM kill events", ""},
};

}  // namespace

ProgramRole program_role(std::string_view object, std::string_view program) {
  for (const Entry& e : kRoles)
    if (e.object == object && e.program == program)
      return {std::string(e.provides), std::string(e.fallback)};
  return {"what program " + std::string(program) + " measures", ""};
}

std::vector<std::string> split_program_list(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == ',' || c == ' ' || c == '\t' || c == '\n') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

}  // namespace pw
