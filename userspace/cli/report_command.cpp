#include "cli/report_command.h"

#include <unistd.h>

#include <csignal>

#include "cli/output_file.h"
#include "cli/replay_command.h"
#include "common/error.h"
#include "common/time_text.h"
#include "report/report_writer.h"
#include "store/findings_table.h"

namespace pw {
namespace {

std::optional<std::uint64_t> time_option(const SessionReader& r, const std::string& text,
                                         const char* name) {
  if (text.empty()) return std::nullopt;
  const auto t = parse_time_point(text, r.time_at(0).wall_ns, r.time_at(r.size() - 1).wall_ns);
  if (!t.value) throw FatalError(std::string(name) + ": " + t.error, 2);
  return t.value;
}

}  // namespace

CLI::App* add_report_command(CLI::App& app, ReportCommandOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "report", "Summarize a recording: top consumers, lifecycle, alerts, charts");
  cmd->add_option("file", o.file, "Recording made by 'procwatch record'")->required();
  cmd->add_option("--format", o.format, "html (one self-contained page), json or csv")
      ->check(CLI::IsMember({"html", "json", "csv"}))
      ->capture_default_str();
  cmd->add_option("-o,--output", o.output, "Write to this file (default: stdout)");
  cmd->add_option("--session", o.session, "The session to report (default: the latest)");
  cmd->add_option("--from", o.from, "Start of the reported range (12:03:10, +5m, ...)");
  cmd->add_option("--to", o.to, "End of the reported range");
  cmd->add_option("--top", o.top, "Processes per top list")->capture_default_str();
  return cmd;
}

int run_report_command(const ReportCommandOptions& o) {
  if (o.top == 0 || o.top > 1000) throw FatalError("--top must be between 1 and 1000", 2);
  if (o.format == "html" && (o.output.empty() || o.output == "-") && ::isatty(STDOUT_FILENO))
    throw FatalError("the HTML report is one large page: write it to a file with -o report.html",
                     2);
  OpenSession s = open_recorded_session(o.file, o.session, o.from);
  SessionReader& reader = *s.reader;
  ReportOptions ropts;
  ropts.top_n = o.top;
  ropts.from_wall_ns = time_option(reader, o.from, "--from");
  ropts.to_wall_ns = time_option(reader, o.to, "--to");
  if (ropts.from_wall_ns && ropts.to_wall_ns && *ropts.to_wall_ns < *ropts.from_wall_ns)
    throw FatalError("--to is before --from", 2);
  ReportData data = build_report(reader, reader.info(), reader.alerts(), ropts);
  data.findings = read_findings(s.recording->database(), reader.info().id);

  std::signal(SIGPIPE, SIG_IGN);
  OutputFile out(o.output);
  if (o.format == "json")
    write_report_json(out.stream(), data);
  else if (o.format == "csv")
    write_report_csv(out.stream(), data);
  else
    write_report_html(out.stream(), data);
  out.commit();
  const std::string format = o.format == "html" ? "HTML" : o.format == "json" ? "JSON" : "CSV";
  announce_output(out, "the " + format + " report of session " + std::to_string(reader.info().id) +
                           " (" + std::to_string(data.samples) + " samples)");
  return 0;
}

}  // namespace pw
