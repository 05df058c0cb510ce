// A hook delivers one notification to one outside system (a file, a command,
// a webhook, mail, Alertmanager). The dispatcher (hook_dispatcher.h) owns the
// hooks, queues for them and retries what the hook says is retryable.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "alert/alert.h"
#include "config/config.h"

namespace pw {

struct DeliveryResult {
  enum class Kind { Ok, Retryable, Permanent };
  Kind kind = Kind::Ok;
  std::string message;  // what failed, on what, why (empty when ok)

  static DeliveryResult ok() { return {}; }
  static DeliveryResult retryable(std::string m) { return {Kind::Retryable, std::move(m)}; }
  static DeliveryResult permanent(std::string m) { return {Kind::Permanent, std::move(m)}; }
  bool is_ok() const { return kind == Kind::Ok; }
};

class Hook {
 public:
  explicit Hook(std::string name) : name_(std::move(name)) {}
  virtual ~Hook() = default;
  Hook(const Hook&) = delete;
  Hook& operator=(const Hook&) = delete;
  virtual std::string name() const { return name_; }
  // Called on the hook's worker thread, never on the daemon's.
  virtual DeliveryResult deliver(const Notification& n) = 0;

 private:
  std::string name_;
};

// Errors in a hook's settings, each naming the hook's file:line:col and the
// key ("procwatch.toml:12:1: hook 'pager' key 'timeout': ..."); empty = valid.
// `procwatch config check` and the daemon start call it.
std::vector<std::string> check_hook_settings(const HookConfig& h);

// Builds the hook; throws std::invalid_argument with the check's errors.
std::unique_ptr<Hook> make_hook(const HookConfig& h);

}  // namespace pw
