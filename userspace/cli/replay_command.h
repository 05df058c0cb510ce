// `procwatch replay FILE` and `procwatch top --db FILE`: the top views over
// a recording, interactive (with time keys) or in batch mode.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "cli/top_command.h"
#include "store/reader.h"
#include "view/view_options.h"

namespace pw {

struct ReplayCommandOptions {
  TopCommandOptions top;  // file in top.db; view options as for top
};

CLI::App* add_replay_command(CLI::App& app, ReplayCommandOptions& options);
int run_replay_command(const ReplayCommandOptions& options);

// top --db: batch frames (--once, -n N, --json, --csv, -b) or the
// interactive replay; `replay` for the replay subcommand (which has no
// batch options: without a terminal it points to top --db).
int run_recorded_top(const TopCommandOptions& options, const ViewOptions& view,
                     bool replay = false);

// A recording's session opened for reading, chosen as the commands do:
// `session` if not 0; else the one whose samples span `at` (if given and
// absolute); else the latest. Throws FatalError / StoreError.
struct OpenSession {
  std::unique_ptr<Recording> recording;
  std::unique_ptr<SessionReader> reader;
};
OpenSession open_recorded_session(const std::string& path, std::int64_t session,
                                  const std::string& at);

// The sample index `at` names in the session (nearest sample), or
// `fallback` when `at` is empty. Throws FatalError (exit 2) for a time that
// is not one or lies outside the recording.
std::size_t sample_index_at(const SessionReader& reader, const std::string& at,
                            std::size_t fallback);

}  // namespace pw
