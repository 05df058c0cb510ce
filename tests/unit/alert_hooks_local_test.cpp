// The jsonl and command hooks against the real file system and real
// processes: stdin JSON, environment, a timeout that kills, a failing exit.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "alert/hooks/command_hook.h"
#include "alert/hooks/hook.h"
#include "alert/hooks/payload.h"
#include "alert_hooks_test_util.h"

namespace pw {
namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(AlertHooksLocal, JsonlAppendsOneLinePerNotification) {
  const auto dir = test::temp_dir("jsonl");
  const auto path = dir / "alerts.jsonl";
  auto hook = make_hook(test::hook_config("jsonl", {{"path", path.string()}, {"fsync", "true"}}));
  EXPECT_TRUE(hook->deliver(test::sample_notification()).is_ok());
  EXPECT_TRUE(hook->deliver(test::sample_notification(AlertState::Resolved)).is_ok());
  std::istringstream lines(slurp(path));
  std::vector<nlohmann::json> docs;
  for (std::string l; std::getline(lines, l);) docs.push_back(nlohmann::json::parse(l));
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0]["state"], "firing");
  EXPECT_EQ(docs[1]["state"], "resolved");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(
      st.st_mode & 0777, 0640 & ~[] {
        const mode_t m = ::umask(0);
        ::umask(m);
        return m;
      }());
  auto bad = make_hook(test::hook_config("jsonl", {{"path", (dir / "no/such/dir/x").string()}}));
  const DeliveryResult r = bad->deliver(test::sample_notification());
  EXPECT_FALSE(r.is_ok());
  EXPECT_NE(r.message.find("no/such/dir"), std::string::npos) << r.message;
  std::filesystem::remove_all(dir);
}

TEST(AlertHooksLocal, CommandGetsJsonOnStdinAndEnvironment) {
  const auto dir = test::temp_dir("cmd");
  const std::string script = "cat > " + (dir / "stdin.json").string() +
                             "; env | grep ^PROCWATCH_ALERT_ > " + (dir / "env.txt").string();
  auto hook = make_hook(test::hook_config("command", {{"command", script}, {"shell", "true"}}));
  const DeliveryResult r = hook->deliver(test::sample_notification());
  ASSERT_TRUE(r.is_ok()) << r.message;
  const auto doc = nlohmann::json::parse(slurp(dir / "stdin.json"));
  EXPECT_EQ(doc["rule"], "cpu_hog");
  EXPECT_EQ(doc["alerts"][0]["pid"], 4242);
  const std::string env = slurp(dir / "env.txt");
  for (const char* want : {"PROCWATCH_ALERT_RULE=cpu_hog\n", "PROCWATCH_ALERT_SEVERITY=critical\n",
                           "PROCWATCH_ALERT_STATE=firing\n", "PROCWATCH_ALERT_PID=4242\n",
                           "PROCWATCH_ALERT_COMM=busy\n", "PROCWATCH_ALERT_COUNT=1\n",
                           "PROCWATCH_ALERT_SUMMARY=busy (pid 4242) cpu_pct 97.5 above 90\n"})
    EXPECT_NE(env.find(want), std::string::npos) << want << " missing in\n" << env;
  std::filesystem::remove_all(dir);
}

TEST(AlertHooksLocal, CommandArgvWithoutShell) {
  const auto dir = test::temp_dir("argv");
  const std::string out = (dir / "touched").string();
  auto hook = make_hook(
      test::hook_config("command", {{"command", "[\"/usr/bin/touch\", \"" + out + "\"]"}}));
  ASSERT_TRUE(hook->deliver(test::sample_notification()).is_ok());
  EXPECT_TRUE(std::filesystem::exists(out));
  // A string is split on blanks, not given to a shell: ';' is an argument.
  auto split =
      make_hook(test::hook_config("command", {{"command", "/bin/echo a ; touch " + out + "2"}}));
  ASSERT_TRUE(split->deliver(test::sample_notification()).is_ok());
  EXPECT_FALSE(std::filesystem::exists(out + "2"));
  std::filesystem::remove_all(dir);
}

TEST(AlertHooksLocal, CommandTimeoutKillsTheProcessGroup) {
  const auto dir = test::temp_dir("timeout");
  const std::string pidfile = (dir / "child.pid").string();
  // The sleeper in the background is in the group too and must die as well.
  auto hook = make_hook(
      test::hook_config("command", {{"command", "sleep 30 & echo $! > " + pidfile + "; wait"},
                                    {"shell", "true"},
                                    {"timeout", "0.3"}}));
  const DeliveryResult r = hook->deliver(test::sample_notification());
  EXPECT_EQ(r.kind, DeliveryResult::Kind::Retryable);
  EXPECT_NE(r.message.find("killed"), std::string::npos) << r.message;
  const pid_t grandchild = std::stoi(slurp(pidfile));
  // Reaped by init at some point; what matters is it is gone or a zombie.
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    const std::string stat = slurp("/proc/" + std::to_string(grandchild) + "/stat");
    gone = stat.empty() || stat.find(") Z ") != std::string::npos;
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(gone) << "pid " << grandchild << " survived the timeout";
  // No zombie child of ours left behind.
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);
  std::filesystem::remove_all(dir);
}

TEST(AlertHooksLocal, CommandNonzeroExitCarriesFirstStderrLine) {
  auto hook = make_hook(test::hook_config(
      "command",
      {{"command", "echo 'pager down' >&2; echo second >&2; exit 3"}, {"shell", "true"}}));
  const DeliveryResult r = hook->deliver(test::sample_notification());
  EXPECT_FALSE(r.is_ok());
  EXPECT_NE(r.message.find("exit code 3: pager down"), std::string::npos) << r.message;
  EXPECT_EQ(r.message.find("second"), std::string::npos) << r.message;
  auto missing = make_hook(test::hook_config("command", {{"command", "/nonexistent/prog"}}));
  const DeliveryResult m = missing->deliver(test::sample_notification());
  EXPECT_NE(m.message.find("exit code 127: exec /nonexistent/prog"), std::string::npos)
      << m.message;
}

}  // namespace
}  // namespace pw
