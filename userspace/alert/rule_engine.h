// Threshold rules and the analyzer's findings, turned into alert state
// changes once per interval. Time comes in as an argument (no clock read
// inside) so tests drive `for` and hysteresis with a fake clock.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "alert/alert.h"
#include "config/config.h"
#include "model/model.h"

namespace pw {

// The rules that apply when the config has none. Leak suspicion, OOM kill
// and run-queue saturation also arrive as analyzer findings. Memory pressure
// (MemAvailable) and disk space have no field in the model yet, so there is
// no built-in rule for them.
std::vector<RuleConfig> default_rules();

class RuleEngine {
 public:
  RuleEngine(std::vector<RuleConfig> rules, DetectorsConfig detectors, std::string host);

  // One evaluation. now_ns: a monotonic clock (drives `for`); wall_ns:
  // CLOCK_REALTIME for the alerts' timestamps. Returns only transitions:
  // newly firing, escalated/de-escalated (firing again with the new
  // severity) and resolved.
  std::vector<Alert> evaluate(const Model& model, std::uint64_t now_ns, std::uint64_t wall_ns);

  std::vector<Alert> active() const;  // firing now, in fingerprint order
  const std::vector<RuleConfig>& rules() const { return rules_; }

 private:
  enum class Level : std::uint8_t { None, Warning, Critical };
  struct Subject {
    Alert alert;                 // filled when it fires
    Level firing = Level::None;  // None: not firing
    Level pending = Level::None;
    std::uint64_t pending_since_ns = 0;
    bool seen = false;  // seen in this evaluation
  };

  void evaluate_rule(const RuleConfig& rule, const Model& model, std::uint64_t now_ns,
                     std::uint64_t wall_ns, std::vector<Alert>& out);
  void step(const RuleConfig& rule, Subject& s, double value, std::uint64_t now_ns,
            std::uint64_t wall_ns, std::vector<Alert>& out);
  void evaluate_findings(const Model& model, std::uint64_t wall_ns, std::vector<Alert>& out);

  std::vector<RuleConfig> rules_;
  DetectorsConfig detectors_;
  std::string host_;
  std::map<std::string, Subject> subjects_;  // by fingerprint
};

// "rule|pid:start" style key, hashed to hex: the same rule on the same
// subject always dedupes to one alert.
std::string alert_fingerprint(const std::string& rule, const std::string& subject);

}  // namespace pw
