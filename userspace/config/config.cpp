#include "config/config.h"

#include <toml++/toml.h>

#include <cctype>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "model/fields.h"

namespace pw {
namespace {

class Checker {
 public:
  explicit Checker(std::string path) : path_(std::move(path)) {}

  std::string where(const toml::node& n) const {
    const auto& b = n.source().begin;
    return path_ + ":" + std::to_string(b.line) + ":" + std::to_string(b.column);
  }
  void error(const toml::node& n, const std::string& key, const std::string& why) {
    errors.push_back(where(n) + ": key '" + key + "': " + why);
  }
  // Unknown keys are errors: a misspelt "critcal" must not silently do nothing.
  void only_keys(const toml::table& t, const std::string& section,
                 const std::set<std::string>& allowed) {
    for (const auto& [k, v] : t)
      if (!allowed.count(std::string(k.str())))
        error(v, section + std::string(k.str()), "unknown key");
  }
  std::optional<std::string> text(const toml::table& t, const std::string& prefix,
                                  const char* key) {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (auto s = n->value<std::string>()) return *s;
    error(*n, prefix + key, "must be a string");
    return std::nullopt;
  }
  std::optional<double> number(const toml::table& t, const std::string& prefix, const char* key) {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (auto d = n->value<double>()) return *d;  // integers convert too
    error(*n, prefix + key, "must be a number");
    return std::nullopt;
  }
  std::optional<bool> boolean(const toml::table& t, const std::string& prefix, const char* key) {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (auto b = n->value<bool>()) return *b;
    error(*n, prefix + key, "must be true or false");
    return std::nullopt;
  }
  std::optional<double> duration(const toml::table& t, const std::string& prefix, const char* key) {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    std::optional<double> s;
    if (auto d = n->value<double>())
      s = *d;
    else if (auto str = n->value<std::string>())
      s = parse_duration_s(*str);
    if (!s) {
      error(*n, prefix + key, "not a duration (e.g. \"30s\", \"5m\", \"1h\")");
      return std::nullopt;
    }
    if (*s < 0) {
      error(*n, prefix + key, "a duration cannot be negative");
      return std::nullopt;
    }
    return s;
  }

  std::vector<std::string> errors;

