// Helpers for the hook tests: a sample notification, a free TCP port, and a
// child process (a real SMTP server, a real Alertmanager) killed and reaped
// by RAII.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "alert/alert.h"
#include "config/config.h"

namespace pw::test {

inline Notification sample_notification(AlertState state = AlertState::Firing,
                                        std::string comm = "busy") {
  Alert a;
  a.fingerprint = "fp-4242";
  a.rule = "cpu_hog";
  a.source = "threshold";
  a.severity = AlertSeverity::Critical;
  a.state = state;
  a.host = "testhost";
  a.process = ProcessKey{4242, 777};
  a.comm = std::move(comm);
  a.identity = "/system.slice/busy.service /usr/bin/busy";
  a.cmdline = "/usr/bin/busy --spin";
  a.metric = "cpu_pct";
  a.value = 97.5;
  a.threshold = 90;
  a.summary = "busy (pid 4242) cpu_pct 97.5 above 90";
  a.description = "cpu_pct above 90 for 60s";
  a.labels = {{"team", "infra"}};
  a.values = {{"cpu_pct", 97.5}};
  a.starts_wall_ns = 1'765'000'000'000'000'000ull;
  if (state == AlertState::Resolved) a.ends_wall_ns = a.starts_wall_ns + 60'000'000'000ull;
  Notification n;
  n.rule = a.rule;
  n.severity = a.severity;
  n.state = state;
  n.alerts = {a};
  n.wall_ns = a.starts_wall_ns;
  return n;
}

// Binds port 0 on 127.0.0.1 and returns the port the kernel chose. The
// socket closes before the caller binds, so callers retry on a clash.
inline int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

inline bool port_accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

class Child {
 public:
  explicit Child(std::vector<std::string> argv, const std::string& log_path) {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setpgid(0, 0);
      FILE* f = std::fopen(log_path.c_str(), "w");
      if (f) {
        ::dup2(fileno(f), 1);
        ::dup2(fileno(f), 2);
      }
      std::vector<char*> args;
      for (auto& s : argv) args.push_back(s.data());
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
  }
  ~Child() {
    if (pid_ > 0) {
      ::kill(-pid_, SIGKILL);
      ::kill(pid_, SIGKILL);
      int st = 0;
      ::waitpid(pid_, &st, 0);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  bool running() const {
    int st = 0;
    return pid_ > 0 && ::waitpid(pid_, &st, WNOHANG) == 0;
  }
  // Waits (up to `limit`) for the child to accept on `port`.
  bool wait_listening(int port, std::chrono::milliseconds limit) const {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      if (port_accepts(port)) return true;
      if (!running()) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

 private:
  pid_t pid_ = -1;
};

inline std::filesystem::path temp_dir(const std::string& tag) {
  std::string t = (std::filesystem::temp_directory_path() / ("pw-" + tag + "-XXXXXX")).string();
  if (!::mkdtemp(t.data())) return {};
  return t;
}

inline HookConfig hook_config(std::string type, std::map<std::string, std::string> settings) {
  HookConfig h;
  h.name = type + "-test";
  h.type = std::move(type);
  h.settings = std::move(settings);
  h.settings["type"] = h.type;
  h.where = "test.toml:1:1";
  return h;
}

}  // namespace pw::test
