// Support for tests that load the real BPF programs: the skip-or-fail
// policy, workload processes, and the kernel's own numbers to compare with.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "collect/collector.h"
#include "model/sample.h"

namespace pw::testing {

// Root and BPF present: run. Otherwise skip, or fail when CI requires BPF
// (PROCWATCH_REQUIRE_BPF=1): a BPF test must never pass by not running.
#define PW_REQUIRE_BPF()                                                           \
  do {                                                                             \
    if (std::string why = ::pw::testing::bpf_unavailable_reason(); !why.empty()) { \
      if (::pw::testing::bpf_required()) FAIL() << "BPF required: " << why;        \
      GTEST_SKIP() << why;                                                         \
    }                                                                              \
  } while (0)

bool bpf_required();
std::string bpf_unavailable_reason();  // empty when BPF tests can run

// Path of a test program built beside the tests (tests/testprogs).
std::string testprog(const std::string& name);

// A workload process; killed and reaped on destruction.
class Workload {
 public:
  explicit Workload(std::vector<std::string> argv);
  ~Workload();
  Workload(const Workload&) = delete;
  Workload& operator=(const Workload&) = delete;

  pid_t pid() const { return pid_; }
  // Blocks until the program prints a line (e.g. "done"); returns it.
  std::string read_line();
  // Waits for the process to exit; returns the wait status.
  int wait();

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  bool reaped_ = false;
};

// Kernel accounting summed over /proc/PID/task/*/schedstat.
struct SchedStat {
  std::uint64_t runtime_ns = 0;
  std::uint64_t run_delay_ns = 0;
  std::uint64_t timeslices = 0;
};
SchedStat read_schedstat_all_threads(pid_t pid);
// A "Name:   value" line of /proc/PID/status as a number.
std::optional<std::uint64_t> read_status_field(pid_t pid, const std::string& name);

// A "name: value" line of /proc/PID/io as a number.
std::optional<std::uint64_t> read_proc_io_field(pid_t pid, const std::string& name);
// A "name: value" line of any such file (/proc/PID/task/TID/io, .../status).
std::optional<std::uint64_t> read_field(const std::string& path, const std::string& name);
// Sum of a "name: value" field of /proc/PID/task/*/FILE: the live threads'
// own figures (per task: no exited threads, no reaped children).
std::optional<std::uint64_t> sum_task_field(pid_t pid, const std::string& file,
                                            const std::string& name);

// The live row of pid in a sample (not an exited one), if present.
const ProcessSample* find_process(const Sample& s, pid_t pid);
// The row of a process that exited during the sample's interval.
const ProcessSample* find_exited(const Sample& s, pid_t pid);

// Moves `bytes` over loopback TCP between two netpeer processes on `port`
// and takes a Sample while both still hold their sockets. Throws when a
// peer does not report "listening" / "done".
struct TcpTransfer {
  Sample sample;
  pid_t client = -1, server = -1;
};
TcpTransfer loopback_tcp_transfer(Collector& collector, const std::string& port,
                                  std::uint64_t bytes);

// Runs a shell command; throws with its output when it fails.
void run_or_throw(const std::string& command);

// A directory on a real block device (not tmpfs), removed on destruction.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace pw::testing
