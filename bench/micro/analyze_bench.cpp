// Analyzer::update(): tier-1 leak detection and the anomaly baselines of
// every process, once per interval. Goal: under 1 us per process per
// interval (10,000 processes at a 1-s interval: under 1% of a core).
#include <benchmark/benchmark.h>

#include <memory>

#include "analyze/analyzer.h"
#include "model/model.h"
#include "synthetic.h"

namespace {

constexpr std::uint64_t kSec = 1'000'000'000ULL;

// Runs the analyzer over the synthetic Model while time advances one
// interval per iteration; `growing_every` > 0 makes one process in that
// many grow 1 MiB per interval (leak suspects take the full trend test).
void run(benchmark::State& state, std::size_t growing_every) {
  const auto processes = static_cast<std::size_t>(state.range(0));
  const pw::bench::SamplePair pair = pw::bench::synth_sample_pair(processes);
  // The Model points into this Sample; the benchmark moves its clock.
  auto sample = std::make_shared<pw::Sample>(*pair.current);
  pw::Model model = pw::derive_model(sample, pair.previous.get());
  pw::Analyzer analyzer;
  auto advance = [&] {
    sample->system.monotonic_ns += kSec;
    sample->system.wall_ns += kSec;
    if (growing_every == 0) return;
    for (std::size_t i = 0; i < sample->processes.size(); i += growing_every) {
      auto& c = sample->processes[i].counters;
      c.set(pw::Counter::RssAnonBytes, c.get_or_zero(pw::Counter::RssAnonBytes) + (1 << 20));
    }
  };
  // Steady state first: windows full, baselines warm, suspects raised.
  for (int i = 0; i < 400; ++i) {
    advance();
    analyzer.update(model);
  }
  for (auto _ : state) {
    advance();
    auto raised = analyzer.update(model);
    benchmark::DoNotOptimize(raised.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * processes));
  state.counters["ns_per_process"] = benchmark::Counter(
      static_cast<double>(processes),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["tracked"] = static_cast<double>(analyzer.tracked_processes());
}

void BM_AnalyzerUpdate(benchmark::State& state) { run(state, 0); }
BENCHMARK(BM_AnalyzerUpdate)
    ->ArgName("processes")
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMicrosecond);

// 1% of the processes leaking: each of those runs Theil-Sen and
// Mann-Kendall over its window every interval.
void BM_AnalyzerUpdateOnePercentLeaking(benchmark::State& state) { run(state, 100); }
BENCHMARK(BM_AnalyzerUpdateOnePercentLeaking)
    ->ArgName("processes")
    ->Arg(10000)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
