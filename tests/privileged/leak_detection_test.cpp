// Tier-1 leak detection and the anomaly detectors on real processes through
// the real probes (Collector -> derive_model -> Analyzer, as `procwatch
// leaks` and `top` run them). Ground truth: /proc/PID/status RssAnon and
// what the test programs are written to do.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <map>
#include <thread>

#include "analyze/analyzer.h"
#include "analyze/finding_format.h"
#include "bpf_test_support.h"
#include "collect/collector.h"
#include "model/model.h"

namespace pw::testing {
namespace {

constexpr double kKiB = 1024;

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// One analysis interval of one second, draining events meanwhile.
class Session {
 public:
  Session() : collector_(CollectorOptions{}), analyzer_(AnalyzerOptions{}) {
    prev_ = std::make_shared<Sample>(collector_.collect());
    analyzer_.update(derive_model(prev_, nullptr));
  }
  std::vector<Finding> step() {
    const auto end = Clock::now() + std::chrono::seconds(1);
    while (Clock::now() < end) {
      collector_.drain_events();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    auto cur = std::make_shared<Sample>(collector_.collect());
    const Model m = derive_model(cur, prev_.get());
    prev_ = cur;
    return analyzer_.update(m);
  }
  const Analyzer& analyzer() const { return analyzer_; }

 private:
  Collector collector_;
  Analyzer analyzer_;
  std::shared_ptr<const Sample> prev_;
};

// /proc/PID/status RssAnon over time, to compare a finding's rate with.
class RssLog {
 public:
  void read(pid_t pid) {
    const auto kib = read_status_field(pid, "RssAnon");
    if (kib) points_.push_back({Clock::now(), static_cast<double>(*kib) * kKiB});
  }
  // Growth per second over the last `window_s` seconds.
  double rate_over(double window_s) const {
    const auto& last = points_.back();
    const Point* first = &points_.front();
    for (const auto& p : points_)
      if (std::chrono::duration<double>(last.t - p.t).count() <= window_s) {
        first = &p;
        break;
      }
    const double dt = std::chrono::duration<double>(last.t - first->t).count();
    return dt > 0 ? (last.bytes - first->bytes) / dt : 0;
  }

