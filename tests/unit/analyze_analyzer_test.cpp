// The Analyzer on Models derived (derive_model, as live) from simulated
// processes whose behaviour each test states.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>

#include "analyze/analyzer.h"
#include "analyze/anomaly_detector.h"
#include "analyze/finding_format.h"

namespace pw {
namespace {

constexpr std::uint64_t kSec = 1'000'000'000ULL;
constexpr std::uint64_t kMiB = 1 << 20;

// A machine of simulated processes, one Sample per step of one second.
class Sim {
 public:
  struct Proc {
    ProcessSample s;
  };
  ProcessSample& spawn(std::int32_t pid, const std::string& comm, const std::string& cmdline) {
    ProcessSample p;
    p.key = {pid, mono_};
    p.comm = comm;
    p.cmdline = cmdline;
    p.cgroup = "/system.slice/app.service";
    p.state = 'S';
    p.num_threads = 1;
    p.counters.set(Counter::RuntimeNs, 0);
    p.counters.set(Counter::RssAnonBytes, 10 * kMiB);
    return procs_[pid] = p;
  }
  void kill(std::int32_t pid) {
    ProcessSample p = procs_.at(pid);
    p.exit_status = 9;
    exited_.push_back(p);
    procs_.erase(pid);
  }
  ProcessSample& proc(std::int32_t pid) { return procs_.at(pid); }
  // Advances one second: each process's CPU this second and RSS now.
  void cpu(std::int32_t pid, double pct) {
    auto& p = procs_.at(pid);
    p.counters.add(Counter::RuntimeNs, static_cast<std::uint64_t>(pct / 100 * kSec));
  }
  void rss(std::int32_t pid, double bytes) {
    procs_.at(pid).counters.set(Counter::RssAnonBytes, static_cast<std::uint64_t>(bytes));
  }
  std::vector<LifecycleEvent> events;

  Model step() {
    mono_ += kSec;
    auto s = std::make_shared<Sample>();
    s->system.monotonic_ns = mono_;
    s->system.wall_ns = 1'714'564'800ULL * kSec + mono_;
    s->system.num_cpus = 4;
    s->system.mem_total_bytes = 8192 * kMiB;
    for (auto& [pid, p] : procs_) s->processes.push_back(p);
    for (auto& p : exited_) s->processes.push_back(p);
    exited_.clear();
    s->events = std::move(events);
    events.clear();
    Model m = derive_model(s, prev_.get());
    prev_ = s;
    return m;
  }

