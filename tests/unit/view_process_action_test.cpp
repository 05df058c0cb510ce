// k and r on a real process: a child this test forks is selected in a
// table, the keys are pressed as in the live UI, and carry_out() must have
// signalled it (waitpid sees the signal) or reniced it (getpriority sees the
// value) - and must leave it alone when not confirmed or when its PID now
// names another process.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <string>

#include "view/process_action.h"
#include "view/top_state.h"
#include "view_test_models.h"

namespace pw {
namespace {

using view_test::TwoSamples;

// A child that sleeps until killed; reaped by the destructor.
class Child {
 public:
  Child() {
    pid_ = ::fork();
    if (pid_ == 0) {
      for (;;) ::pause();
    }
  }
  ~Child() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }
  // The wait status once it ended, or -1 while it still runs (after ~2 s).
  int wait_end() {
    for (int i = 0; i < 200; ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        reaped_ = true;
        return status;
      }
      ::usleep(10'000);
    }
    return -1;
  }
  bool running() {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      reaped_ = true;
      return false;
    }
    return true;
  }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
};

// The live UI over a Model holding the child (with its real start time)
// and another process, the child selected.
struct Ui {
  Model model;
  Table table;
  TopState state;

  Ui(pid_t child, std::uint64_t start_ns) {
    TwoSamples s;
    s.add({.pid = child,
           .comm = "sleeper",
           .cmdline = "sleeper",
           .cpu_ns = 1000,
           .start_ns = start_ns});
    s.add({.pid = 1, .ppid = 0, .comm = "init", .cmdline = "init", .cpu_ns = 0});
    model = s.derive();
    state.opts.fields = default_top_fields();
    table = build_table(model, state.opts);
    sync_selection(state, table);
  }
  void key(int k) { handle_key(state, k, table, 10); }
  void type(const std::string& t) {
    for (const char c : t) key(static_cast<unsigned char>(c));
  }
  // What the curses shell does once an action was confirmed.
  std::string run() {
    if (!state.process_action) return "(no action)";
    std::string m = carry_out(*state.process_action);
    state.process_action.reset();
    return m;
  }
};

TEST(ProcessAction, TaskStartTimeMatchesAcrossClocks) {
  Child c;
  const auto a = task_start_ns(c.pid());
  ASSERT_TRUE(a);
  const auto self = task_start_ns(::getpid());
  ASSERT_TRUE(self);
  EXPECT_GE(*a, *self) << "a child starts after its parent";
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  const auto mono = static_cast<std::uint64_t>(now.tv_sec) * 1'000'000'000ULL +
                    static_cast<std::uint64_t>(now.tv_nsec);
  EXPECT_LE(*a, mono + 20'000'000);
  EXPECT_GE(*a + 5'000'000'000ULL, mono) << "started within the last seconds";
  EXPECT_FALSE(task_start_ns(0x7ffffff0));
}

TEST(ProcessAction, KillSendsTheChosenSignalToTheSelectedProcess) {
  Child c;
  const auto start = task_start_ns(c.pid());
  ASSERT_TRUE(start);
  Ui ui(c.pid(), *start);
  ASSERT_EQ(ui.table.rows.at(ui.state.selected).row->sample->key.pid, c.pid());

  // Not confirmed: nothing happens.
  ui.key('k');
  ui.key(kKeyEnter);
  ui.key('n');
  EXPECT_EQ(ui.run(), "(no action)");
  EXPECT_TRUE(c.running());

  ui.key('k');
  ui.type("USR1");  // replaces the default TERM
  ui.key(kKeyEnter);
  ui.key('y');
  EXPECT_EQ(ui.run(), "sent SIGUSR1 to PID " + std::to_string(c.pid()) + " (sleeper)");
  const int status = c.wait_end();
  ASSERT_NE(status, -1) << "the child is still running";
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGUSR1);
}

TEST(ProcessAction, ReniceSetsTheNiceValueOfTheSelectedProcess) {
  Child c;
  const auto start = task_start_ns(c.pid());
  ASSERT_TRUE(start);
  Ui ui(c.pid(), *start);
  errno = 0;
  const int before = ::getpriority(PRIO_PROCESS, static_cast<id_t>(c.pid()));
  ASSERT_EQ(errno, 0);
  const int target = before < 15 ? before + 4 : 19;  // raising needs no privilege
  ui.key('r');
  ui.type(std::to_string(target));
  ui.key(kKeyEnter);
  ui.key('y');
  EXPECT_EQ(ui.run(), "reniced PID " + std::to_string(c.pid()) + " (sleeper) from " +
                          std::to_string(before) + " to " + std::to_string(target));
  errno = 0;
  EXPECT_EQ(::getpriority(PRIO_PROCESS, static_cast<id_t>(c.pid())), target);
  EXPECT_TRUE(c.running());
}

TEST(ProcessAction, AReusedPidIsLeftAlone) {
  Child c;
  const auto start = task_start_ns(c.pid());
  ASSERT_TRUE(start);
  // The table's process started a minute earlier: the PID is another's now.
  Ui ui(c.pid(),
        *start > 60'000'000'000ULL ? *start - 60'000'000'000ULL : *start + 60'000'000'000ULL);
  ui.key('k');
  ui.type("KILL");
  ui.key(kKeyEnter);
  ui.key('y');
  EXPECT_NE(ui.run().find("its PID now belongs to another process"), std::string::npos);
  EXPECT_TRUE(c.running());

  ProcessAction gone;
  gone.key = {0x7ffffff0, 0};
  gone.comm = "x";
  EXPECT_EQ(carry_out(gone), "PID 2147483632 (x) has exited");
}

}  // namespace
}  // namespace pw
