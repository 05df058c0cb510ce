// Retention deletes whole keyframe groups (never a group that still holds a
// sample newer than the cutoff), keeps what remains decodable, drops
// sessions that are all old, and --max-size keeps the file under its limit.
#include <gtest/gtest.h>

#include "store/reader.h"
#include "store/schema.h"
#include "store/session_writer.h"
#include "store_test_data.h"

namespace pw {
namespace {

using namespace store_test;

std::vector<std::int64_t> sample_ids(Database& db, std::int64_t session) {
  std::vector<std::int64_t> ids;
  Statement st(db, "SELECT id FROM samples WHERE session_id = ?1 ORDER BY id");
  st.bind(1, session);
  while (st.step()) ids.push_back(st.get_int(0));
  return ids;
}

std::int64_t count(Database& db, const std::string& table) {
  return db.query_int("SELECT count(*) FROM " + table);
}

TEST(StoreRetention, DeletesWholeGroupsOlderThanTheCutoff) {
  Database db = Database::open_memory();
  migrate(db);
  const std::vector<Sample> samples = rich_session(50, 21);  // 1 s apart
  WriterOptions opts;
  opts.keyframe_max_samples = 10;  // keyframes at 0, 10, 20, 30, 40
  SessionWriter w(db, SessionInfo{}, opts);
  for (const Sample& s : samples) w.write(s);
  const auto before = sample_ids(db, w.session_id());
  ASSERT_EQ(before.size(), 50u);

  // Cutoff inside the third group (samples 20..29): groups 0 and 1 go, the
  // third stays whole although its first samples are older than the cutoff.
  const std::uint64_t cutoff = samples[25].system.wall_ns;
  EXPECT_EQ(delete_older_than(db, cutoff, w.session_id()), 20u);
  const auto after = sample_ids(db, w.session_id());
  ASSERT_EQ(after.size(), 30u);
  EXPECT_EQ(after.front(), before[20]);
  EXPECT_EQ(db.query_int("SELECT keyframe FROM samples ORDER BY id LIMIT 1"), 1);
  // Data, events of the deleted samples are gone; nothing dangles.
  EXPECT_EQ(count(db, "sample_data"), 30);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM events WHERE sample_id NOT IN (SELECT id FROM "
                         "samples)"),
            0);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM processes WHERE last_sample IS NOT NULL AND "
                         "last_sample < (SELECT min(id) FROM samples)"),
            0);

  // What remains reads back exactly, and the writer goes on.
  SessionReader r(db, w.session_id());
  ASSERT_EQ(r.size(), 30u);
  for (std::size_t i = 0; i < r.size(); ++i)
    expect_same_sample(samples[20 + i], *r.load(i), "kept " + std::to_string(i));
  EXPECT_EQ(delete_older_than(db, cutoff, w.session_id()), 0u);  // idempotent
}

TEST(StoreRetention, ACutoffAtAKeyframeKeepsThatKeyframe) {
  Database db = Database::open_memory();
  migrate(db);
  const std::vector<Sample> samples = rich_session(30, 22);
  WriterOptions opts;
  opts.keyframe_max_samples = 10;
  SessionWriter w(db, SessionInfo{}, opts);
  for (const Sample& s : samples) w.write(s);
  EXPECT_EQ(delete_older_than(db, samples[10].system.wall_ns, w.session_id()), 10u);
  EXPECT_EQ(delete_older_than(db, samples[10].system.wall_ns + 1, w.session_id()), 0u);
}

TEST(StoreRetention, OldSessionsGoWhole) {
  Database db = Database::open_memory();
  migrate(db);
  const std::vector<Sample> samples = rich_session(40, 23);
  SessionWriter old_session(db, SessionInfo{});
  for (std::size_t i = 0; i < 20; ++i) old_session.write(samples[i]);
  SessionWriter current(db, SessionInfo{});
  for (std::size_t i = 20; i < 40; ++i) current.write(samples[i]);
  EXPECT_EQ(count(db, "sessions"), 2);
  // Everything of the first session is older than sample 25.
  EXPECT_EQ(delete_older_than(db, samples[25].system.wall_ns, current.session_id()), 20u);
  EXPECT_EQ(count(db, "sessions"), 1);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM processes WHERE session_id = " +
                         std::to_string(old_session.session_id())),
            0);
  // The current session is never deleted whole, even when all of it is old.
  EXPECT_EQ(delete_older_than(db, ~0ULL >> 1, current.session_id()), 0u);
  EXPECT_EQ(sample_ids(db, current.session_id()).size(), 20u);
}

TEST(StoreRetention, WriterAppliesRetainWhileRecording) {
  Database db = Database::open_memory();
  migrate(db);
  const std::vector<Sample> samples = rich_session(60, 24);
  WriterOptions opts;
  opts.keyframe_max_samples = 5;
  opts.retain_ns = 12 * kSec;
  SessionWriter w(db, SessionInfo{}, opts);
  for (const Sample& s : samples) w.write(s);
  SessionReader r(db, w.session_id());
  // At most the retention plus one group is kept, and all of it is newer
  // than the retention minus one group.
  EXPECT_LE(r.size(), 12u + 5u + 1u);
  EXPECT_GE(r.size(), 12u);
  const std::size_t first = samples.size() - r.size();
  for (std::size_t i = 0; i < r.size(); ++i)
    expect_same_sample(samples[first + i], *r.load(i), "kept " + std::to_string(i));
  EXPECT_EQ(w.stats().deleted_samples, first);
}

TEST(StoreRetention, MaxSizeKeepsTheFileUnderItsLimit) {
  TempDir dir;
  const auto path = dir / "capped.db";
  RealisticHost host;
  constexpr std::uint64_t kMax = 2 << 20;
  std::uint64_t deleted = 0;
  {
    Database db = open_for_append(path);
    WriterOptions opts;
    opts.keyframe_max_samples = 30;
    opts.max_bytes = kMax;
    SessionWriter w(db, SessionInfo{}, opts);
    for (int i = 0; i < 600; ++i) {
      w.write(host.next());
      EXPECT_LE(w.used_bytes(), kMax) << "after sample " << i;
    }
    deleted = w.stats().deleted_samples;
  }
  EXPECT_GT(deleted, 0u);
  EXPECT_LE(std::filesystem::file_size(path), kMax + (1 << 20));  // plus free pages
  Recording rec(path);
  auto r = rec.open_session(rec.session().info.id);
  EXPECT_EQ(r->size() + deleted, 600u);
  r->load(r->size() - 1);
  r->load(0);
}

}  // namespace
}  // namespace pw
