#include "view/columns.h"

#include <algorithm>

namespace pw {

std::string_view sum_mark(TextMode mode) { return mode == TextMode::Utf8 ? "\u03a3" : "+"; }

ColumnLayout make_layout(const std::vector<FieldId>& fields, std::string_view sum_mark) {
  ColumnLayout layout;
  layout.columns.reserve(fields.size());
  for (const FieldId id : fields) {
    const FieldDef& def = field(id);
    std::string title(def.header);
    if (!sum_mark.empty() && aggregation(id) != Aggregation::Attribute)
      title = std::string(sum_mark) + title;
    const auto width =
        std::max(static_cast<std::size_t>(std::max(def.width, 0)), display_width(title));
    layout.columns.push_back({&def, std::move(title), width});
  }
  layout.tree_column = tree_column(fields);
  return layout;
}

std::string cell_text(const ColumnLayout& layout, std::size_t column, const TableRow& row,
                      double interval_s, TextMode mode) {
  const FieldDef& def = *layout.columns[column].def;
  std::string text = format_cell(def, row_value(row, def, interval_s));
  if (static_cast<int>(column) == layout.tree_column && row.depth > 0)
    text = tree_prefix(row.depth) + text;
  return sanitize_for_terminal(text, mode);
}

std::string join_cells(const ColumnLayout& layout, const std::vector<std::string>& cells,
                       std::vector<ColumnSpan>* spans) {
  std::string line;
  std::size_t at = 0;  // code points written so far
  if (spans) spans->clear();
  const std::size_t n = std::min(layout.columns.size(), cells.size());
  for (std::size_t i = 0; i < n; ++i) {
    const Column& col = layout.columns[i];
    const bool last = i + 1 == n;
    const bool left = col.def->left_align;
    if (i > 0) {
      line += ' ';
      ++at;
    }
    std::string cell = cells[i];
    if (left && !last) cell = truncate_with_marker(cell, col.width);
    if (!(left && last)) cell = pad_to_width(cell, col.width, left);
    const std::size_t w = display_width(cell);
    if (spans) spans->push_back({at, w});
    line += cell;
    at += w;
  }
  return line;
}

std::string header_line(const ColumnLayout& layout, std::vector<ColumnSpan>* spans) {
  std::vector<std::string> cells;
  cells.reserve(layout.columns.size());
  for (const Column& col : layout.columns) cells.push_back(col.title);
  return join_cells(layout, cells, spans);
}

std::string row_line(const ColumnLayout& layout, const TableRow& row, double interval_s,
                     TextMode mode) {
  std::vector<std::string> cells;
  cells.reserve(layout.columns.size());
  for (std::size_t i = 0; i < layout.columns.size(); ++i)
    cells.push_back(cell_text(layout, i, row, interval_s, mode));
  return join_cells(layout, cells);
}

}  // namespace pw
