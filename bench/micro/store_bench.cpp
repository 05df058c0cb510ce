// The recording store: writer insert throughput (process-samples per
// second, one transaction per sample, WAL on a real file), bytes per
// process-sample, and replay seek time in a 24 h recording (86,400 samples
// at 1 s; 50 processes so the file is made in seconds, see bench/README.md).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "store/reader.h"
#include "store/schema.h"
#include "store/session_writer.h"

namespace {

constexpr std::uint64_t kSec = 1'000'000'000ULL;
constexpr std::uint64_t kWall0 = 1'768'478'400ULL * kSec;

// `n` processes; each sample, a process changes with probability `active`
// (a few counters and a run-queue bucket, like a daemon waking up), and
// 2% of them change a lot (busy: CPU, faults, IO, RSS). Off-CPU time grows
// as the kernel's does (lifetime - on-CPU - run-queue wait, read per task
// with +-50 us of jitter), so every process has a small row every sample.
class Host {
 public:
  Host(std::size_t n, double active, std::uint64_t seed = 1) : rng_(seed), active_(active) {
    for (std::size_t i = 0; i < n; ++i) {
      pw::ProcessSample p;
      p.key = {static_cast<std::int32_t>(i + 2), 1'000'000 + i * 7919};
      p.ppid = 1;
      p.comm = "proc" + std::to_string(i % 50);
      p.cmdline = "/usr/bin/proc" + std::to_string(i % 50) + " --serve --port " + std::to_string(i);
      p.user = "root";
      p.cgroup = "/system.slice/s" + std::to_string(i % 30) + ".service";
      p.state = 'S';
      p.num_threads = 1 + static_cast<std::uint32_t>(i % 4);
      for (std::size_t c = 0; c < pw::kCounterCount; ++c)
        p.counters.set(static_cast<pw::Counter>(c), rng_() % (1ULL << 32));
      for (int k = 8; k < 16; ++k) p.runq_hist.add(k, rng_() % 10000);
      procs_.push_back(std::move(p));
    }
  }

  pw::Sample next() {
    pw::Sample s;
    ++n_;
    s.system.wall_ns = kWall0 + n_ * kSec;
    s.system.monotonic_ns = 1000 * kSec + n_ * kSec;
    s.system.hostname = "bench";
    s.system.num_cpus = 2;
    s.system.cpu.user_ns = n_ * kSec;
    s.system.cpu.idle_ns = n_ * kSec;
    s.system.load1 = static_cast<double>(rng_() % 400) / 100.0;
    s.system.mem_total_bytes = 16ULL << 30;
    s.system.mem_available_bytes = (8ULL << 30) + (rng_() % 1000) * 4096;
    std::uniform_real_distribution<double> u(0, 1);
    for (std::size_t i = 0; i < procs_.size(); ++i) {
      pw::ProcessSample& p = procs_[i];
      const std::uint64_t runtime = p.counters.get_or_zero(pw::Counter::RuntimeNs);
      const std::uint64_t runq = p.counters.get_or_zero(pw::Counter::RunqWaitNs);
      const bool busy = i % 50 == 0;
      if (busy || u(rng_) < active_) {
        p.counters.add(pw::Counter::RuntimeNs, 10'000 + rng_() % (busy ? 900'000'000 : 500'000));
        p.counters.add(pw::Counter::VolCtxSw, 1 + rng_() % 5);
        p.counters.add(pw::Counter::RunqWaits, 1 + rng_() % 5);
        p.counters.add(pw::Counter::RunqWaitNs, rng_() % 50'000);
        p.runq_hist.add(10 + static_cast<int>(rng_() % 4), 1 + rng_() % 5);
        if (busy) {
          p.counters.add(pw::Counter::UtimeNs, 4'000'000 * (rng_() % 100));
          p.counters.add(pw::Counter::MinFlt, rng_() % 1000);
          p.counters.add(pw::Counter::ReadBytes, (rng_() % 100) << 12);
          p.counters.set(pw::Counter::RssAnonBytes, (rng_() % 100000) << 12);
        }
      }
      const std::uint64_t ran = p.counters.get_or_zero(pw::Counter::RuntimeNs) - runtime +
                                p.counters.get_or_zero(pw::Counter::RunqWaitNs) - runq;
      const std::uint64_t lifetime = kSec * p.num_threads;
      p.counters.add(pw::Counter::OffCpuNs,
                     (lifetime > ran ? lifetime - ran : 0) + rng_() % 100'000 - 50'000);
    }
    s.processes = procs_;
    return s;
  }

