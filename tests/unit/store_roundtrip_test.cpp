// Sample -> database -> Sample is exact, in order, out of order and across
// keyframes; Models rebuilt from a recording equal the live ones.
#include <gtest/gtest.h>

#include "model/model.h"
#include "store/reader.h"
#include "store/schema.h"
#include "store/session_writer.h"
#include "store_test_data.h"

namespace pw {
namespace {

using namespace store_test;

SessionInfo test_session() {
  SessionInfo s;
  s.host = "testhost";
  s.kernel = "6.1.0-test";
  s.procwatch_version = "0.0.0-test";
  s.start_wall_ns = kWall0;
  s.interval_ns = kSec;
  s.filters_json = R"({"comm":["x"]})";
  return s;
}

Database fresh_memory_db() {
  Database db = Database::open_memory();
  migrate(db);
  return db;
}

TEST(StoreRoundTrip, EverySampleReadsBackExactly) {
  const std::vector<Sample> samples = rich_session(60, 1);
  Database db = fresh_memory_db();
  WriterOptions opts;
  opts.keyframe_max_samples = 7;  // several keyframe groups
  SessionWriter w(db, test_session(), opts);
  for (std::size_t i = 0; i < samples.size(); ++i) w.write(samples[i], i / 10);
  EXPECT_EQ(w.stats().samples, 60u);
  EXPECT_GE(w.stats().keyframes, 8u);

  SessionReader r(db, w.session_id());
  ASSERT_EQ(r.size(), samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    SCOPED_TRACE(i);
    expect_same_sample(samples[i], *r.load(i), "sample " + std::to_string(i));
    EXPECT_EQ(r.time_at(i).wall_ns, samples[i].system.wall_ns);
  }
}

TEST(StoreRoundTrip, RandomAccessAndBackwards) {
  const std::vector<Sample> samples = rich_session(40, 2);
  Database db = fresh_memory_db();
  WriterOptions opts;
  opts.keyframe_max_samples = 9;
  SessionWriter w(db, test_session(), opts);
  for (const Sample& s : samples) w.write(s);

  SessionReader r(db, w.session_id());
  for (std::size_t i = samples.size(); i-- > 0;)
    expect_same_sample(samples[i], *r.load(i), "backwards " + std::to_string(i));
  Rng rng(3);
  for (int k = 0; k < 50; ++k) {
    const std::size_t i = rng.below(samples.size());
    expect_same_sample(samples[i], *r.load(i), "random " + std::to_string(i));
  }
}

TEST(StoreRoundTrip, SessionInfoAndAlerts) {
  Database db = fresh_memory_db();
  SessionWriter w(db, test_session());
  const std::vector<Sample> samples = rich_session(3, 4);
  AlertRecord a;
  a.wall_ns = kWall0 + 5;
  a.severity = "warning";
  a.rule = "cpu_high";
  a.process = ProcessKey{100, 42};
  a.message = "pid 100 <b>used</b> 95% CPU";
  AlertRecord b;
  b.wall_ns = kWall0 + 6;
  b.severity = "info";
  b.rule = "system";
  b.message = "no process";
  w.write(samples[0]);
  w.write(samples[1], 0, std::vector{a, b});
  w.write(samples[2], 3);
  w.finish(kWall0 + 10 * kSec, "duration", 3);

  Recording rec(std::move(db));
  ASSERT_EQ(rec.sessions().size(), 1u);
  const SessionSummary& s = rec.session();
  EXPECT_EQ(s.info.host, "testhost");
  EXPECT_EQ(s.info.kernel, "6.1.0-test");
  EXPECT_EQ(s.info.procwatch_version, "0.0.0-test");
  EXPECT_EQ(s.info.start_wall_ns, kWall0);
  EXPECT_EQ(s.info.end_wall_ns, kWall0 + 10 * kSec);
  EXPECT_EQ(s.info.end_reason, "duration");
  EXPECT_EQ(s.info.interval_ns, kSec);
  EXPECT_EQ(s.info.filters_json, R"({"comm":["x"]})");
  EXPECT_EQ(s.info.queue_drops, 3u);
  EXPECT_EQ(s.samples, 3u);
  EXPECT_EQ(s.first_wall_ns, samples[0].system.wall_ns);
  EXPECT_EQ(s.last_wall_ns, samples[2].system.wall_ns);

  auto r = rec.open_session(s.info.id);
  const std::vector<AlertRecord> alerts = r->alerts();
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].message, a.message);
  EXPECT_EQ(alerts[0].rule, "cpu_high");
  EXPECT_EQ(alerts[0].process, a.process);
  EXPECT_FALSE(alerts[1].process.has_value());
  EXPECT_EQ(alerts[1].severity, "info");
}

