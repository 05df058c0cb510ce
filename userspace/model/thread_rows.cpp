#include "model/thread_rows.h"

namespace pw {

Sample threads_as_rows(const Sample& sample) {
  Sample out;
  out.system = sample.system;
  out.self = sample.self;
  out.events = sample.events;
  out.processes.reserve(sample.processes.size());
  for (const auto& p : sample.processes) {
    if (p.threads.empty()) {
      out.processes.push_back(p);
      continue;
    }
    for (const auto& t : p.threads) {
      ProcessSample row;
      const bool leader = t.tid == p.key.pid;
      row.key = {t.tid, leader ? p.key.start_ns : t.start_ns};
      row.ppid = leader ? p.ppid : p.key.pid;
      row.tgid = p.key.pid;
      row.uid = p.uid;
      row.user = p.user;
      row.comm = t.comm;
      row.cmdline = leader ? p.cmdline : "";
      row.cgroup = p.cgroup;
      row.state = t.state;
      row.num_threads = 1;
      row.kernel_thread = p.kernel_thread;
      row.counters = t.counters;
      row.runq_hist = t.runq_hist;
      out.processes.push_back(std::move(row));
    }
  }
  return out;
}

}  // namespace pw
