#include "view/json_frame.h"

#include <cmath>
#include <optional>
#include <variant>

namespace pw {
namespace {

Json opt(const std::optional<double>& v) {
  if (!v || !std::isfinite(*v)) return nullptr;
  return *v;
}

Json value_json(const FieldValue& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return std::isfinite(*d) ? Json(*d) : nullptr;
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return nullptr;
}

Json system_json(const Model& model) {
  const SystemRow& s = model.system;
  Json j = {
      {"cpu_busy_pct", opt(s.cpu_busy_pct)},
      {"cpu_user_pct", opt(s.cpu_user_pct)},
      {"cpu_system_pct", opt(s.cpu_system_pct)},
      {"cpu_iowait_pct", opt(s.cpu_iowait_pct)},
      {"cpu_steal_pct", opt(s.cpu_steal_pct)},
      {"num_processes", s.num_processes},
      {"num_threads", s.num_threads},
      {"num_running", s.num_running},
      {"events_per_s", opt(s.events_per_s)},
      {"events_dropped", s.events_dropped},
      {"events_dropped_in_interval",
       s.dropped_in_interval ? Json(*s.dropped_in_interval) : Json(nullptr)},
  };
  if (model.sample) {
    const SystemSample& sys = model.sample->system;
    j["num_cpus"] = sys.num_cpus;
    j["load1"] = sys.load1;
    j["load5"] = sys.load5;
    j["load15"] = sys.load15;
    // 0 means /proc/meminfo was not read.
    j["mem_total_bytes"] = sys.mem_total_bytes ? Json(sys.mem_total_bytes) : nullptr;
    j["mem_available_bytes"] = sys.mem_total_bytes ? Json(sys.mem_available_bytes) : nullptr;
  }
  return j;
}

}  // namespace

Json process_json(const TableRow& row, const std::vector<FieldId>& fields, double interval_s) {
  Json j = Json::object();
  for (const FieldId id : fields) {
    const FieldDef& def = field(id);
    j[std::string(def.name)] = value_json(row_value(row, def, interval_s));
  }
  return j;
}

Json process_json(const ProcessRow& row, const std::vector<FieldId>& fields, double interval_s) {
  return process_json(TableRow{&row}, fields, interval_s);
}

Json frame_json(const Model& model, const ViewOptions& opts,
                const std::vector<std::string>& notices) {
  const std::vector<FieldId> fields = shown_fields(opts);
  const double dt = model.interval_s();
  const Table table = build_table(model, opts);
  Json processes = Json::array();
  for (const TableRow& r : table.rows) processes.push_back(process_json(r, fields, dt));
  Json notice_list = notices;
  if (!table.filter_error.empty()) notice_list.push_back("filter: " + table.filter_error);

  Json j;
  j["timestamp_ns"] = model.sample ? model.sample->system.wall_ns : 0;
  j["interval_s"] = dt > 0 ? Json(dt) : nullptr;
  j["host"] = model.sample ? model.sample->system.hostname : std::string();
  j["system"] = system_json(model);
  j["notices"] = std::move(notice_list);
  j["processes"] = std::move(processes);
  return j;
}

std::string dump_json(const Json& j, int indent) {
  const std::string raw = j.dump(indent, ' ', false, Json::error_handler_t::replace);
  // JSON escapes C0 controls but passes C1 (U+0080..U+009F) through, and a
  // terminal may act on those (U+009B is CSI). Outside strings the text is
  // ASCII, so any such sequence is inside a string and \u00XX means the same.
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const auto b = static_cast<unsigned char>(raw[i]);
    const auto next = i + 1 < raw.size() ? static_cast<unsigned char>(raw[i + 1]) : 0;
    if (b == 0xc2 && next >= 0x80 && next <= 0x9f) {
      constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[next >> 4];
      out += kHex[next & 0xf];
      ++i;
      continue;
    }
    out += raw[i];
  }
  return out;
}

}  // namespace pw