TEST(StoreRoundTrip, UnchangedProcessesCostNothingButStayPresent) {
  Database db = fresh_memory_db();
  SessionWriter w(db, test_session());
  Sample s;
  s.system.monotonic_ns = 10 * kSec;
  s.system.wall_ns = kWall0;
  for (int pid = 1; pid <= 100; ++pid) {
    ProcessSample p;
    p.key = {pid, 5};
    p.comm = "idle";
    p.counters.set(Counter::RuntimeNs, 1000);
    s.processes.push_back(p);
  }
  w.write(s);
  for (int i = 1; i <= 5; ++i) {
    s.system.monotonic_ns += kSec;
    s.system.wall_ns += kSec;
    s.processes[7].counters.add(Counter::RuntimeNs, 10);  // one process changes
    w.write(s);
  }
  Statement st(db, "SELECT entry_count, process_count FROM samples ORDER BY id");
  std::vector<std::pair<std::int64_t, std::int64_t>> rows;
  while (st.step()) rows.emplace_back(st.get_int(0), st.get_int(1));
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0].first, 100);  // the keyframe
  for (std::size_t i = 1; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].first, 1);
    EXPECT_EQ(rows[i].second, 100);
  }
  SessionReader r(db, w.session_id());
  expect_same_sample(s, *r.load(5), "last");
}

// Replay goes through derive_model() like live: the Model of a recorded pair
// equals the Model of the original pair, field by field.
TEST(StoreRoundTrip, ReplayModelEqualsLiveModel) {
  const std::vector<Sample> samples = rich_session(12, 5);
  Database db = fresh_memory_db();
  SessionWriter w(db, test_session());
  for (const Sample& s : samples) w.write(s);
  SessionReader r(db, w.session_id());
  for (std::size_t i = 1; i < samples.size(); ++i) {
    const Model live = derive_model(std::make_shared<const Sample>(samples[i]), &samples[i - 1]);
    const Model replay = r.model_at(i);
    EXPECT_EQ(live.system.interval_s, replay.system.interval_s);
    EXPECT_EQ(live.system.cpu_busy_pct, replay.system.cpu_busy_pct);
    EXPECT_EQ(live.system.events_per_s, replay.system.events_per_s);
    ASSERT_EQ(live.processes.size(), replay.processes.size());
    for (const ProcessRow& lr : live.processes) {
      const ProcessRow* rr = nullptr;
      for (const ProcessRow& x : replay.processes)
        if (x.sample->key == lr.sample->key) rr = &x;
      ASSERT_NE(rr, nullptr);
      EXPECT_EQ(lr.delta, rr->delta) << describe(lr.sample->key);
      EXPECT_TRUE(lr.runq_hist_delta == rr->runq_hist_delta);
      EXPECT_EQ(lr.started_in_interval, rr->started_in_interval);
      EXPECT_EQ(lr.exited_in_interval, rr->exited_in_interval);
      EXPECT_EQ(lr.age_ns, rr->age_ns);
    }
  }
}

TEST(StoreRoundTrip, DuplicateKeysKeepTheFirst) {
  Database db = fresh_memory_db();
  SessionWriter w(db, test_session());
  Sample s;
  s.system.wall_ns = kWall0;
  ProcessSample p;
  p.key = {5, 5};
  p.comm = "first";
  s.processes.push_back(p);
  p.comm = "second";
  s.processes.push_back(p);
  w.write(s);
  SessionReader r(db, w.session_id());
  const auto back = r.load(0);
  ASSERT_EQ(back->processes.size(), 1u);
  EXPECT_EQ(back->processes[0].comm, "first");
}

TEST(StoreRoundTrip, TimeLookup) {
  const std::vector<Sample> samples = rich_session(10, 6);
  Database db = fresh_memory_db();
  SessionWriter w(db, test_session());
  for (const Sample& s : samples) w.write(s);
  SessionReader r(db, w.session_id());
  EXPECT_FALSE(r.index_at_or_before(kWall0 - 1).has_value());
  EXPECT_EQ(r.index_at_or_before(samples[3].system.wall_ns), 3u);
  EXPECT_EQ(r.index_at_or_before(samples[3].system.wall_ns + kSec / 2 - 5000), 3u);
  EXPECT_EQ(r.nearest_index(samples[3].system.wall_ns + kSec - 10000), 4u);
  EXPECT_EQ(r.nearest_index(0), 0u);
  EXPECT_EQ(r.nearest_index(~0ULL), 9u);
}

}  // namespace
}  // namespace pw
