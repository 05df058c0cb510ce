#include "view/batch.h"

#include <charconv>
#include <cmath>
#include <utility>
#include <variant>

#include "view/columns.h"
#include "view/json_frame.h"
#include "view/sanitize.h"
#include "view/summary.h"
#include "view/table.h"

namespace pw {
namespace {

// Shortest text that reads back as the same double.
std::string number_text(double d) {
  if (!std::isfinite(d)) return {};
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  if (ec != std::errc{}) return {};
  return std::string(buf, end);
}

std::string csv_value(const FieldValue& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) return number_text(*d);
  if (const auto* s = std::get_if<std::string>(&v)) return csv_escape(*s);
  return {};
}

}  // namespace

void write_text_frame(std::ostream& out, const Model& model, const ViewOptions& opts,
                      const std::vector<std::string>& notices, const BatchOptions& batch) {
  const TextMode mode = TextMode::Utf8;
  const Table table = build_table(model, opts);
  const SystemSample* sys = model.sample ? &model.sample->system : nullptr;

  std::string title = "procwatch " + format_wall_time(sys ? sys->wall_ns : 0, batch.utc);
  if (sys) {
    title += ", host " + (sys->hostname.empty() ? std::string("-") : sys->hostname);
    title += ", " + std::to_string(sys->num_cpus) + " CPUs";
  }
  title += ", interval " + format_interval(model.interval_s());

  // Every line is sanitized text; a width cuts it (code points, never
  // inside a UTF-8 sequence) so a 2 KB command line does not wrap.
  auto line = [&](std::string_view text) {
    if (batch.text_width > 0 && display_width(text) > batch.text_width)
      out << truncate_to_width(text, batch.text_width) << '\n';
    else
      out << text << '\n';
  };
  line(sanitize_for_terminal(title, mode));
  line(cpu_summary(model.system));
  line(tasks_summary(model));
  line(memory_summary(model));
  line(events_summary(model.system));
  for (const std::string& n : notices) line("Notice: " + sanitize_for_terminal(n, mode));
  if (!table.filter_error.empty())
    line("Filter: " + sanitize_for_terminal(table.filter_error, mode));
  out << '\n';

  const bool summed = opts.tree && opts.subtree_sums && opts.group == GroupBy::None;
  const ColumnLayout layout = make_layout(shown_fields(opts), summed ? sum_mark(mode) : "");
  line(header_line(layout));
  const double dt = model.interval_s();
  for (const TableRow& row : table.rows) line(row_line(layout, row, dt, mode));
}

void write_json_frame(std::ostream& out, const Model& model, const ViewOptions& opts,
                      const std::vector<std::string>& notices, const BatchOptions& batch) {
  out << dump_json(frame_json(model, opts, notices), batch.json_indent) << '\n';
}

std::string csv_escape(std::string_view cell) {
  if (cell.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(cell);
  std::string out = "\"";
  for (const char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

void write_csv_header(std::ostream& out, const ViewOptions& opts, const BatchOptions& batch) {
  std::string line;
  if (batch.csv_timestamp_column) line = "timestamp_ns";
  for (const FieldId id : shown_fields(opts)) {
    if (!line.empty()) line += ',';
    line += field(id).name;
  }
  out << line << '\n';
}

void write_csv_rows(std::ostream& out, const Model& model, const ViewOptions& opts,
                    const BatchOptions& batch) {
  const std::vector<FieldId> fields = shown_fields(opts);
  const double dt = model.interval_s();
  const std::string timestamp =
      std::to_string(model.sample ? model.sample->system.wall_ns : std::uint64_t{0});
  for (const TableRow& row : build_table(model, opts).rows) {
    std::string line;
    bool first = true;
    if (batch.csv_timestamp_column) {
      line = timestamp;
      first = false;
    }
    for (const FieldId id : fields) {
      if (!first) line += ',';
      first = false;
      const FieldDef& def = field(id);
      line += csv_value(row_value(row, def, dt));
    }
    out << line << '\n';
  }
}

BatchWriter::BatchWriter(std::ostream& out, BatchFormat format, ViewOptions opts,
                         BatchOptions batch)
    : out_(out), format_(format), opts_(std::move(opts)), batch_(batch) {}

void BatchWriter::write(const Model& model, const std::vector<std::string>& notices) {
  switch (format_) {
    case BatchFormat::Text:
      if (frames_ > 0) out_ << '\n';
      write_text_frame(out_, model, opts_, notices, batch_);
      break;
    case BatchFormat::Json:
      write_json_frame(out_, model, opts_, notices, batch_);
      break;
    case BatchFormat::Csv:
      if (frames_ == 0 || batch_.csv_header_every_frame) write_csv_header(out_, opts_, batch_);
      write_csv_rows(out_, model, opts_, batch_);
      break;
  }
  out_.flush();
  ++frames_;
}

}  // namespace pw
