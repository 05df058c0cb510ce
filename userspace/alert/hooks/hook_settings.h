// Typed reads of a hook's settings (the config keeps them as text; arrays and
// tables as JSON text). Each read records an error naming where and the key.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"

namespace pw {

class HookSettings {
 public:
  explicit HookSettings(const HookConfig& h) : h_(h) {}
  bool has(const std::string& key) const { return h_.settings.count(key) != 0; }
  std::string text(const std::string& key, const std::string& fallback = "");
  double number(const std::string& key, double fallback, double min, double max);
  bool flag(const std::string& key, bool fallback);
  // An array of strings, or one string (split on whitespace when `split`).
  std::vector<std::string> list(const std::string& key, bool split);
  std::map<std::string, std::string> table(const std::string& key);
  void error(const std::string& key, const std::string& why);
  const std::vector<std::string>& errors() const { return errors_; }
  const HookConfig& config() const { return h_; }

 private:
  const HookConfig& h_;
  std::vector<std::string> errors_;
};

}  // namespace pw
