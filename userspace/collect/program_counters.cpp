#include "collect/program_counters.h"

#include <algorithm>
#include <string_view>

namespace pw {
namespace {

struct Feed {
  std::string_view object, program;
  std::vector<Counter> counters;
};

const std::vector<Feed>& feeds() {
  static const std::vector<Feed> kFeeds = {
      {"net", "on_sock_send_length", {Counter::NetTxBytes, Counter::NetTxCalls}},
      {"net", "on_sock_recv_length", {Counter::NetRxBytes, Counter::NetRxCalls}},
      {"net",
       "on_inet_sock_set_state",
       {Counter::TcpActiveOpens, Counter::TcpPassiveOpens, Counter::TcpCloses}},
      {"net", "on_tcp_retransmit_skb", {Counter::TcpRetransmits}},
      {"net", "on_tcp_send_reset", {Counter::TcpResets}},
      {"net", "on_tcp_receive_reset", {Counter::TcpResets}},
      {"io",
       "on_block_bio_queue",
       {Counter::BlockReadOps, Counter::BlockWriteOps, Counter::BlockReadBytes,
        Counter::BlockWriteBytes}},
      {"mem", "on_sys_enter_mmap", {Counter::MmapBytes}},
      {"mem", "on_sys_enter_munmap", {Counter::MunmapBytes}},
      {"mem", "on_sys_enter_brk", {Counter::BrkGrowBytes}},
      {"mem", "on_sys_exit_brk", {Counter::BrkGrowBytes}},
  };
  return kFeeds;
}

}  // namespace

std::vector<Counter> counters_without_program(const ProbeSet& probes) {
  std::vector<Counter> out;
  for (const ObjectPrograms& o : probes.programs()) {
    if (!o.loaded) continue;  // the object's counters are off as a whole
    for (const ProgramOutcome& p : o.programs) {
      // Detached by the CPU budget is handled per object; unused variants
      // have a twin that runs.
      if (p.status == ProgramStatus::Attached || p.status == ProgramStatus::Detached ||
          p.status == ProgramStatus::Unused)
        continue;
      for (const Feed& f : feeds())
        if (f.object == o.object && f.program == p.program)
          for (Counter c : f.counters)
            if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
    }
  }
  return out;
}

}  // namespace pw
