// One frame of the live UI as plain lines, computed without a terminal so
// it can be tested: top_ui.cpp only paints these lines with curses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "model/model.h"
#include "view/sanitize.h"
#include "view/table.h"
#include "view/top_state.h"

namespace pw {

enum class LineStyle : std::uint8_t {
  Normal,
  Title,         // first line: time, host, interval, sort, filter, PAUSED
  Notice,        // degraded features, filter errors
  ColumnHeader,  // reverse video across the whole width
  Selected,      // highlighted across the whole width
  Exited,        // a process that exited this interval (dim)
  Status,        // the prompt or a message, on the last line
};

struct ScreenLine {
  std::string text;  // sanitized; at most the frame's width in code points
  LineStyle style = LineStyle::Normal;
  // Code points [accent_begin, accent_begin + accent_len) are emphasized
  // (the sort column's title); accent_len 0 means none.
  std::size_t accent_begin = 0;
  std::size_t accent_len = 0;
};

struct ScreenFrame {
  std::vector<ScreenLine> lines;  // from the top of the screen; at most height
  std::size_t body_rows = 0;      // table rows that fit: the page size
  std::size_t scroll = 0;         // first table row shown, adjusted so the selection shows
  std::size_t help_scroll = 0;    // clamped to the help text
  std::size_t detail_scroll = 0;  // clamped to the detail view's text
  std::size_t self_scroll = 0;    // clamped to the self view's text
  ScreenLayout layout;            // where the table's titles and rows are (the mouse)
};

struct ScreenInput {
  const Model* model = nullptr;  // null until the first sample arrived
  const Table* table = nullptr;  // rows of *model; may be null with model
  const std::vector<std::string>* notices = nullptr;
  const TopState* state = nullptr;  // required
  TextMode text_mode = TextMode::Utf8;
};

// Lays out a width x height screen. Never produces a line wider than width
// or more lines than height; any size, including 0x0, is valid.
ScreenFrame render_top_screen(const ScreenInput& in, int width, int height);

}  // namespace pw
