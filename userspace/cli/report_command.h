// `procwatch report FILE`: a summary of a recorded session as one
// self-contained HTML page (charts included), JSON or CSV.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

namespace pw {

struct ReportCommandOptions {
  std::string file;
  std::string format = "html";
  std::string output;  // "" or "-": stdout
  std::int64_t session = 0;
  std::string from, to;  // times as for --at
  std::size_t top = 10;
};

CLI::App* add_report_command(CLI::App& app, ReportCommandOptions& options);
int run_report_command(const ReportCommandOptions& options);

}  // namespace pw
