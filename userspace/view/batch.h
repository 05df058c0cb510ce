// Non-interactive output, like `top -b`: one frame per Model as aligned
// text, JSON (one document per line) or CSV. Which processes and columns
// come from ViewOptions through build_table(), as in the live UI.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "model/model.h"
#include "view/view_options.h"

namespace pw {

enum class BatchFormat : std::uint8_t { Text, Json, Csv };

struct BatchOptions {
  bool utc = false;                     // text: header time in UTC, not local time
  int json_indent = -1;                 // < 0: one line per frame (JSON Lines)
  bool csv_header_every_frame = false;  // default: one header row per output
  bool csv_timestamp_column = false;    // prepend timestamp_ns so frames can be told apart
  std::size_t text_width = 0;           // text: cut every line to this many columns; 0 = no limit
};

// Header block (time, host, interval, CPU, tasks, memory, events, notices),
// a blank line, then the column table. Untrusted text is sanitized.
void write_text_frame(std::ostream& out, const Model& model, const ViewOptions& opts,
                      const std::vector<std::string>& notices, const BatchOptions& batch = {});

// frame_json() (see json_frame.h) on one line (or indented), then '\n'.
void write_json_frame(std::ostream& out, const Model& model, const ViewOptions& opts,
                      const std::vector<std::string>& notices, const BatchOptions& batch = {});

// RFC 4180 records, '\n'-terminated: the header row holds field names, a row
// per process holds raw numbers (not column text), missing values are empty
// cells. Strings are written as they are: a cell with a comma, quote, CR or
// LF is quoted and its quotes doubled.
void write_csv_header(std::ostream& out, const ViewOptions& opts, const BatchOptions& batch = {});
void write_csv_rows(std::ostream& out, const Model& model, const ViewOptions& opts,
                    const BatchOptions& batch = {});

// One RFC 4180 cell.
std::string csv_escape(std::string_view cell);

// Writes successive frames in one format: a blank line between text frames,
// one CSV header per output unless csv_header_every_frame.
class BatchWriter {
 public:
  BatchWriter(std::ostream& out, BatchFormat format, ViewOptions opts, BatchOptions batch = {});
  void write(const Model& model, const std::vector<std::string>& notices);
  std::size_t frames_written() const { return frames_; }

 private:
  std::ostream& out_;
  BatchFormat format_;
  ViewOptions opts_;
  BatchOptions batch_;
  std::size_t frames_ = 0;
};

}  // namespace pw
