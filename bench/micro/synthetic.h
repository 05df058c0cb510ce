// Deterministic, plausible input for the micro-benchmarks: what one task
// iterator pass hands over, and pairs of Samples one interval apart. Sizes
// are parameters so a benchmark can show how a path scales.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "model/model.h"
#include "model/sample.h"

namespace pw::bench {

// Raw task-iterator output for `threads` threads, laid out as the kernel
// writes it: a full pw_thread_record for each group leader, followed by
// the common prefix only for its other threads. Processes have 1 to 8
// threads (most have 1, as on a typical host).
std::vector<char> synth_thread_records(std::size_t threads);

// Two Samples one second apart over `processes` processes: the later one
// has grown counters, ~1% of the processes replaced (exited + new ones),
// realistic comm/cmdline/user strings and run-queue histograms.
struct SamplePair {
  std::shared_ptr<const Sample> previous;
  std::shared_ptr<const Sample> current;
};
SamplePair synth_sample_pair(std::size_t processes);

// derive_model() on a SamplePair: the input of the view benchmarks. The
// Model points into pair.current, so keep the pair alive.
Model synth_model(const SamplePair& pair);

}  // namespace pw::bench
