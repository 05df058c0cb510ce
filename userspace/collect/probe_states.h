// Which of procwatch's probe objects are loaded, attached and sampled, as
// one list for the Sample (the self view, `status` and /metrics read it).
#pragma once

#include <vector>

#include "model/sample.h"
#include "probe/probe_set.h"

namespace pw {

// Every probe object in a fixed order: the optional ones the CPU budget
// may sample or detach ("sched", "net", "io", "mem"), then the ones it
// never touches ("lifecycle", "tasks", "oom").
std::vector<ProbeState> probe_states(const ProbeSet& probes);

}  // namespace pw