 private:
  std::uint64_t mono_ = 1000 * kSec;
  std::map<std::int32_t, ProcessSample> procs_;
  std::vector<ProcessSample> exited_;
  std::shared_ptr<const Sample> prev_;
};

std::vector<Finding> of(const std::vector<Finding>& all, const std::string& detector) {
  std::vector<Finding> out;
  for (const auto& f : all)
    if (f.detector == detector) out.push_back(f);
  return out;
}

TEST(Analyzer, SteadyProcessProducesNoFindingsOverThreeMinutes) {
  Sim sim;
  Analyzer a;
  std::mt19937_64 rng(3);
  std::normal_distribution<double> noise(0, 2);  // +-2 points of CPU
  sim.spawn(100, "server", "server --port 80");
  for (int i = 0; i < 180; ++i) {
    sim.cpu(100, 20 + noise(rng));
    sim.rss(100, 50.0 * kMiB + (i % 3) * 4096);
    a.update(sim.step());
  }
  EXPECT_TRUE(a.all().empty()) << finding_line(a.all().front());
}

TEST(Analyzer, CpuBurstInASteadyProcessIsRaisedInItsFirstInterval) {
  Sim sim;
  Analyzer a;
  std::mt19937_64 rng(4);
  std::normal_distribution<double> noise(0, 2);
  sim.spawn(100, "server", "server");
  for (int i = 0; i < 30; ++i) {
    sim.cpu(100, 20 + noise(rng));
    a.update(sim.step());
  }
  ASSERT_TRUE(a.all().empty());
  int raised_at = -1;
  for (int i = 0; i < 3; ++i) {
    sim.cpu(100, 100);
    Model m = sim.step();
    const auto raised = a.update(m);
    if (raised_at < 0 && !of(raised, "spike").empty()) raised_at = i;
    a.annotate(m);
    if (raised_at >= 0) {
      EXPECT_EQ(m.processes.front().flags, "A");
    }
  }
  EXPECT_EQ(raised_at, 0);
  const auto spikes = of(a.all(), "spike");
  ASSERT_EQ(spikes.size(), 1u);
  EXPECT_EQ(spikes[0].metric, "cpu_pct");
  EXPECT_NEAR(spikes[0].value, 100, 0.01);
  EXPECT_NEAR(spikes[0].baseline, 20, 2.0);
  EXPECT_GE(spikes[0].score, 6);
  // The burst ends: so does the anomaly.
  for (int i = 0; i < 3; ++i) {
    sim.cpu(100, 20);
    a.update(sim.step());
  }
  EXPECT_TRUE(a.active().empty());
}

TEST(Analyzer, LastingChangeBecomesALevelShiftAndIsLearned) {
  Sim sim;
  Analyzer a;
  sim.spawn(100, "worker", "worker");
  for (int i = 0; i < 30; ++i) {
    sim.cpu(100, 10);
    a.update(sim.step());
  }
  for (int i = 0; i < 40; ++i) {
    sim.cpu(100, 40);  // +30 points: score 6 at the floor of 5 points
    a.update(sim.step());
  }
  EXPECT_EQ(of(a.all(), "level_shift").size(), 1u);
  EXPECT_TRUE(a.active().empty());  // the new level is the new normal
}

TEST(Analyzer, LeakIsFlaggedWithRateWindowAndTimeToOom) {
  Sim sim;
  Analyzer a;
  sim.spawn(200, "leaker", "leaker 1024");
  Model last;
  for (int i = 0; i < 40; ++i) {
    sim.cpu(200, 1);
    sim.rss(200, 10.0 * kMiB + static_cast<double>(kMiB) * i);
    last = sim.step();
    a.update(last);
  }
  const auto leaks = of(a.active(), "leak");
  ASSERT_EQ(leaks.size(), 1u);
  const Finding& f = leaks[0];
  EXPECT_EQ(f.kind, Finding::Kind::Leak);
  EXPECT_NEAR(f.rate_per_s / kMiB, 1.0, 0.01);
  EXPECT_GT(f.confidence, 0.999);
  EXPECT_GE(f.window_s, 20);
  ASSERT_TRUE(f.limit_bytes && f.time_to_oom_s);
  EXPECT_EQ(*f.limit_bytes, 8192 * kMiB);  // no cgroup limit: MemTotal
  EXPECT_NEAR(*f.time_to_oom_s, (8192.0 - 49) / 1.0, 2);
  a.annotate(last);
  EXPECT_EQ(last.processes.front().flags, "L");
  EXPECT_EQ(last.findings.size(), 1u);
}

TEST(Analyzer, CgroupLimitIsUsedForTheProjection) {
  AnalyzerOptions o;
  o.memory_limit = [](const std::string& cg) -> std::optional<std::uint64_t> {
    if (cg == "/system.slice/app.service") return 256 * kMiB;
    return std::nullopt;
  };
  Sim sim;
  Analyzer a(o);
  sim.spawn(200, "leaker", "leaker");
  for (int i = 0; i < 30; ++i) {
    sim.rss(200, 10.0 * kMiB + 2.0 * kMiB * i);
    a.update(sim.step());
  }
  const auto leaks = of(a.active(), "leak");
  ASSERT_EQ(leaks.size(), 1u);
  EXPECT_EQ(*leaks[0].limit_bytes, 256 * kMiB);
  // At 68 MiB growing 2 MiB/s: (256 - 68) / 2 = 94 s.
  EXPECT_NEAR(*leaks[0].time_to_oom_s, 94, 1.5);
}

TEST(Analyzer, RestartIsNeitherAFallNorALeakAndKeepsTheBaselines) {
  Sim sim;
  Analyzer a;
  sim.spawn(300, "worker", "worker --queue q");
  for (int i = 0; i < 30; ++i) {
    sim.cpu(300, 20);
    sim.rss(300, 200.0 * kMiB);
    a.update(sim.step());
  }
  // Restart: new pid, counters from zero, RSS far below the old one.
  sim.kill(300);
  a.update(sim.step());
  sim.spawn(301, "worker", "worker --queue q");
  a.update(sim.step());  // first frame of 301: no deltas yet
  for (int i = 0; i < 5; ++i) {
    sim.cpu(301, 20);
    sim.rss(301, 12.0 * kMiB);
    a.update(sim.step());
  }
  EXPECT_TRUE(a.all().empty()) << finding_line(a.all().front());
  // The successor inherited the warmed baseline: a burst two intervals
  // into its life is raised although it has not warmed up itself.
  sim.cpu(301, 100);
  const auto raised = a.update(sim.step());
  ASSERT_EQ(of(raised, "spike").size(), 1u);
  EXPECT_EQ(raised[0].process->pid, 301);
}

TEST(Analyzer, RestartedLeakerIsFlaggedAgainAndRemembered) {
  Sim sim;
  Analyzer a;
  for (int run = 0; run < 2; ++run) {
    const int pid = 400 + run;
    sim.spawn(pid, "leaky", "leaky");
    for (int i = 0; i < 30; ++i) {
      sim.rss(pid, 10.0 * kMiB + static_cast<double>(kMiB) * i);
      a.update(sim.step());
    }
    sim.kill(pid);
    a.update(sim.step());
  }
  const auto leaks = of(a.all(), "leak");
  ASSERT_EQ(leaks.size(), 2u);
  EXPECT_FALSE(leaks[0].active);
  EXPECT_NE(leaks[1].evidence.find("1 earlier run"), std::string::npos) << leaks[1].evidence;
}

TEST(Analyzer, StalledSteadyWorker) {
  Sim sim;
  Analyzer a;
  sim.spawn(500, "encoder", "encoder");
  for (int i = 0; i < 30; ++i) {
    sim.cpu(500, 50);
    a.update(sim.step());
  }
  std::vector<Finding> raised;
  for (int i = 0; i < 3; ++i) {
    sim.proc(500).state = 'S';
    raised = a.update(sim.step());  // no CPU at all
  }
  ASSERT_EQ(of(raised, "stalled").size(), 1u) << (a.all().empty() ? "" : finding_line(a.all()[0]));
  // Two clipped updates moved the baseline down by alpha x 3 scales each:
  // 2 x 0.05 x 3 x 5 = 1.5 points.
  EXPECT_NEAR(raised[0].baseline, 48.5, 0.01);
}

TEST(Analyzer, SystemWideForkStormAndOomKill) {
  Sim sim;
  Analyzer a;
  sim.spawn(1, "init", "init");
  auto forks = [&](int n) {
    for (int i = 0; i < n; ++i) {
      LifecycleEvent e;
      e.kind = LifecycleEvent::Kind::Fork;
      e.ppid = 1;
      sim.events.push_back(e);
    }
  };
  for (int i = 0; i < 20; ++i) {
    forks(2);
    a.update(sim.step());
  }
  forks(3000);
  auto raised = a.update(sim.step());
  ASSERT_EQ(of(raised, "fork_storm").size(), 1u);
  EXPECT_NEAR(of(raised, "fork_storm")[0].value, 3000, 1);

  LifecycleEvent oom;
  oom.kind = LifecycleEvent::Kind::OomKill;
  oom.key = {77, 5};
  oom.comm = "hog";
  oom.victim_rss_bytes = 64 * kMiB;
  sim.events.push_back(oom);
  raised = a.update(sim.step());
  const auto ooms = of(raised, "oom_kill");
  ASSERT_EQ(ooms.size(), 1u);
  EXPECT_EQ(ooms[0].process->pid, 77);
  EXPECT_FALSE(ooms[0].active);
  EXPECT_FALSE(finding_json(ooms[0]).dump().empty());
}

TEST(Analyzer, OnlyPidLimitsTheProcessesTracked) {
  AnalyzerOptions o;
  o.only_pid = 2;
  Sim sim;
  Analyzer a(o);
  sim.spawn(1, "a", "a");
  sim.spawn(2, "b", "b");
  a.update(sim.step());
  EXPECT_EQ(a.tracked_processes(), 1u);
}

TEST(MetricBaseline, WarmupRaisesNothingAndNonFiniteValuesAreIgnored) {
  MetricBaseline b;
  const AnomalyOptions o;
  const MetricFloor floor{1, 0};
  for (std::uint32_t i = 0; i < o.warmup; ++i)
    EXPECT_EQ(b.observe(i == 5 ? 1e9 : 1, o, floor).state, AnomalyState::Warming);
  EXPECT_EQ(b.observe(std::nan(""), o, floor).state, AnomalyState::Normal);
  EXPECT_TRUE(std::isfinite(b.mean()));
}

}  // namespace
}  // namespace pw
