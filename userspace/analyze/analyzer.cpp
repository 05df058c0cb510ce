#include "analyze/analyzer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace pw {

const std::array<MetricInfo, kProcessMetricCount>& process_metrics() {
  // Floors: the smallest rise worth a look, whatever the noise. A rise must
  // exceed spike_score x max(noise, floor) to be raised, so with the
  // default score of 6 a CPU spike needs +30 points over a perfectly
  // steady baseline, IO or network +6 MiB/s.
  static const std::array<MetricInfo, kProcessMetricCount> metrics{{
      {"cpu_pct", {5.0, 0.1}},
      {"runq_wait_pct", {10.0, 0.2}},
      {"io_bytes_per_s", {1024.0 * 1024, 0.2}},
      {"net_bytes_per_s", {1024.0 * 1024, 0.2}},
      {"tcp_retransmits_per_s", {5.0, 0.2}},
      {"major_faults_per_s", {50.0, 0.2}},
      {"threads", {4.0, 0.1}},
      {"forks_per_s", {10.0, 0.2}},
  }};
  return metrics;
}

std::string process_identity(const ProcessSample& p) {
  std::string id;
  id.reserve(p.cgroup.size() + p.comm.size() + p.cmdline.size() + 2);
  id.append(p.cgroup).push_back('\x1f');
  id.append(p.comm).push_back('\x1f');
  id.append(p.cmdline);
  return id;
}

namespace {

std::optional<double> sum_rate(const ProcessRow& r, Counter a, Counter b, double interval_s) {
  const auto x = r.rate_per_s(a, interval_s), y = r.rate_per_s(b, interval_s);
  if (!x && !y) return std::nullopt;
  return x.value_or(0) + y.value_or(0);
}

std::optional<double> metric_value(const ProcessRow& r, ProcessMetric m, double interval_s,
                                   std::uint32_t forks) {
  switch (m) {
    case ProcessMetric::CpuPct: {
      const auto v = r.rate_per_s(Counter::RuntimeNs, interval_s);
      return v ? std::optional<double>(*v / 1e7) : std::nullopt;
    }
    case ProcessMetric::RunqWaitPct: {
      const auto v = r.rate_per_s(Counter::RunqWaitNs, interval_s);
      return v ? std::optional<double>(*v / 1e7) : std::nullopt;
    }
    case ProcessMetric::IoBytesPerSec:
      return sum_rate(r, Counter::ReadBytes, Counter::WriteBytes, interval_s);
    case ProcessMetric::NetBytesPerSec:
      return sum_rate(r, Counter::NetTxBytes, Counter::NetRxBytes, interval_s);
    case ProcessMetric::RetransmitsPerSec:
      return r.rate_per_s(Counter::TcpRetransmits, interval_s);
    case ProcessMetric::MajorFaultsPerSec:
      return r.rate_per_s(Counter::MajFlt, interval_s);
    case ProcessMetric::Threads:
      return static_cast<double>(r.sample->num_threads);
    case ProcessMetric::ForksPerSec:
      // Only once the process has a full interval behind it.
      if (r.started_in_interval) return std::nullopt;
      return static_cast<double>(forks) / interval_s;
    case ProcessMetric::kCount:
      break;
  }
  return std::nullopt;
}

std::string mib(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", bytes / (1024.0 * 1024));
  return buf;
}

std::string kib_per_s(double rate) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f KiB/s", rate / 1024.0);
  return buf;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

}  // namespace

Analyzer::Analyzer(AnalyzerOptions options) : options_(std::move(options)) {}

Finding& Analyzer::open_finding(Finding f, std::vector<Finding>& raised) {
  f.id = next_id_++;
  if (f.start_wall_ns == 0) f.start_wall_ns = f.end_wall_ns = now_wall_ns_;
  f.active = true;
  raised.push_back(f);
  return active_.emplace(f.id, std::move(f)).first->second;
}

void Analyzer::end_finding(std::uint64_t& id) {
  if (id == 0) return;
  if (auto it = active_.find(id); it != active_.end()) {
    it->second.active = false;
    ended_.push_back(std::move(it->second));
    active_.erase(it);
    if (ended_.size() > options_.max_ended) ended_.pop_front();
  }
  id = 0;
}

std::optional<std::uint64_t> Analyzer::limit_for(const std::string& cgroup) {
  if (options_.memory_limit) {
    auto it = limits_.find(cgroup);
    if (it == limits_.end()) it = limits_.emplace(cgroup, options_.memory_limit(cgroup)).first;
    if (it->second) return it->second;
  }
  if (mem_total_bytes_ > 0) return mem_total_bytes_;
  return std::nullopt;
}

