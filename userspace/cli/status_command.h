// `procwatch status`: what procwatch loaded here and what it costs.
#pragma once

#include <CLI/CLI.hpp>

namespace pw {

struct StatusCommandOptions {
  double duration_s = 2.0;
  bool json = false;
};

CLI::App* add_status_command(CLI::App& app, StatusCommandOptions& options);
int run_status_command(const StatusCommandOptions& options);

}  // namespace pw
