#include "cli/replay_command.h"

#include <unistd.h>

#include <csignal>
#include <iostream>

#include "analyze/analyzing_feed.h"
#include "analyze/stored_findings.h"
#include "common/error.h"
#include "common/time_text.h"
#include "replay/replay_feed.h"
#include "store/findings_table.h"
#include "view/batch.h"
#include "view/top_ui.h"

namespace pw {

OpenSession open_recorded_session(const std::string& path, std::int64_t session,
                                  const std::string& at) {
  OpenSession out;
  out.recording = std::make_unique<Recording>(path);
  const Recording& rec = *out.recording;
  std::optional<std::int64_t> id;
  if (session != 0) {
    id = rec.session(session).info.id;
  } else if (!at.empty() && !rec.sessions().empty()) {
    // An absolute time picks the session that spans it.
    const SessionSummary& latest = rec.session();
    const auto t = parse_time_point(at, latest.first_wall_ns, latest.last_wall_ns);
    if (t.value && at.front() != '+' && at.front() != '-') id = rec.session_at(*t.value);
  }
  const SessionSummary& chosen = rec.session(id);
  if (chosen.samples == 0)
    throw StoreError(path + ": session " + std::to_string(chosen.info.id) + " has no samples");
  out.reader = out.recording->open_session(chosen.info.id);
  return out;
}

std::size_t sample_index_at(const SessionReader& reader, const std::string& at,
                            std::size_t fallback) {
  if (at.empty()) return std::min(fallback, reader.size() - 1);
  std::string error;
  const auto index = find_sample_at(reader, at, &error);
  if (!index) throw FatalError("--at: " + error, 2);
  return *index;
}

int run_recorded_top(const TopCommandOptions& o, const ViewOptions& view, bool replay) {
  if (o.threads) throw FatalError("-H: recordings do not keep per-thread rows", 2);
  const bool batch = top_batch_mode(o);
  if (!batch && (!::isatty(STDOUT_FILENO) || !::isatty(STDIN_FILENO)))
    throw FatalError(replay ? "the replay view needs a terminal; for scripts use procwatch top "
                              "--db FILE --once (or -n N, --json, --csv)"
                            : "the replay view needs a terminal; use --once, -n N, --json or "
                              "--csv for scripts",
                     2);
  OpenSession s = open_recorded_session(o.db, o.session, o.at);
  SessionReader& reader = *s.reader;
  // Without --at: the second sample, the first with rates (as live top's
  // first frame comes one interval after start).
  const std::size_t start = sample_index_at(reader, o.at, 1);
  const std::vector<std::string> notices = reader.info().notices;

  if (!batch) {
    ReplayFeed feed(reader, start, notices);
    ViewOptions v = view;
    v.interval_s = static_cast<double>(reader.info().interval_ns) / 1e9;
    return run_top_ui(feed, v);
  }

  std::signal(SIGPIPE, SIG_IGN);
  BatchWriter writer(std::cout, top_batch_format(o), view, top_batch_options(o));
  // --once: one frame; -n N: N frames; otherwise to the end of the session.
  const std::size_t frames = o.once         ? 1
                             : o.iterations ? static_cast<std::size_t>(*o.iterations)
                                            : reader.size() - start;
  // The findings stored while recording; a file without (version 1, or
  // recorded before record stored them) gets the analyzer run over its
  // samples from the first one, so its flags match what top showed.
  const std::vector<Finding> stored = read_findings(s.recording->database(), reader.info().id);
  std::optional<Analyzer> analyzer;
  if (stored.empty()) {
    analyzer.emplace(live_analyzer_options());
    for (std::size_t i = 0; i < start; ++i) analyzer->update(reader.model_at(i));
  }
  for (std::size_t i = start; i < reader.size() && i - start < frames; ++i) {
    Model m = reader.model_at(i);
    if (analyzer) {
      analyzer->update(m);
      analyzer->annotate(m);
    } else {
      annotate_with_stored(m, stored);
    }
    writer.write(m, notices);
    std::cout.flush();
    if (!std::cout) throw FatalError("writing the output failed (disk full or closed pipe?)");
  }
  return 0;
}

CLI::App* add_replay_command(CLI::App& app, ReplayCommandOptions& r) {
  TopCommandOptions& o = r.top;
  CLI::App* cmd = app.add_subcommand(
      "replay", "Browse a recording in the top view: step, jump to a time, play");
  cmd->add_option("file", o.db, "Recording made by 'procwatch record'")->required();
  cmd->add_option("--at", o.at, "Start at this time (12:03:10, 2026-01-15 12:03:10, +5m, -1m)");
  cmd->add_option("--session", o.session, "The session to replay (default: the latest)");
  cmd->add_option("-f,--fields", o.fields, "Comma-separated columns (see 'procwatch fields')");
  cmd->add_option("-s,--sort", o.sort, "Field to sort by")->capture_default_str();
  cmd->add_flag("--asc", o.ascending, "Sort ascending");
  cmd->add_option("--filter", o.filter,
                  "Show matching processes: text, pid=N, user=NAME or comm=NAME");
  cmd->add_option("-p,--pid", o.pids, "Show only this process");
  cmd->add_option("-u,--user", o.user, "Show only this user's processes");
  cmd->add_flag("-t,--tree", o.tree, "Show children under their parents");
  cmd->add_flag("--no-kernel-threads", o.hide_kernel_threads, "Hide kernel threads");
  return cmd;
}

int run_replay_command(const ReplayCommandOptions& r) {
  return run_recorded_top(r.top, top_view_options(r.top), /*replay=*/true);
}

}  // namespace pw
