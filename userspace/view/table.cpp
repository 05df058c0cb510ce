#include "view/table.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <utility>
#include <variant>

#include "view/process_tree.h"

namespace pw {
namespace {

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

bool contains_ci(std::string_view haystack, std::string_view needle_lower) {
  if (needle_lower.size() > haystack.size()) return false;
  const auto it =
      std::search(haystack.begin(), haystack.end(), needle_lower.begin(), needle_lower.end(),
                  [](char h, char n) { return ascii_lower(h) == n; });
  return it != haystack.end();
}

// The user as the "user" field shows it: the name, or the uid if unresolved.
std::string user_text(const ProcessSample& p) {
  return p.user.empty() ? std::to_string(p.uid) : p.user;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Filter invalid(std::string why) {
  Filter f;
  f.kind = Filter::Kind::Invalid;
  f.error = std::move(why);
  return f;
}

struct Keyed {
  TableRow row;
  FieldValue value;  // of the sort field
  FieldValue tie;    // group rows: the group key
};

bool missing(const FieldValue& v) { return std::holds_alternative<std::monostate>(v); }

}  // namespace

Filter parse_filter(std::string_view text) {
  text = trim(text);
  Filter f;
  if (text.empty()) return f;
  auto value_after = [&](std::string_view prefix) -> std::optional<std::string_view> {
    if (!text.starts_with(prefix)) return std::nullopt;
    return trim(text.substr(prefix.size()));
  };
  if (const auto v = value_after("pid=")) {
    std::int32_t pid = 0;
    const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), pid);
    if (v->empty() || ec != std::errc{} || end != v->data() + v->size() || pid < 0)
      return invalid("pid= needs a process id, got '" + std::string(*v) + "'");
    f.kind = Filter::Kind::Pid;
    f.pid = pid;
    return f;
  }
  if (const auto v = value_after("user=")) {
    if (v->empty()) return invalid("user= needs a user name or uid");
    f.kind = Filter::Kind::User;
    f.text = std::string(*v);
    return f;
  }
  if (const auto v = value_after("comm=")) {
    if (v->empty()) return invalid("comm= needs a task name");
    f.kind = Filter::Kind::Comm;
    f.text = std::string(*v);
    return f;
  }
  f.kind = Filter::Kind::Substring;
  f.text = lower(text);
  return f;
}

bool Filter::matches(const ProcessRow& row) const {
  const ProcessSample& p = *row.sample;
  switch (kind) {
    case Kind::All:
      return true;
    case Kind::Invalid:
      return false;
    case Kind::Pid:
      // A thread row (top -H) matches the process it belongs to.
      return p.key.pid == pid || (p.tgid != 0 && p.tgid == pid);
    case Kind::User:
      return user_text(p) == text;
    case Kind::Comm:
      return p.comm == text;
    case Kind::Substring:
      return contains_ci(p.comm, text) || contains_ci(p.cmdline, text) ||
             contains_ci(user_text(p), text);
  }
  return false;
}

bool is_group_row(const TableRow& r) { return r.sums && r.sums->kind() == RowSums::Kind::Group; }

FieldValue row_value(const TableRow& r, const FieldDef& f, double interval_s) {
  if (!r.sums ||
      (r.sums->kind() == RowSums::Kind::Subtree && aggregation(f.id) == Aggregation::Attribute))
    return f.get(*r.row, interval_s);
  return r.sums->value(f, interval_s);
}

