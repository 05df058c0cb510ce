#include "report/report_data.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "model/model.h"
#include "view/sanitize.h"

namespace pw {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct KeyHash {
  std::size_t operator()(const ProcessKey& k) const {
    return std::hash<std::uint64_t>()((static_cast<std::uint64_t>(k.pid) << 40) ^ k.start_ns);
  }
};

// Averages values that fall into one time bucket.
struct Mean {
  double sum = 0;
  std::uint32_t n = 0;
  void add(std::optional<double> v) {
    if (v && std::isfinite(*v)) {
      sum += *v;
      ++n;
    }
  }
  double value() const { return n ? sum / n : kNaN; }
};

struct Point {
  std::uint32_t bucket = 0;
  Mean cpu, rss, io, net;
};

std::optional<double> sum_rates(const ProcessRow& row, Counter a, Counter b, double dt) {
  const auto x = row.rate_per_s(a, dt);
  const auto y = row.rate_per_s(b, dt);
  if (!x && !y) return std::nullopt;
  return x.value_or(0) + y.value_or(0);
}

void add_delta(std::optional<std::uint64_t>& total, const ProcessRow& row, Counter c) {
  if (const auto d = row.delta.get(c)) total = total.value_or(0) + *d;
}

std::optional<std::uint64_t> rss_of(const ProcessSample& p) {
  const auto a = p.counters.get(Counter::RssAnonBytes);
  const auto f = p.counters.get(Counter::RssFileBytes);
  const auto s = p.counters.get(Counter::RssShmemBytes);
  if (!a && !f && !s) return std::nullopt;
  return a.value_or(0) + f.value_or(0) + s.value_or(0);
}

// Indexes of the n largest positive figures, largest first.
template <typename F>
std::vector<std::size_t> top(const std::vector<ProcessReport>& all, std::size_t n, F figure) {
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < all.size(); ++i)
    if (figure(all[i]) > 0) idx.push_back(i);
  std::stable_sort(idx.begin(), idx.end(),
                   [&](std::size_t a, std::size_t b) { return figure(all[a]) > figure(all[b]); });
  if (idx.size() > n) idx.resize(n);
  return idx;
}

}  // namespace

std::string ProcessReport::label() const {
  return sanitize_for_terminal(comm.empty() ? std::string("?") : comm) + " (" +
         std::to_string(key.pid) + ")";
}

