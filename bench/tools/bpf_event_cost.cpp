// bpf_event_cost: what each procwatch BPF program costs per event, next to
// an empty program on the same hook.
//
// Loads procwatch's programs (pw::ProbeSet) and the empty ones
// (bpf/empty.bpf.c) side by side, so both run on exactly the same events,
// turns on the kernel's BPF run-time statistics, and runs a workload that
// drives every hook procwatch attaches to (except the OOM killer's):
//   - a pipe ping-pong between two threads pinned to CPU 0 (sched_switch);
//   - a fork+exec+exit loop (lifecycle);
//   - a unix-socket ping-pong and loopback TCP connections that transfer
//     data, some closed with a reset (socket bytes, TCP state changes,
//     resets), plus connections to a listener whose accept queue is full,
//     whose SYNs the kernel drops and the client retransmits after 1 s
//     (tcp_retransmit_skb);
//   - mmap/munmap and, in a child process, brk grow/shrink (memory);
//   - synced buffered writes and 4 KiB O_DIRECT reads and writes of a file
//     in /var/tmp (the block layer, when it is on a block device).
// The kernel's run_cnt / run_time_ns deltas give events and ns/event per
// program. Programs are paired with their floor by the hook named in their
// ELF section (tp_btf/X, raw_tp/X, tracepoint/cat/X), not by name. The
// ratio to the empty program is the number to watch (goal: at most 2x).
// The ref_* programs of empty.bpf.c show what one unavoidable operation (a
// ring-buffer record of a lifecycle event's size, a task-storage lookup, a
// clock read, one cold line of a per-request table) costs by itself on the
// same events: the part of a ratio above 2x that no rewrite can remove.
// Nothing is asserted: this prints numbers.
//
// The run-time statistics add two clock reads to every run of every
// program, equally for both sides, so absolute ns/event read a little high;
// the ratio is what is comparable across machines.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include "common/error.h"
#include "common/log.h"
#include "empty.skel.h"
#include "io.skel.h"
#include "lifecycle.skel.h"
#include "mem.skel.h"
#include "net.skel.h"
#include "oom.skel.h"
#include "probe/bpf_handles.h"
#include "probe/probe_set.h"
#include "sched.skel.h"
#include "tasks.skel.h"