Table build_table(const Model& model, const ViewOptions& opts) {
  Table table;
  const Filter filter = parse_filter(opts.filter);
  if (filter.kind == Filter::Kind::Invalid) {
    table.filter_error = filter.error;
    return table;
  }

  const double dt = model.interval_s();
  const bool grouped = opts.group != GroupBy::None;
  const bool tree = opts.tree && !grouped;
  // In tree mode pid=N is a subtree: the process and all its descendants.
  const bool pid_subtree = tree && filter.kind == Filter::Kind::Pid;
  std::vector<const ProcessRow*> visible;
  visible.reserve(model.processes.size());
  for (const ProcessRow& row : model.processes) {
    if (!opts.show_kernel_threads && row.sample->kernel_thread) continue;
    if (!opts.show_exited && row.exited_in_interval) continue;
    if (!pid_subtree && !filter.matches(row)) continue;
    visible.push_back(&row);
  }
  if (pid_subtree) {
    const ProcessForest forest = link_processes(visible);
    std::vector<bool> keep(visible.size(), false);
    for (std::size_t i = 0; i < visible.size(); ++i) {
      if (keep[i] || !filter.matches(*visible[i])) continue;
      for (const std::size_t j : subtree_of(forest, i)) keep[j] = true;
    }
    std::vector<const ProcessRow*> kept;
    for (std::size_t i = 0; i < visible.size(); ++i)
      if (keep[i]) kept.push_back(visible[i]);
    visible = std::move(kept);
  }

  // Group and subtree rows compute only what is shown or sorted by.
  std::vector<FieldId> needed = shown_fields(opts);
  needed.push_back(opts.sort_by);

  std::vector<TableRow> candidates;
  candidates.reserve(visible.size());
  if (grouped) {
    for (RowGroup& g : group_rows(visible, opts.group, needed, dt))
      candidates.push_back({g.first, 0, std::move(g.sums)});
  } else if (tree && opts.subtree_sums) {
    // Sums bottom-up: children come after their parent in preorder. This
    // forest is linked in model order, the displayed one in sort order;
    // they differ only in where a ppid cycle (corrupt data) is cut.
    const ProcessForest forest = link_processes(visible);
    std::vector<std::shared_ptr<RowSums>> sums(visible.size());
    for (std::size_t i = 0; i < visible.size(); ++i) {
      sums[i] = std::make_shared<RowSums>(RowSums::Kind::Subtree, needed);
      sums[i]->add(*visible[i], dt);
    }
    const std::vector<TreeVisit> order = tree_preorder(forest);
    for (auto v = order.rbegin(); v != order.rend(); ++v)
      if (const std::size_t p = forest.parent[v->index]; p != ProcessForest::kNone)
        sums[p]->add(*sums[v->index]);
    for (std::size_t i = 0; i < visible.size(); ++i)
      candidates.push_back({visible[i], 0, std::move(sums[i])});
  } else {
    for (const ProcessRow* row : visible) candidates.push_back({row, 0, nullptr});
  }
  table.matched = candidates.size();

  const FieldDef& sort_field = field(opts.sort_by);
  const FieldDef& key_field = field(group_key_field(opts.group));
  std::vector<Keyed> keyed;
  keyed.reserve(candidates.size());
  for (TableRow& r : candidates) {
    FieldValue v = row_value(r, sort_field, dt);
    // NaN is unordered: it would break std::sort's strict weak ordering.
    if (const double* d = std::get_if<double>(&v); d && std::isnan(*d)) v = std::monostate{};
    FieldValue tie = grouped ? row_value(r, key_field, dt) : FieldValue{};
    keyed.push_back({std::move(r), std::move(v), std::move(tie)});
  }

  std::sort(keyed.begin(), keyed.end(), [&](const Keyed& a, const Keyed& b) {
    const bool am = missing(a.value);
    const bool bm = missing(b.value);
    if (am != bm) return bm;  // present values first
    if (!am) {
      const int c = compare_values(a.value, b.value);
      if (c != 0) return opts.sort_descending ? c > 0 : c < 0;
    }
    if (grouped) {
      const int c = compare_values(a.tie, b.tie);
      if (c != 0) return c < 0;
    }
    const ProcessKey& x = a.row.row->sample->key;
    const ProcessKey& y = b.row.row->sample->key;
    if (x.pid != y.pid) return x.pid < y.pid;
    return x.start_ns < y.start_ns;
  });

  const std::size_t n = keyed.size();
  table.rows.reserve(n);
  if (!tree) {
    for (Keyed& k : keyed) table.rows.push_back(std::move(k.row));
  } else {
    // Linking in sort order leaves every child list sorted.
    std::vector<const ProcessRow*> sorted;
    sorted.reserve(n);
    for (const Keyed& k : keyed) sorted.push_back(k.row.row);
    const ProcessForest forest = link_processes(sorted);
    for (const TreeVisit& v : tree_preorder(forest)) {
      TableRow r = std::move(keyed[v.index].row);
      r.depth = v.depth;
      table.rows.push_back(std::move(r));
    }
  }

  if (opts.limit && table.rows.size() > *opts.limit) table.rows.resize(*opts.limit);
  return table;
}

int tree_column(const std::vector<FieldId>& fields) {
  for (const FieldId want : {FieldId::Cmdline, FieldId::Comm})
    for (std::size_t i = 0; i < fields.size(); ++i)
      if (fields[i] == want) return static_cast<int>(i);
  return -1;
}

std::string tree_prefix(int depth) {
  if (depth <= 0) return {};
  // Beyond some depth more indentation only pushes the name off screen.
  constexpr int kMaxIndentLevels = 32;
  return std::string(2 * static_cast<std::size_t>(std::min(depth - 1, kMaxIndentLevels)), ' ') +
         "`- ";
}

}  // namespace pw
