#include "model/model.h"

#include <unordered_map>

namespace pw {
namespace {

struct KeyHash {
  std::size_t operator()(const ProcessKey& k) const {
    return std::hash<std::uint64_t>()((static_cast<std::uint64_t>(k.pid) << 40) ^ k.start_ns);
  }
};

std::optional<double> percent(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return std::nullopt;
  return 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

std::uint64_t minus_or_zero(std::uint64_t a, std::uint64_t b) { return a >= b ? a - b : 0; }

SystemRow derive_system(const Sample& cur, const Sample* prev) {
  SystemRow s;
  s.num_running = cur.system.procs_running;
  s.events_dropped = cur.system.events_dropped;
  for (const auto& p : cur.processes) {
    if (p.exit_status) continue;
    ++s.num_processes;
    s.num_threads += p.num_threads;
  }
  if (!prev || cur.system.monotonic_ns <= prev->system.monotonic_ns) return s;

  s.interval_s = static_cast<double>(cur.system.monotonic_ns - prev->system.monotonic_ns) / 1e9;
  const CpuTimes& a = prev->system.cpu;
  const CpuTimes& b = cur.system.cpu;
  const std::uint64_t total = minus_or_zero(b.total_ns(), a.total_ns());
  s.cpu_busy_pct = percent(minus_or_zero(b.busy_ns(), a.busy_ns()), total);
  s.cpu_user_pct = percent(minus_or_zero(b.user_ns + b.nice_ns, a.user_ns + a.nice_ns), total);
  s.cpu_system_pct = percent(
      minus_or_zero(b.system_ns + b.irq_ns + b.softirq_ns, a.system_ns + a.irq_ns + a.softirq_ns),
      total);
  s.cpu_iowait_pct = percent(minus_or_zero(b.iowait_ns, a.iowait_ns), total);
  s.cpu_steal_pct = percent(minus_or_zero(b.steal_ns, a.steal_ns), total);
  s.events_per_s =
      static_cast<double>(minus_or_zero(cur.system.events_total, prev->system.events_total)) /
      s.interval_s;
  s.dropped_in_interval = minus_or_zero(cur.system.events_dropped, prev->system.events_dropped);
  return s;
}

SelfRow derive_self(const Sample& cur, const Sample* prev, double interval_s) {
  SelfRow r;
  r.rss_bytes = cur.self.rss_bytes;
  r.maps = cur.self.maps;
  if (!prev || interval_s <= 0) return r;
  r.cpu_pct =
      static_cast<double>(minus_or_zero(cur.self.cpu_ns, prev->self.cpu_ns)) / interval_s / 1e7;
  // Program figures need statistics on during this interval.
  if (!cur.self.bpf_stats) return r;
  double kernel_ns = 0;
  for (const auto& p : cur.self.programs) {
    ProgramRow row{p.object, p.name, std::nullopt, std::nullopt, std::nullopt};
    for (const auto& q : prev->self.programs) {
      if (q.object != p.object || q.name != p.name) continue;
      const std::uint64_t runs = minus_or_zero(p.run_count, q.run_count);
      const std::uint64_t ns = minus_or_zero(p.run_time_ns, q.run_time_ns);
      row.events_per_s = static_cast<double>(runs) / interval_s;
      if (runs) row.ns_per_event = static_cast<double>(ns) / static_cast<double>(runs);
      row.cpu_pct = static_cast<double>(ns) / interval_s / 1e7;
      kernel_ns += static_cast<double>(ns);
    }
    r.programs.push_back(std::move(row));
  }
  r.kernel_cpu_pct = kernel_ns / interval_s / 1e7;
  return r;
}

}  // namespace

std::optional<double> ProcessRow::rate_per_s(Counter c, double interval_s) const {
  const auto d = delta.get(c);
  if (!d || interval_s <= 0) return std::nullopt;
  return static_cast<double>(*d) / interval_s;
}

Model derive_model(std::shared_ptr<const Sample> current, const Sample* previous) {
  Model m;
  m.sample = std::move(current);
  const Sample& cur = *m.sample;
  m.system = derive_system(cur, previous);
  m.self = derive_self(cur, previous, m.system.interval_s);
  const bool have_interval = m.system.interval_s > 0;

  std::unordered_map<ProcessKey, const ProcessSample*, KeyHash> before;
  if (previous) {
    before.reserve(previous->processes.size());
    for (const auto& p : previous->processes)
      if (!p.exit_status) before.emplace(p.key, &p);
  }

  m.processes.reserve(cur.processes.size());
  for (const auto& p : cur.processes) {
    ProcessRow row;
    row.sample = &p;
    row.exited_in_interval = p.exit_status.has_value();
    row.age_ns = minus_or_zero(p.exit_ns.value_or(cur.system.monotonic_ns), p.key.start_ns);
    const ProcessSample* old = nullptr;
    if (auto it = before.find(p.key); it != before.end()) old = it->second;
    // Born after the previous pass: everything it has, it did in this interval.
    row.started_in_interval =
        !old && have_interval && p.key.start_ns > previous->system.monotonic_ns;

    if (old || row.started_in_interval) {
      for (std::size_t i = 0; i < kCounterCount; ++i) {
        const auto c = static_cast<Counter>(i);
        const auto now = p.counters.get(c);
        if (!now || is_gauge(c)) continue;  // a level, not a count: no delta
        std::uint64_t then = 0;
        if (old) {
          // Not measured last time (e.g. /proc/PID/io unreadable then): the
          // cumulative total is not what happened in this interval.
          const auto before_value = old->counters.get(c);
          if (!before_value) continue;
          then = *before_value;
        }
        row.delta.set(c, minus_or_zero(*now, then));
      }
      row.runq_hist_delta = old ? p.runq_hist.minus(old->runq_hist) : p.runq_hist;
      row.io_hist_delta = old ? p.io_hist.minus(old->io_hist) : p.io_hist;
    }
    m.processes.push_back(row);
  }
  return m;
}

}  // namespace pw
