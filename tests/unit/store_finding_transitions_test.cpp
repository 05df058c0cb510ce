// Findings written by the recorder's path (SessionWriter::write with the
// changed findings of each interval) read back as one row per finding in
// its latest state, and replayed Models show them only while they held.
#include <gtest/gtest.h>

#include <memory>

#include "analyze/stored_findings.h"
#include "store/findings_table.h"
#include "store/reader.h"
#include "store/schema.h"
#include "store/session_writer.h"
#include "store_test_data.h"

namespace pw {
namespace {

using namespace store_test;

Finding leak_of(const ProcessSample& p, std::uint64_t start, std::uint64_t end, bool active) {
  Finding f;
  f.kind = Finding::Kind::Leak;
  f.detector = "leak";
  f.id = 1;
  f.process = p.key;
  f.comm = "<script>alert(1)</script>\x1b[2J";
  f.metric = "rss_anon_bytes";
  f.rate_per_s = 1'048'576;
  f.start_wall_ns = start;
  f.end_wall_ns = end;
  f.active = active;
  f.evidence = "evidence at " + std::to_string(end);
  return f;
}

TEST(StoreFindingTransitions, UpsertsKeepOneRowInItsLatestStateAndReplayShowsItWhileItHeld) {
  TempDir dir;
  const auto path = dir / "t.db";
  const std::vector<Sample> samples = rich_session(12, 3);
  ASSERT_FALSE(samples[0].processes.empty());
  const ProcessSample& target = samples[0].processes[0];
  const std::uint64_t t2 = samples[2].system.wall_ns, t6 = samples[6].system.wall_ns,
                      t9 = samples[9].system.wall_ns;
  std::int64_t session = 0;
  {
    Database db = open_for_append(path);
    SessionInfo info;
    info.host = "h";
    info.start_wall_ns = samples[0].system.wall_ns;
    info.interval_ns = 1'000'000'000;
    SessionWriter w(db, info);
    session = w.session_id();
    for (std::size_t i = 0; i < samples.size(); ++i) {
      std::vector<Finding> changes;
      if (i == 2) changes.push_back(leak_of(target, t2, t2, true));   // raised
      if (i == 6) changes.push_back(leak_of(target, t2, t6, true));   // refreshed
      if (i == 9) changes.push_back(leak_of(target, t2, t9, false));  // ended
      w.write(samples[i], 0, {}, changes);
    }
  }
  Recording rec(path);
  const std::vector<Finding> stored = read_findings(rec.database(), session);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_FALSE(stored[0].active);
  EXPECT_EQ(stored[0].end_wall_ns, t9);
  EXPECT_EQ(stored[0].comm, "<script>alert(1)</script>\x1b[2J");  // verbatim in the store
  EXPECT_EQ(stored[0].evidence, "evidence at " + std::to_string(t9));

  auto reader = rec.open_session(session);
  for (std::size_t i = 1; i < samples.size(); ++i) {
    Model m = reader->model_at(i);
    annotate_with_stored(m, stored);
    const bool held = i >= 2 && i <= 9;
    EXPECT_EQ(m.findings.size(), held ? 1u : 0u) << "sample " << i;
    for (const ProcessRow& row : m.processes) {
      if (row.sample->key == target.key)
        EXPECT_EQ(row.flags, held ? "L" : "") << "sample " << i;
      else
        EXPECT_EQ(row.flags, "") << "sample " << i;
    }
  }
}

}  // namespace
}  // namespace pw
