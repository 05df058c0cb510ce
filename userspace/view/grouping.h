// Rows that stand for several processes: a group (all processes of one
// cgroup, container, systemd unit or user) or a subtree (a process and all
// its descendants). Their figures come from the same field getters as a
// process row's, combined by what each field means:
//   counts, rates and levels add up (CPU%, B/s, RSS, connections...);
//   latency percentiles come from the members' merged histograms, which is
//     the group's real distribution (adding percentiles would be wrong);
//   attributes (pid, command, state...) of a group show only when every
//     member has the same value, else missing; a subtree row shows its own
//     process's.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "model/fields.h"
#include "model/histogram.h"

namespace pw {

enum class GroupBy : std::uint8_t { None, Cgroup, Container, Unit, User };

std::string_view group_by_name(GroupBy by);  // "none", "cgroup", ...
std::optional<GroupBy> parse_group_by(std::string_view name);
// The field whose value names the group: cgroup, container_id, unit, user.
FieldId group_key_field(GroupBy by);

enum class Aggregation : std::uint8_t { Sum, Histogram, Attribute };
Aggregation aggregation(FieldId id);

// Columns for a grouped view of `fields`: processes first, the fields that
// still mean something for a group, and the group's key last (the wide,
// uncut column).
std::vector<FieldId> grouped_fields(std::span<const FieldId> fields, GroupBy by);

class RowSums {
 public:
  enum class Kind : std::uint8_t { Group, Subtree };
  // Only `fields` are computed (a view passes what it shows and sorts by);
  // value() of any other field is missing.
  RowSums(Kind kind, std::span<const FieldId> fields);

  void add(const ProcessRow& member, double interval_s);
  void add(const RowSums& other);  // every member of other (same kind and fields)

  // The row's value of f: a sum, a merged percentile or a common attribute.
  FieldValue value(const FieldDef& f, double interval_s) const;
  Kind kind() const { return kind_; }
  std::size_t members() const { return members_; }

 private:
  struct Slot {
    bool wanted = false;
    bool seen = false;     // Attribute: a member was added
    bool differs = false;  // Attribute: members disagree
    FieldValue value;
  };
  Kind kind_;
  std::vector<Slot> slots_;  // by FieldId
  std::size_t members_ = 0;
  const ProcessSample* first_ = nullptr;
  Log2Histogram runq_;
  Log2Histogram io_;
};

struct RowGroup {
  FieldValue key;                     // the key field's value; missing for "no cgroup" etc.
  const ProcessRow* first = nullptr;  // first member in input order
  std::shared_ptr<RowSums> sums;
};

// Groups `rows` by `by` (not None), in order of first appearance.
std::vector<RowGroup> group_rows(std::span<const ProcessRow* const> rows, GroupBy by,
                                 std::span<const FieldId> fields, double interval_s);

}  // namespace pw
