// Block IO attribution against what the workload did and /proc/PID/io.
#include <gtest/gtest.h>

#include "bpf_test_support.h"
#include "collect/collector.h"

namespace pw::testing {
namespace {

constexpr std::uint64_t kMiB = 1 << 20;

std::uint64_t device_total(const ProcessSample& p, bool write) {
  std::uint64_t sum = 0;
  for (const auto& d : p.devices) sum += write ? d.write_bytes : d.read_bytes;
  return sum;
}

// The issue's own workload: dd with O_DIRECT, 200 MiB out and back in.
TEST(IoAccounting, DirectDdWriteAndReadAreChargedToDd) {
  PW_REQUIRE_BPF();
  const CollectorOptions options;
  Collector collector(options);
  ASSERT_TRUE(collector.probes().has_block_io()) << collector.notices().front();
  ScratchDir dir;
  const std::string file = dir.path() + "/dd.out";
  collector.collect();

  Workload writer({"/usr/bin/dd", "if=/dev/zero", "of=" + file, "bs=1M", "count=200",
                   "oflag=direct", "status=none"});
  ASSERT_EQ(writer.wait(), 0);
  Sample s = collector.collect();
  const ProcessSample* w = find_exited(s, writer.pid());
  ASSERT_NE(w, nullptr);
  // The kernel's ioac (= /proc/PID/io write_bytes; the live test below
  // checks that equality exactly): the data plus the pages of filesystem
  // metadata dd dirtied itself, within one request.
  EXPECT_NEAR(static_cast<double>(w->counters.get(Counter::WriteBytes).value_or(0)), 200.0 * kMiB,
              1.0 * kMiB);
  // Bios dd submitted itself: the data plus a few KiB of filesystem
  // metadata written in its context (ext4 allocates the file's blocks):
  // within one 1 MiB request.
  EXPECT_NEAR(static_cast<double>(w->counters.get(Counter::BlockWriteBytes).value_or(0)),
              200.0 * kMiB, 1.0 * kMiB);
  // Completed on the device, charged to dd: exactly, or within one request.
  EXPECT_NEAR(static_cast<double>(device_total(*w, true)), 200.0 * kMiB, 1.0 * kMiB);
  EXPECT_GT(w->io_hist.total(), 0u);
  ASSERT_FALSE(w->devices.empty());
  EXPECT_FALSE(w->devices.front().name.empty());

  Workload reader(
      {"/usr/bin/dd", "if=" + file, "of=/dev/null", "bs=1M", "iflag=direct", "status=none"});
  ASSERT_EQ(reader.wait(), 0);
  s = collector.collect();
  const ProcessSample* r = find_exited(s, reader.pid());
  ASSERT_NE(r, nullptr);
  EXPECT_NEAR(static_cast<double>(r->counters.get(Counter::BlockReadBytes).value_or(0)),
              200.0 * kMiB, 1.0 * kMiB);
  EXPECT_NEAR(static_cast<double>(r->counters.get(Counter::ReadBytes).value_or(0)), 200.0 * kMiB,
              1.0 * kMiB);
  EXPECT_NEAR(static_cast<double>(device_total(*r, false)), 200.0 * kMiB, 1.0 * kMiB);
}

// While the process lives, procwatch and /proc/PID/io agree exactly.
TEST(IoAccounting, LiveDirectWriterMatchesProcPidIo) {
  PW_REQUIRE_BPF();
  const CollectorOptions options;
  Collector collector(options);
  ScratchDir dir;
  Workload dio({testprog("dio"), "write", dir.path() + "/dio.out", "64"});
  ASSERT_EQ(dio.read_line(), "done");
  const Sample s = collector.collect();
  const ProcessSample* p = find_process(s, dio.pid());
  ASSERT_NE(p, nullptr);
  const auto truth = read_proc_io_field(dio.pid(), "write_bytes");
  ASSERT_TRUE(truth.has_value());
  EXPECT_EQ(p->counters.get(Counter::WriteBytes), *truth);
  // 64 MiB of data plus any metadata page the writer dirtied itself.
  EXPECT_NEAR(static_cast<double>(*truth), 64.0 * kMiB, 1.0 * kMiB);
  EXPECT_NEAR(static_cast<double>(p->counters.get(Counter::BlockWriteBytes).value_or(0)),
              64.0 * kMiB, 1.0 * kMiB);
  EXPECT_GE(p->counters.get(Counter::BlockWriteOps).value_or(0), 64u);
}

}  // namespace
}  // namespace pw::testing
