// The scheduler figures procwatch reports, against the kernel's own
// accounting in /proc for real workloads.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "bpf_test_support.h"
#include "collect/collector.h"
#include "model/model.h"

namespace pw::testing {
namespace {

double ratio(std::uint64_t a, std::uint64_t b) {
  return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b);
}

// On-CPU time: a busy loop of 2 s, single-threaded and with two threads,
// must match the sum of /proc/PID/task/*/schedstat within 1%.
void expect_cpu_matches_schedstat(int threads, std::uint64_t min_runtime_ns,
                                  bool use_iterator = true) {
  CollectorOptions options;
  options.probes.task_iterator = use_iterator;
  Collector collector(options);
  ASSERT_EQ(collector.probes().has_task_iterator(), use_iterator);
  Workload busy({testprog("busy"), std::to_string(threads), "2000"});
  ASSERT_EQ(busy.read_line(), "done");

  const Sample s = collector.collect();
  const SchedStat truth = read_schedstat_all_threads(busy.pid());
  const ProcessSample* p = find_process(s, busy.pid());
  ASSERT_NE(p, nullptr) << "busy pid " << busy.pid() << " missing from the sample";
  const auto runtime = p->counters.get(Counter::RuntimeNs);
  ASSERT_TRUE(runtime.has_value());
  EXPECT_GE(truth.runtime_ns, min_runtime_ns);
  EXPECT_NEAR(ratio(*runtime, truth.runtime_ns), 1.0, 0.01)
      << "procwatch " << *runtime << " ns vs schedstat " << truth.runtime_ns << " ns";
  EXPECT_EQ(p->num_threads, static_cast<std::uint32_t>(threads));
  EXPECT_EQ(p->comm, "busy");
}

TEST(SchedAccounting, BusyLoopCpuTimeMatchesSchedstat) {
  PW_REQUIRE_BPF();
  // The wall-clock loop gets what the CPUs spare; it must have run.
  expect_cpu_matches_schedstat(1, 900'000'000ULL);
}

TEST(SchedAccounting, TwoBusyThreadsCpuTimeMatchesSchedstat) {
  PW_REQUIRE_BPF();
  expect_cpu_matches_schedstat(2, 900'000'000ULL);
}

// Without the iterator (an old kernel), /proc is read instead: same truth.
TEST(SchedAccounting, ProcFallbackCpuTimeMatchesSchedstat) {
  PW_REQUIRE_BPF();
  expect_cpu_matches_schedstat(2, 900'000'000ULL, /*use_iterator=*/false);
}

// CPU% over an interval: the runtime the kernel accounted between the two
// samples, divided by the interval (top's convention, 100 = one core).
TEST(SchedAccounting, CpuPercentOfABusyLoopMatchesSchedstatDelta) {
  PW_REQUIRE_BPF();
  const CollectorOptions options;
  Collector collector(options);
  Workload busy({testprog("busy"), "1", "4000"});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto first = std::make_shared<const Sample>(collector.collect());
  const SchedStat truth_start = read_schedstat_all_threads(busy.pid());
  std::this_thread::sleep_for(std::chrono::seconds(2));
  auto second = std::make_shared<const Sample>(collector.collect());
  const SchedStat truth_end = read_schedstat_all_threads(busy.pid());
  const Model m = derive_model(second, first.get());
  const ProcessRow* row = nullptr;
  for (const auto& r : m.processes)
    if (r.sample->key.pid == busy.pid()) row = &r;
  ASSERT_NE(row, nullptr);
  const auto ns_per_s = row->rate_per_s(Counter::RuntimeNs, m.interval_s());
  ASSERT_TRUE(ns_per_s.has_value());
  const double pct = *ns_per_s / 1e9 * 100.0;
  const double truth_pct =
      static_cast<double>(truth_end.runtime_ns - truth_start.runtime_ns) / m.interval_s() / 1e7;
  // The two reads of each pair are microseconds apart: within 2 points.
  EXPECT_NEAR(pct, truth_pct, 2.0);
  EXPECT_GT(pct, 30.0) << "a spinning thread got almost no CPU";
}

// Voluntary switches are the kernel's own nvcsw: exact. Off-CPU time is
// ours: COUNT sleeps of MILLIS ms each.
TEST(SchedAccounting, SleeperVoluntarySwitchesAndOffCpuTime) {
  PW_REQUIRE_BPF();
  const CollectorOptions options;
  Collector collector(options);
  ASSERT_TRUE(collector.probes().has_scheduler()) << collector.notices().front();
  Workload sleeper({testprog("sleeper"), "100", "10"});
  ASSERT_EQ(sleeper.read_line(), "done");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // parked in pause()

  const Sample s = collector.collect();
  const ProcessSample* p = find_process(s, sleeper.pid());
  ASSERT_NE(p, nullptr);
  const auto vol = p->counters.get(Counter::VolCtxSw);
  const auto truth = read_status_field(sleeper.pid(), "voluntary_ctxt_switches");
  ASSERT_TRUE(vol && truth);
  EXPECT_EQ(*vol, *truth);
  EXPECT_GE(*vol, 100u);

  // 100 x 10 ms asleep. Each blocked period runs from the switch-out just
  // after the timer is armed to the wake-up (timer slack 50 us); the final
  // pause() has not woken, so it is not counted yet.
  const auto off = p->counters.get(Counter::OffCpuNs);
  ASSERT_TRUE(off.has_value());
  EXPECT_GE(*off, 950'000'000ULL);
  EXPECT_LE(*off, 1'200'000'000ULL);
}

// Run-queue waits: four spinning threads on two CPUs must wait. The totals
// are the kernel's run_delay; what procwatch adds is the distribution, one
// histogram entry per wait, which must agree with the kernel's own count
// of switch-ins (pcount) and whose mean must match run_delay / waits.
TEST(SchedAccounting, RunQueueHistogramAgreesWithKernelSchedInfo) {
  PW_REQUIRE_BPF();
  const CollectorOptions options;
  Collector collector(options);
  ASSERT_TRUE(collector.probes().has_scheduler());
  Workload busy({testprog("busy"), "4", "1500"});
  ASSERT_EQ(busy.read_line(), "done");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));

