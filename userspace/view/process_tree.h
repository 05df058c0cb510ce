// Parent/child links between the processes of one Model: the structure
// behind top's tree mode and `procwatch tree`. A pure function of the rows,
// so live views and replays of a recording build the same tree.
#pragma once

#include <cstddef>
#include <limits>
#include <span>
#include <vector>

#include "model/model.h"

namespace pw {

struct ProcessForest {
  static constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  // Per input row: the index of its parent row, or kNone for a root.
  std::vector<std::size_t> parent;
  // Per input row: its children, in input order.
  std::vector<std::vector<std::size_t>> children;
  // Rows without a parent in input order, then rows that were cut out of a
  // ppid cycle (each cycle is entered at its member that comes first).
  std::vector<std::size_t> roots;
};

// Links every row to the row of its parent process. A row's parent is the
// row whose pid is its ppid; since PIDs are reused, only a process that
// started no later than the child can be its parent, and of several such
// candidates (one exited this interval, one reusing its pid) the one that
// started last is. A child whose parent is not among the rows, or whose only
// candidates started after it, is a root (an orphan, as the kernel would
// have re-parented it). The result is always a forest: a row is never its
// own parent and ppid cycles (which only corrupt data can produce) are cut.
// Unknown start times (0) never rule out a parent.
ProcessForest link_processes(std::span<const ProcessRow* const> rows);

struct TreeVisit {
  std::size_t index = 0;   // into the input rows
  int depth = 0;           // 0 for a root
  bool last_child = true;  // no later sibling follows (for drawing box lines)
};

// Depth first, parents before children, siblings in input order. Iterative:
// a chain of any length is fine.
std::vector<TreeVisit> tree_preorder(const ProcessForest& forest);

// The rows of `index`'s subtree (itself first), in preorder.
std::vector<std::size_t> subtree_of(const ProcessForest& forest, std::size_t index);

}  // namespace pw
