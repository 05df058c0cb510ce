// The Prometheus text exposition format (version 0.0.4) for /metrics.
//
// Counters are the Sample's cumulative values (Prometheus computes rates
// itself, over whatever window the user asks for); gauges are levels. Base
// units only: seconds and bytes, ratios 0..1, counters end in `_total`.
// PrometheusText is the writer every family goes through, so later
// exporters (per-process series) get HELP/TYPE once per family, escaped
// labels and no duplicate series for free.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"

namespace pw {

inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// A label value as the text format needs it. The bytes are untrusted
// (process names, later): first sanitized as top shows them (control
// bytes and invalid UTF-8 become the text `\xNN`, so the output is valid
// UTF-8 and never drives a terminal that cats it), then backslash, double
// quote and newline escaped as the format requires.
std::string prometheus_label_value(std::string_view untrusted);
// HELP text: backslash and newline escaped.
std::string prometheus_help_text(std::string_view text);
// A sample value: shortest text that reads back as the same double;
// NaN, +Inf, -Inf as the format spells them.
std::string prometheus_number(double value);
// Nanoseconds as exact decimal seconds ("1.5", "0.000000042"), no float rounding.
std::string prometheus_seconds(std::uint64_t ns);

enum class MetricType { Counter, Gauge };

struct MetricLabel {
  std::string_view name;   // [a-zA-Z_][a-zA-Z0-9_]*, fixed by the code
  std::string_view value;  // any bytes: escaped here
};

class PrometheusText {
 public:
  // Starts a family. HELP and TYPE are written with its first series, so a
  // family without series leaves no trace. Throws std::logic_error for a
  // name that is not a metric name, a counter not ending in `_total`, or a
  // family started twice (one exposition holds each family once).
  void family(std::string_view name, MetricType type, std::string_view help);
  // One series of the current family. A label set this family already has
  // is skipped (returns false): Prometheus rejects a scrape that repeats a
  // series.
  bool add_count(std::initializer_list<MetricLabel> labels, std::uint64_t value);
  bool add_value(std::initializer_list<MetricLabel> labels, double value);
  bool add_seconds(std::initializer_list<MetricLabel> labels, std::uint64_t ns);
  bool add_flag(std::initializer_list<MetricLabel> labels, bool value) {
    return add_count(labels, value ? 1 : 0);
  }

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  bool add(std::initializer_list<MetricLabel> labels, const std::string& value);

  std::string out_;
  std::string name_;
  std::string header_;  // HELP and TYPE of the current family, until its first series
  std::set<std::string, std::less<>> families_;
  std::set<std::string, std::less<>> series_;  // label sets of the current family
};

struct PrometheusContext {
  std::string version;  // procwatch_build_info{version}
  // Map occupancy is counted only in intervals with BPF statistics on (a
  // key walk); when the Model's sample has none, these, from the last
  // interval that counted, are shown instead. May be null.
  const std::vector<MapUsage>* last_counted_maps = nullptr;
};

// procwatch's own cost, its probes, its CPU budget and a few system totals
// (see README "procwatch daemon and Prometheus" for the list).
std::string render_prometheus(const Model& model, const PrometheusContext& context);

}  // namespace pw
