#include "view/top_screen.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>

#include "view/columns.h"
#include "view/detail_view.h"
#include "view/self_view.h"
#include "view/summary.h"

namespace pw {
namespace {

// Above this many notices the header keeps two and points to the help page.
constexpr std::size_t kMaxNoticeLines = 3;

class Painter {
 public:
  Painter(std::size_t width, TextMode mode) : width_(width), mode_(mode) {}

  // Untrusted or unknown text: sanitized, then cut to the width.
  ScreenLine line(std::string_view text, LineStyle style) const {
    return safe_line(sanitize_for_terminal(text, mode_), style);
  }
  // Text that is already sanitized (built from sanitized pieces).
  ScreenLine safe_line(std::string_view text, LineStyle style) const {
    return {truncate_to_width(text, width_), style};
  }
  std::string safe(std::string_view text) const { return sanitize_for_terminal(text, mode_); }

 private:
  std::size_t width_;
  TextMode mode_;
};

std::string interval_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%gs", s);
  return buf;
}

// Most telling first: a narrow screen cuts the end of this line.
std::string title_text(const ScreenInput& in, const Painter& p) {
  const TopState& st = *in.state;
  const ViewOptions& o = st.opts;
  const SystemSample* sys = in.model && in.model->sample ? &in.model->sample->system : nullptr;
  std::string t = "procwatch";
  if (st.paused) t += " PAUSED";
  if (sys) t += " " + format_wall_time(sys->wall_ns, false, false);
  t += "  " + std::string(view_preset(o.view).name) + " view";
  if (o.group != GroupBy::None) t += "  by " + std::string(group_by_name(o.group));
  t += "  sort " + std::string(field(o.sort_by).header) + (o.sort_descending ? " desc" : " asc");
  if (!o.filter.empty()) t += "  filter '" + p.safe(o.filter) + "'";
  if (o.tree && o.group == GroupBy::None) t += o.subtree_sums ? "  tree+sums" : "  tree";
  if (!o.show_kernel_threads) t += "  no kthreads";
  if (!o.show_exited) t += "  no exited";
  t += "  every " + interval_text(o.interval_s);
  if (sys && !sys->hostname.empty()) t += "  " + p.safe(sys->hostname);
  return t;
}

std::vector<ScreenLine> header_lines(const ScreenInput& in, const Painter& p) {
  std::vector<ScreenLine> out;
  out.push_back(p.safe_line(title_text(in, p), LineStyle::Title));
  if (!in.model) {
    out.push_back(p.safe_line("collecting the first sample...", LineStyle::Normal));
  } else {
    out.push_back(p.safe_line(cpu_summary(in.model->system), LineStyle::Normal));
    out.push_back(p.safe_line(tasks_summary(*in.model) + "; " + memory_summary(*in.model),
                              LineStyle::Normal));
    out.push_back(p.safe_line(events_summary(in.model->system), LineStyle::Normal));
  }
  if (in.notices) {
    const auto& notices = *in.notices;
    const bool all_fit = notices.size() <= kMaxNoticeLines;
    const std::size_t shown = all_fit ? notices.size() : kMaxNoticeLines - 1;
    for (std::size_t i = 0; i < shown; ++i) out.push_back(p.line(notices[i], LineStyle::Notice));
    if (!all_fit)
      out.push_back(p.safe_line(
          "... " + std::to_string(notices.size() - shown) + " more notices (h shows all)",
          LineStyle::Notice));
  }
  if (in.table && !in.table->filter_error.empty())
    out.push_back(p.line("filter: " + in.table->filter_error, LineStyle::Notice));
  return out;
}

// The prompt with a fake cursor, or the message; keeps the end of a long
// input visible since that is where the user types.
// The prompt with a fake cursor, or the message; keeps the end of a long
// input visible since that is where the user types. A default not yet
// typed over is emphasized (it is what typing replaces).
std::optional<ScreenLine> status_line(const TopState& st, const Painter& p, std::size_t width) {
  if (st.prompt != PromptKind::None) {
    const std::string label = p.safe(prompt_label(st));
    std::string input = p.safe(st.input);
    const std::size_t room = width > display_width(label) ? width - display_width(label) : 0;
    const std::size_t w = display_width(input) + 1;  // + the cursor
    if (w > room) {
      // Drop code points from the front until the rest fits.
      std::size_t drop = w - room, i = 0;
      while (i < input.size() && drop > 0) {
        ++i;
        while (i < input.size() && (static_cast<unsigned char>(input[i]) & 0xc0) == 0x80) ++i;
        --drop;
      }
      input.erase(0, i);
    }
    ScreenLine line = p.safe_line(label + input + "_", LineStyle::Status);
    const std::size_t begin = display_width(label);
    if (st.input_selected && !input.empty() && begin < width) {
      line.accent_begin = begin;
      line.accent_len = std::min(display_width(input), width - begin);
    }
    return line;
  }
  if (!st.message.empty()) return p.line(st.message, LineStyle::Status);
  return std::nullopt;
}

// A title line and a text body scrolled by `scroll`, clamped so the end of
// the text fills the last row; returns the clamped scroll.
std::size_t render_page(const Painter& p, ScreenLine title, const std::vector<std::string>& body,
                        bool untrusted, std::size_t scroll, std::size_t height, ScreenFrame& f) {
  f.lines.push_back(std::move(title));
  const std::size_t rows = height > 1 ? height - 1 : 0;
  const std::size_t max_scroll = body.size() > rows ? body.size() - rows : 0;
  scroll = std::min(scroll, max_scroll);
  f.body_rows = rows;
  for (std::size_t i = scroll; i < body.size() && f.lines.size() < height; ++i)
    f.lines.push_back(untrusted ? p.line(body[i], LineStyle::Normal)
                                : p.safe_line(body[i], LineStyle::Normal));
  return scroll;
}

void render_help(const ScreenInput& in, const Painter& p, std::size_t height, ScreenFrame& f) {
  std::vector<std::string> body = help_lines();
  if (in.notices && !in.notices->empty()) {
    body.emplace_back();
    body.emplace_back("Notices");
    for (const std::string& n : *in.notices) body.push_back("  " + n);
  }
  f.help_scroll =
      render_page(p,
                  p.safe_line("procwatch help - Up/Down/PgUp/PgDn scroll, any other key returns",
                              LineStyle::Title),
                  body, /*untrusted=*/true, in.state->help_scroll, height, f);
}

void render_detail(const ScreenInput& in, const Painter& p, std::size_t height, ScreenFrame& f) {
  const TopState& st = *in.state;
  const ProcessKey key = *st.detail;
  const ProcessRow* row = nullptr;
  if (in.model)
    for (const ProcessRow& r : in.model->processes)
      if (r.sample->key == key) row = &r;
  std::vector<std::string> body;
  if (!in.model)
    body.emplace_back("collecting the first sample...");
  else if (!row)
    body.emplace_back("process " + std::to_string(key.pid) +
                      " is gone (it exited before this refresh); Esc returns");
  else
    body = process_detail_lines(*row, in.model->interval_s(), in.text_mode, in.model->findings);
  f.detail_scroll = render_page(
      p,
      p.safe_line("procwatch process " + std::to_string(key.pid) + (st.paused ? " PAUSED" : "") +
                      " - Esc/q back, Up/Down/PgUp/PgDn scroll",
                  LineStyle::Title),
      body, /*untrusted=*/false, st.detail_scroll, height, f);
}

void render_self(const ScreenInput& in, const Painter& p, std::size_t height, ScreenFrame& f) {
  const TopState& st = *in.state;
  std::vector<std::string> body;
  if (!in.model) {
    body.emplace_back("collecting the first sample...");
  } else {
    char head[96];
    std::snprintf(head, sizeof head, "over the last %.1f s", in.model->interval_s());
    body.emplace_back(head);
    for (std::string& line : self_view_lines(*in.model)) body.push_back(std::move(line));
  }
  if (in.notices && !in.notices->empty()) {
    body.emplace_back();
    body.emplace_back("Notices (degraded probes, CPU budget)");
    for (const std::string& n : *in.notices) body.push_back("  " + n);
  }
  f.self_scroll =
      render_page(p,
                  p.safe_line(std::string("procwatch's own cost") + (st.paused ? " PAUSED" : "") +
                                  " - Esc/q/O back, Up/Down/PgUp/PgDn scroll",
                              LineStyle::Title),
                  body, /*untrusted=*/true, st.self_scroll, height, f);
}

}  // namespace

