#include "cli/config_command.h"

#include "alert/hooks/hook.h"
#include "config/config.h"

namespace pw {

ConfigCommand add_config_command(CLI::App& app, ConfigCommandOptions& options) {
  ConfigCommand c;
  c.config = app.add_subcommand("config", "Work with the daemon's config file (procwatch.toml)");
  c.config->require_subcommand(1);
  c.check = c.config->add_subcommand("check", "Validate a config file; exit 2 with the errors");
  c.check->add_option("FILE", options.file, "The config file")->required();
  return c;
}

int run_config_check(const ConfigCommandOptions& options, std::ostream& out, std::ostream& err) {
  const ConfigResult r = load_config_file(options.file);
  if (!r.config) {
    for (const auto& e : r.errors) err << e << "\n";
    err << options.file << ": " << r.errors.size() << " error(s); the config is not valid\n";
    return 2;
  }
  const Config& c = *r.config;
  std::vector<std::string> hook_errors;
  for (const auto& h : c.hooks)
    for (auto& e : check_hook_settings(h)) hook_errors.push_back(std::move(e));
  if (!hook_errors.empty()) {
    for (const auto& e : hook_errors) err << e << "\n";
    err << options.file << ": " << hook_errors.size() << " error(s); the config is not valid\n";
    return 2;
  }
  out << options.file << ": valid\n"
      << "  daemon: interval " << c.daemon.interval_s << "s"
      << (c.daemon.listen.empty() ? "" : ", listen " + c.daemon.listen)
      << (c.daemon.record_path.empty() ? "" : ", record " + c.daemon.record_path) << "\n"
      << "  detectors: leak " << (c.detectors.leak ? "on" : "off") << ", anomaly "
      << (c.detectors.anomaly ? "on" : "off") << "\n"
      << "  rules: " << c.rules.size() << (c.rules.empty() ? " (the built-in rules apply)" : "")
      << "\n";
  for (const auto& rule : c.rules) {
    out << "    " << rule.name << ": " << rule.field << (rule.above ? " above" : " below");
    if (rule.warning) out << " warning " << *rule.warning;
    if (rule.critical) out << " critical " << *rule.critical;
    out << " for " << rule.for_s << "s\n";
  }
  out << "  hooks: " << c.hooks.size() << "\n";
  for (const auto& h : c.hooks) out << "    " << h.name << " (" << h.type << ")\n";
  return 0;
}

}  // namespace pw
