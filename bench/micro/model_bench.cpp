// derive_model(): one counter delta per field per process, once per interval
// (and once per frame when replaying a recording).
#include <benchmark/benchmark.h>

#include <utility>

#include "model/model.h"
#include "synthetic.h"

namespace {

void BM_DeriveModel(benchmark::State& state) {
  const auto processes = static_cast<std::size_t>(state.range(0));
  const pw::bench::SamplePair pair = pw::bench::synth_sample_pair(processes);
  pw::Model shown;  // the frame on screen stays alive while the next is derived
  for (auto _ : state) {
    pw::Model m = pw::derive_model(pair.current, pair.previous.get());
    benchmark::DoNotOptimize(m.processes.data());
    std::swap(shown, m);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * processes));
}
BENCHMARK(BM_DeriveModel)->ArgName("processes")->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

// First frame: no previous Sample, so no deltas (the cheap path).
void BM_DeriveModelFirstFrame(benchmark::State& state) {
  const auto processes = static_cast<std::size_t>(state.range(0));
  const pw::bench::SamplePair pair = pw::bench::synth_sample_pair(processes);
  pw::Model shown;
  for (auto _ : state) {
    pw::Model m = pw::derive_model(pair.current, nullptr);
    benchmark::DoNotOptimize(m.processes.data());
    std::swap(shown, m);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * processes));
}
BENCHMARK(BM_DeriveModelFirstFrame)->ArgName("processes")->Arg(10000)->Unit(benchmark::kMicrosecond);

}  // namespace
