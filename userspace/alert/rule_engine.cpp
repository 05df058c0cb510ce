#include "alert/rule_engine.h"

#include <cstdio>
#include <regex>

#include "model/fields.h"

namespace pw {
namespace {

std::optional<double> numeric(const FieldValue& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  return std::nullopt;
}

std::optional<double> system_value(const SystemRow& s, const std::string& field) {
  if (field == "cpu_busy_pct") return s.cpu_busy_pct;
  if (field == "cpu_user_pct") return s.cpu_user_pct;
  if (field == "cpu_system_pct") return s.cpu_system_pct;
  if (field == "cpu_iowait_pct") return s.cpu_iowait_pct;
  if (field == "cpu_steal_pct") return s.cpu_steal_pct;
  if (field == "num_processes") return s.num_processes;
  if (field == "num_threads") return s.num_threads;
  if (field == "num_running") return s.num_running;
  return std::nullopt;
}

bool matches(const RuleMatch& m, const ProcessSample& p) {
  if (!m.comm.empty() && m.comm != p.comm) return false;
  if (!m.user.empty() && m.user != p.user) return false;
  if (!m.cgroup.empty() && m.cgroup != p.cgroup) return false;
  // The config checked the regex already; compiling per row is fine at the
  // sizes rules match (a cache would be the next step if it shows up).
  if (!m.cmdline_regex.empty() && !std::regex_search(p.cmdline, std::regex(m.cmdline_regex)))
    return false;
  return true;
}

std::string format_number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

std::string alert_fingerprint(const std::string& rule, const std::string& subject) {
  // FNV-1a 64: stable across runs and builds, unlike std::hash.
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : rule + '\x1f' + subject) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::vector<RuleConfig> default_rules() {
  std::vector<RuleConfig> rules;
  RuleConfig runq;
  runq.name = "runq_saturation";
  runq.field = "runq_wait_pct";
  runq.warning = 50;
  runq.critical = 80;
  runq.for_s = 30;
  runq.hysteresis = 10;
  runq.where = "built-in";
  rules.push_back(runq);
  RuleConfig cpu;
  cpu.name = "host_cpu_saturated";
  cpu.field = "cpu_busy_pct";
  cpu.scope = RuleScope::System;
  cpu.warning = 90;
  cpu.critical = 98;
  cpu.for_s = 60;
  cpu.hysteresis = 5;
  cpu.where = "built-in";
  rules.push_back(cpu);
  return rules;
}

RuleEngine::RuleEngine(std::vector<RuleConfig> rules, DetectorsConfig detectors, std::string host)
    : rules_(rules.empty() ? default_rules() : std::move(rules)),
      detectors_(detectors),
      host_(std::move(host)) {}

void RuleEngine::step(const RuleConfig& rule, Subject& s, double value, std::uint64_t now_ns,
                      std::uint64_t wall_ns, std::vector<Alert>& out) {
  auto beyond = [&](std::optional<double> t, double margin) {
    if (!t) return false;
    return rule.above ? value > *t - margin : value < *t + margin;
  };
  // Entering a level needs the threshold itself; staying in it only needs
  // the value not to have crossed back by more than the hysteresis.
  const bool firing = s.firing != Level::None;
  const double keep = rule.hysteresis;
  Level level = Level::None;
  if (beyond(rule.critical, s.firing == Level::Critical ? keep : 0))
    level = Level::Critical;
  else if (beyond(rule.warning, firing ? keep : 0) ||
           (firing && !rule.warning && beyond(rule.critical, keep)))
    level = rule.warning ? Level::Warning : Level::Critical;

  if (level == Level::None) {
    s.pending = Level::None;
    if (firing) {
      s.firing = Level::None;
      s.alert.state = AlertState::Resolved;
      s.alert.value = value;
      s.alert.ends_wall_ns = wall_ns;
      s.alert.summary = rule.name + ": " + rule.field + " back to " + format_number(value) +
                        (s.alert.comm.empty() ? std::string() : " (" + s.alert.comm + ")");
      out.push_back(s.alert);
    }
    return;
  }
  if (level == s.firing) {
    s.pending = Level::None;
    s.alert.value = value;
    return;
  }
  // A new level (first firing, escalation or de-escalation) holds for
  // `for` before it is announced, so one noisy sample does not page.
  if (s.pending != level) {
    s.pending = level;
    s.pending_since_ns = now_ns;
  }
  const double held_s = static_cast<double>(now_ns - s.pending_since_ns) / 1e9;
  const bool escalation_down = firing && level < s.firing;
  if (held_s + 1e-9 < rule.for_s && !escalation_down) return;
  if (!firing) s.alert.starts_wall_ns = wall_ns;
  s.firing = level;
  s.pending = Level::None;
  s.alert.state = AlertState::Firing;
  s.alert.ends_wall_ns = 0;
  s.alert.severity = level == Level::Critical ? AlertSeverity::Critical : AlertSeverity::Warning;
  s.alert.value = value;
  s.alert.threshold = level == Level::Critical ? *rule.critical : *rule.warning;
  s.alert.summary = rule.name + ": " + rule.field + " " + format_number(value) +
                    (rule.above ? " above " : " below ") + format_number(s.alert.threshold) +
                    (s.alert.comm.empty() ? std::string() : " (" + s.alert.comm + ")");
  s.alert.description = "held for " + format_number(held_s) + "s (rule needs " +
                        format_number(rule.for_s) + "s); rule at " + rule.where;
  out.push_back(s.alert);
}

void RuleEngine::evaluate_rule(const RuleConfig& rule, const Model& model, std::uint64_t now_ns,
                               std::uint64_t wall_ns, std::vector<Alert>& out) {
  auto subject = [&](const std::string& id) -> Subject& {
    const std::string fp = alert_fingerprint(rule.name, id);
    Subject& s = subjects_[fp];
    if (s.alert.fingerprint.empty()) {
      s.alert.fingerprint = fp;
      s.alert.rule = rule.name;
      s.alert.source = "threshold";
      s.alert.host = host_;
      s.alert.metric = rule.field;
    }
    s.seen = true;
    return s;
  };
  if (rule.scope == RuleScope::System) {
    if (auto v = system_value(model.system, rule.field)) {
      step(rule, subject("host"), *v, now_ns, wall_ns, out);
    } else {
      subject("host");  // unmeasured this interval: keep its state
    }
    return;
  }
  const FieldDef* f = find_field(rule.field);
  if (!f) return;
  for (const ProcessRow& row : model.processes) {
    if (!row.sample || !matches(rule.match, *row.sample)) continue;
    const ProcessSample& p = *row.sample;
    Subject& s = subject(std::to_string(p.key.pid) + ":" + std::to_string(p.key.start_ns));
    s.alert.process = p.key;
    s.alert.comm = p.comm;
    s.alert.cmdline = p.cmdline;
    s.alert.identity = p.cgroup + " " + p.cmdline;
    if (auto v = numeric(f->get(row, model.interval_s()))) step(rule, s, *v, now_ns, wall_ns, out);
  }
}

void RuleEngine::evaluate_findings(const Model& model, std::uint64_t wall_ns,
                                   std::vector<Alert>& out) {
  for (const Finding& f : model.findings) {
    if (!f.active) continue;
    if (f.kind == Finding::Kind::Leak ? !detectors_.leak : !detectors_.anomaly) continue;
    if (f.kind == Finding::Kind::Leak && f.confidence < detectors_.leak_min_confidence) continue;
    const std::string rule = f.kind == Finding::Kind::Leak ? "leak_suspicion" : f.detector;
    const std::string id = f.process ? std::to_string(f.process->pid) + ":" +
                                           std::to_string(f.process->start_ns) + ":" + f.metric
                                     : "host:" + f.metric;
    const std::string fp = alert_fingerprint(rule, id);
    Subject& s = subjects_[fp];
    s.seen = true;
    const bool is_new = s.firing == Level::None;
    Alert& a = s.alert;
    a.fingerprint = fp;
    a.rule = rule;
    a.source = std::string(finding_kind_name(f.kind));
    a.host = host_;
    a.process = f.process;
    a.comm = f.comm;
    a.identity = f.identity;
    a.metric = f.metric;
    a.value = f.value;
    a.threshold = f.baseline;
    const bool critical = f.detector == "oom_kill" || (f.time_to_oom_s && *f.time_to_oom_s < 600);
    a.severity = critical ? AlertSeverity::Critical : AlertSeverity::Warning;
    a.summary = rule + ": " + f.metric + " " + format_number(f.value) +
                (f.comm.empty() ? std::string() : " (" + f.comm + ")");
    a.description = f.evidence;
    a.values["score"] = f.score;
    if (f.rate_per_s != 0) a.values["rate_per_s"] = f.rate_per_s;
    if (is_new) {
      s.firing = critical ? Level::Critical : Level::Warning;
      a.state = AlertState::Firing;
      a.starts_wall_ns = f.start_wall_ns ? f.start_wall_ns : wall_ns;
      a.ends_wall_ns = 0;
      out.push_back(a);
    }
  }
}

std::vector<Alert> RuleEngine::evaluate(const Model& model, std::uint64_t now_ns,
                                        std::uint64_t wall_ns) {
  std::vector<Alert> out;
  for (auto& [fp, s] : subjects_) s.seen = false;
  for (const RuleConfig& rule : rules_) evaluate_rule(rule, model, now_ns, wall_ns, out);
  evaluate_findings(model, wall_ns, out);
  // A subject gone from the model (process exited, finding no longer
  // active) resolves: nothing is left to hold the alert.
  for (auto it = subjects_.begin(); it != subjects_.end();) {
    Subject& s = it->second;
    if (!s.seen) {
      if (s.firing != Level::None) {
        s.alert.state = AlertState::Resolved;
        s.alert.ends_wall_ns = wall_ns;
        s.alert.summary =
            s.alert.rule + ": resolved, " +
            (s.alert.process ? "the process is gone" : "no longer measured or found") +
            (s.alert.comm.empty() ? std::string() : " (" + s.alert.comm + ")");
        out.push_back(s.alert);
      }
      it = subjects_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

std::vector<Alert> RuleEngine::active() const {
  std::vector<Alert> a;
  for (const auto& [fp, s] : subjects_)
    if (s.firing != Level::None) a.push_back(s.alert);
  return a;
}

}  // namespace pw
