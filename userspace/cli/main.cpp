// procwatch's entry point: parse, run one subcommand, turn errors into one
// sentence and an exit code. Everything else lives in procwatch_core.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/fields_command.h"
#include "cli/top_command.h"
#include "common/error.h"
#include "common/log.h"

int main(int argc, char** argv) {
  CLI::App app{"procwatch: per-process CPU, scheduler and lifecycle profiler built on eBPF"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("procwatch ") + PROCWATCH_VERSION);
  int verbosity = 0;
  app.add_flag("-v,--verbose", verbosity, "More log output (-vv: libbpf's messages too)");
  app.parse_complete_callback([&verbosity] {
    pw::set_log_level(verbosity >= 2 ? pw::LogLevel::Debug
                      : verbosity == 1 ? pw::LogLevel::Info
                                       : pw::LogLevel::Warn);
  });

  pw::TopCommandOptions top;
  CLI::App* top_cmd = pw::add_top_command(app, top);
  pw::FieldsCommandOptions fields;
  CLI::App* fields_cmd = pw::add_fields_command(app, fields);

  try {
    app.parse(argc, argv);
    if (top_cmd->parsed()) return pw::run_top_command(top);
    if (fields_cmd->parsed()) {
      pw::write_field_list(std::cout, fields.json);
      return 0;
    }
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const pw::FatalError& e) {
    std::cerr << "procwatch: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "procwatch: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
