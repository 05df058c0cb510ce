// derive_model(): counter deltas, rates and system percentages from two
// Samples built by hand.
#include "model/model.h"

#include <gtest/gtest.h>

#include <memory>

#include "model/fields.h"

namespace pw {
namespace {

constexpr std::uint64_t kSec = 1'000'000'000ULL;

ProcessSample proc(std::int32_t pid, std::uint64_t start_ns, std::uint64_t runtime_ns) {
  ProcessSample p;
  p.key = {pid, start_ns};
  p.comm = "p" + std::to_string(pid);
  p.state = 'S';
  p.num_threads = 1;
  p.counters.set(Counter::RuntimeNs, runtime_ns);
  return p;
}

std::shared_ptr<Sample> sample_at(std::uint64_t monotonic_ns, std::vector<ProcessSample> procs) {
  auto s = std::make_shared<Sample>();
  s->system.monotonic_ns = monotonic_ns;
  s->processes = std::move(procs);
  return s;
}

const ProcessRow* row_of(const Model& m, std::int32_t pid) {
  for (const auto& r : m.processes)
    if (r.sample->key.pid == pid) return &r;
  return nullptr;
}

std::optional<std::uint64_t> delta(const ProcessRow& r, Counter c) { return r.delta.get(c); }

double as_double(const FieldValue& v) { return std::get<double>(v); }

TEST(ModelTest, FirstFrameHasNoRates) {
  auto cur = sample_at(10 * kSec, {proc(100, 1 * kSec, 5 * kSec)});
  cur->system.cpu = {.user_ns = 100 * kSec, .idle_ns = 900 * kSec};
  cur->system.events_total = 50;
  cur->system.events_dropped = 3;
  const Model m = derive_model(cur, nullptr);

  EXPECT_EQ(m.interval_s(), 0.0);
  EXPECT_FALSE(m.system.cpu_busy_pct.has_value());
  EXPECT_FALSE(m.system.cpu_user_pct.has_value());
  EXPECT_FALSE(m.system.events_per_s.has_value());
  EXPECT_FALSE(m.system.dropped_in_interval.has_value());
  EXPECT_EQ(m.system.events_dropped, 3u);  // the cumulative count is known

  ASSERT_EQ(m.processes.size(), 1u);
  const ProcessRow& r = m.processes[0];
  EXPECT_FALSE(delta(r, Counter::RuntimeNs).has_value());  // absent, not 0
  EXPECT_FALSE(r.rate_per_s(Counter::RuntimeNs, 2.0).has_value());
  EXPECT_FALSE(r.started_in_interval);
  EXPECT_FALSE(r.exited_in_interval);
  EXPECT_TRUE(
      std::holds_alternative<std::monostate>(field(FieldId::CpuPct).get(r, m.interval_s())));
  // Cumulative figures do not need a previous frame.
  EXPECT_DOUBLE_EQ(as_double(field(FieldId::CpuTimeS).get(r, m.interval_s())), 5.0);
}

TEST(ModelTest, ModelKeepsTheSampleAlive) {
  auto cur = sample_at(10 * kSec, {proc(100, 1 * kSec, 5 * kSec)});
  const Model m = derive_model(cur, nullptr);
  cur.reset();
  ASSERT_EQ(m.processes.size(), 1u);
  EXPECT_EQ(m.processes[0].sample, &m.sample->processes[0]);
  EXPECT_EQ(m.processes[0].sample->key.pid, 100);
}

TEST(ModelTest, CpuPercentFromRuntimeDelta) {
  // 1.5 s on CPU in a 2 s interval = 75% of one core.
  const auto prev = sample_at(10 * kSec, {proc(100, 1 * kSec, 5 * kSec)});
  const auto cur = sample_at(12 * kSec, {proc(100, 1 * kSec, 6'500'000'000)});
  const Model m = derive_model(cur, prev.get());

  EXPECT_DOUBLE_EQ(m.interval_s(), 2.0);
  const ProcessRow* r = row_of(m, 100);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(delta(*r, Counter::RuntimeNs), 1'500'000'000u);
  EXPECT_DOUBLE_EQ(*r->rate_per_s(Counter::RuntimeNs, m.interval_s()), 750'000'000.0);
  EXPECT_DOUBLE_EQ(as_double(field(FieldId::CpuPct).get(*r, m.interval_s())), 75.0);
  EXPECT_FALSE(r->started_in_interval);
  EXPECT_FALSE(r->exited_in_interval);
}

TEST(ModelTest, MultiCoreProcessCanExceedOneHundredPercent) {
  // 7 s of CPU in 2 s: 3.5 cores busy = 350%, top's convention.
  const auto prev = sample_at(10 * kSec, {proc(100, 1 * kSec, 1 * kSec)});
  const auto cur = sample_at(12 * kSec, {proc(100, 1 * kSec, 8 * kSec)});
  const Model m = derive_model(cur, prev.get());
  EXPECT_DOUBLE_EQ(as_double(field(FieldId::CpuPct).get(*row_of(m, 100), m.interval_s())), 350.0);
}

TEST(ModelTest, OtherCountersAndRates) {
  ProcessSample a = proc(100, 1 * kSec, 5 * kSec);
  a.counters.set(Counter::VolCtxSw, 1000);
  a.counters.set(Counter::InvolCtxSw, 10);
  a.counters.set(Counter::ReadBytes, 4096);
  a.counters.set(Counter::MajFlt, 7);
  ProcessSample b = proc(100, 1 * kSec, 5 * kSec);  // idle this interval
  b.counters.set(Counter::VolCtxSw, 1400);
  b.counters.set(Counter::InvolCtxSw, 30);
  b.counters.set(Counter::ReadBytes, 4096 + 8 * 1024 * 1024);
  b.counters.set(Counter::MajFlt, 7);
  const auto prev = sample_at(10 * kSec, {a});
  const auto cur = sample_at(14 * kSec, {b});  // 4 s
  const Model m = derive_model(cur, prev.get());
  const ProcessRow& r = *row_of(m, 100);
  const double dt = m.interval_s();

  EXPECT_EQ(delta(r, Counter::RuntimeNs), 0u);  // measured and zero
  EXPECT_DOUBLE_EQ(as_double(field(FieldId::CpuPct).get(r, dt)), 0.0);
  EXPECT_DOUBLE_EQ(*r.rate_per_s(Counter::VolCtxSw, dt), 100.0);  // 400 / 4
  EXPECT_DOUBLE_EQ(*r.rate_per_s(Counter::InvolCtxSw, dt), 5.0);  // 20 / 4
  EXPECT_DOUBLE_EQ(as_double(field(FieldId::CtxSwPerSec).get(r, dt)), 105.0);
  EXPECT_DOUBLE_EQ(*r.rate_per_s(Counter::ReadBytes, dt), 2.0 * 1024 * 1024);
  EXPECT_EQ(delta(r, Counter::MajFlt), 0u);
  // Never measured on either side: absent.
  EXPECT_FALSE(delta(r, Counter::WriteBytes).has_value());
  EXPECT_FALSE(delta(r, Counter::OffCpuNs).has_value());
  EXPECT_TRUE(std::holds_alternative<std::monostate>(field(FieldId::OffCpuPct).get(r, dt)));
}

TEST(ModelTest, CounterMissingInThePreviousSampleHasNoDelta) {
  // /proc/PID/io could not be read last time (say, a permission race):
  // the cumulative total now is not what happened in this interval.
  ProcessSample a = proc(100, 1 * kSec, 5 * kSec);
  ProcessSample b = proc(100, 1 * kSec, 6 * kSec);
  b.counters.set(Counter::ReadBytes, 50ULL * 1024 * 1024 * 1024);
  const auto prev = sample_at(10 * kSec, {a});
  const auto cur = sample_at(12 * kSec, {b});
  const Model m = derive_model(cur, prev.get());
  const ProcessRow& r = *row_of(m, 100);
  EXPECT_EQ(delta(r, Counter::RuntimeNs), 1 * kSec);
  EXPECT_FALSE(delta(r, Counter::ReadBytes).has_value());
  EXPECT_TRUE(std::holds_alternative<std::monostate>(
      field(FieldId::ReadBytesPerSec).get(r, m.interval_s())));
}

TEST(ModelTest, CounterMissingNowHasNoDelta) {
  ProcessSample a = proc(100, 1 * kSec, 5 * kSec);
  a.counters.set(Counter::ReadBytes, 100);
  ProcessSample b = proc(100, 1 * kSec, 6 * kSec);
  const auto prev = sample_at(10 * kSec, {a});
  const auto cur = sample_at(12 * kSec, {b});
  const Model m = derive_model(cur, prev.get());
  EXPECT_FALSE(delta(*row_of(m, 100), Counter::ReadBytes).has_value());
}

TEST(ModelTest, ReusedPidIsNotDiffedAgainstTheOldProcess) {
  // pid 100 died and a new process got the same pid at t = 11 s.
  const auto prev = sample_at(10 * kSec, {proc(100, 1 * kSec, 9 * kSec)});
  const auto cur = sample_at(12 * kSec, {proc(100, 11 * kSec, 300'000'000)});
  const Model m = derive_model(cur, prev.get());
  const ProcessRow& r = *row_of(m, 100);
  // Diffed against the old process this would clamp to 0; it is the new
  // process's own 0.3 s.
  EXPECT_TRUE(r.started_in_interval);
  EXPECT_EQ(delta(r, Counter::RuntimeNs), 300'000'000u);
  EXPECT_DOUBLE_EQ(as_double(field(FieldId::CpuPct).get(r, m.interval_s())), 15.0);
}

TEST(ModelTest, ReusedPidWithLargerCountersIsNotDiffedEither) {
  // Same pid, different start: diffing would give a plausible but wrong
  // 2 s; the new process's counters all belong to this interval.
  ProcessSample old_p = proc(100, 1 * kSec, 1 * kSec);
  old_p.counters.set(Counter::MinFlt, 500);
  ProcessSample new_p = proc(100, 10'500'000'000, 3 * kSec);
  new_p.counters.set(Counter::MinFlt, 800);
  const auto prev = sample_at(10 * kSec, {old_p});
  const auto cur = sample_at(12 * kSec, {new_p});
  const Model m = derive_model(cur, prev.get());
  const ProcessRow& r = *row_of(m, 100);
  EXPECT_EQ(delta(r, Counter::RuntimeNs), 3 * kSec);
  EXPECT_EQ(delta(r, Counter::MinFlt), 800u);
}

TEST(ModelTest, ProcessStartedInIntervalCountsEverything) {
  ProcessSample fresh = proc(200, 11 * kSec, 400'000'000);
  fresh.counters.set(Counter::MinFlt, 1234);
  fresh.runq_hist.add(12, 5);
  const auto prev = sample_at(10 * kSec, {proc(100, 1 * kSec, 5 * kSec)});
  const auto cur = sample_at(12 * kSec, {proc(100, 1 * kSec, 5 * kSec), fresh});
  const Model m = derive_model(cur, prev.get());
  const ProcessRow& r = *row_of(m, 200);
  EXPECT_TRUE(r.started_in_interval);
  EXPECT_FALSE(r.exited_in_interval);
  EXPECT_EQ(delta(r, Counter::RuntimeNs), 400'000'000u);
  EXPECT_EQ(delta(r, Counter::MinFlt), 1234u);
  EXPECT_EQ(r.runq_hist_delta.bucket(12), 5u);
  EXPECT_DOUBLE_EQ(as_double(field(FieldId::CpuPct).get(r, m.interval_s())), 20.0);
  EXPECT_FALSE(row_of(m, 100)->started_in_interval);
}

TEST(ModelTest, UnseenProcessStartedBeforeThePreviousPassHasNoDelta) {
  // Missed by the previous pass although it already existed: what it did
  // in this interval is unknown.
  const auto prev = sample_at(10 * kSec, {});
  const auto cur = sample_at(12 * kSec, {proc(300, 9 * kSec, 5 * kSec)});
  const Model m = derive_model(cur, prev.get());
  const ProcessRow& r = *row_of(m, 300);
  EXPECT_FALSE(r.started_in_interval);
  EXPECT_FALSE(delta(r, Counter::RuntimeNs).has_value());
}

TEST(ModelTest, ExitedProcessKeepsItsFinalDelta) {
  ProcessSample gone = proc(100, 1 * kSec, 4'500'000'000);
  gone.exit_status = 0x100;  // exit(1)
  gone.exit_ns = 11 * kSec;
  gone.state = 'X';
  const auto prev = sample_at(10 * kSec, {proc(100, 1 * kSec, 4 * kSec)});
  const auto cur = sample_at(12 * kSec, {gone});
  const Model m = derive_model(cur, prev.get());
  const ProcessRow& r = *row_of(m, 100);
  EXPECT_TRUE(r.exited_in_interval);
  EXPECT_FALSE(r.started_in_interval);
  EXPECT_EQ(delta(r, Counter::RuntimeNs), 500'000'000u);
  EXPECT_DOUBLE_EQ(as_double(field(FieldId::CpuPct).get(r, m.interval_s())), 25.0);
  EXPECT_EQ(m.system.num_processes, 0u);  // no longer alive
}

TEST(ModelTest, ProcessThatStartedAndExitedInTheInterval) {
  ProcessSample blip = proc(400, 10'200'000'000, 100'000'000);
  blip.exit_status = 9;  // killed by SIGKILL
  blip.state = 'X';
  const auto prev = sample_at(10 * kSec, {});
  const auto cur = sample_at(12 * kSec, {blip});
  const Model m = derive_model(cur, prev.get());
  const ProcessRow& r = *row_of(m, 400);
  EXPECT_TRUE(r.started_in_interval);
  EXPECT_TRUE(r.exited_in_interval);
  EXPECT_EQ(delta(r, Counter::RuntimeNs), 100'000'000u);
}

TEST(ModelTest, RunqHistogramDeltaForAContinuingProcess) {
  ProcessSample a = proc(100, 1 * kSec, 1 * kSec);
  a.runq_hist.add(10, 30);
  ProcessSample b = proc(100, 1 * kSec, 2 * kSec);
  b.runq_hist.add(10, 40);
  b.runq_hist.add(14, 10);
  const auto prev = sample_at(10 * kSec, {a});
  const auto cur = sample_at(12 * kSec, {b});
  const Model m = derive_model(cur, prev.get());
  const ProcessRow& r = *row_of(m, 100);
  EXPECT_EQ(r.runq_hist_delta.bucket(10), 10u);
  EXPECT_EQ(r.runq_hist_delta.bucket(14), 10u);
  EXPECT_EQ(r.runq_hist_delta.total(), 20u);
  // p50 = rank 10 = top of bucket 10 = 2048 ns = 2.048 us.
  EXPECT_DOUBLE_EQ(as_double(field(FieldId::RunqP50Us).get(r, m.interval_s())), 2.048);
}

TEST(ModelTest, SystemCpuPercentages) {
  auto prev = sample_at(10 * kSec, {});
  prev->system.cpu = {.user_ns = 100 * kSec,
                      .nice_ns = 0,
                      .system_ns = 50 * kSec,
                      .idle_ns = 800 * kSec,
                      .iowait_ns = 10 * kSec};
  auto cur = sample_at(12 * kSec, {});
  // Deltas: user 30, nice 2, system 10, idle 50, iowait 4, irq 1,
  // softirq 1, steal 2; total 100 s of CPU time over all CPUs.
  cur->system.cpu = {.user_ns = 130 * kSec,
                     .nice_ns = 2 * kSec,
                     .system_ns = 60 * kSec,
                     .idle_ns = 850 * kSec,
                     .iowait_ns = 14 * kSec,
                     .irq_ns = 1 * kSec,
                     .softirq_ns = 1 * kSec,
                     .steal_ns = 2 * kSec};
  const Model m = derive_model(cur, prev.get());
  EXPECT_DOUBLE_EQ(*m.system.cpu_busy_pct, 46.0);    // 30+2+10+1+1+2
  EXPECT_DOUBLE_EQ(*m.system.cpu_user_pct, 32.0);    // user + nice
  EXPECT_DOUBLE_EQ(*m.system.cpu_system_pct, 12.0);  // system + irq + softirq
  EXPECT_DOUBLE_EQ(*m.system.cpu_iowait_pct, 4.0);
  EXPECT_DOUBLE_EQ(*m.system.cpu_steal_pct, 2.0);
}

TEST(ModelTest, SystemCpuWithoutCpuTimeIsAbsent) {
  // Same CpuTimes on both sides (e.g. /proc/stat unreadable): 0/0 is not 0%.
  const auto prev = sample_at(10 * kSec, {});
  const auto cur = sample_at(12 * kSec, {});
  const Model m = derive_model(cur, prev.get());
  EXPECT_DOUBLE_EQ(m.interval_s(), 2.0);
  EXPECT_FALSE(m.system.cpu_busy_pct.has_value());
  EXPECT_FALSE(m.system.cpu_user_pct.has_value());
}

TEST(ModelTest, DropsAndEventsPerInterval) {
  auto prev = sample_at(10 * kSec, {});
  prev->system.events_total = 1000;
  prev->system.events_dropped = 10;
  auto cur = sample_at(12 * kSec, {});
  cur->system.events_total = 1600;
  cur->system.events_dropped = 25;
  const Model m = derive_model(cur, prev.get());
  EXPECT_EQ(m.system.dropped_in_interval, 15u);
  EXPECT_EQ(m.system.events_dropped, 25u);
  EXPECT_DOUBLE_EQ(*m.system.events_per_s, 300.0);  // 600 in 2 s

  // No drops this time: zero, and known to be zero.
  auto next = sample_at(14 * kSec, {});
  next->system.events_total = 1600;
  next->system.events_dropped = 25;
  const Model m2 = derive_model(next, cur.get());
  EXPECT_EQ(m2.system.dropped_in_interval, 0u);
  EXPECT_DOUBLE_EQ(*m2.system.events_per_s, 0.0);
}

TEST(ModelTest, ClockThatDidNotAdvanceGivesNoRates) {
  const auto prev = sample_at(10 * kSec, {proc(100, 1 * kSec, 5 * kSec)});
  const auto cur = sample_at(10 * kSec, {proc(100, 1 * kSec, 6 * kSec)});
  const Model m = derive_model(cur, prev.get());
  EXPECT_EQ(m.interval_s(), 0.0);
  EXPECT_FALSE(m.system.dropped_in_interval.has_value());
  const ProcessRow& r = *row_of(m, 100);
  EXPECT_FALSE(r.rate_per_s(Counter::RuntimeNs, m.interval_s()).has_value());
  EXPECT_TRUE(
      std::holds_alternative<std::monostate>(field(FieldId::CpuPct).get(r, m.interval_s())));
}

TEST(ModelTest, ProcessAndThreadCounts) {
  ProcessSample a = proc(1, 0, 0);
  a.num_threads = 4;
  ProcessSample b = proc(2, 0, 0);
  b.num_threads = 3;
  ProcessSample dead = proc(3, 0, 0);
  dead.num_threads = 8;
  dead.exit_status = 0;
  auto cur = sample_at(10 * kSec, {a, b, dead});
  cur->system.procs_running = 2;
  const Model m = derive_model(cur, nullptr);
  EXPECT_EQ(m.system.num_processes, 2u);
  EXPECT_EQ(m.system.num_threads, 7u);
  EXPECT_EQ(m.system.num_running, 2u);
  EXPECT_EQ(m.processes.size(), 3u);  // the exited one still has a row
}

}  // namespace
}  // namespace pw
