// The daemon's routes: GET /metrics (Prometheus text format of the latest
// Model) and GET / (a short plain-text index).
#pragma once

#include <functional>
#include <string>

#include "serve/http_server.h"
#include "serve/model_board.h"

namespace pw {

struct MetricsRoutesInfo {
  std::string version;   // procwatch_build_info and the index
  std::string hostname;  // the index
  // More Prometheus text appended to /metrics (the daemon's hook counters);
  // a callback so serve/ needs no alert/ header.
  std::function<std::string()> extra_metrics;
};

// The handlers read `board` (which must outlive `server`) and nothing else.
void add_metrics_routes(HttpServer& server, const ModelBoard& board, MetricsRoutesInfo info);

}  // namespace pw
