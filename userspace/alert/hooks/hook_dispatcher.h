// The daemon's notification sink when hooks are configured: notify() only
// queues; one worker thread per hook delivers, retries with exponential
// backoff, and rate-limits, so a slow mail server never stalls sampling.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "alert/hooks/hook.h"
#include "alert/notification_sink.h"

namespace pw {

struct HookPolicy {
  int max_tries = 5;                                // first try included
  std::chrono::milliseconds initial_backoff{1000};  // doubles per retry
  std::chrono::milliseconds max_backoff{60000};
  double max_per_minute = 30;  // 0 = unlimited
  std::size_t queue_limit = 256;
};
HookPolicy hook_policy_of(const HookConfig& h);

struct HookStatus {
  std::string name, type;
  std::uint64_t sent = 0, failed = 0, retried = 0, dropped = 0;
  std::string last_error;
  std::uint64_t last_success_wall_ns = 0;
  std::size_t queued = 0;
};

class HookDispatcher final : public NotificationSink {
 public:
  struct Entry {
    std::unique_ptr<Hook> hook;
    std::string type;
    HookPolicy policy;
  };
  explicit HookDispatcher(std::vector<Entry> hooks,
                          std::chrono::milliseconds drain_deadline = std::chrono::seconds(5));
  // Waits up to the drain deadline for queued notifications, then stops.
  ~HookDispatcher() override;
  HookDispatcher(const HookDispatcher&) = delete;
  HookDispatcher& operator=(const HookDispatcher&) = delete;

  void notify(const Notification& n) override;
  std::vector<HookStatus> status() const;
  // True once every queue is empty and no delivery is running (tests).
  bool wait_idle(std::chrono::milliseconds limit) const;

 private:
  struct Worker;
  void run(Worker& w);
  std::vector<std::unique_ptr<Worker>> workers_;
  std::chrono::milliseconds drain_deadline_;
};

// Builds every hook of the config (throws std::invalid_argument naming the
// bad hook). The daemon calls it at start and again on SIGHUP, then swaps
// the sink: set_notification_sink(make_hook_dispatcher(new_config.hooks)).
std::shared_ptr<HookDispatcher> make_hook_dispatcher(const std::vector<HookConfig>& hooks);

// SIGHUP: builds the new hooks and swaps the sink; a hook that fails to
// build is logged and the running dispatcher stays. The old dispatcher
// drains (up to its deadline) when the last notify() holding it returns.
bool reload_hook_dispatcher(const std::vector<HookConfig>& hooks);

// procwatch_hook_notifications_total{hook,result} (sent, failed, retried,
// dropped) and procwatch_hook_last_success_timestamp_seconds{hook}.
std::string render_hook_metrics(const std::vector<HookStatus>& status);

// The dispatcher set as the notification sink, if any (for /metrics).
std::shared_ptr<HookDispatcher> current_hook_dispatcher();

}  // namespace pw
