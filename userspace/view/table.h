// Which processes a view shows and in what order: filter, visibility,
// sort, tree and limit. Pure functions of (Model, ViewOptions), shared by the
// live UI, batch output and exporters, so they always agree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"
#include "view/grouping.h"
#include "view/view_options.h"

namespace pw {

// A parsed ViewOptions::filter.
//   ""          everything
//   pid=N       that process id (with its threads in top -H; in tree mode,
//               with all its descendants)
//   user=NAME   exact user name (or uid, for a uid without a name)
//   comm=NAME   exact kernel task name
//   anything    case-insensitive (ASCII) substring of comm, cmdline or user
struct Filter {
  enum class Kind : std::uint8_t { All, Substring, Pid, User, Comm, Invalid };
  Kind kind = Kind::All;
  std::string text;  // substring (lowercased), user or comm
  std::int32_t pid = 0;
  std::string error;  // set when kind == Invalid; such a filter matches nothing

  bool matches(const ProcessRow& row) const;
};

Filter parse_filter(std::string_view text);

struct TableRow {
  // Points into the Model's processes; for a group row, its first member.
  const ProcessRow* row = nullptr;
  int depth = 0;  // tree depth; 0 when not in tree mode
  // Set for a group row and, with subtree sums, for every tree row.
  std::shared_ptr<const RowSums> sums;
};

bool is_group_row(const TableRow& r);

// What a view shows for one field of a row: the process's own value, or
// for group and subtree rows what grouping.h says. Every output (screen,
// text, JSON, CSV, sorting) reads values through this.
FieldValue row_value(const TableRow& r, const FieldDef& f, double interval_s);

struct Table {
  std::vector<TableRow> rows;  // display order, after the limit
  std::size_t matched = 0;   // rows (or groups) that passed filter and visibility, before the limit
  std::string filter_error;  // from parse_filter(); rows is empty then
};

// Rows of `model` that opts shows, in display order. Sorting compares the
// sort field with compare_values(); missing values go last in either
// direction and ties are broken by pid (then start time), ascending. In tree
// mode children follow their parent depth first (see link_processes() for
// who is whose parent), siblings sorted by the sort field; a process whose
// parent is not shown is a root; members of a ppid cycle are shown once, as
// roots of what remains. With subtree_sums each row carries its subtree's
// sums (over the rows shown) and siblings sort by those.
// Grouped (opts.group), the filter picks processes and each group of them
// is one row; tree mode does not apply.
// The rows point into model.processes: rebuild the table whenever the model
// is replaced.
Table build_table(const Model& model, const ViewOptions& opts);

// Index into `fields` of the column that carries the tree indentation
// (cmdline, else comm), or -1.
int tree_column(const std::vector<FieldId>& fields);

// ASCII indentation for a row at `depth` in tree mode ("" at depth 0).
std::string tree_prefix(int depth);

}  // namespace pw
