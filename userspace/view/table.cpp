#include "view/table.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <unordered_map>
#include <utility>
#include <variant>

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
  const ProcessRow* row;
  FieldValue value;
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
      return p.key.pid == pid;
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

Table build_table(const Model& model, const ViewOptions& opts) {
  Table table;
  const Filter filter = parse_filter(opts.filter);
  if (filter.kind == Filter::Kind::Invalid) {
    table.filter_error = filter.error;
    return table;
  }

  const FieldDef& sort_field = field(opts.sort_by);
  const double dt = model.interval_s();
  std::vector<Keyed> keyed;
  keyed.reserve(model.processes.size());
  for (const ProcessRow& row : model.processes) {
    if (!opts.show_kernel_threads && row.sample->kernel_thread) continue;
    if (!opts.show_exited && row.exited_in_interval) continue;
    if (!filter.matches(row)) continue;
    FieldValue v = sort_field.get(row, dt);
    // NaN is unordered: it would break std::sort's strict weak ordering.
    if (const double* d = std::get_if<double>(&v); d && std::isnan(*d)) v = std::monostate{};
    keyed.push_back({&row, std::move(v)});
  }
  table.matched = keyed.size();

  std::sort(keyed.begin(), keyed.end(), [&](const Keyed& a, const Keyed& b) {
    const bool am = missing(a.value);
    const bool bm = missing(b.value);
    if (am != bm) return bm;  // present values first
    if (!am) {
      const int c = compare_values(a.value, b.value);
      if (c != 0) return opts.sort_descending ? c > 0 : c < 0;
    }
    const ProcessKey& x = a.row->sample->key;
    const ProcessKey& y = b.row->sample->key;
    if (x.pid != y.pid) return x.pid < y.pid;
    return x.start_ns < y.start_ns;
  });

  const std::size_t n = keyed.size();
  if (!opts.tree) {
    table.rows.reserve(n);
    for (const Keyed& k : keyed) table.rows.push_back({k.row, 0});
  } else {
    // A pid can appear twice in one interval (an exited process and a new
    // one reusing its pid): children belong to the live one.
    std::unordered_map<std::int32_t, std::size_t> by_pid;
    by_pid.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      const auto [it, inserted] = by_pid.emplace(keyed[i].row->sample->key.pid, i);
      if (!inserted && keyed[it->second].row->exited_in_interval &&
          !keyed[i].row->exited_in_interval)
        it->second = i;
    }
    // Visiting in sort order leaves every child list sorted.
    std::vector<std::vector<std::size_t>> children(n);
    std::vector<bool> has_parent(n, false);
    for (std::size_t i = 0; i < n; ++i) {
      const ProcessSample& p = *keyed[i].row->sample;
      if (p.ppid == p.key.pid) continue;
      const auto it = by_pid.find(p.ppid);
      if (it == by_pid.end() || it->second == i) continue;
      children[it->second].push_back(i);
      has_parent[i] = true;
    }
    // Iterative depth-first walk: a long parent chain must not overflow the
    // stack, and `visited` stops ppid cycles.
    std::vector<bool> visited(n, false);
    std::vector<std::pair<std::size_t, int>> stack;
    table.rows.reserve(n);
    auto walk = [&](std::size_t root) {
      stack.assign(1, {root, 0});
      while (!stack.empty()) {
        const auto [i, depth] = stack.back();
        stack.pop_back();
        if (visited[i]) continue;
        visited[i] = true;
        table.rows.push_back({keyed[i].row, depth});
        for (auto c = children[i].rbegin(); c != children[i].rend(); ++c)
          if (!visited[*c]) stack.emplace_back(*c, depth + 1);
      }
    };
    for (std::size_t i = 0; i < n; ++i)
      if (!has_parent[i]) walk(i);
    // Whatever is left hangs off a cycle with no root: start at its first
    // member in sort order.
    for (std::size_t i = 0; i < n; ++i)
      if (!visited[i]) walk(i);
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