  const Sample s = collector.collect();
  const SchedStat truth = read_schedstat_all_threads(busy.pid());
  const ProcessSample* p = find_process(s, busy.pid());
  ASSERT_NE(p, nullptr);
  const auto wait_ns = p->counters.get(Counter::RunqWaitNs);
  const auto waits = p->counters.get(Counter::RunqWaits);
  ASSERT_TRUE(wait_ns && waits);
  ASSERT_GT(truth.run_delay_ns, 100'000'000ULL) << "the workload did not queue";
  EXPECT_EQ(*wait_ns, truth.run_delay_ns);
  // Every switch-in of these threads followed a wait in a run queue (a
  // wakeup or a preemption); the workload started after the collector, so
  // the histogram sees nearly all of them. A few switch-ins may carry no
  // stamp of ours (with the rq-clock stamps, 10 of 742 were lost in CI;
  // the kernel counts a wait our hooks did not see start). Allow 3%, at
  // least 8.
  const double slices = static_cast<double>(truth.timeslices);
  EXPECT_NEAR(static_cast<double>(*waits), slices, std::max(8.0, 0.03 * slices));
  // Log2 buckets: the histogram's mean is within a factor of 2 of the truth.
  double hist_ns = 0;
  for (int k = 0; k < Log2Histogram::kBuckets; ++k)
    hist_ns += static_cast<double>(p->runq_hist.bucket(k)) * 1.5 * std::ldexp(1.0, k);
  const double ratio_to_truth = hist_ns / static_cast<double>(truth.run_delay_ns);
  EXPECT_GT(ratio_to_truth, 0.5);
  EXPECT_LT(ratio_to_truth, 2.0);
  const auto p50 = p->runq_hist.quantile_ns(0.5);
  const auto p99 = p->runq_hist.quantile_ns(0.99);
  ASSERT_TRUE(p50 && p99);
  EXPECT_GT(*p50, 0.0);
  EXPECT_GE(*p99, *p50);
}

// Issue 15: a multi-threaded process read from /proc (the fallback, and
// always for a task the iterator cannot see, like a sandbox's protected
// PID 1) showed CPU with 0 switches: /proc/PID/status counts the leader
// thread's switches only. Truth: the sum over /proc/PID/task/*/status,
// exact while the threads are parked in pause().
void expect_switches_of_all_threads(bool use_iterator) {
  CollectorOptions options;
  options.probes.task_iterator = use_iterator;
  Collector collector(options);
  ASSERT_EQ(collector.probes().has_task_iterator(), use_iterator);
  Workload load({testprog("spinsleep"), "4", "1", "5", "40"});
  ASSERT_EQ(load.read_line(), "done");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const Sample s = collector.collect();
  const ProcessSample* p = find_process(s, load.pid());
  ASSERT_NE(p, nullptr);
  const auto vol = sum_task_field(load.pid(), "status", "voluntary_ctxt_switches");
  const auto invol = sum_task_field(load.pid(), "status", "nonvoluntary_ctxt_switches");
  const auto leader = read_status_field(load.pid(), "voluntary_ctxt_switches");
  ASSERT_TRUE(vol && invol && leader);
  // 4 threads x 40 sleeps, the leader's alone being about a quarter.
  ASSERT_GE(*vol, 160u);
  ASSERT_LT(*leader, *vol);
  EXPECT_EQ(p->counters.get(Counter::VolCtxSw), *vol);
  EXPECT_EQ(p->counters.get(Counter::InvolCtxSw), *invol);
  // The kernel's run_delay, summed the same way (the fallback reads it
  // from task/*/schedstat; the iterator from sched_info).
  const SchedStat truth = read_schedstat_all_threads(load.pid());
  EXPECT_EQ(p->counters.get(Counter::RunqWaitNs), truth.run_delay_ns);
  // Off-CPU (OFF%, "-" for such processes before): each of the 4 threads
  // slept 40 x 5 ms at least (nanosleep never returns early), and no
  // thread can be blocked longer than the process has lived.
  const auto off = p->counters.get(Counter::OffCpuNs);
  ASSERT_TRUE(off.has_value());
  EXPECT_GE(*off, 4u * 40u * 5'000'000u);
  const std::uint64_t age_ns = s.system.monotonic_ns - p->key.start_ns;
  EXPECT_LE(*off, 4 * age_ns + 4 * 10'000'000ULL);  // + one start-time tick per thread
}

