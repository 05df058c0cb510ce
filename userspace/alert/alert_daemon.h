// The daemon's alerting step: analyzer + rule engine once per interval,
// transitions logged and handed to the notification sink. Owns the config
// so a reload (SIGHUP) swaps it whole or not at all.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "alert/rule_engine.h"
#include "analyze/analyzer.h"
#include "config/config.h"

namespace pw {

class AlertDaemon {
 public:
  AlertDaemon(Config config, std::string host);

  // Annotates the model with findings (Model::findings, row flags), then
  // evaluates the rules; returns the transitions it logged and delivered.
  std::vector<Alert> step(Model& model, std::uint64_t now_ns, std::uint64_t wall_ns);

  // Re-reads config().path. A bad file keeps the running config; the
  // errors are logged and the call returns false.
  bool reload();

  const Config& config() const { return config_; }
  std::vector<Alert> active() const { return engine_->active(); }

 private:
  void apply(Config config);

  Config config_;
  std::string host_;
  std::unique_ptr<Analyzer> analyzer_;
  std::unique_ptr<RuleEngine> engine_;
};

}  // namespace pw
