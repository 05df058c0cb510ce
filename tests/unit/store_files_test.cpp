// What opening a recording leaves on disk, and why a recording cannot be
// written somewhere: readers (top --db, report, export, tree --db) create
// no FILE-wal or FILE-shm beside a recording nobody is writing, still read
// a recording that is being written, and record names the reason a path
// cannot take a recording (missing directory, not a directory, a virtual
// or read-only file system, permissions) instead of SQLite's "unable to
// open database file".
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <string>

#include "store/db.h"
#include "store/reader.h"
#include "store/schema.h"
#include "store/writer.h"
#include "store_test_data.h"

namespace pw {
namespace {

using namespace store_test;

std::filesystem::path beside(const std::filesystem::path& p, const char* suffix) {
  std::filesystem::path out = p;
  out += suffix;
  return out;
}

void record(const std::filesystem::path& path, std::size_t samples) {
  AsyncWriter w(open_for_append(path), SessionInfo{}, WriterOptions{}, 64);
  for (const Sample& s : rich_session(samples, 7)) w.push(s);
  const WriterProgress p = w.close("duration");
  ASSERT_TRUE(p.error.empty()) << p.error;
}

TEST(StoreFiles, ReadersLeaveNoWalOrShmBesideAClosedRecording) {
  TempDir dir;
  const auto path = dir / "rec.db";
  record(path, 5);
  ASSERT_FALSE(std::filesystem::exists(beside(path, "-wal")));
  const std::string before = read_file(path);
  {
    Recording rec(path);  // what top --db, report, export and tree --db open
    auto r = rec.open_session(rec.session().info.id);
    ASSERT_EQ(r->size(), 5u);
    r->model_at(4);
    EXPECT_FALSE(std::filesystem::exists(beside(path, "-wal"))) << "while open";
    EXPECT_FALSE(std::filesystem::exists(beside(path, "-shm"))) << "while open";
  }
  EXPECT_FALSE(std::filesystem::exists(beside(path, "-wal"))) << "after closing";
  EXPECT_FALSE(std::filesystem::exists(beside(path, "-shm"))) << "after closing";
  EXPECT_EQ(read_file(path), before) << "the file is unchanged";
  // record's read-only look before appending leaves nothing either.
  verify_for_append(path);
  EXPECT_FALSE(std::filesystem::exists(beside(path, "-shm")));
}

TEST(StoreFiles, AReaderSeesARecordingInProgress) {
  TempDir dir;
  const auto path = dir / "live.db";
  AsyncWriter w(open_for_append(path), SessionInfo{}, WriterOptions{}, 64);
  const std::vector<Sample> samples = rich_session(4, 9);
  for (const Sample& s : samples) w.push(s);
  // The writer thread commits asynchronously: wait until it has.
  for (int i = 0; i < 500 && w.progress().stats.samples < 4; ++i) ::usleep(10'000);
  ASSERT_EQ(w.progress().stats.samples, 4u);
  ASSERT_TRUE(std::filesystem::exists(beside(path, "-wal"))) << "the writer's WAL";
  {
    Recording rec(path);  // not immutable: the samples are in the WAL
    auto r = rec.open_session(rec.session().info.id);
    ASSERT_EQ(r->size(), 4u);
    expect_same_sample(samples.back(), *r->load(3), "in progress");
  }
  w.close("duration");
  EXPECT_FALSE(std::filesystem::exists(beside(path, "-wal")));
  EXPECT_FALSE(std::filesystem::exists(beside(path, "-shm")));
}

TEST(StoreFiles, WriteAccessProblemsAreNamed) {
  TempDir dir;
  EXPECT_EQ(write_access_problem(dir / "new.db"), std::nullopt);
  EXPECT_FALSE(std::filesystem::exists(dir / "new.db")) << "the probe file is removed";
  record(dir / "old.db", 2);
  EXPECT_EQ(write_access_problem(dir / "old.db"), std::nullopt);

  auto problem = [](const std::filesystem::path& p) {
    const auto why = write_access_problem(p);
    return why.value_or("(none)");
  };
  EXPECT_EQ(problem(dir / "missing" / "x.db"),
            "the directory " + (dir / "missing").string() + " does not exist");
  write_file(dir / "plain", "x");
  EXPECT_EQ(problem(dir / "plain" / "x.db"), (dir / "plain").string() + " is not a directory");
  std::filesystem::create_directory(dir / "sub");
  EXPECT_EQ(problem(dir / "sub"), (dir / "sub").string() + " is a directory");
  EXPECT_EQ(problem("/proc/x.db"),
            "/proc is on the proc virtual file system, which holds no "
            "recordings");
  EXPECT_EQ(problem("/sys/x.db"),
            "/sys is on the sysfs virtual file system, which holds no "
            "recordings");
}

TEST(StoreFiles, RecordNamesTheReasonBeforeSqliteDoes) {
  TempDir dir;
  try {
    verify_for_append(dir / "missing" / "x.db");
    FAIL() << "no error";
  } catch (const StoreError& e) {
    EXPECT_EQ(std::string(e.what()), (dir / "missing" / "x.db").string() +
                                         ": cannot record here: the directory " +
                                         (dir / "missing").string() + " does not exist");
  }
  try {
    open_for_append("/proc/x.db");
    FAIL() << "no error";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("proc virtual file system"), std::string::npos)
        << e.what();
  }
  // A failed open names the reason too, if anything bypasses the check.
  try {
    Database::open(dir / "missing" / "y.db", Database::Mode::ReadWrite);
    FAIL() << "no error";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
}

// Permissions only mean something to a user that is not root: as root,
// check them in a child that became nobody.
TEST(StoreFiles, PermissionDeniedIsNamed) {
  TempDir dir;
  std::filesystem::create_directory(dir / "locked");
  ::chmod((dir / "locked").c_str(), 0755);
  write_file(dir / "mine.db", "");
  ::chmod((dir / "mine.db").c_str(), 0644);
  ::chmod(dir.path().c_str(), 0755);
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root to own the files and switch to another user";
  }
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(10);
    const auto a = write_access_problem(dir / "locked" / "x.db");
    if (!a || a->find("permission denied") == std::string::npos) ::_exit(11);
    const auto b = write_access_problem(dir / "mine.db");
    if (!b || *b != "permission denied: this user cannot write " + (dir / "mine.db").string())
      ::_exit(12);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10: could not become nobody; 11: directory; 12: file";
}

}  // namespace
}  // namespace pw
