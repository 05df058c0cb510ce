// The scheduler figures procwatch reports, against the kernel's own
// accounting in /proc for real workloads.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
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
  // the histogram sees nearly all of them. A few switch-ins carry no usable
  // queue stamp at sched_switch (a stamp ahead of this CPU's rq clock is
  // skipped; the exact cases are not pinned down). Seen: 10 of 742 in CI.
  // Allow 3%, at least 8.
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

}  // namespace
}  // namespace pw::testing
