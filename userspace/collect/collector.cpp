#include "collect/collector.h"

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <unordered_set>

#include "collect/probe_states.h"
#include "collect/program_counters.h"
#include "common/log.h"

namespace pw {
namespace {

std::uint64_t clock_ns(clockid_t id) {
  timespec ts{};
  ::clock_gettime(id, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ULL +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

}  // namespace

Collector::Collector(const CollectorOptions& options)
    : options_(options), probes_(options.probes), proc_(options.proc_root) {
  decode_.sched_measured = probes_.has_scheduler();
  decode_.block_measured = probes_.has_block_io();
  decode_.net_measured = probes_.has_network();
  decode_.memsys_measured = probes_.has_memory();
  decode_.keep_threads = options.keep_threads;
  unmeasured_ = counters_without_program(probes_);
  hostname_ = host_name();
  set_bpf_stats(options.bpf_stats);
}

void Collector::set_bpf_stats(bool on) {
  if (on && !bpf_stats_) {
    auto scope = std::make_unique<BpfStatsScope>();
    if (scope->active()) {
      bpf_stats_ = std::move(scope);
      bpf_stats_since_ns_ = clock_ns(CLOCK_MONOTONIC);
    }
  } else if (!on) {
    if (bpf_stats_) bpf_stats_ns_ += clock_ns(CLOCK_MONOTONIC) - bpf_stats_since_ns_;
    bpf_stats_.reset();
  }
}

void Collector::set_probe_enabled(const std::string& object, bool enabled) {
  probes_.set_attached(object, enabled);
  decode_.sched_measured = probes_.is_attached("sched");
  decode_.block_measured = probes_.is_attached("io");
  decode_.net_measured = probes_.is_attached("net");
  decode_.memsys_measured = probes_.is_attached("mem");
}

void Collector::set_probe_sample_shift(const std::string& object, unsigned shift) {
  if (!probes_.set_sample_shift(object, shift))
    log_info("cannot sample the '" + object + "' probes: not loaded");
}

SelfSample Collector::read_self() const {
  SelfSample self;
  rusage usage{};
  if (::getrusage(RUSAGE_SELF, &usage) == 0) {
    auto ns = [](const timeval& tv) {
      return static_cast<std::uint64_t>(tv.tv_sec) * 1'000'000'000ULL +
             static_cast<std::uint64_t>(tv.tv_usec) * 1000ULL;
    };
    self.cpu_ns = ns(usage.ru_utime) + ns(usage.ru_stime);
  }
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  if (statm >> size >> resident)
    self.rss_bytes = resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  // The counters advance only while statistics are on, so the delta from
  // the previous sample (taken with them off or on) is this interval's.
  self.bpf_stats = bpf_stats_ != nullptr;
  for (auto& p : probes_.program_stats())
    self.programs.push_back({p.object, p.name, p.run_count, p.run_time_ns});
  if (self.bpf_stats)
    for (auto& m : probes_.map_occupancy())
      self.maps.push_back({m.name, m.object, m.max_entries, m.entries});
  // How long the program counters could advance: /metrics divides by it.
  self.bpf_stats_ns =
      bpf_stats_ns_ + (bpf_stats_ ? clock_ns(CLOCK_MONOTONIC) - bpf_stats_since_ns_ : 0);
  self.probes = probe_states(probes_);
  return self;
}

void Collector::handle_event(const void* data, std::size_t size) {
  auto decoded = decode_event(data, size, decode_);
  if (!decoded) return;
  ++events_total_;
  if (decoded->event.kind == LifecycleEvent::Kind::Exec) {
    // The command line changed: read it again on the next pass; until then
    // (or for good, if the process is gone by then) use the event's argv.
    Enrichment& e = enrichment_[decoded->event.key];
    e.cmdline = decoded->event.argv.empty() ? decoded->event.filename : decoded->event.argv;
    e.read_from_proc = false;
  }
  if (decoded->exited) pending_exits_.push_back(std::move(*decoded->exited));
  pending_events_.push_back(std::move(decoded->event));
}

void Collector::drain_events() {
  probes_.consume_events([this](const void* d, std::size_t n) { handle_event(d, n); });
}

ProcessSample Collector::sample_from_proc(const ProcProcess& p, std::uint64_t suspended_ns) const {
  ProcessSample s;
  // /proc's start time counts clock ticks on CLOCK_BOOTTIME; the BPF side
  // and the model use CLOCK_MONOTONIC, which stops during suspend.
  const std::uint64_t ns_per_tick =
      1'000'000'000ULL / static_cast<std::uint64_t>(::sysconf(_SC_CLK_TCK));
  const std::uint64_t start_boot_ns = p.start_ticks * ns_per_tick;
  s.key = {p.pid, start_boot_ns > suspended_ns ? start_boot_ns - suspended_ns : 0};
  s.ppid = p.ppid;
  s.uid = p.uid;
  s.comm = p.comm;
  s.state = p.state;
  s.num_threads = p.num_threads;
  s.kernel_thread = p.kernel_thread;
  s.counters = p.counters;
  return s;
}

static std::uint64_t suspended_ns_now() {
  const std::uint64_t boot = clock_ns(CLOCK_BOOTTIME);
  const std::uint64_t mono = clock_ns(CLOCK_MONOTONIC);
  return boot > mono ? boot - mono : 0;
}

std::vector<ProcessSample> Collector::read_processes_from_proc() {
  std::vector<ProcessSample> out;
  const std::uint64_t suspended = suspended_ns_now();
  for (std::int32_t pid : proc_.list_pids())
    if (auto p = proc_.read_process(pid, clock_ns(CLOCK_BOOTTIME)))
      out.push_back(sample_from_proc(*p, suspended));
  return out;
}

std::vector<ProcessSample> Collector::read_processes(std::uint64_t now_ns) {
  if (probes_.has_task_iterator()) {
    // Room for the processes of the last pass, those born since (a few
    // percent) and the exits collect() appends, so the vector is never
    // regrown (which would hold two copies at once).
    const std::size_t expected =
        last_process_count_ + last_process_count_ / 16 + pending_exits_.size() + 64;
    TaskRecordAggregator aggregator(decode_, expected);
    if (Status s = probes_.read_task_records(
            [&aggregator](std::span<const char> bytes) { aggregator.feed(bytes); }, now_ns);
        !s)
      log_debug(s.message());
    std::size_t bad = 0;
    auto out = aggregator.finish(&bad);
    if (bad) log_debug("task iterator: " + std::to_string(bad) + " trailing bytes ignored");
    last_process_count_ = out.size();
    if (!out.empty()) {
      add_processes_the_iterator_missed(out);
      return out;
    }
  }
  return read_processes_from_proc();
}

// The task iterator walks the iterating process's pid namespace; a task it
// cannot see there (a sandbox's protected init, seen on some hosts) would
// silently vanish. /proc's listing is the safety net: a readdir per pass,
// and a /proc read only for what is missing.
void Collector::add_processes_the_iterator_missed(std::vector<ProcessSample>& processes) {
  std::unordered_set<std::int32_t> seen;
  seen.reserve(processes.size());
  for (const auto& p : processes) seen.insert(p.key.pid);
  std::uint64_t suspended = 0;
  bool have_suspended = false;
  for (std::int32_t pid : proc_.list_pids()) {
    if (seen.count(pid)) continue;
    auto p = proc_.read_process(pid, clock_ns(CLOCK_BOOTTIME));
    if (!p) continue;  // exited since the iterator ran
    if (!have_suspended) {
      suspended = suspended_ns_now();
      have_suspended = true;
    }
    processes.push_back(sample_from_proc(*p, suspended));
  }
}

void Collector::enrich(ProcessSample& p) {
  p.user = proc_.user_name(p.uid);
  Enrichment& e = enrichment_[p.key];
  // Moved to another cgroup since we last looked: read the path again.
  if (e.read_from_proc && p.cgroup_id && e.cgroup_id != p.cgroup_id && !p.exit_status) {
    e.cgroup = proc_.read_cgroup(p.key.pid);
    e.cgroup_id = p.cgroup_id;
  }
  if (!e.read_from_proc && !p.exit_status) {
    e.cgroup_id = p.cgroup_id;
    if (!p.kernel_thread) {
      std::string cmdline = proc_.read_cmdline(p.key.pid);
      if (!cmdline.empty()) e.cmdline = std::move(cmdline);
    }
    e.cgroup = proc_.read_cgroup(p.key.pid);
    e.read_from_proc = true;
  }
  e.seen = true;
  p.cmdline = e.cmdline;
  p.cgroup = e.cgroup;
}

void Collector::merge_kernel_maps(std::vector<ProcessSample>& processes) {
  // Which row an entry keyed by tgid belongs to: the live process with that
  // pid, else one that exited this interval.
  std::unordered_map<std::uint32_t, std::size_t> row_of;
  row_of.reserve(processes.size());
  for (std::size_t i = 0; i < processes.size(); ++i) {
    const auto pid = static_cast<std::uint32_t>(processes[i].key.pid);
    auto [it, inserted] = row_of.try_emplace(pid, i);
    if (!inserted && processes[it->second].exit_status && !processes[i].exit_status) it->second = i;
  }
  std::vector<std::uint32_t> gone;
  auto row = [&](std::uint32_t tgid) -> ProcessSample* {
    auto it = row_of.find(tgid);
    if (it == row_of.end()) {
      gone.push_back(tgid);
      return nullptr;
    }
    ProcessSample& p = processes[it->second];
    if (p.exit_status) gone.push_back(tgid);
    return &p;
  };

  if (decode_.block_measured) {
    for (const auto& e : probes_.read_io_stats()) {
      // tgid 0: requests made by kernel threads (buffered writeback): only
      // their latency is known; the dirtying processes carry those bytes in
      // write_bytes.
      if (e.tgid == 0) continue;
      ProcessSample* p = row(e.tgid);
      if (!p) continue;
      p->devices.push_back(
          {e.dev, device_names_.name(e.dev), e.read_bytes, e.write_bytes, e.read_ops, e.write_ops});
      p->io_hist.add_all(e.latency);
    }
  }
  if (decode_.net_measured) {
    for (auto& p : processes)
      if (!p.kernel_thread)
        for (Counter c : {Counter::TcpPassiveOpens, Counter::TcpCloses, Counter::TcpRetransmits,
                          Counter::TcpResets})
          p.counters.set(c, 0);
    for (const auto& e : probes_.read_tcp_events()) {
      ProcessSample* p = row(e.tgid);
      if (!p) continue;
      p->counters.set(Counter::TcpPassiveOpens, e.passive_opens);
      p->counters.set(Counter::TcpCloses, e.closes);
      p->counters.set(Counter::TcpRetransmits, e.retransmits);
      p->counters.set(Counter::TcpResets, e.resets);
    }
    if (Status st = probes_.read_socket_records(socket_buffer_); !st) log_debug(st.message());
    for (auto& oc : decode_socket_records(socket_buffer_)) {
      auto it = row_of.find(oc.owner_tgid);
      if (it == row_of.end()) continue;
      processes[it->second].connections.push_back(std::move(oc.connection));
    }
  }
  std::sort(gone.begin(), gone.end());
  gone.erase(std::unique(gone.begin(), gone.end()), gone.end());
  probes_.forget_processes(gone);
}

Sample Collector::collect() {
  Sample s;
  drain_events();
  s.system.wall_ns = clock_ns(CLOCK_REALTIME);
  s.system.monotonic_ns = clock_ns(CLOCK_MONOTONIC);
  s.system.hostname = hostname_;
  proc_.read_system(s.system);
  s.processes = read_processes(s.system.monotonic_ns);
  // Events that arrived while the iterator ran belong to this pass too.
  drain_events();

  for (auto& [key, e] : enrichment_) e.seen = false;
  std::unordered_map<ProcessKey, std::size_t, KeyHash> live;
  live.reserve(s.processes.size());
  for (std::size_t i = 0; i < s.processes.size(); ++i) live.emplace(s.processes[i].key, i);

  for (auto& exited : pending_exits_) {
    auto it = live.find(exited.key);
    if (it != live.end()) {
      // Still a zombie: keep the live row, mark it with the exit.
      ProcessSample& p = s.processes[it->second];
      p.exit_status = exited.exit_status;
      p.exit_ns = exited.exit_ns;
      continue;
    }
    s.processes.push_back(std::move(exited));
  }
  pending_exits_.clear();
  merge_kernel_maps(s.processes);
  for (auto& p : s.processes) {
    for (Counter c : unmeasured_) {
      p.counters.clear(c);
      for (auto& t : p.threads) t.counters.clear(c);
    }
    enrich(p);
  }
  // Forget enrichment of processes that are gone.
  std::erase_if(enrichment_, [](const auto& kv) { return !kv.second.seen; });

  s.events = std::move(pending_events_);
  pending_events_.clear();
  s.system.events_total = events_total_;
  s.system.events_dropped = probes_.dropped_events();
  if (heap_trim_.after_pass(s.processes.size())) {
    log_debug("returning free heap to the kernel after a burst of processes");
    trim_heap();
  }
  s.self = read_self();
  return s;
}

}  // namespace pw
