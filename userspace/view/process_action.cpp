#include "view/process_action.h"

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

namespace pw {
namespace {

std::uint64_t clock_ns(clockid_t id) {
  timespec ts{};
  ::clock_gettime(id, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ULL +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

std::string who(const ProcessAction& a) {
  return "PID " + std::to_string(a.key.pid) + (a.comm.empty() ? "" : " (" + a.comm + ")");
}

// The start time may be read to a tick either side of the recorded one.
constexpr std::uint64_t kStartSlackNs = 30'000'000;

}  // namespace

std::optional<std::uint64_t> task_start_ns(std::int32_t pid, const char* proc_root) {
  std::ifstream in(std::string(proc_root) + "/" + std::to_string(pid) + "/stat");
  if (!in) return std::nullopt;
  const std::string stat{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  // Fields after the comm, which may hold spaces and parentheses: the
  // state is field 3, the start time field 22.
  const std::size_t close = stat.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(stat.substr(close + 1));
  std::string field;
  std::uint64_t ticks = 0;
  for (int i = 3; i <= 22; ++i) {
    if (!(rest >> field)) return std::nullopt;
    if (i == 22) {
      const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), ticks);
      if (ec != std::errc{}) return std::nullopt;
    }
  }
  const long hz = ::sysconf(_SC_CLK_TCK);
  const std::uint64_t boot_ns =
      ticks * (1'000'000'000ULL / static_cast<std::uint64_t>(hz > 0 ? hz : 100));
  const std::uint64_t boot = clock_ns(CLOCK_BOOTTIME);
  const std::uint64_t mono = clock_ns(CLOCK_MONOTONIC);
  const std::uint64_t suspended = boot > mono ? boot - mono : 0;
  return boot_ns > suspended ? boot_ns - suspended : 0;
}

std::string carry_out(const ProcessAction& a) {
  if (a.key.pid <= 0) return "no process to act on";
  const std::optional<std::uint64_t> start = task_start_ns(a.key.pid);
  if (!start) return who(a) + " has exited";
  if (a.key.start_ns != 0) {
    const std::uint64_t d =
        *start > a.key.start_ns ? *start - a.key.start_ns : a.key.start_ns - *start;
    if (d > kStartSlackNs)
      return who(a) + " has exited; its PID now belongs to another process, left alone";
  }
  if (a.kind == ProcessAction::Kind::Signal) {
    if (::kill(a.key.pid, a.signal) != 0) {
      const int err = errno;
      if (err == ESRCH) return who(a) + " has exited";
      if (err == EPERM)
        return "not permitted to signal " + who(a) + " (another user's: needs root)";
      return "kill " + std::to_string(a.key.pid) + ": " + std::strerror(err);
    }
    return "sent " + signal_name(a.signal) + " to " + who(a);
  }
  errno = 0;
  const int before = ::getpriority(PRIO_PROCESS, static_cast<id_t>(a.key.pid));
  const bool known = errno == 0;
  if (::setpriority(PRIO_PROCESS, static_cast<id_t>(a.key.pid), a.nice) != 0) {
    const int err = errno;
    if (err == ESRCH) return who(a) + " has exited";
    if (err == EACCES || err == EPERM)
      return "not permitted to renice " + who(a) + " to " + std::to_string(a.nice) +
             " (lowering a nice value or another user's process needs root)";
    return "setpriority " + std::to_string(a.key.pid) + ": " + std::strerror(err);
  }
  return "reniced " + who(a) + (known ? " from " + std::to_string(before) : std::string()) +
         " to " + std::to_string(a.nice);
}

}  // namespace pw
