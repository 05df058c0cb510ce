#include "view/process_tree.h"

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <utility>

namespace pw {
namespace {

// Could `parent` have forked `child`? Only if it existed first.
bool started_in_time(const ProcessSample& parent, const ProcessSample& child) {
  if (parent.key.start_ns == 0 || child.key.start_ns == 0) return true;
  return parent.key.start_ns <= child.key.start_ns;
}

// Is candidate `a` a better parent than `b` (both possible)? The later
// starter is the pid's holder at the child's birth; a live one wins a tie.
bool better_parent(const ProcessRow& a, const ProcessRow& b) {
  if (a.sample->key.start_ns != b.sample->key.start_ns)
    return a.sample->key.start_ns > b.sample->key.start_ns;
  return !a.exited_in_interval && b.exited_in_interval;
}

}  // namespace

ProcessForest link_processes(std::span<const ProcessRow* const> rows) {
  const std::size_t n = rows.size();
  ProcessForest f;
  f.parent.assign(n, ProcessForest::kNone);
  f.children.assign(n, {});

  std::unordered_multimap<std::int32_t, std::size_t> by_pid;
  by_pid.reserve(n);
  for (std::size_t i = 0; i < n; ++i) by_pid.emplace(rows[i]->sample->key.pid, i);

  for (std::size_t i = 0; i < n; ++i) {
    const ProcessSample& child = *rows[i]->sample;
    std::size_t best = ProcessForest::kNone;
    const auto [lo, hi] = by_pid.equal_range(child.ppid);
    for (auto it = lo; it != hi; ++it) {
      const std::size_t c = it->second;
      if (c == i || !started_in_time(*rows[c]->sample, child)) continue;
      if (best == ProcessForest::kNone || better_parent(*rows[c], *rows[best])) best = c;
    }
    f.parent[i] = best;
  }

  // Cut cycles: follow each chain of parents once; meeting a row of the
  // chain being walked closes a cycle, which loses the parent link of its
  // member that comes first in input order.
  std::vector<std::uint8_t> state(n, 0);  // 0 new, 1 on the current chain, 2 done
  std::vector<std::size_t> chain;
  std::vector<std::size_t> cut;
  for (std::size_t i = 0; i < n; ++i) {
    if (state[i] != 0) continue;
    chain.clear();
    std::size_t j = i;
    while (j != ProcessForest::kNone && state[j] == 0) {
      state[j] = 1;
      chain.push_back(j);
      j = f.parent[j];
    }
    if (j != ProcessForest::kNone && state[j] == 1) {
      const auto from = std::find(chain.begin(), chain.end(), j);
      const std::size_t first = *std::min_element(from, chain.end());
      f.parent[first] = ProcessForest::kNone;
      cut.push_back(first);
    }
    for (const std::size_t k : chain) state[k] = 2;
  }
  std::sort(cut.begin(), cut.end());

  for (std::size_t i = 0; i < n; ++i) {
    if (f.parent[i] != ProcessForest::kNone)
      f.children[f.parent[i]].push_back(i);
    else if (!std::binary_search(cut.begin(), cut.end(), i))
      f.roots.push_back(i);
  }
  f.roots.insert(f.roots.end(), cut.begin(), cut.end());
  return f;
}

std::vector<TreeVisit> tree_preorder(const ProcessForest& forest) {
  std::vector<TreeVisit> out;
  out.reserve(forest.parent.size());
  std::vector<TreeVisit> stack;
  auto push_reversed = [&](const std::vector<std::size_t>& ids, int depth) {
    for (auto it = ids.rbegin(); it != ids.rend(); ++it)
      stack.push_back({*it, depth, it == ids.rbegin()});
  };
  push_reversed(forest.roots, 0);
  while (!stack.empty()) {
    const TreeVisit v = stack.back();
    stack.pop_back();
    out.push_back(v);
    push_reversed(forest.children[v.index], v.depth + 1);
  }
  return out;
}

std::vector<std::size_t> subtree_of(const ProcessForest& forest, std::size_t index) {
  std::vector<std::size_t> out;
  std::vector<std::size_t> stack{index};
  while (!stack.empty()) {
    const std::size_t i = stack.back();
    stack.pop_back();
    out.push_back(i);
    const auto& kids = forest.children[i];
    for (auto it = kids.rbegin(); it != kids.rend(); ++it) stack.push_back(*it);
  }
  return out;
}

}  // namespace pw