 private:
  std::mt19937_64 rng_;
  double active_;
  std::vector<pw::ProcessSample> procs_;
  std::uint64_t n_ = 0;
};

std::filesystem::path bench_dir() {
  auto dir = std::filesystem::temp_directory_path() / "procwatch-store-bench";
  std::filesystem::create_directories(dir);
  return dir;
}

// Writer throughput: one sample (one transaction) per iteration.
// Arguments: processes per sample, percent of them changing per sample.
void BM_WriterInsert(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const double active = static_cast<double>(state.range(1)) / 100.0;
  const auto path = bench_dir() / ("insert-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  Host host(n, active);
  std::vector<pw::Sample> samples;
  for (int i = 0; i < 200; ++i) samples.push_back(host.next());  // generated outside the timing
  std::uint64_t process_samples = 0;
  pw::WriterStats stats;
  {
    pw::Database db = pw::open_for_append(path);
    pw::SessionWriter w(db, pw::SessionInfo{});
    std::size_t i = 0;
    for (auto _ : state) {
      pw::Sample& s = samples[i++ % samples.size()];
      // Time moves on even when the samples repeat.
      s.system.wall_ns += samples.size() * kSec;
      s.system.monotonic_ns += samples.size() * kSec;
      w.write(s);
      process_samples += n;
    }
    stats = w.stats();
  }
  const auto bytes = std::filesystem::file_size(path);
  std::filesystem::remove(path);
  state.SetItemsProcessed(static_cast<std::int64_t>(process_samples));
  state.counters["bytes_per_process_sample"] =
      static_cast<double>(bytes) / static_cast<double>(stats.process_samples);
  state.counters["changed_pct"] =
      100.0 * static_cast<double>(stats.entries) / static_cast<double>(stats.process_samples);
}
BENCHMARK(BM_WriterInsert)
    ->ArgNames({"processes", "active_pct"})
    ->Args({1000, 10})
    ->Args({1000, 100})
    ->Args({10000, 10})
    ->Unit(benchmark::kMicrosecond);

// A recording at 1 s, made once and kept in the temp dir between runs.
std::filesystem::path recording(std::size_t samples, std::size_t processes) {
  const auto p =
      bench_dir() / ("rec-" + std::to_string(samples) + "x" + std::to_string(processes) + "-v1.db");
  if (!std::filesystem::exists(p)) {
    const auto tmp = bench_dir() / ("rec-" + std::to_string(::getpid()) + ".tmp.db");
    std::filesystem::remove(tmp);
    {
      Host host(processes, 0.13);
      pw::Database db = pw::open_for_append(tmp);
      pw::SessionWriter w(db, pw::SessionInfo{});
      for (std::size_t i = 0; i < samples; ++i) w.write(host.next());
      w.finish(kWall0 + (samples + 1) * kSec, "duration", 0);
    }
    std::filesystem::rename(tmp, p);
  }
  return p;
}

// 24 h at 1 s with 50 processes.
const std::filesystem::path& day_recording() {
  static const std::filesystem::path path = recording(86'400, 50);
  return path;
}

// Seek to a random time: the Model there (Sample and the one before it,
// derived as live), from a reader positioned elsewhere. Argument: processes
// (50: the 24 h recording; 1000: a 2 h one, the same keyframe spacing, so
// the same seek work as in 24 h).
void BM_ReplaySeek(benchmark::State& state) {
  const auto processes = static_cast<std::size_t>(state.range(0));
  const auto path = processes == 50 ? day_recording() : recording(7'200, processes);
  pw::Recording rec(path);
  auto reader = rec.open_session(rec.session().info.id);
  std::mt19937_64 rng(7);
  const std::size_t decoded_before = reader->entries_decoded();
  for (auto _ : state) {
    const std::size_t i = 1 + rng() % (reader->size() - 1);
    const pw::Model m = reader->model_at(i);
    benchmark::DoNotOptimize(m.processes.data());
  }
  const std::size_t decoded = reader->entries_decoded() - decoded_before;
  state.counters["samples"] = static_cast<double>(reader->size());
  state.counters["file_MB"] = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
  state.counters["entries_per_seek"] =
      static_cast<double>(decoded) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_ReplaySeek)->ArgName("processes")->Arg(50)->Arg(1000)->Unit(benchmark::kMillisecond);

// Opening the 24 h recording: reading its sample index.
void BM_ReplayOpen(benchmark::State& state) {
  const auto& path = day_recording();
  for (auto _ : state) {
    pw::Recording rec(path);
    auto reader = rec.open_session(rec.session().info.id);
    benchmark::DoNotOptimize(reader->size());
  }
}
BENCHMARK(BM_ReplayOpen)->Unit(benchmark::kMillisecond);

// Stepping forward one sample, as replay plays.
void BM_ReplayStep(benchmark::State& state) {
  pw::Recording rec(day_recording());
  auto reader = rec.open_session(rec.session().info.id);
  std::size_t i = 1000;
  for (auto _ : state) {
    const pw::Model m = reader->model_at(i++);
    benchmark::DoNotOptimize(m.processes.data());
    if (i >= reader->size()) i = 1000;
  }
}
BENCHMARK(BM_ReplayStep)->Unit(benchmark::kMicrosecond);

}  // namespace