std::vector<Finding> Analyzer::update(const Model& model) {
  std::vector<Finding> raised;
  if (!model.sample) return raised;
  const Sample& sample = *model.sample;
  ++epoch_;
  now_wall_ns_ = sample.system.wall_ns;
  mem_total_bytes_ = sample.system.mem_total_bytes;
  now_t_s_ = static_cast<double>(sample.system.monotonic_ns) / 1e9;
  const double interval_s = model.interval_s();

  forks_.clear();
  std::uint32_t total_forks = 0;
  for (const LifecycleEvent& e : sample.events) {
    if (e.kind == LifecycleEvent::Kind::Fork) {
      ++forks_[e.ppid];
      ++total_forks;
    } else if (e.kind == LifecycleEvent::Kind::OomKill) {
      Finding f;
      f.kind = Finding::Kind::Anomaly;
      f.detector = "oom_kill";
      f.process = e.key;
      f.comm = e.comm;
      f.metric = "rss_bytes";
      f.value = static_cast<double>(e.victim_rss_bytes);
      f.score = 1;
      f.evidence = "killed by the OOM killer with " + mib(f.value) +
                   " resident; the allocation that hit the limit was by pid " +
                   std::to_string(e.trigger_pid) + " (" + e.trigger_comm + ")";
      // The event's own time, moved to the wall clock of the sample.
      const std::uint64_t ago =
          sample.system.monotonic_ns > e.ts_ns ? sample.system.monotonic_ns - e.ts_ns : 0;
      f.start_wall_ns = f.end_wall_ns = now_wall_ns_ > ago ? now_wall_ns_ - ago : now_wall_ns_;
      std::uint64_t id = open_finding(std::move(f), raised).id;
      end_finding(id);
      raised.back().active = false;  // an instant: raised and over
    }
  }

  double runq_ns = 0;
  for (const ProcessRow& row : model.processes) {
    const ProcessSample& p = *row.sample;
    if (p.kernel_thread) continue;
    if (interval_s > 0) runq_ns += static_cast<double>(row.delta.get_or_zero(Counter::RunqWaitNs));
    if (options_.only_pid && p.key.pid != *options_.only_pid) continue;
    auto [it, inserted] = processes_.try_emplace(p.key);
    ProcessState& st = it->second;
    if (inserted) {
      st.identity = process_identity(p);
      st.comm = p.comm;
      IdentityHistory& h = identities_[st.identity];
      ++h.runs;
      // A restarted worker starts from its predecessor's baselines (no
      // warm-up again); its memory series starts afresh, so the restart's
      // drop is neither a fall nor the start of a leak.
      if (h.has_baselines) st.baselines = h.baselines;
    }
    if (p.exit_status || row.exited_in_interval) {
      retire(st);
      processes_.erase(it);
      continue;
    }
    st.epoch = epoch_;
    const auto f = forks_.find(p.key.pid);
    update_process(row, st, interval_s, f == forks_.end() ? 0 : f->second, raised);
  }
  // Processes gone without an exit row (filtered out, or missed).
  for (auto it = processes_.begin(); it != processes_.end();) {
    if (it->second.epoch != epoch_) {
      retire(it->second);
      it = processes_.erase(it);
    } else {
      ++it;
    }
  }
  if (interval_s > 0 && options_.anomalies) {
    const double cpus = std::max<std::uint32_t>(sample.system.num_cpus, 1);
    update_system(model, total_forks / interval_s, runq_ns / (interval_s * 1e9 * cpus), raised);
  }
  return raised;
}

void Analyzer::retire(ProcessState& st) {
  IdentityHistory& h = identities_[st.identity];
  if (st.baselines[0].samples() > 0) {
    h.baselines = st.baselines;
    h.has_baselines = true;
  }
  for (auto& id : st.open) end_finding(id);
  end_finding(st.leak_finding);
  end_finding(st.stalled_finding);
}

