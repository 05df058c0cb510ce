// Bytes on disk per recorded process-sample, on the RealisticHost mix
// (store_test_data.h): ~1000 processes, most idle, some busy, two short-lived
// processes per second. Size is deterministic, so this asserts the goal.
#include <gtest/gtest.h>

#include <cstdio>

#include "store/reader.h"
#include "store/schema.h"
#include "store/session_writer.h"
#include "store_test_data.h"

namespace pw {
namespace {

using namespace store_test;

struct SizeResult {
  std::uint64_t file_bytes = 0;
  std::uint64_t process_samples = 0;
  WriterStats stats;
  double per_process_sample() const {
    return static_cast<double>(file_bytes) / static_cast<double>(process_samples);
  }
};

SizeResult record_realistic(const std::filesystem::path& path, std::size_t samples,
                            std::uint64_t offcpu_jitter_ns = 50'000, int interval_s = 1) {
  SizeResult r;
  {
    Database db = open_for_append(path);
    SessionInfo info;
    info.host = "devserver";
    info.start_wall_ns = kWall0;
    info.interval_ns = kSec;
    SessionWriter w(db, info);
    RealisticHost host(7, offcpu_jitter_ns);
    for (std::size_t i = 0; i < samples; ++i) w.write(host.next(interval_s));
    w.finish(kWall0 + samples * kSec, "duration", 0);
    r.stats = w.stats();
    r.process_samples = w.stats().process_samples;
  }  // closing the last connection checkpoints and removes the WAL
  r.file_bytes = std::filesystem::file_size(path);
  return r;
}

void print(const char* what, std::size_t samples, const SizeResult& r, int interval = 1) {
  std::printf(
      "[ size     ] %s: %zu samples, %llu process-samples, %llu entries written (%.1f%%), %llu "
      "keyframes, %llu events\n"
      "[ size     ]   file %llu bytes = %.2f bytes per process-sample (blobs %.2f); %.0f MB/day\n",
      what, samples, static_cast<unsigned long long>(r.process_samples),
      static_cast<unsigned long long>(r.stats.entries),
      100.0 * static_cast<double>(r.stats.entries) / static_cast<double>(r.process_samples),
      static_cast<unsigned long long>(r.stats.keyframes),
      static_cast<unsigned long long>(r.stats.events),
      static_cast<unsigned long long>(r.file_bytes), r.per_process_sample(),
      static_cast<double>(r.stats.blob_bytes) / static_cast<double>(r.process_samples),
      static_cast<double>(r.file_bytes) / static_cast<double>(samples) * 86400 / 1e6 /
          static_cast<double>(interval));
}

TEST(StoreSize, UnderTwentyBytesPerProcessSample) {
  TempDir dir;
  const std::size_t kSamples = 900;  // 15 minutes at 1 s
  const SizeResult r = record_realistic(dir / "size.db", kSamples);
  EXPECT_FALSE(std::filesystem::exists(dir / "size.db-wal"));
  print("1000 processes, 1 s, off-CPU read with jitter", kSamples, r);
  EXPECT_LT(r.per_process_sample(), 20.0);
  // Were every task read at one time, idle processes would cost nothing.
  const SizeResult exact = record_realistic(dir / "exact.db", kSamples, 0);
  print("1000 processes, 1 s, off-CPU read at one time", kSamples, exact);
  EXPECT_LT(exact.per_process_sample(), r.per_process_sample());
  // below's default interval, for comparison with its ~311 MB/day.
  const SizeResult five = record_realistic(dir / "five.db", kSamples / 5, 50'000, 5);
  print("1000 processes, 5 s, off-CPU read with jitter", kSamples / 5, five, 5);
  EXPECT_LT(five.per_process_sample(), 20.0);
}

// The recording reads back, and its last sample is what was written.
TEST(StoreSize, RealisticRecordingReadsBack) {
  TempDir dir;
  record_realistic(dir / "r.db", 50);
  Recording rec(dir / "r.db");
  auto reader = rec.open_session(rec.session().info.id);
  ASSERT_EQ(reader->size(), 50u);
  RealisticHost host;
  Sample expected;
  for (int i = 0; i < 50; ++i) expected = host.next();
  expect_same_sample(expected, *reader->load(49), "last");
}

}  // namespace
}  // namespace pw
