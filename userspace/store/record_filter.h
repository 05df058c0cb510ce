// Which processes `procwatch record --pid/--comm/--cgroup` keeps. A process
// is recorded when it matches any of the given filters (none given: all).
// Lifecycle events are kept for the processes kept, and for any event whose
// pid or comm matches (a short-lived child of a filtered comm included).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/sample.h"

namespace pw {

struct RecordFilter {
  std::vector<std::int32_t> pids;
  std::vector<std::string> comms;    // exact kernel task names
  std::vector<std::string> cgroups;  // cgroup v2 paths: the cgroup and everything below it

  bool empty() const { return pids.empty() && comms.empty() && cgroups.empty(); }
  bool matches(const ProcessSample& p) const;
  // The sample with only the matching processes and their events.
  void apply(Sample& sample) const;
  // {"pid": [...], "comm": [...], "cgroup": [...]} for the sessions table.
  std::string to_json() const;
};

}  // namespace pw
