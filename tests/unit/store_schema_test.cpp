// Schema creation, versioning, migrations (including from the released v1
// fixture), and rejection of files that are not readable recordings — with
// the file left byte-for-byte as it was.
#include <gtest/gtest.h>

#include <cstdlib>

#include "store/reader.h"
#include "store/schema.h"
#include "store/session_writer.h"
#include "store_test_data.h"

namespace pw {
namespace {

using namespace store_test;

const std::filesystem::path kFixtureV1 =
    std::filesystem::path(PROCWATCH_FIXTURES_DIR) / "db" / "v1.db";

// The samples in tests/fixtures/db/v1.db. Never change this function or its
// generator: the fixture file was made from it (see WriteFixtureV1 below).
std::vector<Sample> fixture_v1_samples() { return rich_session(24, 2026); }

SessionInfo fixture_v1_session() {
  SessionInfo s;
  s.host = "fixture-host";
  s.kernel = "6.1.0-fixture";
  s.procwatch_version = "0.1.0";
  s.start_wall_ns = kWall0;
  s.interval_ns = kSec;
  s.filters_json = R"({"pid":[],"comm":[],"cgroup":[]})";
  return s;
}

std::vector<std::string> table_names(Database& db) {
  std::vector<std::string> out;
  Statement st(db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
  while (st.step()) out.push_back(st.get_text(0));
  return out;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const StoreError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(StoreSchema, CreatesCurrentVersion) {
  Database db = Database::open_memory();
  migrate(db);
  EXPECT_EQ(schema_version(db), kSchemaVersion);
  EXPECT_EQ(db.query_int("PRAGMA application_id"), kApplicationId);
  EXPECT_EQ(table_names(db), (std::vector<std::string>{
                                 "alerts", "counters", "event_kinds", "events", "findings", "meta",
                                 "processes", "sample_data", "samples", "sessions", "strings"}));
  EXPECT_EQ(db.query_text("SELECT value FROM meta WHERE key = 'read_compat'"), "1");
  migrate(db);  // idempotent
  EXPECT_EQ(schema_version(db), kSchemaVersion);
}

TEST(StoreSchema, CounterDictionaryUsesStableNames) {
  Database db = Database::open_memory();
  migrate(db);
  // A recording made by a procwatch that knew one extra counter, listed first.
  db.exec(
      "INSERT INTO counters(id, name, unit, kind) VALUES (1, 'from_the_future', 'count',"
      " 'cumulative')");
  const std::vector<Sample> samples = rich_session(5, 9);
  SessionWriter w(db, SessionInfo{});
  for (const Sample& s : samples) w.write(s);
  // Ids are the database's own: after the one already there, the counters
  // that change most often (off-CPU time first), then the rest.
  EXPECT_EQ(db.query_int("SELECT id FROM counters WHERE name = 'offcpu_ns'"), 2);
  EXPECT_EQ(db.query_int("SELECT id FROM counters WHERE name = 'runtime_ns'"), 3);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM counters"), 1 + static_cast<int>(kCounterCount));
  SessionReader r(db, w.session_id());
  for (std::size_t i = 0; i < samples.size(); ++i)
    expect_same_sample(samples[i], *r.load(i), "sample " + std::to_string(i));
}

// A step of a future version runs in a transaction with its version bump;
// a failing step leaves the database at the last good version.
TEST(StoreSchema, MigrationChainMechanics) {
  Database db = Database::open_memory();
  migrate(db);
  std::vector<Migration> steps(migrations().begin(), migrations().end());
  ASSERT_EQ(schema_version(db), kSchemaVersion);
  ASSERT_EQ(kSchemaVersion, 2);
  steps.push_back({2, 3, "add a column",
                   [](Database& d) { d.exec("ALTER TABLE sessions ADD COLUMN note TEXT"); }});
  steps.push_back({3, 4, "a step that fails", [](Database& d) {
                     d.exec("CREATE TABLE half_done(x)");
                     throw StoreError("step failed");
                   }});
  EXPECT_EQ(error_of([&] { migrate(db, 4, steps); }), "step failed");
  EXPECT_EQ(schema_version(db), 3);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM pragma_table_info('sessions') WHERE name='note'"),
            1);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'"), 0);
  // A database at version 3 is newer than this procwatch: not writable.
  EXPECT_NE(error_of([&] { migrate(db); }).find("newer procwatch"), std::string::npos);
}

TEST(StoreSchema, FixtureV1ReadsBackExactly) {
  ASSERT_TRUE(std::filesystem::exists(kFixtureV1)) << kFixtureV1;
  const std::string before = read_file(kFixtureV1);
  {
    Recording rec(kFixtureV1);
    EXPECT_EQ(rec.schema_version(), 1);
    ASSERT_EQ(rec.sessions().size(), 1u);
    const SessionSummary& s = rec.session();
    EXPECT_EQ(s.info.host, "fixture-host");
    EXPECT_EQ(s.info.end_reason, "duration");
    auto r = rec.open_session(s.info.id);
    const std::vector<Sample> expected = fixture_v1_samples();
    ASSERT_EQ(r->size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i)
      expect_same_sample(expected[i], *r->load(i), "fixture sample " + std::to_string(i));
  }
  EXPECT_EQ(read_file(kFixtureV1), before) << "reading changed the fixture";
}

// Appending to a v1 recording migrates it to the current version and keeps
// the old session readable next to the new one.
TEST(StoreSchema, AppendToFixtureV1Migrates) {
  TempDir dir;
  const auto path = dir / "v1-copy.db";
  std::filesystem::copy_file(kFixtureV1, path);
  {
    Database db = open_for_append(path);
    EXPECT_EQ(schema_version(db), kSchemaVersion);
    SessionWriter w(db, fixture_v1_session());
    for (const Sample& s : rich_session(3, 1)) w.write(s);
  }
  Recording rec(path);
  ASSERT_EQ(rec.sessions().size(), 2u);
  auto old_session = rec.open_session(rec.sessions()[0].info.id);
  const std::vector<Sample> expected = fixture_v1_samples();
  expect_same_sample(expected.back(), *old_session->load(expected.size() - 1), "old");
  auto new_session = rec.open_session(rec.sessions()[1].info.id);
  expect_same_sample(rich_session(3, 1).back(), *new_session->load(2), "new");
}

// ---- files that are not (readable) recordings ------------------------------

class BadFiles : public ::testing::Test {
 protected:
  // Both ways of opening fail with `expected` in the message and leave the
  // file as it was.
  void expect_rejected(const std::filesystem::path& path, const std::string& expected) {
    const std::string before = read_file(path);
    const std::string read_error = error_of([&] { Recording rec(path); });
    EXPECT_NE(read_error.find(expected), std::string::npos) << read_error;
    EXPECT_EQ(read_error.find('\n'), std::string::npos) << "one line: " << read_error;
    const std::string append_error = error_of([&] { open_for_append(path); });
    EXPECT_NE(append_error.find(expected), std::string::npos) << append_error;
    EXPECT_EQ(read_file(path), before) << "the file was changed";
    std::filesystem::path wal = path;
    wal += "-wal";
    EXPECT_FALSE(std::filesystem::exists(wal));
  }
  TempDir dir_;
};

TEST_F(BadFiles, NotSqlite) {
  write_file(dir_ / "text.db", "hello, this is not a database at all\n");
  expect_rejected(dir_ / "text.db", "not a procwatch recording (not a SQLite database)");
}

TEST_F(BadFiles, ForeignSqlite) {
  {
    Database db = Database::open(dir_ / "foreign.db", Database::Mode::ReadWrite);
    db.exec("CREATE TABLE contacts(name TEXT); INSERT INTO contacts VALUES ('x')");
  }
  expect_rejected(dir_ / "foreign.db", "not a procwatch recording (a SQLite database of another");
}

TEST_F(BadFiles, NewerIncompatibleVersion) {
  std::filesystem::copy_file(kFixtureV1, dir_ / "newer.db");
  {
    Database db = Database::open(dir_ / "newer.db", Database::Mode::ReadWrite);
    db.exec("PRAGMA user_version = 99; UPDATE meta SET value = '50' WHERE key = 'read_compat'");
  }
  expect_rejected(dir_ / "newer.db", "written by a newer procwatch (schema version 99)");
}

TEST_F(BadFiles, NewerButReadableVersion) {
  const auto path = dir_ / "newer-compat.db";
  std::filesystem::copy_file(kFixtureV1, path);
  {
    Database db = Database::open(path, Database::Mode::ReadWrite);
    db.exec("PRAGMA user_version = " + std::to_string(kSchemaVersion + 1));  // read_compat stays 1
  }
  const std::string before = read_file(path);
  Recording rec(path);  // reading works
  EXPECT_EQ(rec.schema_version(), kSchemaVersion + 1);
  EXPECT_NE(error_of([&] { open_for_append(path); }).find("record into a new file"),
            std::string::npos);
  EXPECT_EQ(read_file(path), before);
}

TEST_F(BadFiles, Truncated) {
  const std::string whole = read_file(kFixtureV1);
  write_file(dir_ / "half.db", whole.substr(0, whole.size() / 2));
  expect_rejected(dir_ / "half.db", "truncated recording");
  write_file(dir_ / "header.db", whole.substr(0, 60));
  expect_rejected(dir_ / "header.db", "truncated recording");
  write_file(dir_ / "odd.db", whole.substr(0, 4096 * 3 + 100));
  expect_rejected(dir_ / "odd.db", "truncated recording");
}

TEST_F(BadFiles, EmptyFileAndEmptyDatabase) {
  write_file(dir_ / "empty.db", "");
  EXPECT_NE(error_of([&] { Recording rec(dir_ / "empty.db"); }).find("empty file"),
            std::string::npos);
  {
    Database db = Database::open(dir_ / "blank.db", Database::Mode::ReadWrite);
    db.exec("CREATE TABLE t(x); DROP TABLE t");
  }
  EXPECT_NE(error_of([&] { Recording rec(dir_ / "blank.db"); }).find("an empty SQLite database"),
            std::string::npos);
  EXPECT_NE(error_of([&] { Recording rec(dir_ / "missing.db"); }).find("no such file"),
            std::string::npos);
  // Recording into an empty file is fine: it becomes a recording.
  Database db = open_for_append(dir_ / "empty.db");
  EXPECT_EQ(schema_version(db), kSchemaVersion);
}

// A damaged page inside: reading the samples fails with one clear error
// (never a crash or garbage), appending is refused, the file is unchanged.
TEST_F(BadFiles, CorruptPages) {
  const auto path = dir_ / "corrupt.db";
  std::filesystem::copy_file(kFixtureV1, path);
  std::string bytes = read_file(path);
  ASSERT_GT(bytes.size(), 8192u);
  // Overwrite everything after the first two pages (the schema stays
  // readable, the tables' pages do not).
  Rng rng(1);
  for (std::size_t i = 8192; i < bytes.size(); ++i) bytes[i] = static_cast<char>(rng.below(256));
  write_file(path, bytes);
  const std::string before = read_file(path);
  const std::string error = error_of([&] {
    Recording rec(path);
    auto r = rec.open_session(rec.session().info.id);
    for (std::size_t i = 0; i < r->size(); ++i) r->load(i);
  });
  EXPECT_TRUE(error.find("damaged") != std::string::npos ||
              error.find("malformed") != std::string::npos)
      << error;
  EXPECT_NE(error_of([&] { open_for_append(path); }).find("damaged"), std::string::npos);
  EXPECT_EQ(read_file(path), before);
}

// Garbage inside a data blob: a DecodeError becomes a StoreError naming
// the sample, never undefined behaviour.
TEST(StoreCorruptBlobs, GarbageBlobsAreRejected) {
  Database db = Database::open_memory();
  migrate(db);
  const std::vector<Sample> samples = rich_session(4, 11);
  SessionWriter w(db, SessionInfo{});
  for (const Sample& s : samples) w.write(s);
  std::string blob;
  {
    Statement st(db, "SELECT data FROM sample_data ORDER BY sample_id LIMIT 1 OFFSET 2");
    ASSERT_TRUE(st.step());
    blob = std::string(st.get_blob(0));
  }
  Rng rng(5);
  int rejected = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::string bad = blob;
    switch (trial % 3) {
      case 0:
        bad.resize(rng.below(bad.size()));
        break;
      case 1:
        for (int k = 0; k < 3; ++k) bad[rng.below(bad.size())] = static_cast<char>(rng.below(256));
        break;
      default:
        bad = bytes_string(rng, rng.below(64));
    }
    Statement up(db, "UPDATE sample_data SET data = ?1 WHERE sample_id = 3");
    up.bind_blob(1, std::string_view(bad));
    up.run();
    SessionReader r(db, w.session_id());
    try {
      r.load(2);
    } catch (const StoreError& e) {
      ++rejected;
      EXPECT_NE(std::string(e.what()).find("damaged at sample 2"), std::string::npos) << e.what();
    }
  }
  EXPECT_GT(rejected, 100);
}

// Disk full (here: SQLite's max_page_count): a clear error, and everything
// committed before it reads back intact.
TEST(StoreDiskFull, ErrorKeepsWrittenData) {
  TempDir dir;
  const auto path = dir / "full.db";
  const std::vector<Sample> samples = rich_session(200, 12);
  std::size_t written = 0;
  {
    Database db = open_for_append(path);
    db.exec("PRAGMA max_page_count = 40");
    SessionWriter w(db, SessionInfo{});
    try {
      for (const Sample& s : samples) {
        w.write(s);
        ++written;
      }
      FAIL() << "40 pages held everything";
    } catch (const StoreError& e) {
      EXPECT_TRUE(e.disk_full()) << e.what();
      EXPECT_NE(std::string(e.what()).find("disk full"), std::string::npos) << e.what();
    }
    EXPECT_THROW(w.write(samples[0]), StoreError);  // the writer stays stopped
    w.finish(kWall0, "error: disk full", 0);
  }
  ASSERT_GT(written, 0u);
  Recording rec(path);
  auto r = rec.open_session(rec.session().info.id);
  ASSERT_EQ(r->size(), written);
  for (std::size_t i = 0; i < written; ++i)
    expect_same_sample(samples[i], *r->load(i), "kept " + std::to_string(i));
  EXPECT_EQ(rec.session().info.end_reason, "error: disk full");
}

// Writes tests/fixtures/db/v1.db. Run once when schema version 1 was
// released; kept to show how the fixture was made:
//   PROCWATCH_WRITE_FIXTURES=1 procwatch_unit_tests
//     --gtest_also_run_disabled_tests --gtest_filter='*WriteFixtureV1'
TEST(StoreFixture, DISABLED_WriteFixtureV1) {
  if (!std::getenv("PROCWATCH_WRITE_FIXTURES")) GTEST_SKIP() << "set PROCWATCH_WRITE_FIXTURES=1";
  ASSERT_EQ(kSchemaVersion, 1) << "the v1 fixture must be written by a v1 procwatch";
  std::filesystem::create_directories(kFixtureV1.parent_path());
  std::filesystem::remove(kFixtureV1);
  {
    Database db = open_for_append(kFixtureV1);
    WriterOptions opts;
    opts.keyframe_max_samples = 10;
    SessionWriter w(db, fixture_v1_session(), opts);
    AlertRecord a{kWall0 + 3 * kSec, "warning", "cpu_high", ProcessKey{100, 1}, "busy"};
    const std::vector<Sample> samples = fixture_v1_samples();
    for (std::size_t i = 0; i < samples.size(); ++i)
      w.write(samples[i], 0, i == 3 ? std::vector{a} : std::vector<AlertRecord>{});
    w.finish(kWall0 + 24 * kSec, "duration", 0);
    db.exec("PRAGMA journal_mode = DELETE");  // one self-contained file
  }
  EXPECT_TRUE(std::filesystem::exists(kFixtureV1));
}

}  // namespace
}  // namespace pw