namespace {

constexpr double kGoalMaxRatio = 2.0;

struct Options {
  std::uint64_t round_trips = 100000;  // pipe ping-pong round trips per round
  std::uint64_t forks = 500;           // fork+exec+exit per round
  std::uint64_t io_ops = 2000;         // 4 KiB O_DIRECT reads (and a quarter as many writes)
  std::uint64_t tcp_connections = 50;  // loopback TCP connections per round
  bool other_hooks = true;             // socket, TCP, memory and block workloads
  unsigned sample_shift = 0;           // ProbeSet::set_sample_shift for sched, net, io, mem
  int rounds = 5;
  int iterator_passes = 20;  // task iterator passes (measured once)
  bool json = false;
  std::string json_file;
};

struct RunStats {
  std::string object;
  std::uint64_t run_count = 0;
  std::uint64_t run_time_ns = 0;
};
using Snapshot = std::map<std::string, RunStats>;  // program name -> counters

// Where a program attaches, from its ELF section.
struct Section {
  std::string kind;  // "tp_btf", "raw_tp", "tracepoint", "iter", ...
  std::string hook;  // the tracepoint's name: "sched_switch", "sys_enter_mmap"
};
using Sections = std::map<std::string, Section>;  // program name -> section

Section parse_section(std::string_view sec) {
  const auto first = sec.find('/');
  const auto last = sec.rfind('/');
  if (first == std::string_view::npos) return {std::string(sec), ""};
  return {std::string(sec.substr(0, first)), std::string(sec.substr(last + 1))};
}

bool is_event_hook(const Section& s) {
  return s.kind == "tp_btf" || s.kind == "raw_tp" || s.kind == "tracepoint";
}

void add_sections(Sections& out, bpf_object* obj) {
  bpf_program* prog;
  bpf_object__for_each_program(prog, obj) {
    out[bpf_program__name(prog)] = parse_section(bpf_program__section_name(prog));
  }
}

// Opens (never loads) a procwatch skeleton to read its programs' sections.
template <typename Skel, Skel* (*Open)(), void (*Destroy)(Skel*)>
void add_skeleton_sections(Sections& out) {
  pw::SkeletonPtr<Skel, Destroy> skel(Open());
  if (skel) add_sections(out, skel->obj);
}

Sections procwatch_sections() {
  Sections s;
  add_skeleton_sections<procwatch_sched, procwatch_sched__open, procwatch_sched__destroy>(s);
  add_skeleton_sections<procwatch_lifecycle, procwatch_lifecycle__open,
                        procwatch_lifecycle__destroy>(s);
  add_skeleton_sections<procwatch_tasks, procwatch_tasks__open, procwatch_tasks__destroy>(s);
  add_skeleton_sections<procwatch_io, procwatch_io__open, procwatch_io__destroy>(s);
  add_skeleton_sections<procwatch_net, procwatch_net__open, procwatch_net__destroy>(s);
  add_skeleton_sections<procwatch_mem, procwatch_mem__open, procwatch_mem__destroy>(s);
  add_skeleton_sections<procwatch_oom, procwatch_oom__open, procwatch_oom__destroy>(s);
  return s;
}

// ---- the empty and reference programs ---------------------------------------

struct EmptyDeleter {
  void operator()(procwatch_empty* s) const { procwatch_empty__destroy(s); }
};
using EmptySkel = std::unique_ptr<procwatch_empty, EmptyDeleter>;

// Loaded and attached; links are destroyed by the skeleton.
EmptySkel load_floor() {
  EmptySkel skel(procwatch_empty__open());
  if (!skel) throw pw::FatalError("opening the empty programs: " + pw::errno_text(errno), 2);
  if (int err = procwatch_empty__load(skel.get()))
    throw pw::FatalError("loading the empty programs: " + pw::errno_text(err), 2);
  if (int err = procwatch_empty__attach(skel.get()))
    throw pw::FatalError("attaching the empty programs: " + pw::errno_text(err), 2);
  return skel;
}

void add_object_stats(Snapshot& snap, bpf_object* obj, const std::string& object) {
  bpf_program* prog;
  bpf_object__for_each_program(prog, obj) {
    const int fd = bpf_program__fd(prog);
    if (fd < 0) continue;  // a variant that was not loaded
    bpf_prog_info info{};
    __u32 len = sizeof(info);
    if (bpf_obj_get_info_by_fd(fd, &info, &len) != 0) continue;
    snap[bpf_program__name(prog)] = {object, info.run_cnt, info.run_time_ns};
  }
}

Snapshot snapshot(const pw::ProbeSet& probes, procwatch_empty* floor) {
  Snapshot snap;
  for (const auto& p : probes.program_stats())
    snap[p.name] = {p.object, p.run_count, p.run_time_ns};
  add_object_stats(snap, floor->obj, "empty");
  return snap;
}

Snapshot delta(const Snapshot& after, const Snapshot& before) {
  Snapshot d;
  for (const auto& [name, a] : after) {
    RunStats r = a;
    if (auto it = before.find(name); it != before.end()) {
      r.run_count -= it->second.run_count;
      r.run_time_ns -= it->second.run_time_ns;
    }
    d[name] = r;
  }
  return d;
}

// Both rings the workload fills: procwatch's and the reference programs'.
// Drained as procwatch itself does, so events are delivered, not dropped.
class Drain {
 public:
  Drain(pw::ProbeSet& probes, procwatch_empty* floor) : probes_(probes) {
    ref_.reset(ring_buffer__new(
        bpf_map__fd(floor->maps.ref_events), [](void*, void*, std::size_t) { return 0; }, nullptr,
        nullptr));
    if (!ref_) throw pw::FatalError("reference ring buffer: " + pw::errno_text(errno), 2);
  }
  void operator()() {
    probes_.consume_events([](const void*, std::size_t) {});
    ring_buffer__consume(ref_.get());
  }