TEST(SchedAccounting, ProcFallbackCountsEveryThreadsSwitches) {
  PW_REQUIRE_BPF();
  expect_switches_of_all_threads(/*use_iterator=*/false);
}

TEST(SchedAccounting, IteratorCountsEveryThreadsSwitches) {
  PW_REQUIRE_BPF();
  expect_switches_of_all_threads(/*use_iterator=*/true);
}

// Issue 15: at low load the median run-queue wait read ~0 while runqlat
// saw microseconds. After a wakeup that preempts the running task (the
// idle task, on a quiet CPU), the kernel skips the next rq clock update
// (rq_clock_skip_update()), so rq->clock - sched_info.last_queued is 0 for
// a wait that took microseconds; the kernel's run_delay has the same hole.
// Measured here with bpftrace on this workload: 287 of 1,502 switch-ins
// added exactly 0 ns to run_delay while their wakeup-to-switch time was
// 4-16 us; runqlat over 5 s saw 2 of 1,337 waits under 2 us.
//
// Truth: schedstat per task (pcount = the waits, run_delay = their total
// as the kernel clocks them, which can only miss time, never add it: both
// ends are its rq clock and the end stamp may be stale).
TEST(SchedAccounting, LowLoadRunQueueWaitsAreNotZero) {
  PW_REQUIRE_BPF();
  const CollectorOptions options;
  Collector collector(options);
  ASSERT_TRUE(collector.probes().has_scheduler());
  // 4 threads, 2 ms spin and 10 ms sleep each, 150 rounds: ~2 s, mostly
  // idle CPUs, so nearly every wait is a wakeup on an idle CPU.
  Workload load({testprog("spinsleep"), "4", "2", "10", "150"});
  ASSERT_EQ(load.read_line(), "done");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));

  const Sample s = collector.collect();
  const ProcessSample* p = find_process(s, load.pid());
  ASSERT_NE(p, nullptr);
  std::uint64_t slices = 0, delay_ns = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator("/proc/" + std::to_string(load.pid()) + "/task")) {
    std::ifstream in(entry.path() / "schedstat");
    std::uint64_t runtime = 0, delay = 0, count = 0;
    ASSERT_TRUE(in >> runtime >> delay >> count);
    slices += count;
    delay_ns += delay;
    // Each thread slept 150 times: at least that many waits each.
    EXPECT_GE(count, 150u) << "task " << entry.path().filename();
  }
  const std::uint64_t waits = p->runq_hist.total();
  // Every switch-in follows a stamped wakeup or preemption (the workload
  // started after the collector); the kernel's count is exact. Same slack
  // as the heavy-load test: 3%, at least 8.
  EXPECT_NEAR(static_cast<double>(waits), static_cast<double>(slices),
              std::max(8.0, 0.03 * static_cast<double>(slices)));

  // The total the histogram implies (bucket midpoints: within 0.75-1.5x of
  // each wait) can only be above the kernel's, which misses time: at
  // least 0.75 x run_delay, or 0.5 x for the preemption stamps the kernel
  // takes from a stale clock (a few us each, a handful of them here).
  double hist_ns = 0;
  for (int k = 0; k < Log2Histogram::kBuckets; ++k)
    hist_ns += static_cast<double>(p->runq_hist.bucket(k)) * 1.5 * std::ldexp(1.0, k);
  EXPECT_GE(hist_ns, 0.5 * static_cast<double>(delay_ns))
      << "histogram ~" << hist_ns << " ns vs run_delay " << delay_ns << " ns";

  // The bug itself: no wait ends before the switch path has run (1.0-1.4
  // us per traced switch here, KERNEL-FACTS.md), so waits under 1 us are
  // rare; runqlat saw 0.2% of them. The rq-clock measurement put most
  // waits of this workload at 0 on a quiet machine (p50 0.0016 us in the
  // issue). Allow 10%.
  std::uint64_t under_1us = 0;
  for (int k = 0; k < 10; ++k) under_1us += p->runq_hist.bucket(k);  // < 1024 ns
  EXPECT_LE(static_cast<double>(under_1us), 0.10 * static_cast<double>(waits))
      << under_1us << " of " << waits << " waits under 1 us";
  const auto p50 = p->runq_hist.quantile_ns(0.5);
  ASSERT_TRUE(p50.has_value());
  EXPECT_GE(*p50, 1000.0) << "median run-queue wait " << *p50 << " ns";
  std::cout << "[ measured ] waits " << waits << " (schedstat " << slices << "), p50 " << *p50
            << " ns, under 1 us " << under_1us << ", histogram ~" << hist_ns / 1e6
            << " ms vs run_delay " << static_cast<double>(delay_ns) / 1e6 << " ms\n";
}

}  // namespace
}  // namespace pw::testing
