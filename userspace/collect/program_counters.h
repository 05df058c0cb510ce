// Which counters each BPF program feeds, so that a program the kernel
// refused (or the user disabled) leaves its counters "not measured" rather
// than a made-up 0 while the rest of its object keeps counting.
#pragma once

#include <vector>

#include "model/counters.h"
#include "probe/probe_set.h"

namespace pw {

// The counters of programs that are loaded-objects' members but do not run.
std::vector<Counter> counters_without_program(const ProbeSet& probes);

}  // namespace pw
