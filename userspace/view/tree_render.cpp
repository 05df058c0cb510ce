#include "view/tree_render.h"

#include <algorithm>
#include <string_view>

#include "view/columns.h"
#include "view/json_frame.h"
#include "view/process_tree.h"
#include "view/sanitize.h"
#include "view/summary.h"
#include "view/table.h"

namespace pw {
namespace {

// Deeper than this, the box lines of the upper levels are replaced by a
// count so that the command stays on screen.
constexpr int kMaxDrawnDepth = 48;

struct Glyphs {
  std::string_view branch, last, pipe, blank;
};
constexpr Glyphs kUnicode{"\u251c\u2500 ", "\u2514\u2500 ", "\u2502  ", "   "};
constexpr Glyphs kAscii{"|- ", "`- ", "|  ", "   "};

std::vector<FieldId> summed_fields(const TreeOptions& opts) {
  std::vector<FieldId> out{FieldId::Processes};
  out.insert(out.end(), opts.fields.begin(), opts.fields.end());
  return out;
}

// Is `i` below one of `roots` (other than itself)?
bool below_any(const ProcessForest& f, std::size_t i, const std::vector<std::size_t>& roots) {
  std::size_t steps = 0;
  for (std::size_t p = f.parent[i]; p != ProcessForest::kNone && steps <= f.parent.size();
       p = f.parent[p], ++steps)
    if (std::find(roots.begin(), roots.end(), p) != roots.end()) return true;
  return false;
}

std::string title_line(const Model& model, const TreeOptions& opts) {
  const SystemSample* sys = model.sample ? &model.sample->system : nullptr;
  std::string t = "procwatch tree " + format_wall_time(sys ? sys->wall_ns : 0, opts.utc);
  if (sys) t += ", host " + (sys->hostname.empty() ? std::string("-") : sys->hostname);
  t += ", interval " + format_interval(model.interval_s());
  return t;
}

}  // namespace

std::vector<FieldId> default_tree_fields() {
  return {FieldId::CpuPct, FieldId::ReadBytesPerSec, FieldId::WriteBytesPerSec,
          FieldId::NetRxBytesPerSec, FieldId::NetTxBytesPerSec};
}

ProcessTreeView build_process_tree(const Model& model, const TreeOptions& opts) {
  ProcessTreeView view;
  const double dt = model.interval_s();
  std::vector<const ProcessRow*> rows;
  rows.reserve(model.processes.size());
  for (const ProcessRow& r : model.processes)
    if (opts.show_kernel_threads || !r.sample->kernel_thread) rows.push_back(&r);
  std::sort(rows.begin(), rows.end(), [](const ProcessRow* a, const ProcessRow* b) {
    const ProcessKey& x = a->sample->key;
    const ProcessKey& y = b->sample->key;
    return x.pid != y.pid ? x.pid < y.pid : x.start_ns < y.start_ns;
  });

  ProcessForest forest = link_processes(rows);
  const std::vector<FieldId> summed = summed_fields(opts);
  std::vector<std::shared_ptr<RowSums>> sums(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    sums[i] = std::make_shared<RowSums>(RowSums::Kind::Subtree, summed);
    sums[i]->add(*rows[i], dt);
  }
  const std::vector<TreeVisit> order = tree_preorder(forest);
  for (auto v = order.rbegin(); v != order.rend(); ++v)
    if (const std::size_t p = forest.parent[v->index]; p != ProcessForest::kNone)
      sums[p]->add(*sums[v->index]);

  std::vector<TreeVisit> shown;
  if (opts.pids.empty()) {
    shown = order;
  } else {
    std::vector<std::size_t> roots;
    for (const std::int32_t pid : opts.pids) {
      std::size_t pick = ProcessForest::kNone;
      for (std::size_t i = 0; i < rows.size(); ++i)
        if (rows[i]->sample->key.pid == pid &&
            (pick == ProcessForest::kNone || !rows[i]->exited_in_interval))
          pick = i;
      if (pick == ProcessForest::kNone)
        view.missing_pids.push_back(pid);
      else if (std::find(roots.begin(), roots.end(), pick) == roots.end())
        roots.push_back(pick);
    }
    // A process inside another chosen subtree is shown there, not twice.
    std::vector<std::size_t> kept;
    for (const std::size_t r : roots)
      if (!below_any(forest, r, roots)) kept.push_back(r);
    forest.roots = std::move(kept);
    shown = tree_preorder(forest);
  }

  view.entries.reserve(shown.size());
  for (const TreeVisit& v : shown)
    view.entries.push_back({rows[v.index], v.depth, v.last_child, sums[v.index]});
  return view;
}

void write_tree_text(std::ostream& out, const Model& model, const TreeOptions& opts) {
  write_tree_text(out, model, build_process_tree(model, opts), opts);
}

void write_tree_text(std::ostream& out, const Model& model, const ProcessTreeView& view,
                     const TreeOptions& opts) {
  const TextMode mode = opts.ascii ? TextMode::Ascii : TextMode::Utf8;
  const Glyphs& g = opts.ascii ? kAscii : kUnicode;
  const double dt = model.interval_s();

  // pid, user, own fields, PROCS and summed fields, command.
  ColumnLayout layout;
  auto add_column = [&](FieldId id, std::string_view mark) {
    const FieldDef& def = field(id);
    std::string title = std::string(mark) + std::string(def.header);
    const std::size_t width =
        std::max(static_cast<std::size_t>(std::max(def.width, 0)), display_width(title));
    layout.columns.push_back({&def, std::move(title), width});
  };
  add_column(FieldId::Pid, "");
  add_column(FieldId::User, "");
  for (const FieldId id : opts.fields) add_column(id, "");
  const std::size_t summed_begin = layout.columns.size();
  for (const FieldId id : summed_fields(opts)) add_column(id, sum_mark(mode));
  add_column(FieldId::Cmdline, "");

  std::vector<ColumnSpan> spans;
  const std::string header = header_line(layout, &spans);
  std::string groups;
  if (spans.size() > summed_begin) {
    groups = std::string(spans[2].begin, ' ') + "own";
    const std::size_t at = spans[summed_begin].begin;
    groups += std::string(at > groups.size() + 1 ? at - groups.size() : 1, ' ');
    groups += "process + descendants";
  }

  out << sanitize_for_terminal(title_line(model, opts), mode) << '\n';
  for (const std::int32_t pid : view.missing_pids) out << "No process with pid " << pid << '\n';
  out << '\n' << groups << '\n' << header << '\n';

  std::vector<bool> more;  // more[d]: the last entry seen at depth d has later siblings
  std::vector<std::string> cells;
  for (const TreeEntry& e : view.entries) {
    const TableRow own{e.row};
    const TableRow sub{e.row, e.depth, e.subtree};
    cells.clear();
    for (std::size_t c = 0; c + 1 < layout.columns.size(); ++c) {
      const FieldDef& def = *layout.columns[c].def;
      const FieldValue v = row_value(c >= summed_begin ? sub : own, def, dt);
      cells.push_back(sanitize_for_terminal(format_cell(def, v), mode));
    }
    std::string prefix;
    if (e.depth > 0) {
      int from = 1;
      if (e.depth > kMaxDrawnDepth) {
        from = e.depth - kMaxDrawnDepth + 1;
        prefix = "+" + std::to_string(from - 1) + " ";
      }
      for (int d = from; d < e.depth; ++d)
        prefix += static_cast<std::size_t>(d) < more.size() && more[d] ? g.pipe : g.blank;
      prefix += e.last_child ? g.last : g.branch;
    }
    more.resize(static_cast<std::size_t>(e.depth) + 1);
    more[e.depth] = !e.last_child;
    const FieldDef& cmd = field(FieldId::Cmdline);
    cells.push_back(prefix + sanitize_for_terminal(format_cell(cmd, cmd.get(*e.row, dt)), mode));
    out << join_cells(layout, cells) << '\n';
  }
}

void write_tree_json(std::ostream& out, const Model& model, const TreeOptions& opts) {
  write_tree_json(out, model, build_process_tree(model, opts), opts);
}

void write_tree_json(std::ostream& out, const Model& model, const ProcessTreeView& view,
                     const TreeOptions& opts) {
  const double dt = model.interval_s();
  const std::vector<FieldId> summed = summed_fields(opts);

  Json head;
  head["timestamp_ns"] = model.sample ? model.sample->system.wall_ns : 0;
  head["interval_s"] = dt > 0 ? Json(dt) : nullptr;
  head["host"] = model.sample ? model.sample->system.hostname : std::string();
  Json names = Json::array();
  for (const FieldId id : opts.fields) names.push_back(field(id).name);
  head["fields"] = std::move(names);
  head["missing_pids"] = view.missing_pids;
  std::string text = dump_json(head);
  text.pop_back();  // the closing brace: "processes" follows
  out << text << ",\"processes\":[";

  // Each node is written as its object without the closing brace and an
  // open "children" array; `open` counts the unclosed nodes. In preorder an
  // entry at depth d follows either its parent (open == d: first child) or
  // a node at depth >= d, which is closed first (then it needs a comma).
  int open = 0;
  for (const TreeEntry& e : view.entries) {
    const bool sibling = open > e.depth;
    for (; open > e.depth; --open) out << "]}";
    if (sibling) out << ',';
    const ProcessSample& p = *e.row->sample;
    Json node;
    node["pid"] = p.key.pid;
    node["ppid"] = p.ppid;
    node["start_ns"] = p.key.start_ns;
    node["user"] = p.user.empty() ? std::to_string(p.uid) : p.user;
    node["comm"] = p.comm;
    node["cmdline"] = p.cmdline;
    node["state"] = std::string(1, p.state);
    node["own"] = process_json(*e.row, opts.fields, dt);
    node["subtree"] = process_json(TableRow{e.row, e.depth, e.subtree}, summed, dt);
    std::string obj = dump_json(node);
    obj.pop_back();
    out << obj << ",\"children\":[";
    ++open;
  }
  for (; open > 0; --open) out << "]}";
  out << "]}\n";
}

ViewOptions tree_view_options(const TreeOptions& opts, double interval_s) {
  ViewOptions v;
  v.fields = {FieldId::Pid, FieldId::User, FieldId::Processes};
  v.fields.insert(v.fields.end(), opts.fields.begin(), opts.fields.end());
  v.fields.push_back(FieldId::Cmdline);
  v.tree = true;
  v.subtree_sums = true;
  v.sort_by = opts.fields.empty() ? FieldId::CpuPct : opts.fields.front();
  v.sort_descending = true;
  v.show_kernel_threads = opts.show_kernel_threads;
  v.interval_s = interval_s;
  return v;
}

}  // namespace pw
