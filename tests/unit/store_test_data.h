// Samples for the store tests: a deterministic generator that fills every
// field the store keeps (to prove the round trip exact), a "realistic host"
// mix for the size measurement, and a field-by-field comparison that says
// what differs.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "model/sample.h"

namespace pw::store_test {

constexpr std::uint64_t kSec = 1'000'000'000ULL;
// 2026-01-15 12:00:00 UTC
constexpr std::uint64_t kWall0 = 1'768'478'400ULL * kSec;

// splitmix64: small, fast, the same on every platform.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return n ? next() % n : 0; }
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }

 private:
  std::uint64_t s_;
};

inline std::string bytes_string(Rng& rng, std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s.push_back(static_cast<char>(rng.below(256)));
  return s;
}

// A sequence of Samples one second apart that exercises everything the
// store keeps: every counter (present, absent, appearing, disappearing,
// gauges going down, values near 2^64 wrapping), both histograms, devices,
// connections (appearing, changing, going), exits, process churn, hostile
// and binary strings, every lifecycle event kind, loads that are and are not
// whole hundredths.
inline std::vector<Sample> rich_session(std::size_t n_samples, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<Sample> out;
  std::vector<ProcessSample> live;
  std::int32_t next_pid = 100;
  auto spawn = [&](std::uint64_t mono) {
    ProcessSample p;
    p.key = {next_pid++, mono - rng.below(kSec)};
    p.ppid = 1 + static_cast<std::int32_t>(rng.below(100));
    p.uid = static_cast<std::uint32_t>(rng.below(3) * 1000);
    p.comm = rng.chance(0.2) ? std::string("evil\x1b[2J\xff") : "proc" + std::to_string(p.key.pid);
    p.cmdline = rng.chance(0.1) ? bytes_string(rng, 40) : "/usr/bin/" + p.comm + " --flag";
    p.user = p.uid == 0 ? "root" : rng.chance(0.5) ? "" : "user" + std::to_string(p.uid);
    p.cgroup = "/system.slice/s" + std::to_string(rng.below(5)) + ".service";
    p.cgroup_id = 1000 + rng.below(5);
    p.state = "RSDI"[rng.below(4)];
    p.num_threads = 1 + static_cast<std::uint32_t>(rng.below(8));
    p.kernel_thread = rng.chance(0.1);
    for (std::size_t c = 0; c < kCounterCount; ++c)
      if (rng.chance(0.8)) p.counters.set(static_cast<Counter>(c), rng.below(1'000'000'000));
    if (rng.chance(0.1)) p.counters.set(Counter::RuntimeNs, ~0ULL - rng.below(1000));  // wraps
    return p;
  };
  std::uint64_t mono = 5000 * kSec;
  for (int i = 0; i < 12; ++i) live.push_back(spawn(mono));

  SystemSample sys;
  sys.hostname = "host-\x01\xc3\xa9";
  sys.num_cpus = 8;
  for (std::size_t s = 0; s < n_samples; ++s) {
    mono += kSec;
    Sample sample;
    sys.wall_ns = kWall0 + s * kSec + rng.below(1000);
    sys.monotonic_ns = mono;
    sys.cpu.user_ns += rng.below(8 * kSec);
    sys.cpu.system_ns += rng.below(kSec);
    sys.cpu.idle_ns += rng.below(8 * kSec);
    sys.cpu.steal_ns += rng.below(10);
    sys.load1 = static_cast<double>(rng.below(1000)) / 100.0;
    sys.load5 = rng.chance(0.5) ? 0.1 + 0.2 : 1.25;  // 0.30000000000000004 is not 30/100
    sys.load15 = static_cast<double>(rng.below(300)) / 100.0;
    sys.procs_running = static_cast<std::uint32_t>(rng.below(10));
    sys.mem_total_bytes = 16ULL << 30;
    sys.mem_available_bytes = (8ULL << 30) + rng.below(1 << 30);
    sys.events_total += rng.below(20);
    if (rng.chance(0.1)) sys.events_dropped += 1;
    if (s == n_samples / 2) sys.hostname = "renamed";
    sample.system = sys;

    // Drop the processes that exited last time; maybe exit or spawn some.
    std::erase_if(live, [](const ProcessSample& p) { return p.exit_status.has_value(); });
    if (rng.chance(0.5)) live.push_back(spawn(mono));
    for (ProcessSample& p : live) {
      if (rng.chance(0.5)) continue;  // unchanged this time
      for (std::size_t c = 0; c < kCounterCount; ++c) {
        const auto counter = static_cast<Counter>(c);
        if (rng.chance(0.3)) {
          const std::uint64_t v = p.counters.get_or_zero(counter);
          // Gauges go down too; cumulative ones wrap past 2^64 sometimes.
          p.counters.set(counter, rng.chance(0.2) ? v - rng.below(1000) : v + rng.below(1 << 20));
        }
      }
      if (rng.chance(0.05)) {  // a counter stops being measured
        CounterSet fresh;
        for (std::size_t c = 1; c < kCounterCount; ++c)
          if (auto v = p.counters.get(static_cast<Counter>(c)))
            fresh.set(static_cast<Counter>(c), *v);
        p.counters = fresh;
      }
      if (rng.chance(0.5)) p.runq_hist.add(static_cast<int>(rng.below(32)), rng.below(100));
      if (rng.chance(0.2)) p.io_hist.add(static_cast<int>(rng.below(32)), rng.below(5));
      if (rng.chance(0.2)) p.state = "RSDT"[rng.below(4)];
      if (rng.chance(0.05)) p.ppid = 1;
      if (rng.chance(0.05)) {  // exec
        p.comm = "exec" + std::to_string(rng.below(10));
        p.cmdline = rng.chance(0.5) ? "" : p.comm + " arg";
      }
      if (rng.chance(0.3)) {
        if (p.devices.empty() || rng.chance(0.2)) {
          p.devices.push_back({static_cast<std::uint32_t>(8 << 20 | rng.below(16)),
                               rng.chance(0.5) ? "sda" : "", 0, 0, 0, 0});
        }
        for (DeviceIo& d : p.devices) {
          d.read_bytes += rng.below(1 << 20);
          d.write_ops += rng.below(10);
        }
      }
      if (rng.chance(0.3)) {
        if (p.connections.size() < 3 && rng.chance(0.5)) {
          Connection c;
          c.protocol = rng.chance(0.5) ? 6 : 17;
          c.family = rng.chance(0.5) ? 4 : 6;
          c.local = "127.0.0.1:" + std::to_string(1000 + rng.below(100));
          c.remote = c.family == 6 ? "[::1]:443" : "10.0.0.1:80";
          c.state = c.protocol == 6 ? "ESTABLISHED" : "";
          if (rng.chance(0.7)) c.srtt_us = static_cast<std::uint32_t>(rng.below(100000));
          p.connections.push_back(c);
        } else if (!p.connections.empty() && rng.chance(0.3)) {
          p.connections.erase(p.connections.begin());
        }
        for (Connection& c : p.connections) {
          c.tx_bytes += rng.below(1 << 16);
          c.rx_bytes += rng.below(1 << 16);
          if (rng.chance(0.1)) c.retransmits++;
        }
      }
      if (rng.chance(0.04)) {  // exits in this interval
        p.exit_status = static_cast<std::uint32_t>(rng.below(3) == 0 ? 9 : rng.below(256) << 8);
        p.exit_ns = rng.chance(0.9) ? std::optional(mono - rng.below(kSec)) : std::nullopt;
        p.state = 'X';
        LifecycleEvent e;
        e.kind = LifecycleEvent::Kind::Exit;
        e.ts_ns = mono - rng.below(kSec);
        e.key = p.key;
        e.ppid = p.ppid;
        e.comm = p.comm;
        e.exit_status = p.exit_status;
        sample.events.push_back(e);
      }
    }
    sample.processes = live;
    if (rng.chance(0.3)) {
      LifecycleEvent f;
      f.kind = LifecycleEvent::Kind::Fork;
      f.ts_ns = mono - 10;
      f.key = {next_pid, mono - 10};
      f.ppid = 1;
      f.comm = "forker";
      sample.events.push_back(f);
      LifecycleEvent x = f;
      x.kind = LifecycleEvent::Kind::Exec;
      x.filename = "/bin/true";
      x.argv = "true --x \x1b]0;title\x07";
      sample.events.push_back(x);
    }
    if (s == 3) {
      LifecycleEvent oom;
      oom.kind = LifecycleEvent::Kind::OomKill;
      oom.ts_ns = mono;
      oom.key = {4242, 77};
      oom.comm = "hog";
      oom.trigger_pid = 4243;
      oom.trigger_comm = "alloc";
      oom.victim_rss_bytes = 3ULL << 30;
      sample.events.push_back(oom);
    }
    // The collector's order is not sorted by pid.
    std::reverse(sample.processes.begin(), sample.processes.end());
    out.push_back(std::move(sample));
  }
  return out;
}

// A host like a developer's server: ~1000 processes, most of them idle
// most of the time. Per sample: 150 kernel threads (5% wake), 650 idle
// daemons and shells (3% wake), 150 periodic services (35%), 40 active
// processes (every sample: CPU, faults, IO, RSS), 10 busy ones (CPU, block
// IO, network with connections), and 2 short-lived processes that are born
// and exit within the interval (with fork/exec/exit events). Off-CPU time
// follows the kernel's definition (lifetime - on-CPU - run-queue wait, read
// per task): every process gains it every sample, with the jitter of the
// moment each task is read (`offcpu_jitter_ns`, measured ~25 us median on
// a real host; 0 models a collector that reads all tasks at one time).
class RealisticHost {
 public:
  explicit RealisticHost(std::uint64_t seed = 7, std::uint64_t offcpu_jitter_ns = 50'000)
      : rng_(seed), jitter_(offcpu_jitter_ns) {
    for (int i = 0; i < 1000; ++i) {
      ProcessSample p;
      const Kind kind = i < 150   ? Kind::Kernel
                        : i < 800 ? Kind::Idle
                        : i < 950 ? Kind::Periodic
                        : i < 990 ? Kind::Active
                                  : Kind::Busy;
      p.key = {i + 2, 1'000'000'000ULL + static_cast<std::uint64_t>(i) * 12'345'678};
      p.ppid = kind == Kind::Kernel ? 2 : 1;
      p.kernel_thread = kind == Kind::Kernel;
      p.comm =
          kind == Kind::Kernel ? "kworker/" + std::to_string(i) : "daemon" + std::to_string(i % 40);
      p.cmdline = kind == Kind::Kernel
                      ? ""
                      : "/usr/lib/daemon" + std::to_string(i % 40) + " --config /etc/d.conf";
      p.user = i % 3 ? "root" : "dev";
      p.uid = i % 3 ? 0 : 1000;
      p.cgroup = "/system.slice/unit" + std::to_string(i % 60) + ".service";
      p.cgroup_id = 5000 + static_cast<std::uint64_t>(i % 60);
      p.state = 'S';
      p.num_threads = kind == Kind::Kernel ? 1 : 1 + static_cast<std::uint32_t>(rng_.below(4));
      for (Counter c : {Counter::RuntimeNs, Counter::UtimeNs, Counter::StimeNs, Counter::VolCtxSw,
                        Counter::InvolCtxSw, Counter::RunqWaitNs, Counter::RunqWaits,
                        Counter::OffCpuNs, Counter::MinFlt, Counter::MajFlt})
        p.counters.set(c, rng_.below(1ULL << 36));
      if (kind != Kind::Kernel) {
        for (Counter c : {Counter::ReadBytes, Counter::WriteBytes, Counter::BlockReadOps,
                          Counter::BlockWriteOps, Counter::BlockReadBytes, Counter::BlockWriteBytes,
                          Counter::NetTxBytes, Counter::NetRxBytes, Counter::NetTxCalls,
                          Counter::NetRxCalls, Counter::TcpActiveOpens, Counter::TcpPassiveOpens,
                          Counter::TcpCloses, Counter::TcpRetransmits, Counter::TcpResets,
                          Counter::MmapBytes, Counter::MunmapBytes, Counter::BrkGrowBytes})
          p.counters.set(c, rng_.below(1ULL << 30));
        for (Counter c : {Counter::RssAnonBytes, Counter::RssFileBytes, Counter::RssShmemBytes,
                          Counter::RssPeakBytes, Counter::SwapBytes, Counter::VmSizeBytes})
          p.counters.set(c, rng_.below(1ULL << 28) & ~4095ULL);
      }
      for (int k = 10; k < 16; ++k) p.runq_hist.add(k, rng_.below(10000));
      if (kind == Kind::Busy) {
        p.devices.push_back({8 << 20, "vda", 1ULL << 30, 1ULL << 29, 100000, 50000});
        for (int c = 0; c < 2; ++c)
          p.connections.push_back({6, 4, "10.0.0.5:" + std::to_string(40000 + i * 2 + c),
                                   "10.0.0.9:5432", "ESTABLISHED", 250, 1ULL << 30, 1ULL << 31, 3});
      }
      procs_.push_back({kind, std::move(p)});
    }
  }

  // The next sample, `seconds` after the last one.
  Sample next(int seconds = 1) {
    Sample s;
    const auto secs = static_cast<std::uint64_t>(seconds);
    n_ += secs;
    mono_ += secs * kSec;
    s.system.wall_ns = kWall0 + n_ * kSec;
    s.system.monotonic_ns = mono_;
    s.system.hostname = "devserver";
    s.system.num_cpus = 32;
    cpu_ += 32 * kSec * secs;
    s.system.cpu = {cpu_ / 10, 0, cpu_ / 20, cpu_ - cpu_ / 10 - cpu_ / 20, 0, 0, 0, 0};
    s.system.load1 = static_cast<double>(rng_.below(800)) / 100.0;
    s.system.load5 = 2.5;
    s.system.load15 = 2.25;
    s.system.mem_total_bytes = 256ULL << 30;
    s.system.mem_available_bytes = (128ULL << 30) + (rng_.below(1 << 20) << 12);
    events_ += 6 * secs;
    s.system.events_total = events_;
    for (auto& [kind, p] : procs_) {
      const std::uint64_t runtime = p.counters.get_or_zero(Counter::RuntimeNs);
      const std::uint64_t runq = p.counters.get_or_zero(Counter::RunqWaitNs);
      const std::uint64_t offcpu = p.counters.get_or_zero(Counter::OffCpuNs);
      for (int k = 0; k < seconds; ++k) step(kind, p);
      // Blocked whenever not running or queued; read a little early or late.
      const std::uint64_t busy = p.counters.get_or_zero(Counter::RuntimeNs) - runtime +
                                 p.counters.get_or_zero(Counter::RunqWaitNs) - runq;
      const std::uint64_t lifetime = secs * kSec * p.num_threads;
      const std::uint64_t jitter = jitter_ ? rng_.below(2 * jitter_) : jitter_;
      p.counters.set(Counter::OffCpuNs,
                     offcpu + (lifetime > busy ? lifetime - busy : 0) + jitter - jitter_);
      s.processes.push_back(p);
    }
    // Two short-lived processes a second: born and gone within the interval.
    for (int k = 0; k < 2 * seconds; ++k) {
      ProcessSample p;
      p.key = {next_pid_++, mono_ - kSec / 2};
      p.ppid = 900;
      p.comm = "sh";
      p.cmdline = "/bin/sh -c make -j8 target" + std::to_string(rng_.below(50));
      p.user = "dev";
      p.uid = 1000;
      p.state = 'X';
      p.num_threads = 1;
      p.exit_status = 0;
      p.exit_ns = mono_ - kSec / 4;
      p.counters.set(Counter::RuntimeNs, 2'000'000 + rng_.below(5'000'000));
      p.counters.set(Counter::UtimeNs, 0);
      p.counters.set(Counter::StimeNs, 4'000'000);
      p.counters.set(Counter::VolCtxSw, 1 + rng_.below(5));
      p.counters.set(Counter::MinFlt, 100 + rng_.below(200));
      p.counters.set(Counter::RssAnonBytes, 1 << 20);
      s.processes.push_back(p);
      for (auto kind :
           {LifecycleEvent::Kind::Fork, LifecycleEvent::Kind::Exec, LifecycleEvent::Kind::Exit}) {
        LifecycleEvent e;
        e.kind = kind;
        e.ts_ns = mono_ - kSec / 2;
        e.key = p.key;
        e.ppid = p.ppid;
        e.comm = "sh";
        if (kind == LifecycleEvent::Kind::Exec) {
          e.filename = "/bin/sh";
          e.argv = p.cmdline;
        }
        if (kind == LifecycleEvent::Kind::Exit) e.exit_status = 0;
        s.events.push_back(e);
      }
    }
    return s;
  }

 private:
  enum class Kind { Kernel, Idle, Periodic, Active, Busy };

  void bump(ProcessSample& p, Counter c, std::uint64_t by) { p.counters.add(c, by); }

  // A short wake-up: a little CPU, a switch or two, a run-queue wait.
  void wake(ProcessSample& p, int wakeups) {
    bump(p, Counter::RuntimeNs, 20'000 + rng_.below(200'000));
    bump(p, Counter::VolCtxSw, static_cast<std::uint64_t>(wakeups));
    bump(p, Counter::RunqWaits, static_cast<std::uint64_t>(wakeups));
    bump(p, Counter::RunqWaitNs, 3'000 + rng_.below(30'000));
    p.runq_hist.add(11 + static_cast<int>(rng_.below(4)), static_cast<std::uint64_t>(wakeups));
  }

  void step(Kind kind, ProcessSample& p) {
    switch (kind) {
      case Kind::Kernel:
        if (rng_.chance(0.05)) wake(p, 1);
        break;
      case Kind::Idle:
        if (rng_.chance(0.03)) wake(p, 1 + static_cast<int>(rng_.below(2)));
        break;
      case Kind::Periodic:
        if (rng_.chance(0.35)) {
          wake(p, 1 + static_cast<int>(rng_.below(5)));
          if (rng_.chance(0.3)) bump(p, Counter::MinFlt, rng_.below(20));
          if (rng_.chance(0.1)) bump(p, Counter::StimeNs, 4'000'000);
        }
        break;
      case Kind::Active:
      case Kind::Busy: {
        const bool busy = kind == Kind::Busy;
        wake(p, 5 + static_cast<int>(rng_.below(busy ? 500 : 50)));
        bump(p, Counter::RuntimeNs, rng_.below(busy ? 900'000'000 : 50'000'000));
        bump(p, Counter::InvolCtxSw, rng_.below(busy ? 100 : 5));
        bump(p, Counter::UtimeNs, 4'000'000 * rng_.below(busy ? 200 : 10));
        bump(p, Counter::StimeNs, 4'000'000 * rng_.below(busy ? 50 : 3));
        bump(p, Counter::MinFlt, rng_.below(busy ? 5000 : 200));
        p.state = rng_.chance(busy ? 0.7 : 0.1) ? 'R' : 'S';
        if (rng_.chance(0.5))
          p.counters.set(Counter::RssAnonBytes, p.counters.get_or_zero(Counter::RssAnonBytes) +
                                                    (rng_.below(64) << 12) - (32 << 12));
        if (rng_.chance(0.3)) {
          bump(p, Counter::ReadBytes, rng_.below(64) << 12);
          bump(p, Counter::WriteBytes, rng_.below(64) << 12);
        }
        if (busy) {
          bump(p, Counter::BlockReadOps, rng_.below(100));
          bump(p, Counter::BlockReadBytes, rng_.below(100) << 12);
          bump(p, Counter::NetTxBytes, rng_.below(1 << 20));
          bump(p, Counter::NetRxBytes, rng_.below(1 << 20));
          bump(p, Counter::NetTxCalls, rng_.below(200));
          bump(p, Counter::NetRxCalls, rng_.below(200));
          p.io_hist.add(17 + static_cast<int>(rng_.below(4)), rng_.below(100));
          p.devices[0].read_bytes += rng_.below(100) << 12;
          p.devices[0].read_ops += rng_.below(100);
          for (Connection& c : p.connections) {
            c.tx_bytes += rng_.below(1 << 19);
            c.rx_bytes += rng_.below(1 << 19);
            c.srtt_us = 200 + static_cast<std::uint32_t>(rng_.below(100));
          }
        }
        break;
      }
    }
  }

  Rng rng_;
  std::uint64_t jitter_;
  std::vector<std::pair<Kind, ProcessSample>> procs_;
  std::uint64_t n_ = 0;
  std::uint64_t mono_ = 100'000 * kSec;
  std::uint64_t cpu_ = 0;
  std::uint64_t events_ = 0;
  std::int32_t next_pid_ = 20000;
};

// ---- comparison ------------------------------------------------------------

inline std::string describe(const ProcessKey& k) {
  return "pid " + std::to_string(k.pid) + " start " + std::to_string(k.start_ns);
}

inline void expect_same_process(const ProcessSample& a, const ProcessSample& b,
                                const std::string& where) {
  const std::string at = where + " " + describe(a.key) + ": ";
  EXPECT_EQ(a.key, b.key) << at;
  EXPECT_EQ(a.ppid, b.ppid) << at << "ppid";
  EXPECT_EQ(a.uid, b.uid) << at << "uid";
  EXPECT_EQ(a.comm, b.comm) << at << "comm";
  EXPECT_EQ(a.cmdline, b.cmdline) << at << "cmdline";
  EXPECT_EQ(a.user, b.user) << at << "user";
  EXPECT_EQ(a.cgroup, b.cgroup) << at << "cgroup";
  EXPECT_EQ(a.cgroup_id, b.cgroup_id) << at << "cgroup_id";
  EXPECT_EQ(a.state, b.state) << at << "state";
  EXPECT_EQ(a.num_threads, b.num_threads) << at << "num_threads";
  EXPECT_EQ(a.kernel_thread, b.kernel_thread) << at << "kernel_thread";
  EXPECT_EQ(a.exit_status, b.exit_status) << at << "exit_status";
  EXPECT_EQ(a.exit_ns, b.exit_ns) << at << "exit_ns";
  for (std::size_t c = 0; c < kCounterCount; ++c) {
    const auto counter = static_cast<Counter>(c);
    EXPECT_EQ(a.counters.get(counter), b.counters.get(counter)) << at << counter_infos()[c].name;
  }
  EXPECT_TRUE(a.counters == b.counters) << at << "counters";
  EXPECT_TRUE(a.runq_hist == b.runq_hist) << at << "runq_hist";
  EXPECT_TRUE(a.io_hist == b.io_hist) << at << "io_hist";
  EXPECT_TRUE(a.devices == b.devices) << at << "devices";
  EXPECT_TRUE(a.connections == b.connections) << at << "connections";
}

inline void expect_same_event(const LifecycleEvent& a, const LifecycleEvent& b,
                              const std::string& where) {
  EXPECT_EQ(a.kind, b.kind) << where;
  EXPECT_EQ(a.ts_ns, b.ts_ns) << where;
  EXPECT_EQ(a.key, b.key) << where;
  EXPECT_EQ(a.ppid, b.ppid) << where;
  EXPECT_EQ(a.comm, b.comm) << where;
  EXPECT_EQ(a.filename, b.filename) << where;
  EXPECT_EQ(a.argv, b.argv) << where;
  EXPECT_EQ(a.exit_status, b.exit_status) << where;
  EXPECT_EQ(a.trigger_pid, b.trigger_pid) << where;
  EXPECT_EQ(a.trigger_comm, b.trigger_comm) << where;
  EXPECT_EQ(a.victim_rss_bytes, b.victim_rss_bytes) << where;
}

inline void expect_same_system(const SystemSample& a, const SystemSample& b,
                               const std::string& where) {
  EXPECT_EQ(a.wall_ns, b.wall_ns) << where;
  EXPECT_EQ(a.monotonic_ns, b.monotonic_ns) << where;
  EXPECT_EQ(a.hostname, b.hostname) << where;
  EXPECT_EQ(a.num_cpus, b.num_cpus) << where;
  EXPECT_TRUE(a.cpu == b.cpu) << where << " cpu";
  // Bit-exact doubles.
  EXPECT_EQ(std::bit_cast<std::uint64_t>(a.load1), std::bit_cast<std::uint64_t>(b.load1)) << where;
  EXPECT_EQ(std::bit_cast<std::uint64_t>(a.load5), std::bit_cast<std::uint64_t>(b.load5)) << where;
  EXPECT_EQ(std::bit_cast<std::uint64_t>(a.load15), std::bit_cast<std::uint64_t>(b.load15))
      << where;
  EXPECT_EQ(a.procs_running, b.procs_running) << where;
  EXPECT_EQ(a.mem_total_bytes, b.mem_total_bytes) << where;
  EXPECT_EQ(a.mem_available_bytes, b.mem_available_bytes) << where;
  EXPECT_EQ(a.events_total, b.events_total) << where;
  EXPECT_EQ(a.events_dropped, b.events_dropped) << where;
}

// Exact, except that the store gives processes back sorted by (pid, start)
// and does not keep per-thread detail.
inline void expect_same_sample(const Sample& written, const Sample& read,
                               const std::string& where) {
  expect_same_system(written.system, read.system, where);
  std::vector<const ProcessSample*> a;
  for (const auto& p : written.processes) a.push_back(&p);
  std::sort(a.begin(), a.end(), [](const ProcessSample* x, const ProcessSample* y) {
    return x->key.pid != y->key.pid ? x->key.pid < y->key.pid : x->key.start_ns < y->key.start_ns;
  });
  ASSERT_EQ(a.size(), read.processes.size()) << where << ": process count";
  for (std::size_t i = 0; i < a.size(); ++i) expect_same_process(*a[i], read.processes[i], where);
  ASSERT_EQ(written.events.size(), read.events.size()) << where << ": event count";
  for (std::size_t i = 0; i < written.events.size(); ++i)
    expect_same_event(written.events[i], read.events[i], where + " event " + std::to_string(i));
}

// ---- files -----------------------------------------------------------------

// A fresh directory under the system temp dir, removed with the object.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pw-store-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_file(const std::filesystem::path& p, std::string_view bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace pw::store_test
