#include "alert/hooks/command_hook.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "alert/hooks/payload.h"

extern char** environ;

namespace pw {

namespace {

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

struct Pipe {
  Fd read, write;
};

bool make_pipe(Pipe& p) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  p.read.reset(fds[0]);
  p.write.reset(fds[1]);
  return true;
}

std::string first_line(const std::string& s) {
  std::string line = s.substr(0, s.find('\n'));
  if (line.size() > 200) line.resize(200);
  return strip_control(line);
}

}  // namespace

std::vector<std::string> command_hook_env(const Notification& n) {
  std::vector<std::string> env;
  const Alert* a = n.alerts.empty() ? nullptr : &n.alerts.front();
  auto add = [&](const char* k, const std::string& v) {
    env.push_back(std::string("PROCWATCH_ALERT_") + k + "=" + strip_control(v));
  };
  add("RULE", n.rule);
  add("SEVERITY", std::string(alert_severity_name(n.severity)));
  add("STATE", std::string(alert_state_name(n.state)));
  add("COUNT", std::to_string(n.alerts.size()));
  add("HOST", notification_host(n));
  add("TITLE", notification_title(n));
  if (a) {
    add("PID", a->process ? std::to_string(a->process->pid) : "");
    add("COMM", a->comm);
    add("SUMMARY", a->summary);
    add("METRIC", a->metric);
    add("VALUE", std::to_string(a->value));
    add("THRESHOLD", std::to_string(a->threshold));
    add("FINGERPRINT", a->fingerprint);
    add("STARTS_AT", rfc3339(a->starts_wall_ns));
  }
  return env;
}

CommandHook::CommandHook(std::string name, std::vector<std::string> argv,
                         std::chrono::milliseconds timeout)
    : Hook(std::move(name)), argv_(std::move(argv)), timeout_(timeout) {}

DeliveryResult CommandHook::deliver(const Notification& n) {
  const std::string input = notification_json(n).dump() + "\n";
  std::vector<std::string> env_strings = command_hook_env(n);
  for (char** e = environ; *e; ++e)
    if (std::strncmp(*e, "PROCWATCH_ALERT_", 16) != 0) env_strings.emplace_back(*e);
  std::vector<char*> envp, argv;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  for (auto& s : argv_) argv.push_back(s.data());
  argv.push_back(nullptr);

  Pipe in, err;
  if (!make_pipe(in) || !make_pipe(err))
    return DeliveryResult::retryable(std::string("pipe: ") + std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid < 0) return DeliveryResult::retryable(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    // Own process group, so the timeout kills what the command started too.
    ::setpgid(0, 0);
    ::signal(SIGPIPE, SIG_DFL);
    const int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(in.read.get(), 0);
    ::dup2(devnull, 1);
    ::dup2(err.write.get(), 2);
    ::close_range(3, ~0U, 0);
    ::execve(argv[0], argv.data(), envp.data());
    if (!std::strchr(argv[0], '/')) ::execvpe(argv[0], argv.data(), envp.data());
    const std::string m = std::string("exec ") + argv[0] + ": " + std::strerror(errno) + "\n";
    [[maybe_unused]] auto w = ::write(2, m.data(), m.size());
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also here: no race with the kill below
  in.read.reset();
  err.write.reset();
  ::fcntl(in.write.get(), F_SETFL, O_NONBLOCK);

  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  std::size_t written = 0;
  std::string stderr_text;
  bool killed = false;
  int status = 0;
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      killed = true;
      break;
    }
    pollfd fds[2];
    int nfds = 0;
    if (err.read.get() >= 0) fds[nfds++] = {err.read.get(), POLLIN, 0};
    if (in.write.get() >= 0) fds[nfds++] = {in.write.get(), POLLOUT, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    ::poll(fds, nfds, static_cast<int>(std::min<long>(left.count() + 1, 50)));
    for (int i = 0; i < nfds; ++i) {
      if (fds[i].fd == err.read.get() && (fds[i].revents & (POLLIN | POLLHUP))) {
        char buf[4096];
        const ssize_t got = ::read(err.read.get(), buf, sizeof buf);
        if (got > 0 && stderr_text.size() < 65536)
          stderr_text.append(buf, static_cast<std::size_t>(got));
        else if (got == 0)
          err.read.reset();
      } else if (fds[i].fd == in.write.get() && (fds[i].revents & (POLLOUT | POLLERR))) {
        const ssize_t w = ::write(in.write.get(), input.data() + written, input.size() - written);
        if (w > 0) written += static_cast<std::size_t>(w);
        // A command that does not read stdin is fine: stop offering it.
        if (w < 0 && errno != EAGAIN) in.write.reset();
        if (written == input.size()) in.write.reset();
      }
    }
  }
  // Anything the command left in its process group dies with it.
  ::kill(-pid, SIGKILL);
  if (err.read.get() >= 0) {
    ::fcntl(err.read.get(), F_SETFL, O_NONBLOCK);
    char buf[4096];
    for (ssize_t got;
         (got = ::read(err.read.get(), buf, sizeof buf)) > 0 && stderr_text.size() < 65536;)
      stderr_text.append(buf, static_cast<std::size_t>(got));
  }
  const std::string what = "command " + argv_.front();
  if (killed)
    return DeliveryResult::retryable(what + ": killed after the timeout of " +
                                     std::to_string(timeout_.count()) + " ms");
  if (WIFSIGNALED(status))
    return DeliveryResult::retryable(what + ": killed by signal " +
                                     std::to_string(WTERMSIG(status)));
  if (WEXITSTATUS(status) != 0) {
    std::string m = what + ": exit code " + std::to_string(WEXITSTATUS(status));
    if (!stderr_text.empty()) m += ": " + first_line(stderr_text);
    return DeliveryResult::retryable(m);
  }
  return DeliveryResult::ok();
}

}  // namespace pw