 private:
  std::string path_;
};

void parse_daemon(Checker& c, const toml::table& t, DaemonConfig& d) {
  c.only_keys(t, "daemon.", {"interval", "listen", "record", "retention"});
  if (auto v = c.duration(t, "daemon.", "interval")) {
    if (*v <= 0)
      c.error(*t.get("interval"), "daemon.interval", "must be more than 0");
    else
      d.interval_s = *v;
  }
  if (auto v = c.text(t, "daemon.", "listen")) d.listen = *v;
  if (auto v = c.text(t, "daemon.", "record")) d.record_path = *v;
  if (auto v = c.duration(t, "daemon.", "retention")) d.retention_s = *v;
}

void parse_match(Checker& c, const toml::table& t, const std::string& prefix, RuleMatch& m) {
  c.only_keys(t, prefix, {"comm", "user", "cgroup", "cmdline_regex"});
  if (auto v = c.text(t, prefix, "comm")) m.comm = *v;
  if (auto v = c.text(t, prefix, "user")) m.user = *v;
  if (auto v = c.text(t, prefix, "cgroup")) m.cgroup = *v;
  if (auto v = c.text(t, prefix, "cmdline_regex")) {
    try {
      std::regex re(*v);
      m.cmdline_regex = *v;
    } catch (const std::regex_error& e) {
      c.error(*t.get("cmdline_regex"), prefix + "cmdline_regex",
              "bad regular expression: " + std::string(e.what()));
    }
  }
}

void parse_rule(Checker& c, const toml::table& t, std::size_t index, Config& cfg) {
  const std::string prefix = "rule[" + std::to_string(index) + "].";
  c.only_keys(t, prefix,
              {"name", "field", "scope", "match", "warning", "critical", "above", "below", "for",
               "hysteresis"});
  RuleConfig r;
  r.where = c.where(t);
  if (auto v = c.text(t, prefix, "name")) r.name = *v;
  if (r.name.empty()) c.error(t, prefix + "name", "every rule needs a name");
  if (auto v = c.text(t, prefix, "scope")) {
    if (*v == "system")
      r.scope = RuleScope::System;
    else if (*v != "process")
      c.error(*t.get("scope"), prefix + "scope", "must be \"process\" or \"system\"");
  }
  if (auto v = c.text(t, prefix, "field")) {
    r.field = *v;
    bool known = false;
    if (r.scope == RuleScope::System) {
      for (const auto& n : system_field_names()) known |= n == *v;
      if (!known) {
        std::string list;
        for (const auto& n : system_field_names()) list += (list.empty() ? "" : ", ") + n;
        c.error(*t.get("field"), prefix + "field",
                "unknown system field '" + *v + "' (system fields: " + list + ")");
      }
    } else {
      const FieldDef* f = find_field(*v);
      if (!f)
        c.error(*t.get("field"), prefix + "field",
                "unknown field '" + *v + "' (procwatch fields lists them)");
      else if (f->kind == FieldKind::Text)
        c.error(*t.get("field"), prefix + "field",
                "field '" + *v + "' is text; a threshold needs a number");
    }
  } else if (!t.get("field")) {
    c.error(t, prefix + "field", "every rule needs a field");
  }
  if (const toml::node* m = t.get("match")) {
    if (const toml::table* mt = m->as_table())
      parse_match(c, *mt, prefix + "match.", r.match);
    else
      c.error(*m, prefix + "match", "must be a table, e.g. match = { comm = \"nginx\" }");
  }
  r.warning = c.number(t, prefix, "warning");
  r.critical = c.number(t, prefix, "critical");
  if (!r.warning && !r.critical && !t.get("warning") && !t.get("critical"))
    c.error(t, prefix + "warning", "a rule needs warning, critical or both");
  auto above = c.boolean(t, prefix, "above");
  auto below = c.boolean(t, prefix, "below");
  if (above && below && *above == *below)
    c.error(*t.get("below"), prefix + "below", "contradicts 'above'; give one of them");
  if (below) r.above = !*below;
  if (above) r.above = *above;
  if (r.warning && r.critical && (r.above ? *r.critical < *r.warning : *r.critical > *r.warning))
    c.error(*t.get("critical"), prefix + "critical",
            r.above ? "must not be below warning for an 'above' rule"
                    : "must not be above warning for a 'below' rule");
  if (auto v = c.duration(t, prefix, "for")) r.for_s = *v;
  if (auto v = c.number(t, prefix, "hysteresis")) {
    if (*v < 0)
      c.error(*t.get("hysteresis"), prefix + "hysteresis", "cannot be negative");
    else
      r.hysteresis = *v;
  }
  for (const auto& other : cfg.rules)
    if (!r.name.empty() && other.name == r.name)
      c.error(t, prefix + "name",
              "rule '" + r.name + "' is defined twice (first at " + other.where + ")");
  cfg.rules.push_back(std::move(r));
}

void parse_detectors(Checker& c, const toml::table& t, DetectorsConfig& d) {
  c.only_keys(t, "detectors.", {"leak", "anomaly", "leak_min_confidence", "anomaly_z"});
  if (auto v = c.boolean(t, "detectors.", "leak")) d.leak = *v;
  if (auto v = c.boolean(t, "detectors.", "anomaly")) d.anomaly = *v;
  if (auto v = c.number(t, "detectors.", "leak_min_confidence")) {
    if (*v < 0 || *v > 1)
      c.error(*t.get("leak_min_confidence"), "detectors.leak_min_confidence",
              "must be between 0 and 1");
    else
      d.leak_min_confidence = *v;
  }
  if (auto v = c.number(t, "detectors.", "anomaly_z")) {
    if (*v <= 0)
      c.error(*t.get("anomaly_z"), "detectors.anomaly_z", "must be more than 0");
    else
      d.anomaly_z = *v;
  }
}

// The key that says where a hook delivers; the hooks check the rest.
const char* hook_target_key(const std::string& type) {
  if (type == "command") return "command";
  if (type == "webhook") return "url";
  if (type == "smtp") return "to";
  if (type == "alertmanager") return "url";
  if (type == "jsonl") return "path";
  if (type == "syslog") return "facility";
  return nullptr;
}

void parse_hook(Checker& c, const toml::table& t, std::size_t index, Config& cfg) {
  const std::string prefix = "hook[" + std::to_string(index) + "].";
  HookConfig h;
  h.where = c.where(t);
  if (auto v = c.text(t, prefix, "name")) h.name = *v;
  if (auto v = c.text(t, prefix, "type")) h.type = *v;
  const char* target = hook_target_key(h.type);
  if (!t.get("type"))
    c.error(t, prefix + "type",
            "every hook needs a type (command, webhook, smtp, alertmanager, jsonl, syslog)");
  else if (!target && !h.type.empty())
    c.error(*t.get("type"), prefix + "type",
            "unknown hook type '" + h.type + "' (command, webhook, smtp, alertmanager, jsonl, syslog)");
  if (target && !t.get(target))
    c.error(t, prefix + target, "a hook of type " + h.type + " needs '" + target + "'");
  for (const auto& [k, v] : t) {
    std::ostringstream s;
    if (auto str = v.value<std::string>())
      s << *str;
    else if (v.is_table() || v.is_array())
      s << toml::json_formatter{v};  // nested settings stay readable by the hook
    else
      v.visit([&](const auto& node) { s << node; });
    h.settings[std::string(k.str())] = s.str();
  }
  if (h.name.empty()) h.name = h.type + "-" + std::to_string(index);
  cfg.hooks.push_back(std::move(h));
}

}  // namespace

std::optional<double> parse_duration_s(const std::string& text) {
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
    ++i;
  if (i == 0 || (i == 1 && !std::isdigit(static_cast<unsigned char>(text[0])))) return std::nullopt;
  double value = 0;
  try {
    value = std::stod(text.substr(0, i));
  } catch (...) {
    return std::nullopt;
  }
  const std::string unit = text.substr(i);
  if (unit.empty() || unit == "s") return value;
  if (unit == "ms") return value / 1000;
  if (unit == "m") return value * 60;
  if (unit == "h") return value * 3600;
  if (unit == "d") return value * 86400;
  return std::nullopt;
}

const std::vector<std::string>& system_field_names() {
  static const std::vector<std::string> names = {
      "cpu_busy_pct",  "cpu_user_pct",  "cpu_system_pct", "cpu_iowait_pct",
      "cpu_steal_pct", "num_processes", "num_threads",    "num_running"};
  return names;
}

ConfigResult parse_config_text(const std::string& text, const std::string& path) {
  ConfigResult result;
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    result.errors.push_back(path + ":" + std::to_string(b.line) + ":" + std::to_string(b.column) +
                            ": " + std::string(e.description()));
    return result;
  }
  Checker c(path);
  Config cfg;
  cfg.path = path;
  c.only_keys(root, "", {"daemon", "rule", "detectors", "hook"});
  if (const toml::node* n = root.get("daemon")) {
    if (const toml::table* t = n->as_table())
      parse_daemon(c, *t, cfg.daemon);
    else
      c.error(*n, "daemon", "must be a table ([daemon])");
  }
  if (const toml::node* n = root.get("detectors")) {
    if (const toml::table* t = n->as_table())
      parse_detectors(c, *t, cfg.detectors);
    else
      c.error(*n, "detectors", "must be a table ([detectors])");
  }
  for (const char* section : {"rule", "hook"}) {
    const toml::node* n = root.get(section);
    if (!n) continue;
    const toml::array* a = n->as_array();
    if (!a) {
      c.error(*n, section, std::string("must be an array of tables ([[") + section + "]])");
      continue;
    }
    for (std::size_t i = 0; i < a->size(); ++i) {
      const toml::table* t = (*a)[i].as_table();
      if (!t) {
        c.error((*a)[i], section, std::string("each entry must be a table ([[") + section + "]])");
        continue;
      }
      if (section[0] == 'r')
        parse_rule(c, *t, i, cfg);
      else
        parse_hook(c, *t, i, cfg);
    }
  }
  result.errors = std::move(c.errors);
  if (result.errors.empty()) result.config = std::move(cfg);
  return result;
}

ConfigResult load_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    ConfigResult r;
    r.errors.push_back(path + ": cannot open the config file");
    return r;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  return parse_config_text(buf.str(), path);
}

}  // namespace pw
