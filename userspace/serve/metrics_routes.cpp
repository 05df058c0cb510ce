#include "serve/metrics_routes.h"

#include "serve/prometheus_text.h"
#include "view/sanitize.h"

namespace pw {

void add_metrics_routes(HttpServer& server, const ModelBoard& board, MetricsRoutesInfo info) {
  server.get("/metrics", [&board, version = info.version,
                          extra = info.extra_metrics](const HttpRequest&) {
    const ModelBoard::Snapshot snap = board.snapshot();
    HttpResponse r;
    if (!snap.model) {
      // Prometheus records the target as down until the first sample.
      r.status = 503;
      r.body = "procwatch is starting: no sample yet\n";
      return r;
    }
    PrometheusContext context;
    context.version = version;
    context.last_counted_maps = snap.counted_maps.get();
    r.content_type = std::string(kPrometheusContentType);
    r.body = render_prometheus(*snap.model, context);
    if (extra) r.body += extra();
    return r;
  });
  const std::string index = "procwatch " + info.version + " daemon on " +
                            sanitize_for_terminal(info.hostname) +
                            "\n\n/metrics  Prometheus text format: procwatch's own cost (CPU, "
                            "memory, each BPF program and map), its probes and CPU budget, "
                            "system totals\n";
  server.get("/", [index](const HttpRequest&) {
    return HttpResponse{200, "text/plain; charset=utf-8", index};
  });
}

}  // namespace pw
