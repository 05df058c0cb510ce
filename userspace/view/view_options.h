// What a user chose to see: shared by the live UI and batch output.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/fields.h"
#include "view/grouping.h"
#include "view/view_presets.h"

namespace pw {

struct ViewOptions {
  std::vector<FieldId> fields;  // columns, in order
  FieldId sort_by = FieldId::CpuPct;
  bool sort_descending = true;
  std::string filter;  // see parse_filter(): text, "pid=N", "user=NAME" or "comm=NAME"
  bool tree = false;   // indent children under parents
  // Tree mode: summable columns show the process plus all its descendants.
  bool subtree_sums = false;
  // One row per cgroup, container, unit or user (tree mode is off then).
  GroupBy group = GroupBy::None;
  ViewPreset view = ViewPreset::Cpu;  // the preset that chose fields and sort last
  bool show_kernel_threads = true;
  bool show_exited = true;           // rows of processes that exited this interval
  std::optional<std::size_t> limit;  // at most this many rows
  double interval_s = 1.0;
};

// The CPU view's columns.
std::vector<FieldId> default_top_fields();

// Switches to a preset: its columns and its sort key, descending.
void apply_view_preset(ViewOptions& opts, ViewPreset preset);

// opts.fields (or default_top_fields() when none were chosen); when grouped,
// grouped_fields() of those.
std::vector<FieldId> shown_fields(const ViewOptions& opts);

}  // namespace pw