ReportData build_report(SampleSource& source, const SessionInfo& session,
                        std::vector<AlertRecord> alerts, const ReportOptions& options) {
  ReportData r;
  r.session = session;
  r.alerts = std::move(alerts);
  if (source.size() == 0) return r;

  // The range of samples reported.
  std::size_t lo = 0, hi = source.size() - 1;
  if (options.from_wall_ns) {
    while (lo < hi && source.time_at(lo).wall_ns < *options.from_wall_ns) ++lo;
  }
  if (options.to_wall_ns) {
    while (hi > lo && source.time_at(hi).wall_ns > *options.to_wall_ns) --hi;
  }
  const std::size_t n = hi - lo + 1;
  const std::size_t buckets = std::max<std::size_t>(1, std::min(n, options.max_points));
  auto bucket_of = [&](std::size_t i) {
    return static_cast<std::uint32_t>((i - lo) * buckets / n);
  };
  r.samples = n;
  r.first_wall_ns = source.time_at(lo).wall_ns;
  r.last_wall_ns = source.time_at(hi).wall_ns;
  std::erase_if(r.alerts, [&](const AlertRecord& a) {
    return a.wall_ns + 1'000'000'000 < r.first_wall_ns || a.wall_ns > r.last_wall_ns;
  });

  std::vector<Mean> busy(buckets), mem(buckets), load(buckets), events(buckets), procs(buckets);
  std::vector<std::uint64_t> time_sum(buckets, 0), time_n(buckets, 0);
  std::unordered_map<ProcessKey, std::size_t, KeyHash> index;
  std::vector<std::vector<Point>> points;

  for (std::size_t i = lo; i <= hi; ++i) {
    const Model m = source.model_at(i);
    const Sample& s = *m.sample;
    const double dt = m.interval_s();
    const std::uint32_t b = bucket_of(i);
    const std::uint64_t wall = s.system.wall_ns;
    // Sums of the offsets keep the mean exact without overflowing.
    time_sum[b] += wall - r.first_wall_ns;
    ++time_n[b];
    r.num_cpus = s.system.num_cpus;
    if (s.system.mem_total_bytes) r.mem_total_bytes = s.system.mem_total_bytes;
    busy[b].add(m.system.cpu_busy_pct);
    if (s.system.mem_total_bytes)
      mem[b].add(static_cast<double>(s.system.mem_total_bytes - s.system.mem_available_bytes));
    load[b].add(s.system.load1);
    events[b].add(m.system.events_per_s);
    procs[b].add(static_cast<double>(m.system.num_processes));
    if (i > lo && m.system.dropped_in_interval) r.events_dropped += *m.system.dropped_in_interval;

    for (const ProcessRow& row : m.processes) {
      const ProcessSample& p = *row.sample;
      auto [it, inserted] = index.try_emplace(p.key, r.processes_seen.size());
      if (inserted) {
        ProcessReport pr;
        pr.key = p.key;
        pr.first_wall_ns = wall;
        pr.started = i > lo || row.started_in_interval;
        r.processes_seen.push_back(std::move(pr));
        points.emplace_back();
      }
      ProcessReport& pr = r.processes_seen[it->second];
      pr.ppid = p.ppid;
      pr.comm = p.comm;
      if (!p.cmdline.empty() || pr.cmdline.empty()) pr.cmdline = p.cmdline;
      pr.user = p.user.empty() ? std::to_string(p.uid) : p.user;
      pr.last_wall_ns = wall;
      ++pr.samples;
      if (p.exit_status) {
        pr.exited = true;
        pr.exit_status = p.exit_status;
      }
      if (const auto d = row.delta.get(Counter::RuntimeNs))
        pr.cpu_s += static_cast<double>(*d) / 1e9;
      const auto cpu = row.rate_per_s(Counter::RuntimeNs, dt);
      const std::optional<double> cpu_pct = cpu ? std::optional(*cpu / 1e9 * 100.0) : std::nullopt;
      if (cpu_pct) pr.peak_cpu_pct = std::max(pr.peak_cpu_pct, *cpu_pct);
      add_delta(pr.read_bytes, row, Counter::ReadBytes);
      add_delta(pr.write_bytes, row, Counter::WriteBytes);
      add_delta(pr.net_tx_bytes, row, Counter::NetTxBytes);
      add_delta(pr.net_rx_bytes, row, Counter::NetRxBytes);
      const auto rss = rss_of(p);
      if (rss) pr.peak_rss_bytes = std::max(pr.peak_rss_bytes.value_or(0), *rss);

      std::vector<Point>& pts = points[it->second];
      if (pts.empty() || pts.back().bucket != b) pts.push_back(Point{b, {}, {}, {}, {}});
      Point& pt = pts.back();
      pt.cpu.add(cpu_pct);
      pt.rss.add(rss ? std::optional(static_cast<double>(*rss)) : std::nullopt);
      pt.io.add(sum_rates(row, Counter::ReadBytes, Counter::WriteBytes, dt));
      pt.net.add(sum_rates(row, Counter::NetTxBytes, Counter::NetRxBytes, dt));
    }
    for (const LifecycleEvent& e : s.events) {
      if (e.kind == LifecycleEvent::Kind::OomKill) {
        r.oom_kills.push_back({wall, e});
        continue;
      }
      ++r.lifecycle_total;
      if (r.lifecycle.size() < options.max_lifecycle_rows) r.lifecycle.push_back({wall, e});
    }
  }

  for (std::size_t b = 0; b < buckets; ++b) {
    r.times.push_back(r.first_wall_ns + (time_n[b] ? time_sum[b] / time_n[b] : 0));
    r.cpu_busy_pct.push_back(busy[b].value());
    r.mem_used_bytes.push_back(mem[b].value());
    r.load1.push_back(load[b].value());
    r.events_per_s.push_back(events[b].value());
    r.processes.push_back(procs[b].value());
  }

  const auto& all = r.processes_seen;
  r.top_cpu = top(all, options.top_n, [](const ProcessReport& p) { return p.cpu_s; });
  r.top_io = top(all, options.top_n,
                 [](const ProcessReport& p) { return static_cast<double>(p.io_bytes()); });
  r.top_net = top(all, options.top_n,
                  [](const ProcessReport& p) { return static_cast<double>(p.net_bytes()); });
  r.top_mem = top(all, options.top_n, [](const ProcessReport& p) {
    return static_cast<double>(p.peak_rss_bytes.value_or(0));
  });

  // Series for the processes the charts show: the head of each top list.
  std::vector<std::size_t> chosen;
  for (const auto* list : {&r.top_cpu, &r.top_mem, &r.top_io, &r.top_net})
    for (std::size_t k = 0; k < list->size() && k < options.max_series; ++k)
      if (std::find(chosen.begin(), chosen.end(), (*list)[k]) == chosen.end())
        chosen.push_back((*list)[k]);
  for (const std::size_t pi : chosen) {
    ProcessSeries ps;
    ps.process = pi;
    ps.cpu_pct.assign(buckets, kNaN);
    ps.rss_bytes.assign(buckets, kNaN);
    ps.io_bytes_per_s.assign(buckets, kNaN);
    ps.net_bytes_per_s.assign(buckets, kNaN);
    for (const Point& pt : points[pi]) {
      ps.cpu_pct[pt.bucket] = pt.cpu.value();
      ps.rss_bytes[pt.bucket] = pt.rss.value();
      ps.io_bytes_per_s[pt.bucket] = pt.io.value();
      ps.net_bytes_per_s[pt.bucket] = pt.net.value();
    }
    r.series.push_back(std::move(ps));
  }

  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].started) r.started.push_back(i);
    if (all[i].exited) r.exited.push_back(i);
  }
  std::stable_sort(r.started.begin(), r.started.end(), [&](std::size_t a, std::size_t b) {
    return all[a].first_wall_ns < all[b].first_wall_ns;
  });
  std::stable_sort(r.exited.begin(), r.exited.end(), [&](std::size_t a, std::size_t b) {
    return all[a].last_wall_ns < all[b].last_wall_ns;
  });
  return r;
}

}  // namespace pw
