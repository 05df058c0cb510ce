// The column table shared by batch text and the live screen: widths and
// alignment from FieldDef, cells from format_cell(), everything sanitized.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "model/fields.h"
#include "view/sanitize.h"
#include "view/table.h"

namespace pw {

struct Column {
  const FieldDef* def = nullptr;
  std::string title;      // the field's header, perhaps marked as a sum
  std::size_t width = 0;  // at least the title's width
};

struct ColumnLayout {
  std::vector<Column> columns;
  int tree_column = -1;  // column indented in tree mode, or -1
};

// sum_mark, when not empty, is put before the title of every column that
// adds up over members (see aggregation()): subtree sums mark them so.
ColumnLayout make_layout(const std::vector<FieldId>& fields, std::string_view sum_mark = {});

// The mark for summed columns in a subtree view: "Σ", or "+" in ASCII.
std::string_view sum_mark(TextMode mode);

// Where a column sits on a line, in code points.
struct ColumnSpan {
  std::size_t begin = 0;
  std::size_t width = 0;
};

// Cell text for one field: formatted, tree-indented when it is the tree
// column, sanitized. Not padded.
std::string cell_text(const ColumnLayout& layout, std::size_t column, const TableRow& row,
                      double interval_s, TextMode mode);

// Cells joined by one space, each padded to its column's width; a text cell
// that is not last is cut to its width with a '+' marker; a left-aligned last
// column is neither padded nor cut, so no line ends in spaces. Optionally
// reports each column's span.
std::string join_cells(const ColumnLayout& layout, const std::vector<std::string>& cells,
                       std::vector<ColumnSpan>* spans = nullptr);

std::string header_line(const ColumnLayout& layout, std::vector<ColumnSpan>* spans = nullptr);
std::string row_line(const ColumnLayout& layout, const TableRow& row, double interval_s,
                     TextMode mode);

}  // namespace pw
