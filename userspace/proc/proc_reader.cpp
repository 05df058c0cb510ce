#include "proc/proc_reader.h"

#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <limits>
#include <string_view>
#include <system_error>

namespace pw {
namespace {

// PF_KTHREAD from include/linux/sched.h; stable since 2.6.27.
constexpr std::uint64_t kPfKthread = 0x00200000;

// No procfs text file procwatch reads comes near this; the cap only bounds
// what a garbage (fake or corrupted) tree can make us allocate.
constexpr std::size_t kMaxTextFile = 256 * 1024;
constexpr std::size_t kMaxCmdline = 4096;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// procfs files report st_size 0, so read until EOF (or the cap) instead of
// trusting the size. nullopt when the file cannot be opened or read.
std::optional<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) return std::nullopt;
  std::string out;
  char buf[4096];
  while (out.size() < max_bytes) {
    const std::size_t want = std::min(sizeof buf, max_bytes - out.size());
    const ssize_t n = ::read(fd.get(), buf, want);
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::nullopt;  // e.g. EISDIR, or the task died mid-read (ESRCH)
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim_left(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  return s;
}

// The whole token must be a number: "12ab" is not 12.
template <typename T>
std::optional<T> parse_int(std::string_view s) {
  T v{};
  const char* end = s.data() + s.size();
  const auto [p, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc() || p != end || s.empty()) return std::nullopt;
  return v;
}

// The leading decimal number of s after blanks ("\t1000\t1000" -> 1000).
std::optional<std::uint64_t> leading_u64(std::string_view s) {
  s = trim_left(s);
  std::size_t n = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
  return parse_int<std::uint64_t>(s.substr(0, n));
}

template <typename Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  while (!text.empty()) {
    const auto nl = text.find('\n');
    fn(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

std::vector<std::string_view> split_ws(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) ++i;
    const std::size_t start = i;
    while (i < s.size() && !is_space(s[i])) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

// "Key:   value" -> value after the colon, for lines that start with key.
std::optional<std::string_view> value_of(std::string_view line, std::string_view key) {
  if (line.size() <= key.size() || line.substr(0, key.size()) != key || line[key.size()] != ':')
    return std::nullopt;
  return line.substr(key.size() + 1);
}

std::uint64_t ticks_to_ns(std::uint64_t ticks, long ticks_per_sec) {
  const auto hz = static_cast<std::uint64_t>(ticks_per_sec);
  // Split so that ticks * 1e9 cannot overflow for large cumulative values.
  return ticks / hz * 1'000'000'000ULL + ticks % hz * 1'000'000'000ULL / hz;
}

// Fields of /proc/PID/stat after the comm (see proc(5)); numbering is the
// man page's, 1-based, so field 3 (state) is the first token after ')'.
struct StatFields {
  std::vector<std::string_view> tokens;
  std::string_view at(int field) const { return tokens[static_cast<std::size_t>(field - 3)]; }
};

constexpr int kLastStatFieldUsed = 22;  // starttime

std::optional<ProcProcess> parse_stat(std::string_view text, std::int32_t pid, long hz) {
  // comm may itself contain spaces, parens and newlines, but it is at most
  // 15 bytes and the kernel prints it between the first '(' and the last
  // ')' of the line, so those two delimit it.
  const auto open = text.find('(');
  const auto close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    return std::nullopt;
  const auto head = split_ws(text.substr(0, open));  // field 1, the pid
  if (head.size() != 1 || !parse_int<std::int32_t>(head[0])) return std::nullopt;

  StatFields f{split_ws(text.substr(close + 1))};
  if (f.tokens.size() < static_cast<std::size_t>(kLastStatFieldUsed - 2)) return std::nullopt;

  ProcProcess p;
  p.pid = pid;
  p.comm = std::string(text.substr(open + 1, close - open - 1));
  if (f.at(3).size() != 1) return std::nullopt;
  p.state = f.at(3).front();
  const auto ppid = parse_int<std::int32_t>(f.at(4));
  const auto flags = parse_int<std::uint64_t>(f.at(9));
  const auto minflt = parse_int<std::uint64_t>(f.at(10));
  const auto majflt = parse_int<std::uint64_t>(f.at(12));
  const auto utime = parse_int<std::uint64_t>(f.at(14));
  const auto stime = parse_int<std::uint64_t>(f.at(15));
  const auto threads = parse_int<std::uint32_t>(f.at(20));
  const auto start = parse_int<std::uint64_t>(f.at(22));
  if (!ppid || !flags || !minflt || !majflt || !utime || !stime || !threads || !start)
    return std::nullopt;
  p.ppid = *ppid;
  p.kernel_thread = (*flags & kPfKthread) != 0;
  p.num_threads = *threads;
  p.start_ticks = *start;
  // minflt, majflt, utime and stime in /proc/PID/stat are thread-group
  // totals, including threads that already exited.
  p.counters.set(Counter::MinFlt, *minflt);
  p.counters.set(Counter::MajFlt, *majflt);
  p.counters.set(Counter::UtimeNs, ticks_to_ns(*utime, hz));
  p.counters.set(Counter::StimeNs, ticks_to_ns(*stime, hz));
  return p;
}

void parse_status(std::string_view text, ProcProcess& p) {
  for_each_line(text, [&](std::string_view line) {
    if (auto v = value_of(line, "Uid")) {
      if (auto uid = leading_u64(*v); uid && *uid <= std::numeric_limits<std::uint32_t>::max())
        p.uid = static_cast<std::uint32_t>(*uid);
    } else if (auto v = value_of(line, "voluntary_ctxt_switches")) {
      if (auto n = leading_u64(*v)) p.counters.set(Counter::VolCtxSw, *n);
    } else if (auto v = value_of(line, "nonvoluntary_ctxt_switches")) {
      if (auto n = leading_u64(*v)) p.counters.set(Counter::InvolCtxSw, *n);
    }
  });
}

void parse_io(std::string_view text, ProcProcess& p) {
  for_each_line(text, [&](std::string_view line) {
    // Line-anchored keys, so "cancelled_write_bytes" never matches.
    if (auto v = value_of(line, "read_bytes")) {
      if (auto n = leading_u64(*v)) p.counters.set(Counter::ReadBytes, *n);
    } else if (auto v = value_of(line, "write_bytes")) {
      if (auto n = leading_u64(*v)) p.counters.set(Counter::WriteBytes, *n);
    }
  });
}

// /proc/PID/schedstat: "on-CPU ns, run-queue wait ns, timeslices", one
// task's (the kernel's sched_info run_delay). Nothing when malformed.
void parse_schedstat(std::string_view text, ProcProcess& p) {
  const auto tok = split_ws(text);
  if (tok.size() < 2) return;
  const auto runtime = parse_int<std::uint64_t>(tok[0]);
  const auto delay = parse_int<std::uint64_t>(tok[1]);
  if (!runtime || !delay) return;
  p.counters.set(Counter::RuntimeNs, *runtime);
  p.counters.set(Counter::RunqWaitNs, *delay);
}

// "hierarchy-ID:controller-list:path"; the path may itself contain ':'.
struct CgroupLine {
  std::string_view id, controllers, path;
};

std::optional<CgroupLine> split_cgroup_line(std::string_view line) {
  const auto a = line.find(':');
  if (a == std::string_view::npos) return std::nullopt;
  const auto b = line.find(':', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  return CgroupLine{line.substr(0, a), line.substr(a + 1, b - a - 1), line.substr(b + 1)};
}

bool has_controller(std::string_view list, std::string_view name) {
  while (true) {
    const auto comma = list.find(',');
    if (list.substr(0, comma) == name) return true;
    if (comma == std::string_view::npos) return false;
    list.remove_prefix(comma + 1);
  }
}

}  // namespace

// Time blocked, as the BPF iterator defines it: lifetime - on-CPU -
// run-queue wait (schedstat's first two fields). The start is in clock
// ticks (10 ms at USER_HZ 100), a constant error that cancels in the
// interval's delta.
std::optional<std::uint64_t> ProcReader::off_cpu_ns(const ProcProcess& task,
                                                    std::uint64_t start_ticks,
                                                    std::uint64_t boot_now_ns) const {
  const auto runtime = task.counters.get(Counter::RuntimeNs);
  const auto delay = task.counters.get(Counter::RunqWaitNs);
  if (!boot_now_ns || !runtime || !delay) return std::nullopt;
  const std::uint64_t start = ticks_to_ns(start_ticks, ticks_per_sec_);
  const std::uint64_t age = boot_now_ns > start ? boot_now_ns - start : 0;
  return age > *runtime + *delay ? age - *runtime - *delay : 0;
}

ProcReader::ProcReader(std::filesystem::path proc_root, std::filesystem::path etc_passwd)
    : root_(std::move(proc_root)), passwd_(std::move(etc_passwd)) {
  ticks_per_sec_ = ::sysconf(_SC_CLK_TCK);
  if (ticks_per_sec_ <= 0) ticks_per_sec_ = 100;  // USER_HZ on every Linux ABI
}

std::vector<std::int32_t> ProcReader::list_pids() const {
  std::vector<std::int32_t> pids;
  std::error_code ec;
  std::filesystem::directory_iterator it(root_, ec);
  const std::filesystem::directory_iterator end;
  while (!ec && it != end) {
    const std::string name = it->path().filename().string();
    const bool digits = !name.empty() && std::all_of(name.begin(), name.end(),
                                                     [](char c) { return c >= '0' && c <= '9'; });
    // A process may exit between readdir and the is_directory check; both
    // outcomes are fine, read_process() copes with a vanished pid.
    std::error_code dir_ec;
    if (digits && it->is_directory(dir_ec)) {
      if (auto pid = parse_int<std::int32_t>(name); pid && *pid > 0) pids.push_back(*pid);
    }
    it.increment(ec);
  }
  std::sort(pids.begin(), pids.end());
  return pids;
}

std::optional<ProcProcess> ProcReader::read_process(std::int32_t pid,
                                                    std::uint64_t boot_now_ns) const {
  const auto dir = root_ / std::to_string(pid);
  const auto stat = read_file(dir / "stat", kMaxTextFile);
  if (!stat) return std::nullopt;
  auto p = parse_stat(*stat, pid, ticks_per_sec_);
  if (!p) return std::nullopt;

  if (const auto status = read_file(dir / "status", kMaxTextFile)) parse_status(*status, *p);

  // Per-task files, summed over task/*: /proc/PID/schedstat and the
  // context switches in /proc/PID/status are the leader thread's alone
  // (fs/proc/base.c proc_pid_schedstat, fs/proc/array.c
  // task_context_switch_counts), and /proc/PID/io adds the IO of every
  // child the process reaped (wait_task_zombie() folds it into the
  // parent's signal_struct), so it charges a child's writes again to each
  // ancestor. Threads already reaped are missing, which only the BPF side
  // sees: this is the fallback path. A single-threaded process needs only
  // its own task's io; a tree without task/ (test fixtures) is read at the
  // process level.
  const auto tasks = dir / "task";
  std::error_code ec;
  if (p->num_threads <= 1 || !std::filesystem::is_directory(tasks, ec)) {
    if (const auto sched = read_file(dir / "schedstat", kMaxTextFile)) parse_schedstat(*sched, *p);
    if (const auto off = off_cpu_ns(*p, p->start_ticks, boot_now_ns))
      p->counters.set(Counter::OffCpuNs, *off);
    // Readable only by the owner (ptrace access mode) or root; when it is
    // not readable the byte counters stay absent rather than zero.
    auto io = read_file(tasks / std::to_string(pid) / "io", kMaxTextFile);
    if (!io && !std::filesystem::is_directory(tasks, ec)) io = read_file(dir / "io", kMaxTextFile);
    if (io) parse_io(*io, *p);
  } else {
    // A counter no task file gave stays as the process files had it.
    constexpr Counter kPerTask[] = {Counter::RuntimeNs,  Counter::RunqWaitNs, Counter::VolCtxSw,
                                    Counter::InvolCtxSw, Counter::ReadBytes,  Counter::WriteBytes};
    CounterSet sum;
    for (const auto& task : std::filesystem::directory_iterator(tasks, ec)) {
      ProcProcess one;
      if (const auto sched = read_file(task.path() / "schedstat", kMaxTextFile))
        parse_schedstat(*sched, one);
      if (const auto status = read_file(task.path() / "status", kMaxTextFile))
        parse_status(*status, one);
      if (const auto io = read_file(task.path() / "io", kMaxTextFile)) parse_io(*io, one);
      for (Counter c : kPerTask)
        if (const auto v = one.counters.get(c)) sum.add(c, *v);
      if (!boot_now_ns) continue;
      // Each thread's own start: a thread lives shorter than its process.
      const auto tstat = read_file(task.path() / "stat", kMaxTextFile);
      const auto t = tstat ? parse_stat(*tstat, pid, ticks_per_sec_) : std::nullopt;
      if (const auto off = t ? off_cpu_ns(one, t->start_ticks, boot_now_ns) : std::nullopt)
        sum.add(Counter::OffCpuNs, *off);
    }
    for (Counter c : kPerTask)
      if (const auto v = sum.get(c)) p->counters.set(c, *v);
    if (const auto v = sum.get(Counter::OffCpuNs)) p->counters.set(Counter::OffCpuNs, *v);
  }
  return p;
}

std::string ProcReader::read_cmdline(std::int32_t pid) const {
  auto raw = read_file(root_ / std::to_string(pid) / "cmdline", kMaxCmdline);
  if (!raw) return {};
  std::string s = std::move(*raw);
  while (!s.empty() && s.back() == '\0') s.pop_back();
  std::replace(s.begin(), s.end(), '\0', ' ');
  return s;
}

std::string ProcReader::read_cgroup(std::int32_t pid) const {
  const auto text = read_file(root_ / std::to_string(pid) / "cgroup", kMaxTextFile);
  if (!text) return {};
  std::optional<std::string_view> v2, systemd, first;
  for_each_line(*text, [&](std::string_view line) {
    const auto l = split_cgroup_line(line);
    if (!l) return;
    if (l->id == "0" && l->controllers.empty()) {
      if (!v2) v2 = l->path;
      return;
    }
    if (!first) first = l->path;
    if (!systemd && has_controller(l->controllers, "name=systemd")) systemd = l->path;
  });
  // On hybrid hosts (systemd's v2 "unified" tree mounted beside the v1
  // controllers) everything may sit in the v2 root while the v1 systemd
  // hierarchy holds the real placement: prefer the more specific path.
  if (v2 && (*v2 != "/" || (!systemd && !first))) return std::string(*v2);
  if (systemd && *systemd != "/") return std::string(*systemd);
  if (v2) return std::string(*v2);
  if (systemd) return std::string(*systemd);
  if (first) return std::string(*first);
  return {};
}

bool ProcReader::read_system(SystemSample& out) const {
  const auto stat = read_file(root_ / "stat", kMaxTextFile);
  if (!stat) return false;
  bool have_cpu = false;
  std::uint32_t cpus = 0;
  for_each_line(*stat, [&](std::string_view line) {
    const auto tok = split_ws(line);
    if (tok.empty()) return;
    if (tok[0] == "cpu" && !have_cpu) {
      // user nice system idle iowait irq softirq steal [guest guest_nice];
      // guest time is already included in user and nice, so it is skipped.
      // Older kernels print fewer columns: absent ones stay 0.
      std::uint64_t v[8] = {};
      std::size_t n = 0;
      for (; n < 8 && n + 1 < tok.size(); ++n) {
        const auto x = parse_int<std::uint64_t>(tok[n + 1]);
        if (!x) break;
        v[n] = ticks_to_ns(*x, ticks_per_sec_);
      }
      if (n < 4) return;
      out.cpu = CpuTimes{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]};
      have_cpu = true;
    } else if (tok[0].size() > 3 && tok[0].substr(0, 3) == "cpu" &&
               parse_int<std::uint32_t>(tok[0].substr(3))) {
      ++cpus;
    } else if (tok[0] == "procs_running" && tok.size() > 1) {
      if (auto n = parse_int<std::uint32_t>(tok[1])) out.procs_running = *n;
    }
  });
  if (!have_cpu) return false;
  out.num_cpus = cpus;

  if (const auto load = read_file(root_ / "loadavg", kMaxTextFile)) {
    const auto tok = split_ws(*load);
    double l[3];
    bool ok = tok.size() >= 3;
    for (std::size_t i = 0; ok && i < 3; ++i) {
      const auto [p, ec] = std::from_chars(tok[i].data(), tok[i].data() + tok[i].size(), l[i]);
      ok = ec == std::errc() && p == tok[i].data() + tok[i].size();
    }
    if (ok) {
      out.load1 = l[0];
      out.load5 = l[1];
      out.load15 = l[2];
    }
  }

  if (const auto mem = read_file(root_ / "meminfo", kMaxTextFile)) {
    for_each_line(*mem, [&](std::string_view line) {
      // Values are in KiB although the file says "kB".
      if (auto v = value_of(line, "MemTotal")) {
        if (auto kb = leading_u64(*v)) out.mem_total_bytes = *kb * 1024;
      } else if (auto v = value_of(line, "MemAvailable")) {
        if (auto kb = leading_u64(*v)) out.mem_available_bytes = *kb * 1024;
      }
    });
  }
  return true;
}

const std::string& ProcReader::user_name(std::uint32_t uid) {
  if (!passwd_loaded_) {
    passwd_loaded_ = true;
    if (const auto text = read_file(passwd_, 16 * 1024 * 1024)) {
      for_each_line(*text, [&](std::string_view line) {
        // name:password:uid:gid:gecos:home:shell
        const auto a = line.find(':');
        if (a == 0 || a == std::string_view::npos) return;
        const auto b = line.find(':', a + 1);
        if (b == std::string_view::npos) return;
        const auto c = line.find(':', b + 1);
        const auto id = parse_int<std::uint32_t>(line.substr(b + 1, c - b - 1));
        const auto name = line.substr(0, a);
        // '+'/'-' lines are NIS compat markers, '#' a comment: not users.
        if (!id || name.front() == '+' || name.front() == '-' || name.front() == '#') return;
        users_.emplace(*id, std::string(name));  // first entry wins, like getpwuid
      });
    }
  }
  if (auto it = users_.find(uid); it != users_.end()) return it->second;

  std::string name;
  long size = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buf(size > 0 ? static_cast<std::size_t>(size) : 16384);
  for (int tries = 0; tries < 5; ++tries) {
    struct passwd pw {};
    struct passwd* result = nullptr;
    const int rc = ::getpwuid_r(static_cast<uid_t>(uid), &pw, buf.data(), buf.size(), &result);
    if (rc == ERANGE) {
      buf.resize(buf.size() * 4);
      continue;
    }
    if (rc == 0 && result && result->pw_name) name = result->pw_name;
    break;
  }
  // Misses are cached too: an unknown uid is asked about every interval.
  return users_.emplace(uid, std::move(name)).first->second;
}

}  // namespace pw