 private:
  struct Point {
    Clock::time_point t;
    double bytes;
  };
  std::vector<Point> points_;
};

std::vector<Finding> for_pid(const std::vector<Finding>& all, pid_t pid,
                             std::optional<Finding::Kind> kind = std::nullopt) {
  std::vector<Finding> out;
  for (const Finding& f : all)
    if (f.process && f.process->pid == pid && (!kind || f.kind == *kind)) out.push_back(f);
  return out;
}

std::string lines(const std::vector<Finding>& fs) {
  std::string s;
  for (const Finding& f : fs) s += finding_line(f) + "\n";
  return s;
}

// The bar: the 1 MiB/s leaker flagged within 30 s of starting,
// its growth rate within 10% of what /proc says it grew.
TEST(LeakDetection, FastLeakerIsFlaggedWithin30sWithItsTrueRate) {
  PW_REQUIRE_BPF();
  Session session;
  const auto started = Clock::now();
  Workload leaker({testprog("leaker"), "1024"});
  ASSERT_EQ(leaker.read_line(), "ready");
  RssLog truth;
  std::optional<Finding> found;
  double latency_s = 0;
  while (!found && seconds_since(started) < 30) {
    const auto raised = session.step();
    truth.read(leaker.pid());
    const auto mine = for_pid(raised, leaker.pid(), Finding::Kind::Leak);
    if (!mine.empty()) {
      found = mine.front();
      latency_s = seconds_since(started);
    }
  }
  ASSERT_TRUE(found) << "no leak suspicion within 30 s; findings:\n"
                     << lines(session.analyzer().all());
  const double true_rate = truth.rate_over(found->window_s);
  RecordProperty("detection_latency_s", std::to_string(latency_s));
  RecordProperty("rate_error", std::to_string(found->rate_per_s / true_rate - 1));
  std::printf("detected after %.1f s; rate %.1f KiB/s, /proc RssAnon %.1f KiB/s (%+.2f%%)\n",
              latency_s, found->rate_per_s / kKiB, true_rate / kKiB,
              100 * (found->rate_per_s / true_rate - 1));
  EXPECT_NEAR(found->rate_per_s / true_rate, 1.0, 0.10);
  EXPECT_GT(found->confidence, 0.999);
  EXPECT_TRUE(found->time_to_oom_s.has_value());
}

// Over 90 s (the issue asks for 3 minutes; the suite's budget is 90 s, run
// concurrently): the slow leaker is flagged with its true rate; the cache
// that plateaus, the sawtooth and the steady server are never flagged and
// the steady server raises no anomaly; a CPU burst injected into a second
// steady server at 60 s is raised within 3 intervals.
TEST(LeakDetection, SlowLeakerFlaggedNonLeakersNotAndCpuBurstRaised) {
  PW_REQUIRE_BPF();
  Session session;
  Workload slow({testprog("leaker"), "64"});
  Workload cache({testprog("cache"), "40", "10"});  // 4 MiB/s for 10 s, then flat
  Workload saw({testprog("sawtooth"), "32", "8"});  // 32 MiB up and freed every 8 s
  Workload steady({testprog("steadyserver")});
  Workload bursty({testprog("steadyserver")});
  for (Workload* w : {&slow, &cache, &saw, &steady, &bursty}) ASSERT_EQ(w->read_line(), "ready");
  RssLog slow_truth;
  const auto started = Clock::now();
  std::optional<int> burst_interval;
  std::optional<int> burst_raised_after;
  int interval = 0;
  while (seconds_since(started) < 90) {
    const auto raised = session.step();
    ++interval;
    slow_truth.read(slow.pid());
    if (!burst_interval && seconds_since(started) >= 60) {
      ::kill(bursty.pid(), SIGUSR1);
      ASSERT_EQ(bursty.read_line(), "burst");
      burst_interval = interval;
    } else if (burst_interval && !burst_raised_after) {
      for (const Finding& f : for_pid(raised, bursty.pid(), Finding::Kind::Anomaly))
        if (f.metric == "cpu_pct") burst_raised_after = interval - *burst_interval;
    }
  }
  const std::vector<Finding> all = session.analyzer().all();

  const auto slow_leaks = for_pid(all, slow.pid(), Finding::Kind::Leak);
  ASSERT_FALSE(slow_leaks.empty()) << lines(all);
  const Finding& s = slow_leaks.back();
  const double truth = slow_truth.rate_over(s.window_s);
  std::printf("slow leaker: %.1f KiB/s, /proc RssAnon %.1f KiB/s (%+.2f%%)\n", s.rate_per_s / kKiB,
              truth / kKiB, 100 * (s.rate_per_s / truth - 1));
  EXPECT_NEAR(s.rate_per_s / truth, 1.0, 0.10);

  EXPECT_TRUE(for_pid(all, cache.pid()).empty()) << lines(for_pid(all, cache.pid()));
  EXPECT_TRUE(for_pid(all, saw.pid(), Finding::Kind::Leak).empty())
      << lines(for_pid(all, saw.pid()));
  EXPECT_TRUE(for_pid(all, steady.pid()).empty()) << lines(for_pid(all, steady.pid()));

  ASSERT_TRUE(burst_interval);
  ASSERT_TRUE(burst_raised_after) << "burst not raised; findings of the process:\n"
                                  << lines(for_pid(all, bursty.pid()));
  std::printf("CPU burst raised %d interval(s) after it began\n", *burst_raised_after);
  EXPECT_LE(*burst_raised_after, 3);
}

}  // namespace
}  // namespace pw::testing
