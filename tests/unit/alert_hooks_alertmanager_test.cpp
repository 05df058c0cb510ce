// The alertmanager hook against Debian's real prometheus-alertmanager: a
// firing alert shows up active with our labels; the resolve (endsAt now)
// makes it disappear from the active list.
#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>

#include "alert/hooks/hook.h"
#include "alert/hooks/payload.h"
#include "alert_hooks_test_util.h"

namespace pw {
namespace {

constexpr const char* kAlertmanager = "/usr/bin/prometheus-alertmanager";

std::uint64_t wall_now_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

// Our alert in Alertmanager's list, or null.
nlohmann::json find_ours(int port) {
  httplib::Client c("127.0.0.1", port);
  auto res = c.Get("/api/v2/alerts");
  if (!res || res->status != 200) return nullptr;
  for (const auto& a : nlohmann::json::parse(res->body))
    if (a["labels"].value("fingerprint", "") == "fp-4242") return a;
  return nullptr;
}

TEST(AlertHooksAlertmanager, FiringThenResolved) {
  ASSERT_TRUE(std::filesystem::exists(kAlertmanager))
      << "prometheus-alertmanager is not installed; run scripts/setup (apt-get install "
         "prometheus-alertmanager)";
  const auto dir = test::temp_dir("am");
  {
    std::ofstream yml(dir / "alertmanager.yml");
    yml << "route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n";
  }
  const int port = test::free_port();
  test::Child am(
      {kAlertmanager, "--config.file=" + (dir / "alertmanager.yml").string(),
       "--storage.path=" + (dir / "data").string(),
       "--web.listen-address=127.0.0.1:" + std::to_string(port), "--cluster.listen-address="},
      (dir / "am.log").string());
  ASSERT_TRUE(am.wait_listening(port, std::chrono::seconds(20)))
      << "alertmanager did not listen; see " << dir / "am.log";
  auto hook = make_hook(
      test::hook_config("alertmanager", {{"url", "http://127.0.0.1:" + std::to_string(port)},
                                         {"generator_url", "http://testhost:9100/"}}));

  Notification firing = test::sample_notification();
  firing.alerts[0].starts_wall_ns = wall_now_ns() - 1'000'000'000ull;
  const auto t0 = std::chrono::steady_clock::now();
  DeliveryResult r = hook->deliver(firing);
  std::printf(
      "alertmanager delivery: %.2f ms\n",
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  ASSERT_TRUE(r.is_ok()) << r.message;
  nlohmann::json ours;
  for (int i = 0; i < 100 && ours.is_null(); ++i) {
    ours = find_ours(port);
    if (ours.is_null()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(ours.is_null()) << "the alert is not in Alertmanager";
  EXPECT_EQ(ours["status"]["state"], "active");
  EXPECT_EQ(ours["labels"]["alertname"], "cpu_hog");
  EXPECT_EQ(ours["labels"]["severity"], "critical");
  EXPECT_EQ(ours["labels"]["pid"], "4242");
  EXPECT_EQ(ours["labels"]["comm"], "busy");
  EXPECT_EQ(ours["labels"]["instance"], "testhost");
  EXPECT_EQ(ours["annotations"]["summary"], "busy (pid 4242) cpu_pct 97.5 above 90");
  EXPECT_EQ(ours["generatorURL"], "http://testhost:9100/");

  Notification resolved = firing;
  resolved.state = resolved.alerts[0].state = AlertState::Resolved;
  resolved.alerts[0].ends_wall_ns = wall_now_ns();
  r = hook->deliver(resolved);
  ASSERT_TRUE(r.is_ok()) << r.message;
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    const nlohmann::json now = find_ours(port);
    gone = now.is_null() || now["status"]["state"] != "active";
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(gone) << "the alert is still active after the resolve";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pw
