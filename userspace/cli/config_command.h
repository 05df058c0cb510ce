// `procwatch config check FILE`: parse and validate procwatch.toml without
// starting anything, so a deploy can check a config before it reloads.
#pragma once

#include <CLI/CLI.hpp>
#include <ostream>
#include <string>

namespace pw {

struct ConfigCommandOptions {
  std::string file;
};

struct ConfigCommand {
  CLI::App* config = nullptr;
  CLI::App* check = nullptr;
};

ConfigCommand add_config_command(CLI::App& app, ConfigCommandOptions& options);
// 0 when valid (a summary on out), 2 with one error per line on err.
int run_config_check(const ConfigCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace pw
