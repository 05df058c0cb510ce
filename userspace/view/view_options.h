// What a user chose to see: shared by the live UI and batch output.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/fields.h"

namespace pw {

struct ViewOptions {
  std::vector<FieldId> fields;  // columns, in order
  FieldId sort_by = FieldId::CpuPct;
  bool sort_descending = true;
  std::string filter;  // see parse_filter(): text, "pid=N", "user=NAME" or "comm=NAME"
  bool tree = false;   // indent children under parents
  bool show_kernel_threads = true;
  bool show_exited = true;           // rows of processes that exited this interval
  std::optional<std::size_t> limit;  // at most this many rows
  double interval_s = 1.0;
};

std::vector<FieldId> default_top_fields();

// opts.fields, or default_top_fields() when none were chosen.
std::vector<FieldId> shown_fields(const ViewOptions& opts);

}  // namespace pw
