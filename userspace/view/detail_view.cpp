#include "view/detail_view.h"

#include <algorithm>
#include <cstdio>
#include <string_view>

#include "model/cgroup_identity.h"
#include "model/fields.h"

namespace pw {
namespace {

std::string printf_text(const char* format, double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string state_name(char s) {
  switch (s) {
    case 'R':
      return "running";
    case 'S':
      return "sleeping";
    case 'D':
      return "disk wait";
    case 'Z':
      return "zombie";
    case 'T':
      return "stopped";
    case 't':
      return "traced";
    case 'I':
      return "idle";
    case 'X':
      return "exited";
    default:
      return "unknown";
  }
}

std::string value_text(const ProcessRow& row, FieldId id, double dt) {
  const FieldDef& f = field(id);
  return format_cell(f, f.get(row, dt));
}

// Cells already sanitized; pads all but the last column.
struct TextTable {
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> left;  // per column

  std::vector<std::string> lines() const {
    std::vector<std::size_t> width(left.size(), 0);
    for (const auto& r : rows)
      for (std::size_t c = 0; c < r.size() && c < width.size(); ++c)
        width[c] = std::max(width[c], display_width(r[c]));
    std::vector<std::string> out;
    for (const auto& r : rows) {
      std::string line = " ";
      for (std::size_t c = 0; c < r.size() && c < width.size(); ++c) {
        const bool last = c + 1 == r.size();
        line += ' ';
        line += last && left[c] ? r[c] : pad_to_width(r[c], width[c], left[c]);
      }
      out.push_back(std::move(line));
    }
    return out;
  }
};

std::string bytes_text(std::uint64_t v) {
  static const FieldDef kBytes{.format = FieldFormat::Bytes};
  return format_cell(kBytes, static_cast<double>(v));
}

std::string protocol_text(const Connection& c) {
  std::string p = c.protocol == 6    ? "tcp"
                  : c.protocol == 17 ? "udp"
                                     : "ip" + std::to_string(c.protocol);
  if (c.family == 6) p += '6';
  return p;
}

void add_identity(std::vector<std::string>& out, const ProcessRow& row, double dt, TextMode mode) {
  const ProcessSample& p = *row.sample;
  auto safe = [mode](std::string_view s) { return sanitize_for_terminal(s, mode); };
  const std::string user = p.user.empty() ? "-" : safe(p.user);
  out.push_back("Process " + std::to_string(p.key.pid) + " (" + safe(p.comm) + "), user " + user +
                " (uid " + std::to_string(p.uid) + "), state " + safe(std::string(1, p.state)) +
                " " + state_name(p.state) + ", " + std::to_string(p.num_threads) +
                (p.num_threads == 1 ? " thread" : " threads") +
                (p.kernel_thread ? ", kernel thread" : ""));
  out.push_back("  command    " + safe(value_text(row, FieldId::Cmdline, dt)));
  out.push_back("  parent     " + std::to_string(p.ppid));
  out.push_back("  age        " + value_text(row, FieldId::AgeS, dt) +
                (row.started_in_interval ? " (started this interval)" : ""));
  if (row.exited_in_interval)
    out.push_back("  exited     this interval, exit code " +
                  value_text(row, FieldId::ExitCode, dt));
  out.push_back("  cgroup     " + (p.cgroup.empty() ? std::string("-") : safe(p.cgroup)));
  const CgroupIdentity id = cgroup_identity(p.cgroup);
  std::string container = id.container_id.empty() ? "-" : safe(id.container_id);
  if (!id.runtime.empty()) container += " (" + safe(id.runtime) + ")";
  out.push_back("  container  " + container);
  out.push_back("  unit       " + (id.unit.empty() ? std::string("-") : safe(id.unit)));
}

void add_fields(std::vector<std::string>& out, const ProcessRow& row, double dt, TextMode mode) {
  out.push_back("Fields (rates over this interval; - = not measured)");
  TextTable t;
  t.left = {true, true, true};
  for (const FieldDef& f : all_fields()) {
    std::string v = sanitize_for_terminal(format_cell(f, f.get(row, dt)), mode);
    if (v != "-" && !f.unit.empty() && f.format != FieldFormat::Seconds &&
        f.format != FieldFormat::Plain)
      v += " " + std::string(f.unit);
    t.rows.push_back({std::string(f.name), std::string(f.header), std::move(v)});
  }
  for (std::string& l : t.lines()) out.push_back(std::move(l));
}

void add_connections(std::vector<std::string>& out, const ProcessSample& p, TextMode mode) {
  out.push_back("Connections (" + std::to_string(p.connections.size()) +
                "; bytes and retransmits since the socket opened)");
  if (p.connections.empty()) {
    out.push_back("  none");
    return;
  }
  TextTable t;
  t.left = {true, true, true, true, false, false, false, false};
  t.rows.push_back({"PROTO", "LOCAL", "REMOTE", "STATE", "SRTT", "TX", "RX", "RETR"});
  for (const Connection& c : p.connections) {
    auto safe_or_dash = [mode](const std::string& s) {
      return s.empty() ? std::string("-") : sanitize_for_terminal(s, mode);
    };
    t.rows.push_back(
        {protocol_text(c), safe_or_dash(c.local), safe_or_dash(c.remote), safe_or_dash(c.state),
         c.srtt_us ? duration_text(*c.srtt_us * 1000.0, mode) : "-", bytes_text(c.tx_bytes),
         bytes_text(c.rx_bytes), std::to_string(c.retransmits)});
  }
  for (std::string& l : t.lines()) out.push_back(std::move(l));
}

void add_devices(std::vector<std::string>& out, const ProcessSample& p, TextMode mode) {
  out.push_back("Block devices (" + std::to_string(p.devices.size()) +
                "; totals since procwatch began counting)");
  if (p.devices.empty()) {
    out.push_back("  none");
    return;
  }
  TextTable t;
  t.left = {true, false, false, false, false};
  t.rows.push_back({"DEVICE", "READ", "WRITE", "READS", "WRITES"});
  for (const DeviceIo& d : p.devices) {
    // dev_t as the kernel packs it: major << 20 | minor.
    std::string name = d.name.empty()
                           ? std::to_string(d.dev >> 20) + ":" + std::to_string(d.dev & 0xfffff)
                           : sanitize_for_terminal(d.name, mode);
    t.rows.push_back({std::move(name), bytes_text(d.read_bytes), bytes_text(d.write_bytes),
                      std::to_string(d.read_ops), std::to_string(d.write_ops)});
  }
  for (std::string& l : t.lines()) out.push_back(std::move(l));
}

void add_histogram(std::vector<std::string>& out, std::string_view title, std::string_view what,
                   const Log2Histogram& h, TextMode mode) {
  const std::uint64_t n = h.total();
  std::string head =
      std::string(title) + " this interval: " + std::to_string(n) + " " + std::string(what);
  if (n > 0) {
    head += ", p50 " + duration_text(h.quantile_ns(0.50).value_or(0), mode);
    head += ", p99 " + duration_text(h.quantile_ns(0.99).value_or(0), mode);
  }
  out.push_back(std::move(head));
  for (std::string& l : histogram_lines(h, mode)) out.push_back(std::move(l));
}

}  // namespace

std::string duration_text(double ns, TextMode mode) {
  const char* us = mode == TextMode::Utf8 ? "\u00b5s" : "us";
  struct Unit {
    double scale;
    const char* name;
  };
  const Unit units[] = {{1, "ns"}, {1e3, us}, {1e6, "ms"}, {1e9, "s"}};
  std::size_t u = 0;
  while (u + 1 < std::size(units) && ns >= units[u + 1].scale * 0.9995) ++u;
  const double v = ns / units[u].scale;
  const std::string number = printf_text(u == 0 || v >= 9.95 ? "%.0f" : "%.1f", v);
  return number + " " + units[u].name;
}

std::vector<std::string> histogram_lines(const Log2Histogram& h, TextMode mode,
                                         std::size_t bar_width) {
  std::vector<std::string> out;
  int lo = -1, hi = -1;
  std::uint64_t peak = 0;
  for (int k = 0; k < Log2Histogram::kBuckets; ++k) {
    if (h.bucket(k) == 0) continue;
    if (lo < 0) lo = k;
    hi = k;
    peak = std::max(peak, h.bucket(k));
  }
  if (lo < 0) return out;
  const std::string_view block = mode == TextMode::Utf8 ? "\u2588" : "#";
  for (int k = lo; k <= hi; ++k) {
    const std::uint64_t n = h.bucket(k);
    const double from = static_cast<double>(1ULL << k);
    std::string line = "  [" + pad_to_width(duration_text(from, mode), 7, false) + ", " +
                       pad_to_width(duration_text(from * 2, mode), 7, false) + ")  ";
    // At least one block for a non-empty bucket, so rare outliers show.
    std::size_t len = static_cast<std::size_t>(
        static_cast<double>(n) / static_cast<double>(peak) * static_cast<double>(bar_width) + 0.5);
    if (n > 0) len = std::max<std::size_t>(len, 1);
    std::string bar;
    for (std::size_t i = 0; i < len; ++i) bar += block;
    line += pad_to_width(bar, bar_width, true) + "  " + std::to_string(n);
    out.push_back(std::move(line));
  }
  return out;
}

namespace {

// The evidence names the process (comm, command line): untrusted bytes.
bool add_findings(std::vector<std::string>& out, const ProcessRow& row,
                  std::span<const Finding> findings, TextMode mode) {
  bool any = false;
  for (const Finding& f : findings) {
    if (!f.process || *f.process != row.sample->key) continue;
    if (!any) out.emplace_back("Findings");
    any = true;
    out.push_back("  " + std::string(finding_kind_name(f.kind)) + " (" +
                  sanitize_for_terminal(f.detector, mode) +
                  "): " + sanitize_for_terminal(f.evidence, mode));
  }
  return any;
}

}  // namespace

std::vector<std::string> process_detail_lines(const ProcessRow& row, double interval_s,
                                              TextMode mode, std::span<const Finding> findings) {
  std::vector<std::string> out;
  add_identity(out, row, interval_s, mode);
  out.emplace_back();
  if (add_findings(out, row, findings, mode)) out.emplace_back();
  add_histogram(out, "Run-queue latency", "waits", row.runq_hist_delta, mode);
  out.emplace_back();
  add_histogram(out, "Block IO latency", "requests", row.io_hist_delta, mode);
  out.emplace_back();
  add_connections(out, *row.sample, mode);
  out.emplace_back();
  add_devices(out, *row.sample, mode);
  out.emplace_back();
  add_fields(out, row, interval_s, mode);
  return out;
}

}  // namespace pw
