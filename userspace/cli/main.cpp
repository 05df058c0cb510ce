// procwatch's entry point: parse, run one subcommand, turn errors into one
// sentence and an exit code. Everything else lives in procwatch_core.
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "cli/analyze_command.h"
#include "cli/config_command.h"
#include "cli/daemon_command.h"
#include "cli/export_command.h"
#include "cli/fields_command.h"
#include "cli/leaks_command.h"
#include "cli/record_command.h"
#include "cli/replay_command.h"
#include "cli/report_command.h"
#include "cli/status_command.h"
#include "cli/top_command.h"
#include "cli/tree_command.h"
#include "common/error.h"
#include "common/log.h"

namespace {

// The documented exit code for every bad argument, whatever CLI11 calls it
// (its own codes are 101-115): a service manager tells a typo (2, do not
// restart) from a runtime failure (1) by it.
constexpr int kUsageExit = 2;

std::string subcommand_names(const CLI::App& app) {
  std::string names;
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (!names.empty()) names += ", ";
    names += sub->get_name();
  }
  return names;
}

// --help and --version exit 0 as CLI11 prints them; every parse error is
// one line on stderr naming the subcommand, and exit code 2.
int parse_error_exit(CLI::App& app, const CLI::ParseError& e) {
  if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
  const CLI::App* sub = nullptr;
  for (const CLI::App* s : app.get_subcommands({}))
    if (s->parsed()) sub = s;
  if (!sub) {
    const std::vector<std::string> rest = app.remaining();
    if (!rest.empty() && !rest.front().empty() && rest.front().front() != '-') {
      std::cerr << "procwatch: unknown subcommand '" << rest.front()
                << "'; the subcommands are: " << subcommand_names(app)
                << " (procwatch --help describes them)\n";
    } else if (dynamic_cast<const CLI::RequiredError*>(&e) && rest.empty()) {
      std::cerr << "procwatch: give a subcommand: " << subcommand_names(app)
                << " (procwatch --help describes them)\n";
    } else if (dynamic_cast<const CLI::RequiredError*>(&e)) {
      std::cerr << "procwatch: unknown option '" << rest.front()
                << "' before the subcommand; a subcommand's options follow it (procwatch "
                   "SUBCOMMAND --help lists them)\n";
    } else {
      std::cerr << "procwatch: " << e.what() << " (see procwatch --help)\n";
    }
    return kUsageExit;
  }
  const std::string name = "procwatch " + sub->get_name();
  std::cerr << name << ": " << e.what() << " (see " << name << " --help)\n";
  return kUsageExit;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "procwatch: a per-process profiler for Linux built on eBPF.\n"
      "Per process: CPU time and run-queue latency, off-CPU time, block IO (bytes, requests,\n"
      "latency), network traffic and TCP connections, memory (RSS split, faults, mmap/brk,\n"
      "OOM kills) and every fork, exec and exit. Live (top, tree), recorded (record, replay,\n"
      "report, export), searched for memory leaks and anomalies (leaks, analyze), and served\n"
      "to Prometheus with procwatch's own cost (daemon, status)."};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("procwatch ") + PROCWATCH_VERSION);
  int verbosity = 0;
  app.add_flag("-v,--verbose", verbosity, "More log output (-vv: libbpf's messages too)");
  app.parse_complete_callback([&verbosity] {
    pw::set_log_level(verbosity >= 2   ? pw::LogLevel::Debug
                      : verbosity == 1 ? pw::LogLevel::Info
                                       : pw::LogLevel::Warn);
  });

  pw::TopCommandOptions top;
  CLI::App* top_cmd = pw::add_top_command(app, top);
  pw::FieldsCommandOptions fields;
  CLI::App* fields_cmd = pw::add_fields_command(app, fields);
  pw::TreeCommandOptions tree;
  CLI::App* tree_cmd = pw::add_tree_command(app, tree);
  pw::RecordCommandOptions record;
  CLI::App* record_cmd = pw::add_record_command(app, record);
  pw::ReplayCommandOptions replay;
  CLI::App* replay_cmd = pw::add_replay_command(app, replay);
  pw::ReportCommandOptions report;
  CLI::App* report_cmd = pw::add_report_command(app, report);
  pw::ExportCommandOptions export_opts;
  CLI::App* export_cmd = pw::add_export_command(app, export_opts);
  pw::StatusCommandOptions status;
  CLI::App* status_cmd = pw::add_status_command(app, status);
  pw::DaemonCommandOptions daemon_opts;
  CLI::App* daemon_cmd = pw::add_daemon_command(app, daemon_opts);
  pw::ConfigCommandOptions config_opts;
  pw::ConfigCommand config_cmd = pw::add_config_command(app, config_opts);
  pw::AnalyzeCommandOptions analyze_opts;
  CLI::App* analyze_cmd = pw::add_analyze_command(app, analyze_opts);
  pw::LeaksCommandOptions leaks_opts;
  CLI::App* leaks_cmd = pw::add_leaks_command(app, leaks_opts);

  try {
    app.parse(argc, argv);
    if (top_cmd->parsed()) return pw::run_top_command(top);
    if (tree_cmd->parsed()) return pw::run_tree_command(tree);
    if (record_cmd->parsed()) return pw::run_record_command(record);
    if (replay_cmd->parsed()) return pw::run_replay_command(replay);
    if (report_cmd->parsed()) return pw::run_report_command(report);
    if (export_cmd->parsed()) return pw::run_export_command(export_opts);
    if (status_cmd->parsed()) return pw::run_status_command(status);
    if (daemon_cmd->parsed()) return pw::run_daemon_command(daemon_opts);
    if (config_cmd.check->parsed())
      return pw::run_config_check(config_opts, std::cout, std::cerr);
    if (analyze_cmd->parsed()) return pw::run_analyze_command(analyze_opts);
    if (leaks_cmd->parsed()) return pw::run_leaks_command(leaks_opts);
    if (fields_cmd->parsed()) {
      pw::write_field_list(std::cout, fields.json);
      return 0;
    }
  } catch (const CLI::ParseError& e) {
    return parse_error_exit(app, e);
  } catch (const pw::FatalError& e) {
    std::cerr << "procwatch: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "procwatch: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
