// Reads what the kernel events do not give (command line, state, cgroup,
// user names, system totals) from a procfs tree. The root is a parameter so
// tests run on a fake tree under tests/fixtures/.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/sample.h"

namespace pw {

struct ProcProcess {
  std::int32_t pid = 0;
  std::int32_t ppid = 0;
  std::uint32_t uid = 0;  // real uid (Status "Uid:" first column)
  std::string comm;       // from /proc/PID/stat, between the outer parens
  char state = '?';
  std::uint32_t num_threads = 0;
  std::uint64_t start_ticks = 0;  // field 22 of stat: clock ticks after boot
  bool kernel_thread = false;     // PF_KTHREAD in stat flags
  CounterSet counters;            // runtime and run-queue wait (schedstat),
                                  // utime/stime, faults, ctx switches (status),
                                  // read/write bytes (io), off-CPU (derived),
                                  // summed over the threads' task/* files
};

class ProcReader {
 public:
  // proc_root is usually "/proc"; etc_passwd usually "/etc/passwd".
  explicit ProcReader(std::filesystem::path proc_root = "/proc",
                      std::filesystem::path etc_passwd = "/etc/passwd");

  std::vector<std::int32_t> list_pids() const;

  // nullopt if the process vanished or its files are unreadable/malformed.
  // boot_now_ns: CLOCK_BOOTTIME now, the clock of /proc's start times;
  // given, off-CPU time is derived per thread (0: left absent).
  std::optional<ProcProcess> read_process(std::int32_t pid, std::uint64_t boot_now_ns = 0) const;

  // argv joined by single spaces, control bytes kept as is (the view
  // escapes them). Empty for kernel threads and zombies.
  std::string read_cmdline(std::int32_t pid) const;

  // The v2 path ("0::/path"); without one, or when it is only "/" on a
  // hybrid host, the v1 name=systemd path; else the first v1 path.
  std::string read_cgroup(std::int32_t pid) const;

  // Fills the /proc/stat, /proc/loadavg and /proc/meminfo parts.
  bool read_system(SystemSample& out) const;

  // Name for a uid from the passwd file, then the system's NSS; cached.
  const std::string& user_name(std::uint32_t uid);

  const std::filesystem::path& root() const { return root_; }

 private:
  std::optional<std::uint64_t> off_cpu_ns(const ProcProcess& task, std::uint64_t start_ticks,
                                          std::uint64_t boot_now_ns) const;

  std::filesystem::path root_;
  std::filesystem::path passwd_;
  std::unordered_map<std::uint32_t, std::string> users_;
  bool passwd_loaded_ = false;
  long ticks_per_sec_;
};

}  // namespace pw
