// What batch mode does per frame: choose and order the rows (build_table),
// then format them as text or JSON (BatchWriter).
#include <benchmark/benchmark.h>

#include <ostream>
#include <streambuf>
#include <string>
#include <vector>

#include "synthetic.h"
#include "view/batch.h"
#include "view/table.h"
#include "view/view_options.h"

namespace {

constexpr std::int64_t kProcesses = 1000;

// Counts what is written and keeps nothing: measures formatting, not the
// growth of a string buffer.
class CountingBuf : public std::streambuf {
 public:
  std::size_t bytes() const { return bytes_; }

 protected:
  int_type overflow(int_type c) override {
    if (!traits_type::eq_int_type(c, traits_type::eof())) ++bytes_;
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char*, std::streamsize n) override {
    bytes_ += static_cast<std::size_t>(n);
    return n;
  }

 private:
  std::size_t bytes_ = 0;
};

pw::ViewOptions view_for(std::int64_t variant) {
  pw::ViewOptions opts;
  if (variant == 1) opts.tree = true;
  if (variant == 2) opts.filter = "python";
  return opts;
}

// variant: 0 = default sort (CPU%), 1 = tree, 2 = substring filter.
void BM_BuildTable(benchmark::State& state) {
  const auto pair = pw::bench::synth_sample_pair(static_cast<std::size_t>(state.range(0)));
  const pw::Model model = pw::bench::synth_model(pair);
  const pw::ViewOptions opts = view_for(state.range(1));
  std::size_t rows = 0;
  for (auto _ : state) {
    pw::Table t = pw::build_table(model, opts);
    rows = t.rows.size();
    benchmark::DoNotOptimize(t.rows.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
  state.counters["rows"] = static_cast<double>(rows);
}
BENCHMARK(BM_BuildTable)
    ->ArgNames({"processes", "view"})
    ->Args({kProcesses, 0})
    ->Args({kProcesses, 1})
    ->Args({kProcesses, 2})
    ->Unit(benchmark::kMicrosecond);

// One frame through BatchWriter; format 0 = text, 1 = JSON, 2 = CSV.
void BM_BatchWriterFrame(benchmark::State& state) {
  const auto pair = pw::bench::synth_sample_pair(static_cast<std::size_t>(state.range(0)));
  const pw::Model model = pw::bench::synth_model(pair);
  const auto format = static_cast<pw::BatchFormat>(state.range(1));
  const std::vector<std::string> notices;
  CountingBuf buf;
  std::ostream out(&buf);
  pw::BatchWriter writer(out, format, pw::ViewOptions{});
  for (auto _ : state) writer.write(model, notices);
  state.SetBytesProcessed(static_cast<std::int64_t>(buf.bytes()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
  state.counters["bytes_per_frame"] =
      state.iterations() ? static_cast<double>(buf.bytes()) / static_cast<double>(state.iterations())
                         : 0.0;
}
BENCHMARK(BM_BatchWriterFrame)
    ->ArgNames({"processes", "format"})
    ->Args({kProcesses, static_cast<std::int64_t>(pw::BatchFormat::Text)})
    ->Args({kProcesses, static_cast<std::int64_t>(pw::BatchFormat::Json)})
    ->Args({kProcesses, static_cast<std::int64_t>(pw::BatchFormat::Csv)})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