void Analyzer::update_process(const ProcessRow& row, ProcessState& st, double interval_s,
                              std::uint32_t forks, std::vector<Finding>& raised) {
  if (options_.leaks) update_leak(row, st, raised);
  if (!options_.anomalies || interval_s <= 0) return;
  const auto& metrics = process_metrics();
  for (std::size_t i = 0; i < kProcessMetricCount; ++i) {
    const auto m = static_cast<ProcessMetric>(i);
    const auto value = metric_value(row, m, interval_s, forks);
    if (!value) continue;
    MetricBaseline& b = st.baselines[i];
    if (m == ProcessMetric::CpuPct) update_stalled(row, st, *value, raised);
    const Observation obs = b.observe(*value, options_.anomaly, metrics[i].floor);
    const bool anomalous =
        obs.state == AnomalyState::Spike || obs.state == AnomalyState::LevelShift;
    if (!anomalous) {
      end_finding(st.open[i]);
      continue;
    }
    const char* detector = obs.state == AnomalyState::LevelShift ? "level_shift" : "spike";
    Finding* f = nullptr;
    if (st.open[i] == 0) {
      Finding nf;
      nf.kind = Finding::Kind::Anomaly;
      nf.detector = detector;
      nf.process = row.sample->key;
      nf.comm = row.sample->comm;
      nf.identity = st.identity;
      nf.metric = std::string(metrics[i].name);
      f = &open_finding(std::move(nf), raised);
      st.open[i] = f->id;
    } else {
      f = &active_.at(st.open[i]);
      f->end_wall_ns = now_wall_ns_;
      f->detector = detector;
    }
    f->value = *value;
    f->baseline = obs.baseline;
    f->score = std::max(f->score, obs.score);
    f->evidence = std::string(metrics[i].name) + " " + number(*value) + " against a baseline of " +
                  number(obs.baseline) + " (robust scale " + number(b.scale(metrics[i].floor)) +
                  "): score " + number(obs.score) + ", " + std::to_string(obs.run) +
                  " interval(s) in a row";
    if (obs.state == AnomalyState::LevelShift) {
      // The new level is the new normal: learn it, and close the finding.
      b.rebase(*value);
      if (!raised.empty() && raised.back().id == f->id) raised.back() = *f;
      end_finding(st.open[i]);
    }
  }
}

void Analyzer::update_stalled(const ProcessRow& row, ProcessState& st, double cpu_pct,
                              std::vector<Finding>& raised) {
  const MetricBaseline& b = st.baselines[static_cast<std::size_t>(ProcessMetric::CpuPct)];
  const MetricFloor floor = process_metrics()[0].floor;
  // Steady: warmed, busy enough, and its noise well below its level.
  const bool steady = b.samples() >= options_.anomaly.warmup &&
                      b.mean() >= options_.stalled_min_cpu_pct && b.scale(floor) <= b.mean();
  if (st.stalled_finding != 0) {
    if (cpu_pct >= options_.stalled_share * b.mean()) {
      end_finding(st.stalled_finding);
      st.stalled_run = 0;
    } else {
      active_.at(st.stalled_finding).end_wall_ns = now_wall_ns_;
      active_.at(st.stalled_finding).value = cpu_pct;
    }
    return;
  }
  if (!steady || cpu_pct >= options_.stalled_share * b.mean()) {
    st.stalled_run = 0;
    return;
  }
  if (++st.stalled_run < options_.stalled_intervals) return;
  Finding f;
  f.kind = Finding::Kind::Anomaly;
  f.detector = "stalled";
  f.process = row.sample->key;
  f.comm = row.sample->comm;
  f.identity = st.identity;
  f.metric = "cpu_pct";
  f.value = cpu_pct;
  f.baseline = b.mean();
  f.score = (b.mean() - cpu_pct) / b.scale(floor);
  f.evidence = "a steady worker at " + number(b.mean()) + "% CPU dropped to " + number(cpu_pct) +
               "% for " + std::to_string(st.stalled_run) + " intervals while still alive (state " +
               std::string(1, row.sample->state) + ")";
  st.stalled_finding = open_finding(std::move(f), raised).id;
}

void Analyzer::update_leak(const ProcessRow& row, ProcessState& st, std::vector<Finding>& raised) {
  const ProcessSample& p = *row.sample;
  const auto anon = p.counters.get(Counter::RssAnonBytes);
  if (!anon) return;
  const double t_s = now_t_s_;
  st.leak.add(t_s, static_cast<double>(*anon), options_.leak);
  const LeakVerdict v = st.leak.evaluate(options_.leak);
  if (!v.suspected) {
    if (st.leak_finding != 0 && ++st.leak_misses >= options_.leak_grace_intervals)
      end_finding(st.leak_finding);
    return;
  }
  st.leak_misses = 0;
  IdentityHistory& h = identities_[st.identity];
  Finding* f = nullptr;
  if (st.leak_finding == 0) {
    ++h.leak_runs;
    Finding nf;
    nf.kind = Finding::Kind::Leak;
    nf.detector = "leak";
    nf.process = p.key;
    nf.comm = p.comm;
    nf.identity = st.identity;
    nf.metric = "rss_anon_bytes";
    f = &open_finding(std::move(nf), raised);
    st.leak_finding = f->id;
  } else {
    f = &active_.at(st.leak_finding);
    f->end_wall_ns = now_wall_ns_;
  }
  f->value = v.current_bytes;
  f->baseline = v.first_bytes;
  f->score = v.z;
  f->rate_per_s = v.rate_bytes_per_s;
  f->confidence = 1 - v.p_value;
  f->window_s = v.window_s;
  const double size = static_cast<double>(*anon + p.counters.get_or_zero(Counter::RssFileBytes) +
                                          p.counters.get_or_zero(Counter::RssShmemBytes));
  f->limit_bytes = limit_for(p.cgroup);
  f->time_to_oom_s.reset();
  if (f->limit_bytes && static_cast<double>(*f->limit_bytes) > size)
    f->time_to_oom_s = (static_cast<double>(*f->limit_bytes) - size) / v.rate_bytes_per_s;
  f->evidence = "anon RSS " + mib(v.first_bytes) + " -> " + mib(v.current_bytes) + " over " +
                number(v.window_s) + " s: " + kib_per_s(v.rate_bytes_per_s) + " (recent " +
                kib_per_s(v.recent_rate_bytes_per_s) + "), Mann-Kendall Z " + number(v.z) +
                ", largest fall " + mib(v.drawdown_bytes) + ", " + std::to_string(v.points) +
                " points";
  if (h.leak_runs > 1)
    f->evidence += "; flagged in " + std::to_string(h.leak_runs - 1) + " earlier run(s)";
  if (!raised.empty() && raised.back().id == f->id) raised.back() = *f;
}

