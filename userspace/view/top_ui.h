// The interactive terminal UI (like top/htop), built on ncursesw.
#pragma once

#include "feed/model_feed.h"
#include "view/view_options.h"

namespace pw {

// Runs until the user quits (q, F10) or SIGINT/SIGTERM arrives; returns the
// exit code: 0, or 1 when the terminal cannot be initialized (the reason is
// printed on stderr). Exceptions from the feed propagate after the terminal
// has been restored. Needs stdin and stdout to be a terminal.
int run_top_ui(ModelFeed& feed, ViewOptions opts);

}  // namespace pw
