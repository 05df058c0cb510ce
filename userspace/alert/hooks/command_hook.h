// Runs a command per notification: the JSON on stdin, the essentials in
// PROCWATCH_ALERT_* environment variables. No shell unless `shell = true`.
// A command that outlives its timeout has its process group SIGKILLed.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "alert/hooks/hook.h"

namespace pw {

class CommandHook final : public Hook {
 public:
  CommandHook(std::string name, std::vector<std::string> argv, std::chrono::milliseconds timeout);
  DeliveryResult deliver(const Notification& n) override;

 private:
  std::vector<std::string> argv_;
  std::chrono::milliseconds timeout_;
};

// The PROCWATCH_ALERT_* variables of a notification ("NAME=value").
std::vector<std::string> command_hook_env(const Notification& n);

}  // namespace pw
