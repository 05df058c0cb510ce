#include "cli/export_command.h"

#include <csignal>

#include "cli/output_file.h"
#include "cli/replay_command.h"
#include "common/error.h"
#include "common/time_text.h"
#include "report/export.h"

namespace pw {

CLI::App* add_export_command(CLI::App& app, ExportCommandOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "export", "Write a recording's series as CSV or JSON Lines (raw counters by default)");
  cmd->add_option("file", o.file, "Recording made by 'procwatch record'")->required();
  cmd->add_option("--format", o.format, "csv or json (one object per line)")
      ->check(CLI::IsMember({"csv", "json"}))
      ->capture_default_str();
  cmd->add_option("--table", o.table,
                  "processes (one row per process and sample), system or events")
      ->check(CLI::IsMember({"processes", "system", "events"}))
      ->capture_default_str();
  cmd->add_option("-f,--fields", o.fields,
                  "Derived fields instead of raw counters (see 'procwatch fields')");
  cmd->add_option("-p,--pid", o.pids, "Only this process (repeatable)");
  cmd->add_option("-o,--output", o.output, "Write to this file (default: stdout)");
  cmd->add_option("--session", o.session, "The session to export (default: the latest)");
  cmd->add_option("--from", o.from, "Start of the exported range (12:03:10, +5m, ...)");
  cmd->add_option("--to", o.to, "End of the exported range");
  return cmd;
}

int run_export_command(const ExportCommandOptions& o) {
  ExportOptions e;
  e.format = o.format == "json" ? ExportFormat::Json : ExportFormat::Csv;
  e.table = o.table == "system"   ? ExportTable::System
            : o.table == "events" ? ExportTable::Events
                                  : ExportTable::Processes;
  if (!o.fields.empty()) {
    if (e.table != ExportTable::Processes)
      throw FatalError("--fields applies to --table processes", 2);
    auto parsed = parse_field_list(o.fields);
    if (!parsed.error.empty()) throw FatalError("--fields: " + parsed.error, 2);
    e.fields = parsed.ids;
  }
  e.pids.assign(o.pids.begin(), o.pids.end());
  OpenSession s = open_recorded_session(o.file, o.session, o.from);
  SessionReader& reader = *s.reader;
  const std::uint64_t first = reader.time_at(0).wall_ns;
  const std::uint64_t last = reader.time_at(reader.size() - 1).wall_ns;
  for (auto [text, target, name] :
       {std::tuple{&o.from, &e.from_wall_ns, "--from"}, std::tuple{&o.to, &e.to_wall_ns, "--to"}}) {
    if (text->empty()) continue;
    const auto t = parse_time_point(*text, first, last);
    if (!t.value) throw FatalError(std::string(name) + ": " + t.error, 2);
    *target = t.value;
  }
  std::signal(SIGPIPE, SIG_IGN);
  OutputFile out(o.output);
  const std::uint64_t rows = write_export(out.stream(), reader, e);
  out.commit();
  announce_output(out, std::to_string(rows) + " " + o.table + " rows of session " +
                           std::to_string(reader.info().id) + " as " +
                           (o.format == "json" ? "JSON Lines" : "CSV"));
  return 0;
}

}  // namespace pw
