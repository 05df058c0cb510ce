// Findings in the session DB (schema version 2): what is written reads back
// field for field, per session; a version 1 file reads as "no findings".
#include <gtest/gtest.h>

#include <filesystem>

#include "store/findings_table.h"
#include "store/reader.h"
#include "store/schema.h"
#include "store/session_writer.h"
#include "store_test_data.h"

namespace pw {
namespace {

using namespace store_test;

const std::filesystem::path kFixtureV1 =
    std::filesystem::path(PROCWATCH_FIXTURES_DIR) / "db" / "v1.db";

SessionInfo a_session(std::uint64_t start) {
  SessionInfo s;
  s.host = "h";
  s.kernel = "k";
  s.procwatch_version = "test";
  s.start_wall_ns = start;
  s.interval_ns = 1'000'000'000;
  return s;
}

Finding a_leak() {
  Finding f;
  f.kind = Finding::Kind::Leak;
  f.detector = "leak";
  f.id = 7;
  f.process = ProcessKey{.pid = 4242, .start_ns = 123456789};
  f.comm = "leaker";
  f.identity = "/system.slice|leaker|leaker --rate 1M";
  f.metric = "rss_anon_bytes";
  f.value = 52'428'800;
  f.baseline = 1'048'576;
  f.score = 6.25;
  f.rate_per_s = 1'048'000.5;
  f.confidence = 0.9999;
  f.window_s = 30;
  f.limit_bytes = 4ull << 30;
  f.time_to_oom_s = 4050.25;
  f.start_wall_ns = 1'700'000'000'000'000'000ull;
  f.end_wall_ns = 1'700'000'030'000'000'000ull;
  f.active = true;
  f.evidence = "rss_anon_bytes +1.0 MiB/s over 30 s, MK Z 6.25";
  return f;
}

Finding a_system_anomaly() {
  Finding f;
  f.kind = Finding::Kind::Anomaly;
  f.detector = "fork_storm";
  f.id = 8;
  f.metric = "forks_per_s";
  f.value = 900;
  f.baseline = 3;
  f.score = 41;
  f.start_wall_ns = 5;
  f.end_wall_ns = 9;
  f.active = false;
  f.evidence = "900 forks/s against 3";
  return f;
}

void expect_same(const Finding& a, const Finding& b) {
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.detector, b.detector);
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.process, b.process);
  EXPECT_EQ(a.comm, b.comm);
  EXPECT_EQ(a.identity, b.identity);
  EXPECT_EQ(a.metric, b.metric);
  EXPECT_DOUBLE_EQ(a.value, b.value);
  EXPECT_DOUBLE_EQ(a.baseline, b.baseline);
  EXPECT_DOUBLE_EQ(a.score, b.score);
  EXPECT_DOUBLE_EQ(a.rate_per_s, b.rate_per_s);
  EXPECT_DOUBLE_EQ(a.confidence, b.confidence);
  EXPECT_DOUBLE_EQ(a.window_s, b.window_s);
  EXPECT_EQ(a.limit_bytes, b.limit_bytes);
  EXPECT_EQ(a.time_to_oom_s, b.time_to_oom_s);
  EXPECT_EQ(a.start_wall_ns, b.start_wall_ns);
  EXPECT_EQ(a.end_wall_ns, b.end_wall_ns);
  EXPECT_EQ(a.active, b.active);
  EXPECT_EQ(a.evidence, b.evidence);
}

TEST(StoreFindings, RoundTripPerSessionThroughAFile) {
  TempDir dir;
  const auto path = dir / "f.db";
  std::int64_t first = 0;
  std::int64_t second = 0;
  {
    Database db = open_for_append(path);
    {
      SessionWriter w1(db, a_session(kWall0));
      first = w1.session_id();
    }
    {
      SessionWriter w2(db, a_session(kWall0 + 1));
      second = w2.session_id();
    }
    ASSERT_NE(first, second);
    const std::vector<Finding> both = {a_leak(), a_system_anomaly()};
    write_findings(db, first, both);
    write_findings(db, second, std::vector<Finding>{a_system_anomaly()});
    // Written again at the end of a session: the last state replaces the first.
    Finding ended = a_leak();
    ended.active = false;
    const std::vector<Finding> again = {ended, a_system_anomaly()};
    write_findings(db, first, again);
  }
  Recording rec(path);
  EXPECT_EQ(rec.schema_version(), 2);
  const std::vector<Finding> got = read_findings(rec.database(), first);
  ASSERT_EQ(got.size(), 2u);
  Finding ended = a_leak();
  ended.active = false;
  expect_same(got[0], ended);
  expect_same(got[1], a_system_anomaly());
  const std::vector<Finding> other = read_findings(rec.database(), second);
  ASSERT_EQ(other.size(), 1u);
  expect_same(other[0], a_system_anomaly());
}

TEST(StoreFindings, VersionOneFixtureReadsWithNoFindings) {
  ASSERT_TRUE(std::filesystem::exists(kFixtureV1)) << kFixtureV1;
  Recording rec(kFixtureV1);
  EXPECT_EQ(rec.schema_version(), 1);
  ASSERT_EQ(rec.sessions().size(), 1u);
  EXPECT_TRUE(read_findings(rec.database(), rec.session().info.id).empty());
}

}  // namespace
}  // namespace pw
