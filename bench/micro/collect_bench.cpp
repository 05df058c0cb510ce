// Decoding one task-iterator pass: runs once per interval over every thread
// on the host, so its cost grows with the thread count.
#include <benchmark/benchmark.h>

#include <span>

#include "collect/task_records.h"
#include "synthetic.h"

namespace {

void BM_AggregateTaskRecords(benchmark::State& state) {
  const auto threads = static_cast<std::size_t>(state.range(0));
  const std::vector<char> bytes = pw::bench::synth_thread_records(threads);
  pw::DecodeOptions options;
  options.keep_threads = state.range(1) != 0;
  // Like the collector, hold on to the previous pass while decoding the
  // next one (derive_model needs both), so the allocator sees the same
  // pattern as in procwatch rather than a free right before each malloc.
  std::vector<pw::ProcessSample> previous;
  for (auto _ : state) {
    auto out = pw::aggregate_task_records(std::span<const char>(bytes), options);
    benchmark::DoNotOptimize(out.data());
    previous.swap(out);
  }
  const std::size_t processes = previous.size();
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
  state.counters["processes"] = static_cast<double>(processes);
}
BENCHMARK(BM_AggregateTaskRecords)
    ->ArgNames({"threads", "keep_threads"})
    ->Args({1000, 0})
    ->Args({10000, 0})
    ->Args({10000, 1})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
