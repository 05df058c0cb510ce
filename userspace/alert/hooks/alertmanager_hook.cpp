#include "alert/hooks/http_hooks.h"
#include "alert/hooks/payload.h"

namespace pw {

std::string alertmanager_body(const Notification& n, const std::string& generator_url) {
  using nlohmann::json;
  json out = json::array();
  for (const auto& a : n.alerts) {
    // Alertmanager groups and dedupes by the label set: keep it to stable
    // identity (no values), so a re-send updates the same alert.
    json labels = {{"alertname", a.rule},         {"severity", alert_severity_name(a.severity)},
                   {"instance", a.host},          {"host", a.host},
                   {"source", a.source},          {"comm", strip_control(a.comm)},
                   {"fingerprint", a.fingerprint}};
    if (a.process) labels["pid"] = std::to_string(a.process->pid);
    if (!a.metric.empty()) labels["metric"] = a.metric;
    for (const auto& [k, v] : a.labels) labels[k] = v;
    json alert = {{"labels", labels},
                  {"annotations", {{"summary", a.summary}, {"description", a.description}}},
                  {"startsAt", rfc3339(a.starts_wall_ns ? a.starts_wall_ns : n.wall_ns)}};
    // An endsAt in the past is how Alertmanager learns an alert resolved.
    if (a.state == AlertState::Resolved || n.state == AlertState::Resolved)
      alert["endsAt"] = rfc3339(a.ends_wall_ns ? a.ends_wall_ns : n.wall_ns);
    if (!generator_url.empty()) alert["generatorURL"] = generator_url;
    out.push_back(alert);
  }
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

AlertmanagerHook::AlertmanagerHook(std::string name, HttpPost request, std::string generator_url)
    : Hook(std::move(name)),
      request_(std::move(request)),
      generator_url_(std::move(generator_url)) {
  while (!request_.url.empty() && request_.url.back() == '/') request_.url.pop_back();
  request_.url += "/api/v2/alerts";
  request_.headers.emplace_back("Content-Type: application/json");
}

DeliveryResult AlertmanagerHook::deliver(const Notification& n) {
  HttpPost p = request_;
  p.body = alertmanager_body(n, generator_url_);
  return curl_post(p);
}

}  // namespace pw
