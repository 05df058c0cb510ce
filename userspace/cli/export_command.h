// `procwatch export FILE`: a recording's raw series (or derived fields) as
// CSV or JSON Lines.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace pw {

struct ExportCommandOptions {
  std::string file;
  std::string format = "csv";
  std::string table = "processes";
  std::string fields;  // derived fields instead of the raw counters
  std::vector<int> pids;
  std::string output;
  std::int64_t session = 0;
  std::string from, to;
};

CLI::App* add_export_command(CLI::App& app, ExportCommandOptions& options);
int run_export_command(const ExportCommandOptions& options);

}  // namespace pw
