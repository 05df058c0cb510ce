#include "report/report_writer.h"

#include <cmath>
#include <cstdio>

#include "view/batch.h"
#include "view/json_frame.h"
#include "report/chartjs.h"
#include "view/sanitize.h"
#include "view/summary.h"

namespace pw {
namespace {

using OJson = nlohmann::ordered_json;

std::string safe(std::string_view untrusted) { return sanitize_for_terminal(untrusted); }
std::string html(std::string_view untrusted) { return html_escape(safe(untrusted)); }

std::string bytes_text(double b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (b >= 1024 && u < 4) {
    b /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
  return buf;
}

std::string fixed(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string when(std::uint64_t wall_ns) { return format_wall_time(wall_ns, false); }

// A table cell for a process: its name in bold, then the command line cut to
// a readable length (the whole of it in the tooltip).
std::string command_cell(const std::string& comm, const std::string& cmdline) {
  constexpr std::size_t kShown = 160;
  const std::string clean = safe(cmdline);
  std::string cell = "<td class=\"cmd\" title=\"" + html_escape(clean) + "\"><b>" + html(comm) +
                     "</b> " + html_escape(truncate_with_marker(clean, kShown)) + "</td>";
  return cell;
}

OJson opt_json(const std::optional<std::uint64_t>& v) { return v ? OJson(*v) : OJson(nullptr); }

// NaN (no value) becomes null.
OJson series_json(const std::vector<double>& v) {
  OJson a = OJson::array();
  for (double x : v) a.push_back(std::isfinite(x) ? OJson(x) : OJson(nullptr));
  return a;
}

OJson process_report_json(const ProcessReport& p) {
  return {
      {"pid", p.key.pid},
      {"start_ns", p.key.start_ns},
      {"ppid", p.ppid},
      {"comm", p.comm},
      {"cmdline", p.cmdline},
      {"user", p.user},
      {"first_seen_ns", p.first_wall_ns},
      {"last_seen_ns", p.last_wall_ns},
      {"samples", p.samples},
      {"started", p.started},
      {"exited", p.exited},
      {"exit_status", p.exit_status ? OJson(*p.exit_status) : OJson(nullptr)},
      {"cpu_s", p.cpu_s},
      {"peak_cpu_pct", p.peak_cpu_pct},
      {"read_bytes", opt_json(p.read_bytes)},
      {"write_bytes", opt_json(p.write_bytes)},
      {"net_tx_bytes", opt_json(p.net_tx_bytes)},
      {"net_rx_bytes", opt_json(p.net_rx_bytes)},
      {"peak_rss_bytes", opt_json(p.peak_rss_bytes)},
  };
}

OJson event_json(const LifecycleRow& r) {
  const LifecycleEvent& e = r.event;
  OJson j = {{"sample_wall_ns", r.wall_ns},
             {"ts_ns", e.ts_ns},
             {"kind", event_kind_name(e.kind)},
             {"pid", e.key.pid},
             {"start_ns", e.key.start_ns},
             {"ppid", e.ppid},
             {"comm", e.comm}};
  if (e.kind == LifecycleEvent::Kind::Exec) {
    j["filename"] = e.filename;
    j["argv"] = e.argv;
  }
  if (e.exit_status) j["exit_status"] = *e.exit_status;
  if (e.kind == LifecycleEvent::Kind::OomKill) {
    j["trigger_pid"] = e.trigger_pid;
    j["trigger_comm"] = e.trigger_comm;
    j["victim_rss_bytes"] = e.victim_rss_bytes;
  }
  return j;
}

OJson index_list(const ReportData& d, const std::vector<std::size_t>& idx) {
  OJson a = OJson::array();
  for (std::size_t i : idx) a.push_back(process_report_json(d.processes_seen[i]));
  return a;
}

// The data block of the HTML page: only what the charts draw.
OJson chart_data(const ReportData& d) {
  OJson times = OJson::array();
  for (std::uint64_t t : d.times) times.push_back(static_cast<double>(t / 1'000'000));  // ms
  OJson series = OJson::array();
  for (const ProcessSeries& s : d.series) {
    series.push_back({{"label", d.processes_seen[s.process].label()},
                      {"pid", d.processes_seen[s.process].key.pid},
                      {"cpu_pct", series_json(s.cpu_pct)},
                      {"rss_bytes", series_json(s.rss_bytes)},
                      {"io_bytes_per_s", series_json(s.io_bytes_per_s)},
                      {"net_bytes_per_s", series_json(s.net_bytes_per_s)}});
  }
  auto pids = [&](const std::vector<std::size_t>& idx) {
    OJson a = OJson::array();
    for (std::size_t i : idx) a.push_back(d.processes_seen[i].key.pid);
    return a;
  };
  return {{"times_ms", times},
          {"cpu_busy_pct", series_json(d.cpu_busy_pct)},
          {"mem_used_bytes", series_json(d.mem_used_bytes)},
          {"mem_total_bytes", d.mem_total_bytes},
          {"load1", series_json(d.load1)},
          {"processes", series_json(d.processes)},
          {"events_per_s", series_json(d.events_per_s)},
          {"series", series},
          {"top_cpu", pids(d.top_cpu)},
          {"top_mem", pids(d.top_mem)},
          {"top_io", pids(d.top_io)},
          {"top_net", pids(d.top_net)}};
}

// Builds the charts from the data block; records errors and what it drew in
// data-* attributes of <body> (the headless browser test reads them).
constexpr std::string_view kChartScript = R"js(
(function () {
  'use strict';
  var errors = [];
  var drawn = 0;
  function report() {
    document.body.setAttribute('data-charts-rendered', String(drawn));
    document.body.setAttribute('data-chart-errors', String(errors.length));
    var box = document.getElementById('chart-errors');
    box.textContent = errors.join('\n');
    box.hidden = errors.length === 0;
  }
  window.addEventListener('error', function (e) { errors.push(String(e.message)); report(); });
  function bytes(v) {
    var u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'], i = 0;
    while (Math.abs(v) >= 1024 && i < u.length - 1) { v /= 1024; i++; }
    return (i ? v.toFixed(1) : v.toFixed(0)) + ' ' + u[i];
  }
  var palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b',
                 '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  try {
    var data = JSON.parse(document.getElementById('report-data').textContent);
    var step = data.times_ms.length > 1
        ? (data.times_ms[data.times_ms.length - 1] - data.times_ms[0]) / (data.times_ms.length - 1)
        : 1000;
    var labels = data.times_ms.map(function (t) {
      var d = new Date(t);
      var hms = d.toTimeString().slice(0, 8);
      return step < 1000 ? hms + '.' + String(d.getMilliseconds()).padStart(3, '0').slice(0, 1)
                         : hms;
    });
    function line(id, datasets, format) {
      var canvas = document.getElementById(id);
      if (!canvas) return;
      var chart = new Chart(canvas, {
        type: 'line',
        data: { labels: labels, datasets: datasets },
        options: {
          animation: false, responsive: true, maintainAspectRatio: false,
          interaction: { mode: 'index', intersect: false },
          elements: { point: { radius: labels.length > 60 ? 0 : 2 }, line: { borderWidth: 1.5 } },
          scales: { y: { beginAtZero: true, ticks: { callback: format } },
                    x: { ticks: { maxTicksLimit: 12 } } },
          plugins: {
            legend: { display: datasets.length > 1, position: 'bottom' },
            tooltip: { callbacks: { label: function (c) {
              return c.dataset.label + ': ' + (c.parsed.y === null ? '-' : format(c.parsed.y));
            } } }
          }
        }
      });
      chart.draw();
      canvas.setAttribute('data-points', String(datasets.reduce(function (n, ds) {
        return n + ds.data.filter(function (v) { return v !== null; }).length; }, 0)));
      drawn++;
    }
    function one(label, values, color) {
      return { label: label, data: values, borderColor: color, backgroundColor: color + '33',
               fill: true, spanGaps: true };
    }
    function perProcess(pids, key) {
      return pids.map(function (pid, i) {
        var s = data.series.find(function (x) { return x.pid === pid; });
        if (!s) return null;
        return { label: s.label, data: s[key], borderColor: palette[i % palette.length],
                 backgroundColor: palette[i % palette.length], fill: false, spanGaps: false };
      }).filter(function (d) { return d !== null; });
    }
    var pct = function (v) { return Number(v).toFixed(0) + '%'; };
    var num = function (v) { return Number(v).toFixed(Number(v) < 10 ? 2 : 0); };
    var rate = function (v) { return bytes(v) + '/s'; };
    line('chart-cpu', [one('CPU busy', data.cpu_busy_pct, '#d62728')], pct);
    line('chart-mem', [one('Memory used', data.mem_used_bytes, '#1f77b4')], bytes);
    line('chart-load', [one('Load (1 min)', data.load1, '#2ca02c')], num);
    line('chart-procs', [one('Processes', data.processes, '#9467bd')], num);
    line('chart-proc-cpu', perProcess(data.top_cpu.slice(0, 8), 'cpu_pct'), pct);
    line('chart-proc-rss', perProcess(data.top_mem.slice(0, 8), 'rss_bytes'), bytes);
    line('chart-proc-io', perProcess(data.top_io.slice(0, 8), 'io_bytes_per_s'), rate);
    line('chart-proc-net', perProcess(data.top_net.slice(0, 8), 'net_bytes_per_s'), rate);
  } catch (e) {
    errors.push(String(e && e.stack ? e.stack : e));
  }
  report();
})();
)js";

constexpr std::string_view kStyle = R"css(
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 auto; max-width: 1200px; padding: 1em 2em;
       color: #222; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
h3 { font-size: 1em; margin: 1em 0 0.3em; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 13px; }
th, td { padding: 2px 8px; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.cmd { max-width: 40em; overflow-wrap: anywhere; color: #555; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 1em; }
.chart { position: relative; height: 260px; }
.muted { color: #777; }
.tops { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 0 2em; }
#chart-errors { color: #b00; white-space: pre-wrap; }
)css";

void chart_box(std::ostream& out, std::string_view id, std::string_view title) {
  out << "<div><h3>" << title << "</h3><div class=\"chart\"><canvas id=\"" << id
      << "\"></canvas></div></div>\n";
}

void process_table(std::ostream& out, const ReportData& d, const std::vector<std::size_t>& idx,
                   std::string_view title, std::string_view empty, std::string_view figure_header,
                   std::string (*figure)(const ProcessReport&)) {
  out << "<div><h3>" << title << "</h3>\n";
  if (idx.empty()) {
    out << "<p class=\"muted\">" << empty << "</p></div>\n";
    return;
  }
  out << "<table><tr><th class=\"n\">PID</th><th>COMMAND</th><th>USER</th><th class=\"n\">"
      << figure_header << "</th></tr>\n";
  for (std::size_t i : idx) {
    const ProcessReport& p = d.processes_seen[i];
    out << "<tr><td class=\"n\">" << p.key.pid << "</td>" << command_cell(p.comm, p.cmdline)
        << "<td>" << html(p.user) << "</td><td class=\"n\">" << figure(p) << "</td></tr>\n";
  }
  out << "</table></div>\n";
}

void lifecycle_table(std::ostream& out, const ReportData& d, const std::vector<std::size_t>& idx,
                     bool exits, std::size_t cap) {
  if (idx.empty()) {
    out << "<p class=\"muted\">None.</p>\n";
    return;
  }
  out << "<table><tr><th>" << (exits ? "last seen" : "first seen")
      << "</th><th class=\"n\">PID</th><th class=\"n\">PPID</th><th>COMMAND</th>"
      << (exits ? "<th>status</th><th class=\"n\">CPU s</th>" : "") << "</tr>\n";
  std::size_t shown = 0;
  for (std::size_t i : idx) {
    if (shown++ == cap) break;
    const ProcessReport& p = d.processes_seen[i];
    out << "<tr><td>" << when(exits ? p.last_wall_ns : p.first_wall_ns) << "</td><td class=\"n\">"
        << p.key.pid << "</td><td class=\"n\">" << p.ppid << "</td>"
        << command_cell(p.comm, p.cmdline);
    if (exits)
      out << "<td>" << (p.exit_status ? exit_text(*p.exit_status) : "-") << "</td><td class=\"n\">"
          << fixed(p.cpu_s, 3) << "</td>";
    out << "</tr>\n";
  }
  out << "</table>\n";
  if (idx.size() > cap)
    out << "<p class=\"muted\">… and " << idx.size() - cap
        << " more (procwatch report --format json lists them all).</p>\n";
}

}  // namespace

std::string exit_text(std::uint32_t status) {
  if ((status & 0x7f) == 0) return "exit " + std::to_string((status >> 8) & 0xff);
  std::string s = "signal " + std::to_string(status & 0x7f);
  if (status & 0x80) s += " (core dumped)";
  return s;
}

std::string json_for_script(const nlohmann::ordered_json& j) {
  const std::string raw = dump_json(j);
  std::string out;
  out.reserve(raw.size() + raw.size() / 16);
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '<')
      out += "\\u003c";
    else if (c == '>')
      out += "\\u003e";
    else if (c == '&')
      out += "\\u0026";
    else if (c == '\xe2' && i + 2 < raw.size() && raw[i + 1] == '\x80' &&
             (raw[i + 2] == '\xa8' || raw[i + 2] == '\xa9')) {
      out += raw[i + 2] == '\xa8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

OJson report_json(const ReportData& d) {
  OJson notices = d.session.notices;
  OJson session = {{"id", d.session.id},
                   {"host", d.session.host},
                   {"kernel", d.session.kernel},
                   {"procwatch_version", d.session.procwatch_version},
                   {"start_wall_ns", d.session.start_wall_ns},
                   {"end_wall_ns", opt_json(d.session.end_wall_ns)},
                   {"end_reason", d.session.end_reason},
                   {"interval_ns", d.session.interval_ns},
                   {"filters", OJson::parse(d.session.filters_json, nullptr, false)},
                   {"queue_drops", d.session.queue_drops},
                   {"notices", notices}};
  OJson times = OJson::array();
  for (std::uint64_t t : d.times) times.push_back(t);
  OJson series = OJson::array();
  for (const ProcessSeries& s : d.series)
    series.push_back({{"pid", d.processes_seen[s.process].key.pid},
                      {"start_ns", d.processes_seen[s.process].key.start_ns},
                      {"cpu_pct", series_json(s.cpu_pct)},
                      {"rss_bytes", series_json(s.rss_bytes)},
                      {"io_bytes_per_s", series_json(s.io_bytes_per_s)},
                      {"net_bytes_per_s", series_json(s.net_bytes_per_s)}});
  OJson lifecycle = OJson::array();
  for (const LifecycleRow& r : d.lifecycle) lifecycle.push_back(event_json(r));
  OJson ooms = OJson::array();
  for (const LifecycleRow& r : d.oom_kills) ooms.push_back(event_json(r));
  OJson alerts = OJson::array();
  for (const AlertRecord& a : d.alerts) {
    OJson j = {
        {"wall_ns", a.wall_ns}, {"severity", a.severity}, {"rule", a.rule}, {"message", a.message}};
    if (a.process) {
      j["pid"] = a.process->pid;
      j["start_ns"] = a.process->start_ns;
    }
    alerts.push_back(j);
  }
  OJson findings = OJson::array();
  for (const Finding& f : d.findings) {
    OJson j = {{"id", f.id},
               {"kind", finding_kind_name(f.kind)},
               {"detector", f.detector},
               {"comm", safe(f.comm)},
               {"identity", safe(f.identity)},
               {"metric", f.metric},
               {"value", f.value},
               {"baseline", f.baseline},
               {"score", f.score},
               {"rate_per_s", f.rate_per_s},
               {"confidence", f.confidence},
               {"window_s", f.window_s},
               {"start_wall_ns", f.start_wall_ns},
               {"end_wall_ns", f.end_wall_ns},
               {"active", f.active},
               {"evidence", safe(f.evidence)}};
    if (f.process) {
      j["pid"] = f.process->pid;
      j["start_ns"] = f.process->start_ns;
    }
    findings.push_back(j);
  }
  return {{"session", session},
          {"samples", d.samples},
          {"first_wall_ns", d.first_wall_ns},
          {"last_wall_ns", d.last_wall_ns},
          {"num_cpus", d.num_cpus},
          {"mem_total_bytes", d.mem_total_bytes},
          {"events_dropped", d.events_dropped},
          {"system",
           {{"times_ns", times},
            {"cpu_busy_pct", series_json(d.cpu_busy_pct)},
            {"mem_used_bytes", series_json(d.mem_used_bytes)},
            {"load1", series_json(d.load1)},
            {"events_per_s", series_json(d.events_per_s)},
            {"processes", series_json(d.processes)}}},
          {"top",
           {{"cpu", index_list(d, d.top_cpu)},
            {"io", index_list(d, d.top_io)},
            {"network", index_list(d, d.top_net)},
            {"memory", index_list(d, d.top_mem)}}},
          {"started", index_list(d, d.started)},
          {"exited", index_list(d, d.exited)},
          {"lifecycle_events", lifecycle},
          {"lifecycle_events_total", d.lifecycle_total},
          {"oom_kills", ooms},
          {"alerts", alerts},
          {"findings", findings},
          {"series", series}};
}

void write_report_json(std::ostream& out, const ReportData& d) {
  out << dump_json(report_json(d), 1) << "\n";
}

void write_report_csv(std::ostream& out, const ReportData& d) {
  out << "pid,start_ns,ppid,comm,cmdline,user,first_seen_ns,last_seen_ns,samples,started,exited,"
         "exit_status,cpu_s,peak_cpu_pct,read_bytes,write_bytes,net_tx_bytes,net_rx_bytes,"
         "peak_rss_bytes\n";
  std::vector<std::size_t> order(d.processes_seen.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return d.processes_seen[a].cpu_s > d.processes_seen[b].cpu_s;
  });
  auto opt = [](const std::optional<std::uint64_t>& v) {
    return v ? std::to_string(*v) : std::string();
  };
  for (std::size_t i : order) {
    const ProcessReport& p = d.processes_seen[i];
    out << p.key.pid << ',' << p.key.start_ns << ',' << p.ppid << ',' << csv_escape(p.comm) << ','
        << csv_escape(p.cmdline) << ',' << csv_escape(p.user) << ',' << p.first_wall_ns << ','
        << p.last_wall_ns << ',' << p.samples << ',' << (p.started ? 1 : 0) << ','
        << (p.exited ? 1 : 0) << ',' << (p.exit_status ? std::to_string(*p.exit_status) : "") << ','
        << fixed(p.cpu_s, 6) << ',' << fixed(p.peak_cpu_pct, 2) << ',' << opt(p.read_bytes) << ','
        << opt(p.write_bytes) << ',' << opt(p.net_tx_bytes) << ',' << opt(p.net_rx_bytes) << ','
        << opt(p.peak_rss_bytes) << '\n';
  }
}

void write_report_html(std::ostream& out, const ReportData& d) {
  const SessionInfo& s = d.session;
  const double span_s = static_cast<double>(d.last_wall_ns - d.first_wall_ns) / 1e9;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>procwatch report: " << html(s.host) << ", " << when(d.first_wall_ns)
      << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n";
  out << "<h1>procwatch report: " << html(s.host) << "</h1>\n";
  out << "<p class=\"muted\">" << when(d.first_wall_ns) << " to " << when(d.last_wall_ns) << " ("
      << fixed(span_s, 0) << " s, " << d.samples << " samples)</p>\n";
  out << "<pre id=\"chart-errors\" hidden></pre>\n";

  out << "<h2>Session</h2>\n<table>\n";
  auto row = [&](std::string_view k, const std::string& v) {
    out << "<tr><th>" << k << "</th><td>" << v << "</td></tr>\n";
  };
  row("host", html(s.host));
  row("kernel", html(s.kernel));
  row("recorded by", "procwatch " + html(s.procwatch_version));
  row("started", when(s.start_wall_ns));
  row("ended", s.end_wall_ns ? when(*s.end_wall_ns) + " (" + html(s.end_reason) + ")"
                             : std::string("not closed (still recording, or killed)"));
  row("interval", fixed(static_cast<double>(s.interval_ns) / 1e9, 3) + " s");
  row("CPUs", std::to_string(d.num_cpus));
  row("memory", d.mem_total_bytes ? bytes_text(static_cast<double>(d.mem_total_bytes)) : "-");
  row("filters", html(s.filters_json));
  row("processes seen", std::to_string(d.processes_seen.size()));
  row("kernel events lost", std::to_string(d.events_dropped));
  row("samples dropped by the writer", std::to_string(s.queue_drops));
  for (const std::string& n : s.notices) row("notice", html(n));
  out << "</table>\n";

  out << "<h2>System</h2>\n<div class=\"grid\">\n";
  chart_box(out, "chart-cpu", "CPU busy (100% = all CPUs)");
  chart_box(out, "chart-mem", "Memory used");
  chart_box(out, "chart-load", "Load average (1 min)");
  chart_box(out, "chart-procs", "Processes");
  out << "</div>\n";

  out << "<h2>Top processes over time</h2>\n<div class=\"grid\">\n";
  chart_box(out, "chart-proc-cpu", "CPU % (100 = one core)");
  chart_box(out, "chart-proc-rss", "Resident memory");
  if (!d.top_io.empty()) chart_box(out, "chart-proc-io", "Storage IO (read + write)");
  if (!d.top_net.empty()) chart_box(out, "chart-proc-net", "Network (sent + received)");
  out << "</div>\n";

  out << "<h2>Top consumers</h2>\n<div class=\"tops\">\n";
  process_table(out, d, d.top_cpu, "CPU", "No CPU time recorded.", "CPU s",
                [](const ProcessReport& p) {
                  return fixed(p.cpu_s, 2) + " <span class=\"muted\">(peak " +
                         fixed(p.peak_cpu_pct, 0) + "%)</span>";
                });
  process_table(out, d, d.top_mem, "Memory", "No memory figures recorded.", "peak RSS",
                [](const ProcessReport& p) {
                  return bytes_text(static_cast<double>(p.peak_rss_bytes.value_or(0)));
                });
  process_table(
      out, d, d.top_io, "Storage IO", "No storage IO recorded.", "read + written",
      [](const ProcessReport& p) { return bytes_text(static_cast<double>(p.io_bytes())); });
  process_table(
      out, d, d.top_net, "Network", "No network traffic recorded.", "sent + received",
      [](const ProcessReport& p) { return bytes_text(static_cast<double>(p.net_bytes())); });
  out << "</div>\n";

  out << "<h2>Processes that started (" << d.started.size() << ")</h2>\n";
  lifecycle_table(out, d, d.started, false, 200);
  out << "<h2>Processes that exited (" << d.exited.size() << ")</h2>\n";
  lifecycle_table(out, d, d.exited, true, 200);

  out << "<h2>OOM kills (" << d.oom_kills.size() << ")</h2>\n";
  if (d.oom_kills.empty()) {
    out << "<p class=\"muted\">None.</p>\n";
  } else {
    out << "<table><tr><th>time</th><th class=\"n\">PID</th><th>victim</th><th class=\"n\">RSS"
           "</th><th>triggered by</th></tr>\n";
    for (const LifecycleRow& r : d.oom_kills)
      out << "<tr><td>" << when(r.wall_ns) << "</td><td class=\"n\">" << r.event.key.pid
          << "</td><td>" << html(r.event.comm) << "</td><td class=\"n\">"
          << bytes_text(static_cast<double>(r.event.victim_rss_bytes)) << "</td><td>"
          << html(r.event.trigger_comm) << " (" << r.event.trigger_pid << ")</td></tr>\n";
    out << "</table>\n";
  }
  out << "<h2>Alerts (" << d.alerts.size() << ")</h2>\n";
  if (d.alerts.empty()) {
    out << "<p class=\"muted\">None.</p>\n";
  } else {
    out << "<table><tr><th>time</th><th>severity</th><th>rule</th><th class=\"n\">PID</th>"
           "<th>message</th></tr>\n";
    for (const AlertRecord& a : d.alerts)
      out << "<tr><td>" << when(a.wall_ns) << "</td><td>" << html(a.severity) << "</td><td>"
          << html(a.rule) << "</td><td class=\"n\">"
          << (a.process ? std::to_string(a.process->pid) : "-") << "</td><td>" << html(a.message)
          << "</td></tr>\n";
    out << "</table>\n";
  }

  out << "<h2>Findings (" << d.findings.size() << ")</h2>\n";
  if (d.findings.empty()) {
    out << "<p class=\"muted\">None stored (recorded without the analyzer, or nothing "
           "found; <code>procwatch analyze FILE</code> runs it over the samples).</p>\n";
  } else {
    out << "<table><tr><th>kind</th><th>detector</th><th class=\"n\">PID</th><th>process</th>"
           "<th>metric</th><th class=\"n\">rate/s</th><th class=\"n\">value</th>"
           "<th class=\"n\">baseline</th><th class=\"n\">score</th><th>start</th><th>end</th>"
           "<th>evidence</th></tr>\n";
    for (const Finding& f : d.findings)
      out << "<tr><td>" << finding_kind_name(f.kind) << "</td><td>" << html(f.detector)
          << "</td><td class=\"n\">" << (f.process ? std::to_string(f.process->pid) : "-")
          << "</td><td>" << html(f.comm) << "</td><td>" << html(f.metric)
          << "</td><td class=\"n\">"
          << (f.kind == Finding::Kind::Leak ? bytes_text(f.rate_per_s) : fixed(f.value, 2))
          << "</td><td class=\"n\">" << fixed(f.value, 2) << "</td><td class=\"n\">"
          << fixed(f.baseline, 2) << "</td><td class=\"n\">" << fixed(f.score, 2) << "</td><td>"
          << when(f.start_wall_ns) << "</td><td>" << (f.active ? "active" : when(f.end_wall_ns))
          << "</td><td>" << html(f.evidence) << "</td></tr>\n";
    out << "</table>\n";
  }

  out << "<p class=\"muted\">Generated by procwatch " << PROCWATCH_VERSION
      << ". Charts drawn with Chart.js " << chartjs_source_version()
      << " (MIT license), embedded in this file.</p>\n";
  out << "<script type=\"application/json\" id=\"report-data\">" << json_for_script(chart_data(d))
      << "</script>\n";
  out << "<script>\n" << chartjs_source() << "\n</script>\n";
  out << "<script>" << kChartScript << "</script>\n</body></html>\n";
}

}  // namespace pw
