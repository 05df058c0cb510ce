// `procwatch tree`: the process tree of one Model with each process's own
// figures and its subtree's (the process plus all its descendants), as
// text with box lines or as nested JSON. Pure functions of the Model, so a
// live tree and the tree of a recorded moment are built the same way.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "model/model.h"
#include "view/grouping.h"
#include "view/view_options.h"

namespace pw {

// CPU%, storage read/write B/s, network rx/tx B/s.
std::vector<FieldId> default_tree_fields();

struct TreeOptions {
  std::vector<FieldId> fields = default_tree_fields();  // each shown own and summed
  std::vector<std::int32_t> pids;  // not empty: only the subtrees of these processes
  bool show_kernel_threads = true;
  bool ascii = false;  // text: ASCII box lines, non-ASCII text escaped
  bool utc = false;    // text: title time in UTC
};

struct TreeEntry {
  const ProcessRow* row = nullptr;         // into the Model
  int depth = 0;                           // 0 for a root (or a -p process)
  bool last_child = true;                  // no later sibling (box lines)
  std::shared_ptr<const RowSums> subtree;  // the process and all its descendants
};

struct ProcessTreeView {
  std::vector<TreeEntry> entries;          // depth first, siblings by pid
  std::vector<std::int32_t> missing_pids;  // asked for with -p but not in the Model
};

// Parents as link_processes() finds them (PID reuse, orphans, cycles).
// Subtree sums cover every shown descendant, so a -p subtree has the same
// figures as in the whole tree. A live process wins over an exited one
// with the same pid for -p.
ProcessTreeView build_process_tree(const Model& model, const TreeOptions& opts);

// A title line, a line naming the column groups, the column titles, then
// one line per process: pid, user, own figures, subtree size and sums, and
// the command indented with box lines. Untrusted text is sanitized.
void write_tree_text(std::ostream& out, const Model& model, const TreeOptions& opts);
// The same for a tree already built from (model, opts).
void write_tree_text(std::ostream& out, const Model& model, const ProcessTreeView& view,
                     const TreeOptions& opts);

// One JSON document: {"timestamp_ns", "interval_s", "host", "fields",
// "processes": [{"pid", "ppid", "start_ns", "user", "comm", "cmdline",
// "state", "own": {field: value}, "subtree": {"processes", field: value},
// "children": [...]}]}. Written without recursion: any depth is fine.
void write_tree_json(std::ostream& out, const Model& model, const TreeOptions& opts);
void write_tree_json(std::ostream& out, const Model& model, const ProcessTreeView& view,
                     const TreeOptions& opts);

// The live UI's options for the same tree: top in tree mode with subtree
// sums, PROCS and opts.fields as columns.
ViewOptions tree_view_options(const TreeOptions& opts, double interval_s);

}  // namespace pw