void Analyzer::update_system(const Model& model, double forks_per_s, double runq_per_cpu,
                             std::vector<Finding>& raised) {
  (void)model;
  const MetricFloor fork_floor{options_.fork_storm_floor_per_s, 0.5};
  const Observation fo = fork_rate_.observe(forks_per_s, options_.anomaly, fork_floor);
  if (fo.state == AnomalyState::Spike || fo.state == AnomalyState::LevelShift) {
    Finding* f = nullptr;
    if (fork_storm_ == 0) {
      Finding nf;
      nf.kind = Finding::Kind::Anomaly;
      nf.detector = "fork_storm";
      nf.metric = "forks_per_s";
      f = &open_finding(std::move(nf), raised);
      fork_storm_ = f->id;
    } else {
      f = &active_.at(fork_storm_);
      f->end_wall_ns = now_wall_ns_;
    }
    f->value = forks_per_s;
    f->baseline = fo.baseline;
    f->score = std::max(f->score, fo.score);
    f->evidence = number(forks_per_s) + " forks/s on the system against a baseline of " +
                  number(fo.baseline) + "/s";
    if (!raised.empty() && raised.back().id == f->id) raised.back() = *f;
  } else {
    end_finding(fork_storm_);
  }

  runq_run_ = runq_per_cpu >= options_.runq_saturation ? runq_run_ + 1 : 0;
  if (runq_run_ >= options_.runq_saturation_intervals) {
    Finding* f = nullptr;
    if (runq_saturation_ == 0) {
      Finding nf;
      nf.kind = Finding::Kind::Anomaly;
      nf.detector = "runq_saturation";
      nf.metric = "runq_wait_per_cpu";
      nf.baseline = options_.runq_saturation;
      f = &open_finding(std::move(nf), raised);
      runq_saturation_ = f->id;
    } else {
      f = &active_.at(runq_saturation_);
      f->end_wall_ns = now_wall_ns_;
    }
    f->value = runq_per_cpu;
    f->score = runq_per_cpu / options_.runq_saturation;
    f->evidence = "tasks waited " + number(runq_per_cpu) + " s per CPU-second for a CPU, " +
                  std::to_string(runq_run_) + " intervals in a row";
    if (!raised.empty() && raised.back().id == f->id) raised.back() = *f;
  } else if (runq_run_ == 0) {
    end_finding(runq_saturation_);
  }
}

std::vector<Finding> Analyzer::active() const {
  std::vector<Finding> out;
  out.reserve(active_.size());
  for (const auto& [id, f] : active_) out.push_back(f);
  std::sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) { return a.id < b.id; });
  return out;
}

std::vector<Finding> Analyzer::all() const {
  std::vector<Finding> out(ended_.begin(), ended_.end());
  for (const auto& [id, f] : active_) out.push_back(f);
  std::sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
    return a.start_wall_ns != b.start_wall_ns ? a.start_wall_ns < b.start_wall_ns : a.id < b.id;
  });
  return out;
}

void Analyzer::annotate(Model& model) const {
  model.findings = active();
  if (active_.empty()) return;
  std::unordered_map<ProcessKey, std::string, KeyHash> flags;
  for (const auto& [id, f] : active_) {
    if (!f.process) continue;
    std::string& s = flags[*f.process];
    const char c = f.kind == Finding::Kind::Leak ? 'L' : 'A';
    if (s.find(c) == std::string::npos) s.push_back(c);
  }
  for (ProcessRow& row : model.processes) {
    const auto it = flags.find(row.sample->key);
    if (it == flags.end()) continue;
    row.flags = it->second;
    std::sort(row.flags.begin(), row.flags.end(), std::greater<>());  // "LA"
  }
}

}  // namespace pw