 private:
  pw::ProbeSet& probes_;
  pw::RingBufferPtr ref_;
};

// ---- workload --------------------------------------------------------------

void pin_to_cpu0(std::thread& t) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(0, &set);
  pthread_setaffinity_np(t.native_handle(), sizeof set, &set);
}

// Two threads on CPU 0 pass one byte back and forth: every hop is a wakeup
// and a context switch, like `perf bench sched pipe` pinned to one CPU.
void pipe_ping_pong(std::uint64_t round_trips) {
  int ping[2], pong[2];
  if (::pipe(ping) != 0 || ::pipe(pong) != 0)
    throw pw::FatalError("pipe(): " + pw::errno_text(errno));
  auto bounce = [](int in, int out, std::uint64_t n, bool first) {
    char c = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
      if (first && ::write(out, &c, 1) != 1) return;
      if (::read(in, &c, 1) != 1) return;
      if (!first && ::write(out, &c, 1) != 1) return;
    }
  };
  // Start both blocked on CPU 0 before the first byte moves.
  std::thread echo(bounce, ping[0], pong[1], round_trips, false);
  pin_to_cpu0(echo);
  std::thread serve(bounce, pong[0], ping[1], round_trips, true);
  pin_to_cpu0(serve);
  serve.join();
  echo.join();
  for (int fd : {ping[0], ping[1], pong[0], pong[1]}) ::close(fd);
}

