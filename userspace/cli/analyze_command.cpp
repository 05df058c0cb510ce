#include "cli/analyze_command.h"

#include <csignal>
#include <iostream>
#include <nlohmann/json.hpp>

#include "analyze/analyzer.h"
#include "analyze/finding_format.h"
#include "cli/leaks_command.h"
#include "cli/replay_command.h"
#include "common/error.h"
#include "common/time_text.h"

namespace pw {

CLI::App* add_analyze_command(CLI::App& app, AnalyzeCommandOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "analyze", "Run leak detection (tier 1) and the anomaly detectors over a recording");
  cmd->add_option("file", o.file, "Recording made by 'procwatch record'")->required();
  cmd->add_option("--session", o.session, "The session to analyze (default: the latest)");
  cmd->add_option("--from", o.from, "Start of the analyzed range (12:03:10, +5m, ...)");
  cmd->add_option("--to", o.to, "End of the analyzed range");
  cmd->add_flag("--json", o.json, "One JSON document instead of text");
  cmd->add_flag("--no-leaks", o.no_leaks, "Skip leak detection");
  cmd->add_flag("--no-anomalies", o.no_anomalies, "Skip the anomaly detectors");
  cmd->add_flag("--utc", o.utc, "Times in UTC");
  return cmd;
}

int run_analyze_command(const AnalyzeCommandOptions& o) {
  OpenSession s = open_recorded_session(o.file, o.session, o.from);
  SessionReader& reader = *s.reader;
  if (reader.size() == 0) throw FatalError(o.file + ": the session has no samples", 1);
  const std::size_t first = sample_index_at(reader, o.from, 0);
  const std::size_t last = sample_index_at(reader, o.to, reader.size() - 1);
  if (last < first) throw FatalError("--to is before --from", 2);

  AnalyzerOptions aopts;  // memory limits: the recorded MemTotal (no cgroup limits recorded)
  aopts.leaks = !o.no_leaks;
  aopts.anomalies = !o.no_anomalies;
  Analyzer analyzer(aopts);
  for (std::size_t i = first; i <= last; ++i) analyzer.update(reader.model_at(i));
  const std::vector<Finding> all = analyzer.all();

  std::signal(SIGPIPE, SIG_IGN);
  if (o.json) {
    nlohmann::json j = {{"file", o.file},
                        {"session", reader.info().id},
                        {"from_wall_ns", reader.time_at(first).wall_ns},
                        {"to_wall_ns", reader.time_at(last).wall_ns},
                        {"samples", last - first + 1},
                        {"findings", nlohmann::json::array()}};
    for (const Finding& f : all) j["findings"].push_back(finding_json(f));
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << "analyzed " << (last - first + 1) << " samples of session " << reader.info().id
              << " (" << format_wall_time(reader.time_at(first).wall_ns, o.utc) << " to "
              << format_wall_time(reader.time_at(last).wall_ns, o.utc) << "): " << all.size()
              << " finding(s)\n";
    write_findings_text(std::cout, all, o.utc);
  }
  std::cout << std::flush;
  if (!std::cout) throw FatalError("writing the findings failed", 1);
  return all.empty() ? 0 : kExitFindings;
}

}  // namespace pw
