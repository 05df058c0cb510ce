#include "alert/alert_daemon.h"

#include "alert/notification_sink.h"
#include "common/log.h"

namespace pw {

AlertDaemon::AlertDaemon(Config config, std::string host) : host_(std::move(host)) {
  apply(std::move(config));
}

void AlertDaemon::apply(Config config) {
  AnalyzerOptions a;
  a.leaks = config.detectors.leak;
  a.anomalies = config.detectors.anomaly;
  // A reload restarts the detectors' windows: the detector settings may
  // have changed, and a fresh baseline is safer than a mixed one.
  analyzer_ = std::make_unique<Analyzer>(a);
  engine_ = std::make_unique<RuleEngine>(config.rules, config.detectors, host_);
  config_ = std::move(config);
}

bool AlertDaemon::reload() {
  ConfigResult r = load_config_file(config_.path);
  if (!r.config) {
    for (const auto& e : r.errors) log_warn("config reload: " + e);
    log_warn("config reload: " + config_.path + " is not valid; keeping the running config");
    return false;
  }
  for (const Alert& a : engine_->active())
    log_info("alert dropped by the reload: " + a.rule + " " + a.summary);
  apply(std::move(*r.config));
  log_info("config reloaded from " + config_.path + ": " + std::to_string(config_.rules.size()) +
           " rules, " + std::to_string(config_.hooks.size()) + " hooks");
  return true;
}

std::vector<Alert> AlertDaemon::step(Model& model, std::uint64_t now_ns, std::uint64_t wall_ns) {
  analyzer_->update(model);
  analyzer_->annotate(model);
  std::vector<Alert> changes = engine_->evaluate(model, now_ns, wall_ns);
  const std::shared_ptr<NotificationSink> sink = notification_sink();
  for (const Alert& a : changes) {
    const std::string line = "alert " + std::string(alert_state_name(a.state)) + " [" +
                             std::string(alert_severity_name(a.severity)) + "] " + a.summary;
    if (a.state == AlertState::Firing)
      log_warn(line);
    else
      log_info(line);
    if (sink) {
      Notification n;
      n.rule = a.rule;
      n.severity = a.severity;
      n.state = a.state;
      n.alerts = {a};
      n.wall_ns = wall_ns;
      sink->notify(n);
    }
  }
  return changes;
}

}  // namespace pw