// fork + exec(/bin/true) + exit + wait.
void fork_exec_loop(std::uint64_t forks, Drain& drain) {
  for (std::uint64_t i = 0; i < forks; ++i) {
    const pid_t pid = ::fork();
    if (pid < 0) throw pw::FatalError("fork(): " + pw::errno_text(errno));
    if (pid == 0) {
      ::execl("/bin/true", "true", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (i % 16 == 0) drain();
  }
  drain();
}

// Unix stream socket ping-pong: sock_send_length / sock_recv_length.
void socket_ping_pong(std::uint64_t round_trips) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
    throw pw::FatalError("socketpair(): " + pw::errno_text(errno));
  std::thread echo([fd = sv[1], round_trips] {
    char c;
    for (std::uint64_t i = 0; i < round_trips; ++i)
      if (::recv(fd, &c, 1, 0) != 1 || ::send(fd, &c, 1, 0) != 1) return;
  });
  char c = 0;
  for (std::uint64_t i = 0; i < round_trips; ++i)
    if (::send(sv[0], &c, 1, 0) != 1 || ::recv(sv[0], &c, 1, 0) != 1) break;
  echo.join();
  ::close(sv[0]);
  ::close(sv[1]);
}

// A TCP listener on 127.0.0.1, ephemeral port.
pw::UniqueFd tcp_listener(int backlog, std::uint16_t& port) {
  pw::UniqueFd s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (!s.valid() || ::bind(s.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(s.get(), backlog) != 0 ||
      ::getsockname(s.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    throw pw::FatalError("TCP listener: " + pw::errno_text(errno));
  port = ntohs(addr.sin_port);
  return s;
}

pw::UniqueFd tcp_connect(std::uint16_t port, bool nonblocking) {
  pw::UniqueFd s(
      ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (!s.valid()) throw pw::FatalError("socket(): " + pw::errno_text(errno));
  if (::connect(s.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 &&
      !(nonblocking && errno == EINPROGRESS))
    throw pw::FatalError("connect(): " + pw::errno_text(errno));
  return s;
}

// Loopback TCP connections, each sending 256 KiB in 16 KiB writes to a
// server thread: socket bytes both ways, the TCP state machine on both ends
// (connect, accept, close). Every fourth client closes with SO_LINGER 0,
// which sends a reset that the server receives.
void tcp_transfers(std::uint64_t connections) {
  std::uint16_t port = 0;
  pw::UniqueFd listener = tcp_listener(64, port);
  std::thread server([fd = listener.get(), connections] {
    std::vector<char> buf(64 * 1024);
    for (std::uint64_t i = 0; i < connections; ++i) {
      pw::UniqueFd c(::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC));
      if (!c.valid()) return;
      while (::recv(c.get(), buf.data(), buf.size(), 0) > 0) {
      }
    }
  });
  std::vector<char> block(16 * 1024, 'x');
  try {
    for (std::uint64_t i = 0; i < connections; ++i) {
      pw::UniqueFd c = tcp_connect(port, false);
      for (int k = 0; k < 16; ++k)
        if (::send(c.get(), block.data(), block.size(), MSG_NOSIGNAL) < 0) break;
      if (i % 4 == 3) {
        const linger abort{1, 0};
        ::setsockopt(c.get(), SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
      }
    }
  } catch (...) {
    ::shutdown(listener.get(), SHUT_RDWR);  // wakes the server's accept()
    server.join();
    throw;
  }
  server.join();
}

// Connections to a listener that never accepts and whose accept queue is
// full: the kernel drops their SYNs and each client retransmits its SYN
// after the initial 1 s timeout (tcp_retransmit_skb). Runs beside the rest
// of a round; stop() waits until the first retransmits are due.
class SynRetransmits {
 public:
  explicit SynRetransmits(std::uint64_t connections) : start_(std::chrono::steady_clock::now()) {
    std::uint16_t port = 0;
    listener_ = tcp_listener(0, port);  // backlog 0: one connection fills it
    clients_.push_back(tcp_connect(port, false));
    for (std::uint64_t i = 0; i < connections; ++i) clients_.push_back(tcp_connect(port, true));
  }
  void stop() {
    std::this_thread::sleep_until(start_ + std::chrono::milliseconds(1300));
    clients_.clear();
    listener_.reset();
  }

 private:
  std::chrono::steady_clock::time_point start_;
  pw::UniqueFd listener_;
  std::vector<pw::UniqueFd> clients_;
};

// Anonymous mmap + touch + munmap: sys_enter_mmap / sys_enter_munmap.
void mmap_loop(std::uint64_t pairs) {
  constexpr std::size_t kLen = 64 * 1024;
  for (std::uint64_t i = 0; i < pairs; ++i) {
    void* p = ::mmap(nullptr, kLen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw pw::FatalError("mmap(): " + pw::errno_text(errno));
    static_cast<volatile char*>(p)[0] = 1;
    ::munmap(p, kLen);
  }
}

// brk grow + touch + shrink: sys_enter_brk / sys_exit_brk. In a child of
// its own: moving the break under a multi-threaded process could pull it
// from under malloc.
void brk_loop(std::uint64_t pairs) {
  const pid_t pid = ::fork();
  if (pid < 0) throw pw::FatalError("fork(): " + pw::errno_text(errno));
  if (pid == 0) {
    constexpr long kStep = 64 * 1024;
    const long base = ::syscall(SYS_brk, 0L);
    for (std::uint64_t i = 0; i < pairs; ++i) {
      if (::syscall(SYS_brk, base + kStep) != base + kStep) ::_exit(1);
      reinterpret_cast<volatile char*>(base)[0] = 1;
      ::syscall(SYS_brk, base);
    }
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
}

// A scratch file on a block device (/var/tmp is on disk on Debian; /tmp may
// be tmpfs), removed on destruction.
class ScratchFile {
 public:
  explicit ScratchFile(const char* tag)
      : path_(std::filesystem::path("/var/tmp") /
              ("bpf_event_cost." + std::string(tag) + "." + std::to_string(::getpid()))) {}
  ~ScratchFile() { ::unlink(path_.c_str()); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Small synced buffered writes: the flusher and journal submit the bios
// (kernel threads, requests without a known owner).
void file_write_loop(std::uint64_t writes) {
  ScratchFile file("sync");
  pw::UniqueFd fd(::open(file.path().c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600));
  if (!fd.valid())
    throw pw::FatalError("creating " + file.path().string() + ": " + pw::errno_text(errno));
  std::vector<char> block(16 * 1024, 'x');
  for (std::uint64_t i = 0; i < writes; ++i) {
    if (::pwrite(fd.get(), block.data(), block.size(), static_cast<off_t>(i * block.size())) < 0)
      break;
    ::fdatasync(fd.get());
  }
}

// 4 KiB O_DIRECT reads at random offsets of an 8 MiB file and a quarter as
// many writes: one bio and one request each, submitted by this process, as
// a database does. Without O_DIRECT support the loop is skipped.
void direct_io_loop(std::uint64_t reads) {
  constexpr std::size_t kBlock = 4096, kFile = 8 << 20;
  ScratchFile file("direct");
  pw::UniqueFd fd(
      ::open(file.path().c_str(), O_CREAT | O_TRUNC | O_RDWR | O_DIRECT | O_CLOEXEC, 0600));
  if (!fd.valid()) return;
  void* mem = nullptr;
  if (::posix_memalign(&mem, kBlock, 1 << 20) != 0) return;
  std::unique_ptr<char, decltype(&std::free)> buf(static_cast<char*>(mem), &std::free);
  std::fill_n(buf.get(), 1 << 20, 'x');
  for (std::size_t off = 0; off < kFile; off += 1 << 20)
    if (::pwrite(fd.get(), buf.get(), 1 << 20, static_cast<off_t>(off)) != 1 << 20) return;
  std::minstd_rand rng(42);
  for (std::uint64_t i = 0; i < reads; ++i) {
    const auto off = static_cast<off_t>((rng() % (kFile / kBlock)) * kBlock);
    const bool write = i % 4 == 3;
    if ((write ? ::pwrite(fd.get(), buf.get(), kBlock, off)
               : ::pread(fd.get(), buf.get(), kBlock, off)) != static_cast<ssize_t>(kBlock))
      return;
  }
}

// ---- results ---------------------------------------------------------------

double avg_ns(const RunStats& s) {
  return s.run_count ? static_cast<double>(s.run_time_ns) / static_cast<double>(s.run_count) : 0.0;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

struct HookResult {
  std::string hook, kind, program, object, floor_program;
  RunStats total, floor_total;
  std::vector<double> round_ratios;  // per round: avg ns / floor avg ns
};

// The empty program on the hook `s` names, preferring the same kind.
std::string floor_of(const Section& s, const Sections& sections) {
  std::string found;
  for (const auto& [name, f] : sections) {
    if (!name.starts_with("empty_") || f.hook != s.hook) continue;
    if (f.kind == s.kind) return name;
    found = name;
  }
  return found;
}

std::vector<HookResult> pair_with_floor(const std::vector<Snapshot>& rounds,
                                        const Sections& sections, bool references) {
  std::map<std::string, HookResult> by_program;
  for (const Snapshot& d : rounds) {
    for (const auto& [name, s] : d) {
      const bool ref = name.starts_with("ref_");
      if (ref != references || (s.object == "empty" && !ref)) continue;
      const auto sec = sections.find(name);
      if (sec == sections.end() || !is_event_hook(sec->second)) continue;
      const std::string floor_name = floor_of(sec->second, sections);
      const auto floor_it = floor_name.empty() ? d.end() : d.find(floor_name);
      HookResult& r = by_program[name];
      r.hook = sec->second.hook;
      r.kind = sec->second.kind;
      r.program = name;
      r.object = s.object;
      r.floor_program = floor_it != d.end() ? floor_name : "";
      r.total.run_count += s.run_count;
      r.total.run_time_ns += s.run_time_ns;
      if (floor_it == d.end()) continue;
      r.floor_total.run_count += floor_it->second.run_count;
      r.floor_total.run_time_ns += floor_it->second.run_time_ns;
      if (s.run_count && floor_it->second.run_count && floor_it->second.run_time_ns)
        r.round_ratios.push_back(avg_ns(s) / avg_ns(floor_it->second));
    }
  }
  std::vector<HookResult> out;
  for (auto& [_, r] : by_program) out.push_back(std::move(r));
  std::sort(out.begin(), out.end(), [](const HookResult& a, const HookResult& b) {
    return std::tie(a.object, a.hook, a.program) < std::tie(b.object, b.hook, b.program);
  });
  return out;
}

struct IteratorResult {
  int passes = 0;
  RunStats total;
};

nlohmann::ordered_json hook_json(const HookResult& h) {
  nlohmann::ordered_json p;
  p["hook"] = h.hook;
  p["kind"] = h.kind;
  p["program"] = h.program;
  p["object"] = h.object;
  p["events"] = h.total.run_count;
  p["avg_ns"] = avg_ns(h.total);
  p["floor_program"] =
      h.floor_program.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(h.floor_program);
  p["floor_events"] = h.floor_total.run_count;
  p["floor_avg_ns"] = avg_ns(h.floor_total);
  if (h.round_ratios.empty()) {
    p["ratio"] = nullptr;
    p["ratio_min"] = nullptr;
    p["ratio_max"] = nullptr;
    p["within_goal"] = nullptr;
  } else {
    const double ratio = median(h.round_ratios);
    p["ratio"] = ratio;
    p["ratio_min"] = *std::min_element(h.round_ratios.begin(), h.round_ratios.end());
    p["ratio_max"] = *std::max_element(h.round_ratios.begin(), h.round_ratios.end());
    p["within_goal"] = ratio <= kGoalMaxRatio;
  }
  return p;
}

nlohmann::ordered_json to_json(const Options& o, const std::vector<HookResult>& hooks,
                               const std::vector<HookResult>& refs, const IteratorResult& iter,
                               const pw::ProbeSet& probes) {
  nlohmann::ordered_json j;
  j["goal_max_ratio"] = kGoalMaxRatio;
  j["rounds"] = o.rounds;
  j["pipe_round_trips_per_round"] = o.round_trips;
  j["forks_per_round"] = o.forks;
  j["direct_io_reads_per_round"] = o.other_hooks ? o.io_ops : 0;
  j["tcp_connections_per_round"] = o.other_hooks ? o.tcp_connections : 0;
  j["lifecycle_variant"] = probes.lifecycle_variant();
  j["sample_shift"] = o.sample_shift;
  j["programs"] = nlohmann::ordered_json::array();
  for (const auto& h : hooks) j["programs"].push_back(hook_json(h));
  // What one operation costs by itself on the same events (empty.bpf.c).
  j["references"] = nlohmann::ordered_json::array();
  for (const auto& h : refs) j["references"].push_back(hook_json(h));
  nlohmann::ordered_json it;
  it["passes"] = iter.passes;
  it["tasks_per_pass"] =
      iter.passes ? static_cast<double>(iter.total.run_count) / iter.passes : 0.0;
  it["avg_ns_per_task"] = avg_ns(iter.total);
  it["avg_us_per_pass"] =
      iter.passes ? static_cast<double>(iter.total.run_time_ns) / iter.passes / 1000.0 : 0.0;
  j["task_iterator"] = std::move(it);
  j["dropped_events"] = probes.dropped_events();
  j["notices"] = probes.notices();
  return j;
}

void print_rows(const nlohmann::ordered_json& rows, std::vector<std::string>& unfloored,
                std::vector<std::string>& idle) {
  for (const auto& p : rows) {
    const auto name = p["program"].get<std::string>();
    if (p["events"].get<unsigned long long>() == 0) {
      idle.push_back(name);
      continue;
    }
    if (p["floor_program"].is_null()) {
      char line[160];
      std::snprintf(line, sizeof line, "%-20s %-32s %10llu %9.1f",
                    p["hook"].get<std::string>().c_str(), name.c_str(),
                    p["events"].get<unsigned long long>(), p["avg_ns"].get<double>());
      unfloored.push_back(line);
      continue;
    }
    const bool has_ratio = !p["ratio"].is_null();
    char ratio[16] = "-", range[32] = "-";
    if (has_ratio) {
      std::snprintf(ratio, sizeof ratio, "%.2fx", p["ratio"].get<double>());
      std::snprintf(range, sizeof range, "%.2f-%.2f", p["ratio_min"].get<double>(),
                    p["ratio_max"].get<double>());
    }
    std::printf("%-20s %-32s %10llu %9.1f %9.1f %7s %13s  %s\n",
                p["hook"].get<std::string>().c_str(), name.c_str(),
                p["events"].get<unsigned long long>(), p["avg_ns"].get<double>(),
                p["floor_avg_ns"].get<double>(), ratio, range,
                has_ratio ? (p["within_goal"].get<bool>() ? "yes" : "NO") : "-");
  }
}

void print_text(const nlohmann::ordered_json& j) {
  std::printf(
      "BPF per-event cost: %d round(s) of %llu pipe round trips on CPU 0 + %llu fork/exec"
      " + %llu direct IOs + %llu TCP connections\n",
      j["rounds"].get<int>(), j["pipe_round_trips_per_round"].get<unsigned long long>(),
      j["forks_per_round"].get<unsigned long long>(),
      j["direct_io_reads_per_round"].get<unsigned long long>(),
      j["tcp_connections_per_round"].get<unsigned long long>());
  std::printf("%-20s %-32s %10s %9s %9s %7s %13s  %s\n", "hook", "program", "events", "ns/event",
              "floor ns", "ratio", "ratio min-max", "<=2x");
  std::vector<std::string> unfloored, idle;
  print_rows(j["programs"], unfloored, idle);
  if (!unfloored.empty()) {
    std::printf("no empty program on these hooks (bpf/empty.bpf.c), absolute cost only:\n");
    for (const auto& line : unfloored) std::printf("%s\n", line.c_str());
  }
  if (!idle.empty()) {
    std::printf("not run by this workload:");
    for (const auto& name : idle) std::printf(" %s", name.c_str());
    std::printf("\n");
  }
  if (!j["references"].empty()) {
    std::printf(
        "reference: one operation alone on the same events (ref_ringbuf: a ring-buffer record "
        "of the event's size, reserved, zero-filled, submitted; ref_task_storage: one "
        "task-storage lookup; ref_ktime: one clock read; ref_table_line: one line of a 128 KiB "
        "table indexed by request):\n");
    unfloored.clear();
    idle.clear();
    print_rows(j["references"], unfloored, idle);
  }
  const auto& it = j["task_iterator"];
  std::printf(
      "task iterator (dump_task): %.0f tasks/pass, %.1f ns/task, %.1f us/pass over %d passes\n",
      it["tasks_per_pass"].get<double>(), it["avg_ns_per_task"].get<double>(),
      it["avg_us_per_pass"].get<double>(), it["passes"].get<int>());
  std::printf(
      "goal: each program at most %.1fx the empty program on its hook (ratio = median "
      "over rounds)\n",
      j["goal_max_ratio"].get<double>());
  if (j["sample_shift"].get<unsigned>() > 0)
    std::printf("note: sched, net, io and mem programs sample one event in %u\n",
                1u << j["sample_shift"].get<unsigned>());
  if (j["lifecycle_variant"] == "raw_tp")
    std::printf("note: lifecycle programs are raw_tp here, the floor is tp_btf\n");
  if (j["dropped_events"].get<unsigned long long>() > 0)
    std::printf("note: %llu lifecycle events dropped (full ring buffer)\n",
                j["dropped_events"].get<unsigned long long>());
  for (const auto& n : j["notices"]) std::printf("notice: %s\n", n.get<std::string>().c_str());
}

int run(const Options& o) {
  pw::BpfStatsScope stats;
  if (!stats.active())
    throw pw::FatalError("cannot enable BPF run-time statistics: " + pw::errno_text(errno), 2);

  Sections sections = procwatch_sections();
  pw::ProbeSet probes(pw::ProbeOptions{});
  for (const char* object : {"sched", "net", "io", "mem"})
    probes.set_sample_shift(object, o.sample_shift);
  auto floor = load_floor();
  add_sections(sections, floor->obj);
  Drain drain(probes, floor.get());

  std::vector<Snapshot> rounds;
  for (int r = 0; r < o.rounds; ++r) {
    const Snapshot before = snapshot(probes, floor.get());
    std::optional<SynRetransmits> syn;
    if (o.other_hooks) syn.emplace(16);
    pipe_ping_pong(o.round_trips);
    fork_exec_loop(o.forks, drain);
    if (o.other_hooks) {
      socket_ping_pong(o.round_trips / 10);
      tcp_transfers(o.tcp_connections);
      mmap_loop(o.round_trips / 10);
      brk_loop(o.round_trips / 10);
      file_write_loop(std::max<std::uint64_t>(o.forks / 10, 1));
      direct_io_loop(o.io_ops);
      syn->stop();
    }
    rounds.push_back(delta(snapshot(probes, floor.get()), before));
  }

  IteratorResult iter;
  if (probes.has_task_iterator()) {
    const Snapshot before = snapshot(probes, floor.get());
    std::vector<char> buf;
    for (; iter.passes < o.iterator_passes; ++iter.passes)
      if (!probes.read_task_records(buf, 0)) break;  // 0: clock per task
    const Snapshot d = delta(snapshot(probes, floor.get()), before);
    for (const auto& [name, s] : d)
      if (s.object == "tasks") {
        iter.total.run_count += s.run_count;
        iter.total.run_time_ns += s.run_time_ns;
      }
  }

  const auto j = to_json(o, pair_with_floor(rounds, sections, false),
                         pair_with_floor(rounds, sections, true), iter, probes);
  if (!o.json_file.empty()) {
    std::ofstream f(o.json_file);
    f << j.dump(2) << "\n";
    if (!f) throw pw::FatalError("cannot write " + o.json_file);
  }
  if (o.json)
    std::cout << j.dump(2) << "\n";
  else
    print_text(j);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Per-event cost of procwatch's BPF programs next to empty programs on the same hooks"};
  Options o;
  app.add_option("--round-trips", o.round_trips, "pipe ping-pong round trips per round")
      ->capture_default_str();
  app.add_option("--forks", o.forks, "fork+exec+exit per round")->capture_default_str();
  app.add_option("--io-ops", o.io_ops, "4 KiB O_DIRECT reads per round (+1/4 as many writes)")
      ->capture_default_str();
  app.add_option("--tcp-connections", o.tcp_connections, "loopback TCP connections per round")
      ->capture_default_str();
  app.add_option("--sample-shift", o.sample_shift,
                 "count one event in 2^K in the sched, net, io and mem programs (0..6)")
      ->capture_default_str()
      ->check(CLI::Range(0, 6));
  bool no_other_hooks = false;
  app.add_flag("--no-other-hooks", no_other_hooks,
               "skip the socket, TCP, memory and block workloads");
  app.add_option("--rounds", o.rounds, "measurement rounds (ratio = median)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--iterator-passes", o.iterator_passes, "task iterator passes")
      ->capture_default_str();
  app.add_flag("--json", o.json, "print JSON instead of the table");
  app.add_option("--json-file", o.json_file, "also write the JSON here");
  CLI11_PARSE(app, argc, argv);

  o.other_hooks = !no_other_hooks;
  pw::set_log_level(pw::LogLevel::Warn);
  try {
    return run(o);
  } catch (const pw::FatalError& e) {
    std::cerr << "bpf_event_cost: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "bpf_event_cost: " << e.what() << "\n";
    return 1;
  }
}
