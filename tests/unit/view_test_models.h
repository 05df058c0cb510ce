// Hand-built Models for the view tests: two Samples one second apart whose
// counters differ by what a test says happened during the interval.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/model.h"

namespace pw::view_test {

constexpr std::uint64_t kSec = 1'000'000'000ULL;
// 2024-05-01 12:00:00 UTC
constexpr std::uint64_t kWallNs = 1'714'564'800ULL * kSec;

struct ProcSpec {
  std::int32_t pid = 0;
  std::int32_t ppid = 1;
  std::string comm;
  std::string cmdline;
  std::string user = "root";
  std::uint32_t uid = 0;
  char state = 'S';
  std::uint32_t threads = 1;
  bool kernel_thread = false;
  std::uint64_t runtime_total_ns = 10 * kSec;  // cumulative, in the later sample
  // What happened during the interval; nullopt = counter not measured.
  std::optional<std::uint64_t> cpu_ns = 0;
  std::optional<std::uint64_t> vol_ctxsw;
  std::optional<std::uint64_t> invol_ctxsw;
  std::optional<std::uint64_t> offcpu_ns;
  std::vector<std::pair<int, std::uint64_t>> runq_buckets;  // (log2 bucket, count)
  bool exited = false;                                      // exit seen in the interval (status 0)
  bool started = false;                                     // not in the earlier sample
  // More counters: (counter, what happened in the interval) on top of a
  // cumulative 1,000,000 (0 if started); gauges: (counter, level), the same in both samples.
  std::vector<std::pair<Counter, std::uint64_t>> deltas;
  std::vector<std::pair<Counter, std::uint64_t>> gauges;
  std::vector<std::pair<int, std::uint64_t>> io_buckets;  // block IO latency, this interval
  std::string cgroup;
  std::optional<std::uint64_t> start_ns;  // instead of the default start time
  std::vector<Connection> connections;
  std::vector<DeviceIo> devices;
};

class TwoSamples {
 public:
  TwoSamples() {
    before.monotonic_ns = 100 * kSec;
    before.wall_ns = kWallNs - kSec;
    after.monotonic_ns = 101 * kSec;
    after.wall_ns = kWallNs;
    before.hostname = after.hostname = "testhost";
    before.num_cpus = after.num_cpus = 4;
  }

  TwoSamples& add(ProcSpec p) {
    specs_.push_back(std::move(p));
    return *this;
  }

  // The Model of the later sample against the earlier one.
  Model derive() const {
    Sample b, a;
    b.system = before;
    a.system = after;
    b.self = self_before;
    a.self = self_after;
    for (const ProcSpec& spec : specs_) {
      a.processes.push_back(make(spec, false));
      if (!spec.started) b.processes.push_back(make(spec, true));
    }
    return derive_model(std::make_shared<Sample>(std::move(a)), &b);
  }

  // The later sample alone, as the first frame: no rates.
  Model first_frame() const {
    Sample a;
    a.system = after;
    for (const ProcSpec& spec : specs_) a.processes.push_back(make(spec, false));
    return derive_model(std::make_shared<Sample>(std::move(a)), nullptr);
  }

  SystemSample before;
  SystemSample after;
  SelfSample self_before;  // procwatch's own cost (the self view)
  SelfSample self_after;

 private:
  static ProcessSample make(const ProcSpec& s, bool earlier) {
    ProcessSample p;
    p.key = {s.pid, s.start_ns.value_or(s.started ? 100 * kSec + kSec / 2 : 1 * kSec)};
    p.ppid = s.ppid;
    p.uid = s.uid;
    p.comm = s.comm;
    p.cmdline = s.cmdline;
    p.user = s.user;
    p.state = s.exited && !earlier ? 'X' : s.state;
    p.num_threads = s.threads;
    p.kernel_thread = s.kernel_thread;
    if (s.exited && !earlier) {
      p.exit_status = 0;
      p.exit_ns = 100 * kSec + kSec / 2;
    }
    auto counter = [&](Counter c, std::uint64_t total, const std::optional<std::uint64_t>& d) {
      if (!d) return;
      p.counters.set(c, earlier ? total - *d : total);
    };
    counter(Counter::RuntimeNs, s.runtime_total_ns, s.cpu_ns);
    counter(Counter::VolCtxSw, 5000, s.vol_ctxsw);
    counter(Counter::InvolCtxSw, 700, s.invol_ctxsw);
    counter(Counter::OffCpuNs, 50 * kSec, s.offcpu_ns);
    // The earlier histogram holds 3 samples in bucket 20; the interval adds
    // runq_buckets on top, so only those show in the delta.
    if (!s.started) p.runq_hist.add(20, 3);
    if (!earlier)
      for (const auto& [bucket, count] : s.runq_buckets) p.runq_hist.add(bucket, count);
    // A process started in the interval did all it has in the interval.
    const std::uint64_t base = s.started ? 0 : 1'000'000;
    for (const auto& [c, d] : s.deltas) p.counters.set(c, earlier ? base : base + d);
    for (const auto& [c, level] : s.gauges) p.counters.set(c, level);
    if (!earlier)
      for (const auto& [bucket, count] : s.io_buckets) p.io_hist.add(bucket, count);
    p.cgroup = s.cgroup;
    p.connections = s.connections;
    // A connection list is only there when the net probe measured.
    if (!s.connections.empty() && !p.counters.get(Counter::NetTxBytes))
      p.counters.set(Counter::NetTxBytes, base);
    p.devices = s.devices;
    return p;
  }

  std::vector<ProcSpec> specs_;
};

inline const ProcessRow* row_of(const Model& m, std::int32_t pid) {
  for (const ProcessRow& r : m.processes)
    if (r.sample->key.pid == pid) return &r;
  return nullptr;
}

}  // namespace pw::view_test
