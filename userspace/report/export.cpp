#include "report/export.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "view/batch.h"
#include "view/json_frame.h"

namespace pw {
namespace {

using OJson = nlohmann::ordered_json;

// A row as (column, value) pairs; written as CSV or as one JSON object.
using Value = std::variant<std::monostate, std::int64_t, std::uint64_t, double, std::string>;
using Row = std::vector<std::pair<std::string_view, Value>>;

std::string number_text(double d) {
  if (!std::isfinite(d)) return {};
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return ec == std::errc{} ? std::string(buf, end) : std::string();
}

class RowWriter {
 public:
  RowWriter(std::ostream& out, ExportFormat format) : out_(out), format_(format) {}
  void write(const Row& row) {
    if (format_ == ExportFormat::Json) {
      OJson j = OJson::object();
      for (const auto& [k, v] : row) j[std::string(k)] = json(v);
      out_ << dump_json(j) << '\n';
    } else {
      if (!header_done_) {
        for (std::size_t i = 0; i < row.size(); ++i) out_ << (i ? "," : "") << row[i].first;
        out_ << '\n';
        header_done_ = true;
      }
      for (std::size_t i = 0; i < row.size(); ++i) out_ << (i ? "," : "") << csv(row[i].second);
      out_ << '\n';
    }
    ++rows_;
  }
  std::uint64_t rows() const { return rows_; }

 private:
  static OJson json(const Value& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
    if (const auto* u = std::get_if<std::uint64_t>(&v)) return *u;
    if (const auto* d = std::get_if<double>(&v)) return std::isfinite(*d) ? OJson(*d) : OJson();
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    return nullptr;
  }
  static std::string csv(const Value& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
    if (const auto* u = std::get_if<std::uint64_t>(&v)) return std::to_string(*u);
    if (const auto* d = std::get_if<double>(&v)) return number_text(*d);
    if (const auto* s = std::get_if<std::string>(&v)) return csv_escape(*s);
    return {};
  }
  std::ostream& out_;
  ExportFormat format_;
  bool header_done_ = false;
  std::uint64_t rows_ = 0;
};

Value field_value(const FieldValue& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return std::monostate{};
}

bool wanted(const std::vector<std::int32_t>& pids, std::int32_t pid) {
  return pids.empty() || std::find(pids.begin(), pids.end(), pid) != pids.end();
}

void raw_process_row(Row& row, const Sample& s, const ProcessSample& p) {
  row.emplace_back("timestamp_ns", s.system.wall_ns);
  row.emplace_back("monotonic_ns", s.system.monotonic_ns);
  row.emplace_back("pid", std::int64_t{p.key.pid});
  row.emplace_back("start_ns", p.key.start_ns);
  row.emplace_back("ppid", std::int64_t{p.ppid});
  row.emplace_back("uid", std::uint64_t{p.uid});
  row.emplace_back("user", p.user);
  row.emplace_back("comm", p.comm);
  row.emplace_back("cmdline", p.cmdline);
  row.emplace_back("cgroup", p.cgroup);
  row.emplace_back("state", std::string(1, p.state));
  row.emplace_back("threads", std::uint64_t{p.num_threads});
  row.emplace_back("kernel_thread", std::int64_t{p.kernel_thread ? 1 : 0});
  row.emplace_back("exit_status", p.exit_status ? Value(std::uint64_t{*p.exit_status}) : Value());
  for (const CounterInfo& c : counter_infos()) {
    const auto v = p.counters.get(c.id);
    row.emplace_back(c.name, v ? Value(*v) : Value());
  }
}

}  // namespace

std::uint64_t write_export(std::ostream& out, SampleSource& source, const ExportOptions& o) {
  RowWriter writer(out, o.format);
  Row row;
  for (std::size_t i = 0; i < source.size(); ++i) {
    const std::uint64_t wall = source.time_at(i).wall_ns;
    if (o.from_wall_ns && wall < *o.from_wall_ns) continue;
    if (o.to_wall_ns && wall > *o.to_wall_ns) break;
    switch (o.table) {
      case ExportTable::System: {
        const Sample& s = *source.load(i);
        const SystemSample& y = s.system;
        row = {{"timestamp_ns", y.wall_ns},
               {"monotonic_ns", y.monotonic_ns},
               {"hostname", y.hostname},
               {"num_cpus", std::uint64_t{y.num_cpus}},
               {"cpu_user_ns", y.cpu.user_ns},
               {"cpu_nice_ns", y.cpu.nice_ns},
               {"cpu_system_ns", y.cpu.system_ns},
               {"cpu_idle_ns", y.cpu.idle_ns},
               {"cpu_iowait_ns", y.cpu.iowait_ns},
               {"cpu_irq_ns", y.cpu.irq_ns},
               {"cpu_softirq_ns", y.cpu.softirq_ns},
               {"cpu_steal_ns", y.cpu.steal_ns},
               {"load1", y.load1},
               {"load5", y.load5},
               {"load15", y.load15},
               {"procs_running", std::uint64_t{y.procs_running}},
               {"mem_total_bytes", y.mem_total_bytes},
               {"mem_available_bytes", y.mem_available_bytes},
               {"events_total", y.events_total},
               {"events_dropped", y.events_dropped}};
        writer.write(row);
        break;
      }
      case ExportTable::Events: {
        const Sample& s = *source.load(i);
        for (const LifecycleEvent& e : s.events) {
          if (!wanted(o.pids, e.key.pid)) continue;
          row = {{"sample_timestamp_ns", s.system.wall_ns},
                 {"ts_ns", e.ts_ns},
                 {"kind", std::string(event_kind_name(e.kind))},
                 {"pid", std::int64_t{e.key.pid}},
                 {"start_ns", e.key.start_ns},
                 {"ppid", std::int64_t{e.ppid}},
                 {"comm", e.comm},
                 {"filename", e.filename},
                 {"argv", e.argv},
                 {"exit_status", e.exit_status ? Value(std::uint64_t{*e.exit_status}) : Value()},
                 {"trigger_pid", e.trigger_pid ? Value(std::int64_t{e.trigger_pid}) : Value()},
                 {"trigger_comm", e.trigger_comm},
                 {"victim_rss_bytes", e.victim_rss_bytes ? Value(e.victim_rss_bytes) : Value()}};
          writer.write(row);
        }
        break;
      }
      case ExportTable::Processes: {
        if (o.fields.empty()) {
          const auto s = source.load(i);
          for (const ProcessSample& p : s->processes) {
            if (!wanted(o.pids, p.key.pid)) continue;
            row.clear();
            raw_process_row(row, *s, p);
            writer.write(row);
          }
        } else {
          const Model m = source.model_at(i);
          for (const ProcessRow& r : m.processes) {
            if (!wanted(o.pids, r.sample->key.pid)) continue;
            row.clear();
            row.emplace_back("timestamp_ns", m.sample->system.wall_ns);
            row.emplace_back("interval_s", m.interval_s() > 0 ? Value(m.interval_s()) : Value());
            for (const FieldId id : o.fields) {
              const FieldDef& f = field(id);
              row.emplace_back(f.name, field_value(f.get(r, m.interval_s())));
            }
            writer.write(row);
          }
        }
        break;
      }
    }
    if (!out) break;
  }
  return writer.rows();
}

}  // namespace pw
