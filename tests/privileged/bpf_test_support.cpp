#include "bpf_test_support.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/error.h"
#include "probe/preflight.h"

namespace pw::testing {

bool bpf_required() {
  const char* v = std::getenv("PROCWATCH_REQUIRE_BPF");
  return v && std::string(v) == "1";
}

std::string bpf_unavailable_reason() {
  const Status s = evaluate_preflight(probe_preflight_inputs());
  return s ? "" : s.message();
}

std::string testprog(const std::string& name) {
  return std::string(PROCWATCH_TESTPROGS_DIR) + "/" + name;
}

Workload::Workload(std::vector<std::string> argv) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe: " + errno_text(errno));
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork: " + errno_text(errno));
  if (pid_ == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  stdout_fd_ = fds[0];
}

Workload::~Workload() {
  if (!reaped_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

std::string Workload::read_line() {
  std::string line;
  char c;
  while (::read(stdout_fd_, &c, 1) == 1) {
    if (c == '\n') break;
    line += c;
  }
  return line;
}

int Workload::wait() {
  int status = 0;
  ::waitpid(pid_, &status, 0);
  reaped_ = true;
  return status;
}

SchedStat read_schedstat_all_threads(pid_t pid) {
  SchedStat total;
  const std::string dir = "/proc/" + std::to_string(pid) + "/task";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path() / "schedstat");
    std::uint64_t run = 0, delay = 0, slices = 0;
    if (in >> run >> delay >> slices) {
      total.runtime_ns += run;
      total.run_delay_ns += delay;
      total.timeslices += slices;
    }
  }
  return total;
}

std::optional<std::uint64_t> read_status_field(pid_t pid, const std::string& name) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + ":", 0) != 0) continue;
    std::istringstream rest(line.substr(name.size() + 1));
    std::uint64_t v;
    if (rest >> v) return v;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> read_proc_io_field(pid_t pid, const std::string& name) {
  return read_field("/proc/" + std::to_string(pid) + "/io", name);
}

std::optional<std::uint64_t> read_field(const std::string& path, const std::string& name) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + ":", 0) != 0) continue;
    std::istringstream rest(line.substr(name.size() + 1));
    std::uint64_t v;
    if (rest >> v) return v;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> sum_task_field(pid_t pid, const std::string& file,
                                            const std::string& name) {
  std::optional<std::uint64_t> sum;
  for (const auto& task :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
    if (auto v = read_field(task.path().string() + "/" + file, name)) sum = sum.value_or(0) + *v;
  }
  return sum;
}

const ProcessSample* find_exited(const Sample& s, pid_t pid) {
  for (const auto& p : s.processes)
    if (p.key.pid == pid && p.exit_status) return &p;
  return nullptr;
}

TcpTransfer loopback_tcp_transfer(Collector& collector, const std::string& port,
                                  std::uint64_t bytes) {
  auto expect_line = [](Workload& w, const char* want, const char* who) {
    const std::string got = w.read_line();
    if (got != want)
      throw std::runtime_error(std::string("netpeer ") + who + " said '" + got + "', not '" + want +
                               "'");
  };
  Workload server({testprog("netpeer"), "tcp-server", port, std::to_string(bytes)});
  expect_line(server, "listening", "tcp-server");
  Workload client({testprog("netpeer"), "tcp-client", port, std::to_string(bytes)});
  expect_line(client, "done", "tcp-client");
  expect_line(server, "done", "tcp-server");
  return {collector.collect(), client.pid(), server.pid()};
}

void run_or_throw(const std::string& command) {
  const std::string full = command + " 2>&1";
  FILE* f = ::popen(full.c_str(), "r");
  if (!f) throw std::runtime_error("popen failed for: " + command);
  std::string output;
  char buf[512];
  while (std::fgets(buf, sizeof buf, f)) output += buf;
  const int status = ::pclose(f);
  if (status != 0) throw std::runtime_error("'" + command + "' failed: " + output);
}

ScratchDir::ScratchDir() {
  // /var/tmp is on disk on Debian (tmpfs has no block IO to measure).
  char tmpl[] = "/var/tmp/procwatch-test-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp: " + errno_text(errno));
  path_ = tmpl;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

const ProcessSample* find_process(const Sample& s, pid_t pid) {
  for (const auto& p : s.processes)
    if (p.key.pid == pid && !p.exit_status) return &p;
  return nullptr;
}

}  // namespace pw::testing