ScreenFrame render_top_screen(const ScreenInput& in, int width_in, int height_in) {
  ScreenFrame f;
  if (width_in <= 0 || height_in <= 0 || !in.state) return f;
  const auto width = static_cast<std::size_t>(width_in);
  const auto height = static_cast<std::size_t>(height_in);
  const TopState& st = *in.state;
  const Painter p(width, in.text_mode);
  f.scroll = st.scroll;
  f.help_scroll = st.help_scroll;
  f.detail_scroll = st.detail_scroll;
  f.self_scroll = st.self_scroll;

  const std::optional<ScreenLine> status = status_line(st, p, width);
  const std::size_t avail = height - (status ? 1 : 0);

  if (st.help) {
    render_help(in, p, avail, f);
  } else if (st.self_view) {
    render_self(in, p, avail, f);
  } else if (st.detail) {
    render_detail(in, p, avail, f);
  } else {
    std::vector<ScreenLine> header = header_lines(in, p);
    // On a short screen the summary gives way first so that the column
    // titles and at least one row stay visible; the title line goes last.
    if (header.size() + 2 > avail) header.resize(avail >= 2 ? avail - 2 : 0);
    f.lines = std::move(header);

    if (f.lines.size() < avail && in.model) {
      const bool summed = st.opts.tree && st.opts.subtree_sums && st.opts.group == GroupBy::None;
      const ColumnLayout layout =
          make_layout(shown_fields(st.opts), summed ? sum_mark(in.text_mode) : "");
      std::vector<ColumnSpan> spans;
      ScreenLine col = p.safe_line(header_line(layout, &spans), LineStyle::ColumnHeader);
      f.layout.header_row = static_cast<int>(f.lines.size());
      for (std::size_t i = 0; i < layout.columns.size() && i < spans.size(); ++i) {
        if (spans[i].begin < width)
          f.layout.columns.push_back({spans[i].begin, spans[i].width, layout.columns[i].def->id});
        if (layout.columns[i].def->id != st.opts.sort_by || spans[i].begin >= width) continue;
        col.accent_begin = spans[i].begin;
        col.accent_len = std::min(spans[i].width, width - spans[i].begin);
      }
      f.lines.push_back(std::move(col));

      const std::size_t body = avail - f.lines.size();
      f.body_rows = body;
      const std::vector<TableRow> no_rows;
      const std::vector<TableRow>& rows = in.table ? in.table->rows : no_rows;
      const std::size_t n = rows.size();
      // Keep the selection on screen, and no empty space below the last row.
      std::size_t scroll = st.scroll;
      if (body > 0) {
        if (st.selected < scroll) scroll = st.selected;
        if (st.selected >= scroll + body) scroll = st.selected - body + 1;
      }
      scroll = std::min(scroll, n > body ? n - body : 0);
      f.scroll = scroll;
      f.layout.first_body_row = static_cast<int>(f.lines.size());
      f.layout.scroll = scroll;
      f.layout.body_rows = body;

      const double dt = in.model->interval_s();
      for (std::size_t i = scroll; i < n && f.lines.size() < avail; ++i) {
        LineStyle style = LineStyle::Normal;
        if (i == st.selected) {
          style = LineStyle::Selected;
        } else if (rows[i].row->exited_in_interval && !is_group_row(rows[i])) {
          style = LineStyle::Exited;
        }
        f.lines.push_back(p.safe_line(row_line(layout, rows[i], dt, in.text_mode), style));
      }
      if (n == 0 && f.lines.size() < avail && (!in.table || in.table->filter_error.empty()))
        f.lines.push_back(
            p.safe_line(st.opts.filter.empty() ? "no processes" : "no process matches the filter",
                        LineStyle::Normal));
    }
  }

  if (status) {
    if (f.lines.size() > avail) f.lines.resize(avail);
    // The status goes on the last line, wherever the rest ended.
    while (f.lines.size() < height - 1) f.lines.push_back({});
    f.lines.push_back(*status);
  }
  return f;
}

}  // namespace pw
