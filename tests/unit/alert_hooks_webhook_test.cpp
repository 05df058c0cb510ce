// The webhook hook and the dispatcher against a real HTTP server (cpp-httplib
// on 127.0.0.1): the body arrives, a 500 is retried to a 200, a 400 is a
// permanent failure, the rate limit drops the excess.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>

#include "alert/hooks/hook.h"
#include "alert/hooks/hook_dispatcher.h"
#include "alert_hooks_test_util.h"

namespace pw {
namespace {

using Clock = std::chrono::steady_clock;

// A server answering POST /hook with the status codes in `script` (the last
// one repeats), recording every body and arrival time.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<int> script) : script_(std::move(script)) {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      bodies_.push_back(req.body);
      headers_.push_back(req.get_header_value("X-Token"));
      arrivals_.push_back(Clock::now());
      const std::size_t i = std::min(bodies_.size() - 1, script_.size() - 1);
      res.status = script_[i];
      res.set_content(res.status >= 400 ? "no such channel\nmore" : "ok", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~ScriptedServer() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::vector<std::string> bodies() {
    std::lock_guard lock(mu_);
    return bodies_;
  }
  std::vector<std::string> headers() {
    std::lock_guard lock(mu_);
    return headers_;
  }
  std::vector<Clock::time_point> arrivals() {
    std::lock_guard lock(mu_);
    return arrivals_;
  }

 private:
  std::vector<int> script_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> bodies_, headers_;
  std::vector<Clock::time_point> arrivals_;
};

std::shared_ptr<HookDispatcher> dispatcher_for(const HookConfig& h) {
  return make_hook_dispatcher({h});
}

TEST(AlertHooksWebhook, PostsTheJsonWithCustomHeaders) {
  ScriptedServer server({200});
  auto hook = make_hook(test::hook_config(
      "webhook", {{"url", server.url()}, {"headers", R"({"X-Token":"s3cret"})"}}));
  const auto t0 = Clock::now();
  const DeliveryResult r = hook->deliver(test::sample_notification());
  const auto ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  ASSERT_TRUE(r.is_ok()) << r.message;
  std::printf("webhook delivery to httplib on 127.0.0.1: %.2f ms\n", ms);
  ASSERT_EQ(server.bodies().size(), 1u);
  const auto doc = nlohmann::json::parse(server.bodies()[0]);
  EXPECT_EQ(doc["rule"], "cpu_hog");
  EXPECT_EQ(doc["alerts"][0]["comm"], "busy");
  EXPECT_EQ(server.headers()[0], "s3cret");
}

TEST(AlertHooksWebhook, SlackFormatIsSlackJson) {
  ScriptedServer server({200});
  auto hook = make_hook(test::hook_config("webhook", {{"url", server.url()}, {"format", "slack"}}));
  ASSERT_TRUE(hook->deliver(test::sample_notification()).is_ok());
  const auto doc = nlohmann::json::parse(server.bodies().at(0));
  EXPECT_EQ(doc["text"], "FIRING critical: cpu_hog on testhost (1 process)");
  EXPECT_TRUE(doc["blocks"].is_array());
}

TEST(AlertHooksWebhook, DispatcherRetriesA500UntilA200) {
  ScriptedServer server({500, 500, 200});
  auto d = dispatcher_for(test::hook_config(
      "webhook", {{"url", server.url()}, {"retry_initial", "0.05"}, {"retries", "5"}}));
  d->notify(test::sample_notification());
  ASSERT_TRUE(d->wait_idle(std::chrono::seconds(10)));
  const auto st = d->status().at(0);
  EXPECT_EQ(st.sent, 1u);
  EXPECT_EQ(st.retried, 2u);
  EXPECT_EQ(st.failed, 0u);
  EXPECT_NE(st.last_error.find("HTTP 500"), std::string::npos) << st.last_error;
  EXPECT_GT(st.last_success_wall_ns, 0u);
  const auto at = server.arrivals();
  ASSERT_EQ(at.size(), 3u);
  std::printf("retry gaps with retry_initial 50 ms: %.1f ms, %.1f ms\n",
              std::chrono::duration<double, std::milli>(at[1] - at[0]).count(),
              std::chrono::duration<double, std::milli>(at[2] - at[1]).count());
}

TEST(AlertHooksWebhook, A400IsPermanentAndNotRetried) {
  ScriptedServer server({400});
  auto d = dispatcher_for(
      test::hook_config("webhook", {{"url", server.url()}, {"retry_initial", "0.05"}}));
  d->notify(test::sample_notification());
  ASSERT_TRUE(d->wait_idle(std::chrono::seconds(10)));
  const auto st = d->status().at(0);
  EXPECT_EQ(st.sent, 0u);
  EXPECT_EQ(st.failed, 1u);
  EXPECT_EQ(st.retried, 0u);
  EXPECT_NE(st.last_error.find("HTTP 400: no such channel"), std::string::npos) << st.last_error;
  EXPECT_EQ(server.bodies().size(), 1u);
}

TEST(AlertHooksWebhook, ConnectionRefusedIsRetryable) {
  auto hook = make_hook(test::hook_config(
      "webhook", {{"url", "http://127.0.0.1:" + std::to_string(test::free_port()) + "/x"}}));
  const DeliveryResult r = hook->deliver(test::sample_notification());
  EXPECT_EQ(r.kind, DeliveryResult::Kind::Retryable) << r.message;
}

TEST(AlertHooksWebhook, RateLimitDropsTheExcess) {
  ScriptedServer server({200});
  auto d = dispatcher_for(
      test::hook_config("webhook", {{"url", server.url()}, {"max_per_minute", "2"}}));
  for (int i = 0; i < 5; ++i) d->notify(test::sample_notification());
  ASSERT_TRUE(d->wait_idle(std::chrono::seconds(10)));
  const auto st = d->status().at(0);
  EXPECT_EQ(st.sent, 2u);
  EXPECT_EQ(st.dropped, 3u);
  EXPECT_EQ(server.bodies().size(), 2u);
}

}  // namespace
}  // namespace pw

namespace pw {
namespace {

// A hook stuck in a long backoff must not hold the daemon's shutdown past
// the drain deadline; a hang here times the test out.
TEST(AlertHooksWebhook, DestructionStopsALongBackoffAtTheDrainDeadline) {
  ScriptedServer server({503});
  const HookConfig h =
      test::hook_config("webhook", {{"url", server.url()}, {"retry_initial", "600"}});
  const auto t0 = Clock::now();
  {
    std::vector<HookDispatcher::Entry> entries;
    entries.push_back({make_hook(h), h.type, hook_policy_of(h)});
    HookDispatcher d(std::move(entries), std::chrono::milliseconds(200));
    d.notify(test::sample_notification());
    while (server.bodies().empty()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_FALSE(d.wait_idle(std::chrono::milliseconds(50)));  // still in its backoff
    for (int i = 0; i < 500 && d.status().at(0).retried == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(d.status().at(0).retried, 1u);
  }
  std::printf("shutdown with a 600 s backoff pending, drain deadline 200 ms: %.1f ms\n",
              std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  EXPECT_EQ(server.bodies().size(), 1u);
}

}  // namespace
}  // namespace pw
