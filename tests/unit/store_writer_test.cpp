// The writer thread and its bounded queue: drop-oldest with the dropped
// interval's events and exits carried forward; a failing writer reports
// one error and keeps what it wrote; the record filter.
#include <gtest/gtest.h>

#include "store/reader.h"
#include "store/record_filter.h"
#include "store/schema.h"
#include "store/writer.h"
#include "store_test_data.h"

namespace pw {
namespace {

using namespace store_test;

QueuedSample numbered(int n) {
  QueuedSample q;
  q.sample.system.wall_ns = static_cast<std::uint64_t>(n);
  LifecycleEvent e;
  e.ts_ns = static_cast<std::uint64_t>(n);
  q.sample.events.push_back(e);
  ProcessSample live;
  live.key = {1, 1};
  q.sample.processes.push_back(live);
  ProcessSample gone;  // a process that lived and exited within interval n
  gone.key = {1000 + n, 5};
  gone.exit_status = 0;
  q.sample.processes.push_back(gone);
  AlertRecord a;
  a.wall_ns = static_cast<std::uint64_t>(n);
  q.alerts.push_back(a);
  return q;
}

TEST(StoreQueue, DropsOldestAndCarriesItsEventsForward) {
  SampleQueue q(2);
  EXPECT_TRUE(q.push(numbered(1)));
  EXPECT_TRUE(q.push(numbered(2)));
  EXPECT_FALSE(q.push(numbered(3)));  // 1 dropped, merged into 2
  EXPECT_FALSE(q.push(numbered(4)));  // 2 (holding 1) dropped, merged into 3
  EXPECT_EQ(q.drops(), 2u);
  EXPECT_EQ(q.size(), 2u);
  q.close();
  auto first = q.pop();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->sample.system.wall_ns, 3u);
  std::vector<std::uint64_t> ts;
  for (const auto& e : first->sample.events) ts.push_back(e.ts_ns);
  EXPECT_EQ(ts, (std::vector<std::uint64_t>{1, 2, 3}));  // in time order
  EXPECT_EQ(first->alerts.size(), 3u);
  // The live process once, the three short-lived ones all there.
  std::vector<std::int32_t> pids;
  for (const auto& p : first->sample.processes) pids.push_back(p.key.pid);
  std::sort(pids.begin(), pids.end());
  EXPECT_EQ(pids, (std::vector<std::int32_t>{1, 1001, 1002, 1003}));
  auto second = q.pop();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->sample.system.wall_ns, 4u);
  EXPECT_EQ(second->sample.events.size(), 1u);
  EXPECT_FALSE(q.pop());  // closed and empty
}

TEST(StoreQueue, CapacityOneMergesIntoTheNewSample) {
  SampleQueue q(1);
  q.push(numbered(1));
  EXPECT_FALSE(q.push(numbered(2)));
  q.close();
  auto only = q.pop();
  ASSERT_TRUE(only);
  EXPECT_EQ(only->sample.system.wall_ns, 2u);
  EXPECT_EQ(only->sample.events.size(), 2u);
}

TEST(StoreAsyncWriter, WritesEverythingAndClosesTheSession) {
  TempDir dir;
  const auto path = dir / "async.db";
  const std::vector<Sample> samples = rich_session(30, 31);
  SessionInfo info;
  info.host = "h";
  info.notices = {"scheduler latency unavailable: test"};
  WriterProgress p;
  {
    AsyncWriter w(open_for_append(path), info, WriterOptions{}, 64);
    for (const Sample& s : samples) w.push(s);
    p = w.close("duration");
    EXPECT_EQ(w.close("again").stats.samples, p.stats.samples);  // idempotent
  }
  EXPECT_TRUE(p.error.empty()) << p.error;
  EXPECT_EQ(p.stats.samples, 30u);
  EXPECT_EQ(p.queue_drops, 0u);
  EXPECT_GT(p.database_bytes, 0u);
  std::filesystem::path wal = path;
  wal += "-wal";
  EXPECT_FALSE(std::filesystem::exists(wal)) << "closing checkpoints the WAL";
  Recording rec(path);
  EXPECT_EQ(rec.session().info.end_reason, "duration");
  EXPECT_EQ(rec.session().info.notices, info.notices);
  auto r = rec.open_session(rec.session().info.id);
  ASSERT_EQ(r->size(), 30u);
  expect_same_sample(samples.back(), *r->load(29), "last");
}

TEST(StoreAsyncWriter, DiskFullIsOneErrorAndTheRestIsKept) {
  TempDir dir;
  const auto path = dir / "full.db";
  const std::vector<Sample> samples = rich_session(300, 32);
  WriterProgress p;
  {
    Database db = open_for_append(path);
    db.exec("PRAGMA max_page_count = 30");
    AsyncWriter w(std::move(db), SessionInfo{}, WriterOptions{}, 1000);
    for (const Sample& s : samples) w.push(s);
    p = w.close("duration");
  }
  EXPECT_TRUE(p.disk_full) << p.error;
  EXPECT_NE(p.error.find("disk full"), std::string::npos) << p.error;
  EXPECT_GT(p.stats.samples, 0u);
  EXPECT_LT(p.stats.samples, 300u);
  Recording rec(path);
  auto r = rec.open_session(rec.session().info.id);
  ASSERT_EQ(r->size(), p.stats.samples);
  expect_same_sample(samples[p.stats.samples - 1], *r->load(p.stats.samples - 1), "last kept");
}

TEST(StoreRecordFilter, KeepsMatchingProcessesAndTheirEvents) {
  Sample s;
  auto proc = [](std::int32_t pid, std::string comm, std::string cgroup) {
    ProcessSample p;
    p.key = {pid, 1};
    p.comm = std::move(comm);
    p.cgroup = std::move(cgroup);
    return p;
  };
  s.processes = {proc(1, "init", "/init.scope"),
                 proc(10, "nginx", "/system.slice/nginx.service"),
                 proc(11, "worker", "/system.slice/nginx.service/w"),
                 proc(12, "other", "/system.slice/nginx.service2"),
                 proc(20, "bash", "/user.slice"),
                 proc(30, "sleep", "")};
  auto event = [](std::int32_t pid, std::string comm) {
    LifecycleEvent e;
    e.key = {pid, 1};
    e.comm = std::move(comm);
    return e;
  };
  s.events = {event(10, "nginx"), event(20, "bash"), event(99, "bash"), event(98, "x")};

  RecordFilter f;
  EXPECT_TRUE(f.empty());
  Sample all = s;
  f.apply(all);
  EXPECT_EQ(all.processes.size(), 6u);

  f.cgroups = {"system.slice/nginx.service/"};
  f.comms = {"bash"};
  f.pids = {30};
  Sample kept = s;
  f.apply(kept);
  std::vector<std::int32_t> pids;
  for (const auto& p : kept.processes) pids.push_back(p.key.pid);
  EXPECT_EQ(pids, (std::vector<std::int32_t>{10, 11, 20, 30}));
  std::vector<std::int32_t> event_pids;
  for (const auto& e : kept.events) event_pids.push_back(e.key.pid);
  EXPECT_EQ(event_pids, (std::vector<std::int32_t>{10, 20, 99}));  // 99: a bash not sampled
  EXPECT_EQ(f.to_json(),
            R"({"cgroup":["system.slice/nginx.service/"],"comm":["bash"],"pid":[30]})");
}

}  // namespace
}  // namespace pw
