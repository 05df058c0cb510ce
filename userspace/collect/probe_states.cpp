#include "collect/probe_states.h"

namespace pw {

std::vector<ProbeState> probe_states(const ProbeSet& probes) {
  std::vector<ProbeState> out;
  auto optional = [&](const char* object, bool loaded) {
    ProbeState s;
    s.object = object;
    s.loaded = loaded;
    s.attached = probes.is_attached(object);
    s.optional = true;
    s.sample_shift = probes.sample_shift(object);
    out.push_back(std::move(s));
  };
  optional("sched", probes.has_scheduler());
  optional("net", probes.has_network());
  optional("io", probes.has_block_io());
  optional("mem", probes.has_memory());
  // Never detached: attached whenever loaded.
  auto fixed = [&](const char* object, bool loaded) {
    ProbeState s;
    s.object = object;
    s.loaded = loaded;
    s.attached = loaded;
    out.push_back(std::move(s));
  };
  fixed("lifecycle", probes.has_lifecycle());
  fixed("tasks", probes.has_task_iterator());
  fixed("oom", probes.has_oom());
  return out;
}

}  // namespace pw
