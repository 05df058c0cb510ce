// Where the alert engine hands its notifications: the hooks (alert/hooks/)
// implement this, the daemon owns one and feeds it every alert transition.
// An interface rather than a callback so a sink can hold its own state
// (queues, connections) behind RAII.
#pragma once

#include <functional>
#include <memory>
#include <utility>

#include "alert/alert.h"

namespace pw {

class NotificationSink {
 public:
  virtual ~NotificationSink() = default;
  // Called on the daemon's thread once per transition (firing or resolved);
  // must not block for long: a slow delivery queues and returns.
  virtual void notify(const Notification& n) = 0;
};

// Adapter for tests and simple callers.
class FunctionNotificationSink final : public NotificationSink {
 public:
  explicit FunctionNotificationSink(std::function<void(const Notification&)> fn)
      : fn_(std::move(fn)) {}
  void notify(const Notification& n) override {
    if (fn_) fn_(n);
  }

 private:
  std::function<void(const Notification&)> fn_;
};

// The sink the daemon delivers to; none (nullptr) means log only. Set it
// before `procwatch daemon` starts its loop.
void set_notification_sink(std::shared_ptr<NotificationSink> sink);
std::shared_ptr<NotificationSink> notification_sink();

}  // namespace pw
