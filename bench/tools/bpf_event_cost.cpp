// bpf_event_cost: what each procwatch BPF program costs per event, next to
// an empty program on the same hook.
//
// Loads procwatch's programs (pw::ProbeSet) and the empty ones
// (bpf/empty.bpf.c) side by side, so both run on exactly the same events,
// turns on the kernel's BPF run-time statistics, and runs a workload:
// a pipe ping-pong between two threads pinned to CPU 0 (two context
// switches and two wakeups per round trip) and a fork+exec+exit loop, plus a
// little of what procwatch's other programs watch (unix socket traffic,
// mmap/munmap, synced file writes). The kernel's run_cnt / run_time_ns
// deltas give events and ns/event per program; for hooks bpf/empty.bpf.c
// covers, the ratio to the empty program is the number to watch (goal: at
// most 2x). Nothing is asserted: this prints numbers.
//
// The run-time statistics add two clock reads to every run of every
// program, equally for both sides, so absolute ns/event read a little high;
// the ratio is what is comparable across machines.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <pthread.h>
#include <sched.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/error.h"
#include "common/log.h"
#include "empty.skel.h"
#include "probe/probe_set.h"

namespace {

constexpr double kGoalMaxRatio = 2.0;

struct Options {
  std::uint64_t round_trips = 100000;  // pipe ping-pong round trips per round
  std::uint64_t forks = 500;           // fork+exec+exit per round
  bool other_hooks = true;             // socket, mmap and file-write workloads
  int rounds = 5;
  int iterator_passes = 20;            // task iterator passes (measured once)
  bool json = false;
  std::string json_file;
};

struct RunStats {
  std::string object;
  std::uint64_t run_count = 0;
  std::uint64_t run_time_ns = 0;
};
using Snapshot = std::map<std::string, RunStats>;  // program name -> counters

// ---- the empty programs --------------------------------------------------

struct EmptyDeleter {
  void operator()(procwatch_empty* s) const { procwatch_empty__destroy(s); }
};

// Loaded and attached; links are destroyed by the skeleton.
std::unique_ptr<procwatch_empty, EmptyDeleter> load_floor() {
  std::unique_ptr<procwatch_empty, EmptyDeleter> skel(procwatch_empty__open());
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
  for (const auto& p : probes.program_stats()) snap[p.name] = {p.object, p.run_count, p.run_time_ns};
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

// fork + exec(/bin/true) + exit + wait, draining procwatch's ring buffer as
// procwatch itself would, so events are delivered rather than dropped.
void fork_exec_loop(std::uint64_t forks, pw::ProbeSet& probes) {
  const auto ignore = [](const void*, std::size_t) {};
  for (std::uint64_t i = 0; i < forks; ++i) {
    const pid_t pid = ::fork();
    if (pid < 0) throw pw::FatalError("fork(): " + pw::errno_text(errno));
    if (pid == 0) {
      ::execl("/bin/true", "true", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (i % 16 == 0) probes.consume_events(ignore);
  }
  probes.consume_events(ignore);
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

// Small synced writes to a scratch file: the block-layer hooks, when the
// temporary directory is on a block device.
void file_write_loop(std::uint64_t writes) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("bpf_event_cost." + std::to_string(::getpid()));
  const int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) throw pw::FatalError("creating " + path.string() + ": " + pw::errno_text(errno));
  std::vector<char> block(16 * 1024, 'x');
  for (std::uint64_t i = 0; i < writes; ++i) {
    if (::pwrite(fd, block.data(), block.size(), static_cast<off_t>(i * block.size())) < 0) break;
    ::fdatasync(fd);
  }
  ::close(fd);
  ::unlink(path.c_str());
}

// ---- results ---------------------------------------------------------------

// "on_sched_switch" / "on_process_exit_raw" -> "sched_switch" / "process_exit".
std::optional<std::string> hook_of(const std::string& program) {
  if (!program.starts_with("on_")) return std::nullopt;
  std::string hook = program.substr(3);
  if (hook.ends_with("_raw")) hook.resize(hook.size() - 4);
  return hook;
}

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
  std::string hook, program, object, floor_program;
  RunStats total, floor_total;
  std::vector<double> round_ratios;  // per round: avg ns / floor avg ns
};

std::vector<HookResult> pair_with_floor(const std::vector<Snapshot>& rounds) {
  std::map<std::string, HookResult> by_program;
  for (const Snapshot& d : rounds) {
    for (const auto& [name, s] : d) {
      const auto hook = hook_of(name);
      if (!hook) continue;
      const std::string floor_name = "empty_" + *hook;
      const auto floor_it = d.find(floor_name);
      HookResult& r = by_program[name];
      r.hook = *hook;
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
  return out;
}

struct IteratorResult {
  int passes = 0;
  RunStats total;
};

nlohmann::ordered_json to_json(const Options& o, const std::vector<HookResult>& hooks,
                               const IteratorResult& iter, const pw::ProbeSet& probes) {
  nlohmann::ordered_json j;
  j["goal_max_ratio"] = kGoalMaxRatio;
  j["rounds"] = o.rounds;
  j["pipe_round_trips_per_round"] = o.round_trips;
  j["forks_per_round"] = o.forks;
  j["lifecycle_variant"] = probes.lifecycle_variant();
  j["programs"] = nlohmann::ordered_json::array();
  for (const auto& h : hooks) {
    nlohmann::ordered_json p;
    p["hook"] = h.hook;
    p["program"] = h.program;
    p["object"] = h.object;
    p["events"] = h.total.run_count;
    p["avg_ns"] = avg_ns(h.total);
    p["floor_program"] = h.floor_program.empty() ? nlohmann::ordered_json()
                                                 : nlohmann::ordered_json(h.floor_program);
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
    j["programs"].push_back(std::move(p));
  }
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

void print_text(const nlohmann::ordered_json& j) {
  std::printf("BPF per-event cost: %d round(s) of %llu pipe round trips on CPU 0 + %llu fork/exec\n",
              j["rounds"].get<int>(), j["pipe_round_trips_per_round"].get<unsigned long long>(),
              j["forks_per_round"].get<unsigned long long>());
  std::printf("%-20s %-22s %10s %9s %9s %7s %13s  %s\n", "hook", "program", "events", "ns/event",
              "floor ns", "ratio", "ratio min-max", "<=2x");
  std::vector<std::string> unfloored, idle;
  for (const auto& p : j["programs"]) {
    const auto name = p["program"].get<std::string>();
    if (p["events"].get<unsigned long long>() == 0) {
      idle.push_back(name);
      continue;
    }
    if (p["floor_program"].is_null()) {
      char line[160];
      std::snprintf(line, sizeof line, "%-20s %-22s %10llu %9.1f",
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
    std::printf("%-20s %-22s %10llu %9.1f %9.1f %7s %13s  %s\n",
                p["hook"].get<std::string>().c_str(), name.c_str(),
                p["events"].get<unsigned long long>(), p["avg_ns"].get<double>(),
                p["floor_avg_ns"].get<double>(), ratio, range,
                has_ratio ? (p["within_goal"].get<bool>() ? "yes" : "NO") : "-");
  }
  if (!unfloored.empty()) {
    std::printf("no empty program on these hooks (bpf/empty.bpf.c), absolute cost only:\n");
    for (const auto& line : unfloored) std::printf("%s\n", line.c_str());
  }
  if (!idle.empty()) {
    std::printf("not run by this workload:");
    for (const auto& name : idle) std::printf(" %s", name.c_str());
    std::printf("\n");
  }
  const auto& it = j["task_iterator"];
  std::printf("task iterator (dump_task): %.0f tasks/pass, %.1f ns/task, %.1f us/pass over %d passes\n",
              it["tasks_per_pass"].get<double>(), it["avg_ns_per_task"].get<double>(),
              it["avg_us_per_pass"].get<double>(), it["passes"].get<int>());
  std::printf("goal: each program at most %.1fx the empty program on its hook (ratio = median "
              "over rounds)\n",
              j["goal_max_ratio"].get<double>());
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

  pw::ProbeSet probes(pw::ProbeOptions{});
  auto floor = load_floor();

  std::vector<Snapshot> rounds;
  for (int r = 0; r < o.rounds; ++r) {
    const Snapshot before = snapshot(probes, floor.get());
    pipe_ping_pong(o.round_trips);
    fork_exec_loop(o.forks, probes);
    if (o.other_hooks) {
      socket_ping_pong(o.round_trips / 10);
      mmap_loop(o.round_trips / 10);
      file_write_loop(std::max<std::uint64_t>(o.forks / 10, 1));
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

  const auto j = to_json(o, pair_with_floor(rounds), iter, probes);
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
  CLI::App app{"Per-event cost of procwatch's BPF programs next to empty programs on the same hooks"};
  Options o;
  app.add_option("--round-trips", o.round_trips, "pipe ping-pong round trips per round")
      ->capture_default_str();
  app.add_option("--forks", o.forks, "fork+exec+exit per round")->capture_default_str();
  bool no_other_hooks = false;
  app.add_flag("--no-other-hooks", no_other_hooks,
               "skip the socket, mmap and file-write workloads");
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
