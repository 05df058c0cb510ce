#include "view/grouping.h"

#include <algorithm>
#include <string>
#include <unordered_map>

namespace pw {
namespace {

bool is_missing(const FieldValue& v) { return std::holds_alternative<std::monostate>(v); }

FieldValue plus(const FieldValue& a, const FieldValue& b) {
  if (is_missing(a)) return b;
  if (is_missing(b)) return a;
  const auto* ai = std::get_if<std::int64_t>(&a);
  const auto* bi = std::get_if<std::int64_t>(&b);
  if (ai && bi) return *ai + *bi;
  auto num = [](const FieldValue& v) -> std::optional<double> {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
    if (const auto* d = std::get_if<double>(&v)) return *d;
    return std::nullopt;
  };
  const auto x = num(a);
  const auto y = num(b);
  if (x && y) return *x + *y;
  return a;  // text never sums; aggregation() keeps text out of Sum
}

void merge(Log2Histogram& into, const Log2Histogram& from) {
  for (int k = 0; k < Log2Histogram::kBuckets; ++k)
    if (const auto n = from.bucket(k)) into.add(k, n);
}

// The text a group key is matched by; nullopt for a missing key (processes
// without a cgroup, container or unit form one group of their own).
std::optional<std::string> key_text(const FieldValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) return std::to_string(*d);
  return std::nullopt;
}

}  // namespace

std::string_view group_by_name(GroupBy by) {
  switch (by) {
    case GroupBy::None:
      return "none";
    case GroupBy::Cgroup:
      return "cgroup";
    case GroupBy::Container:
      return "container";
    case GroupBy::Unit:
      return "unit";
    case GroupBy::User:
      return "user";
  }
  return "none";
}

std::optional<GroupBy> parse_group_by(std::string_view name) {
  for (const GroupBy by :
       {GroupBy::None, GroupBy::Cgroup, GroupBy::Container, GroupBy::Unit, GroupBy::User})
    if (group_by_name(by) == name) return by;
  return std::nullopt;
}

FieldId group_key_field(GroupBy by) {
  switch (by) {
    case GroupBy::Container:
      return FieldId::ContainerId;
    case GroupBy::Unit:
      return FieldId::Unit;
    case GroupBy::User:
      return FieldId::User;
    case GroupBy::None:
    case GroupBy::Cgroup:
      break;
  }
  return FieldId::Cgroup;
}

// No default case: a new field must be classified here (-Wswitch says so).
Aggregation aggregation(FieldId id) {
  switch (id) {
    case FieldId::Threads:
    case FieldId::Processes:
    case FieldId::CpuPct:
    case FieldId::UserPct:
    case FieldId::SysPct:
    case FieldId::CpuTimeS:
    case FieldId::RunqWaitPct:
    case FieldId::OffCpuPct:
    case FieldId::CtxSwPerSec:
    case FieldId::VolCtxSwPerSec:
    case FieldId::InvolCtxSwPerSec:
    case FieldId::MinFltPerSec:
    case FieldId::MajFltPerSec:
    case FieldId::ReadBytesPerSec:
    case FieldId::WriteBytesPerSec:
    case FieldId::IoBytesPerSec:
    case FieldId::DiskReadOpsPerSec:
    case FieldId::DiskWriteOpsPerSec:
    case FieldId::DiskReadBlockBytesPerSec:
    case FieldId::DiskWriteBlockBytesPerSec:
    case FieldId::NetRxBytesPerSec:
    case FieldId::NetTxBytesPerSec:
    case FieldId::NetBytesPerSec:
    case FieldId::NetRxCallsPerSec:
    case FieldId::NetTxCallsPerSec:
    case FieldId::Connections:
    case FieldId::TcpOpensPerSec:
    case FieldId::TcpRetransmits:
    case FieldId::TcpResets:
    case FieldId::RssBytes:
    case FieldId::RssAnonBytes:
    case FieldId::RssFileBytes:
    case FieldId::RssShmemBytes:
    case FieldId::SwapBytes:
    case FieldId::VmSizeBytes:
    case FieldId::MmapBytesPerSec:
    case FieldId::MunmapBytesPerSec:
    case FieldId::BrkGrowBytesPerSec:
      return Aggregation::Sum;
    case FieldId::RunqP50Us:
    case FieldId::RunqP99Us:
    case FieldId::IoP50Us:
    case FieldId::IoP99Us:
      return Aggregation::Histogram;
    // The members' peaks were reached at different times: their sum is not
    // the group's peak, and there is no way to know that from the samples.
    case FieldId::RssPeakBytes:
    case FieldId::Pid:
    case FieldId::Ppid:
    case FieldId::User:
    case FieldId::Uid:
    case FieldId::Comm:
    case FieldId::Cmdline:
    case FieldId::State:
    case FieldId::Cgroup:
    case FieldId::ContainerId:
    case FieldId::Unit:
    case FieldId::StartNs:
    case FieldId::AgeS:
    case FieldId::ExitCode:
    case FieldId::Flags:
      return Aggregation::Attribute;
  }
  return Aggregation::Attribute;
}

std::vector<FieldId> grouped_fields(std::span<const FieldId> fields, GroupBy by) {
  const FieldId key = group_key_field(by);
  std::vector<FieldId> out{FieldId::Processes};
  for (const FieldId id : fields) {
    if (id == FieldId::Processes || id == key) continue;
    // Attributes that a whole group tends to share stay; per-process ones
    // (pid, command, state...) would be a column of dashes.
    const bool shared_attribute = id == FieldId::User || id == FieldId::Cgroup ||
                                  id == FieldId::ContainerId || id == FieldId::Unit;
    if (aggregation(id) == Aggregation::Attribute && !shared_attribute) continue;
    out.push_back(id);
  }
  out.push_back(key);
  return out;
}

RowSums::RowSums(Kind kind, std::span<const FieldId> fields)
    : kind_(kind), slots_(all_fields().size()) {
  for (const FieldId id : fields) {
    const auto i = static_cast<std::size_t>(id);
    if (i >= slots_.size()) continue;
    const Aggregation a = aggregation(id);
    // Histogram fields need no slot: value() reads the merged histograms.
    slots_[i].wanted =
        a == Aggregation::Sum || (a == Aggregation::Attribute && kind == Kind::Group);
  }
}

void RowSums::add(const ProcessRow& member, double interval_s) {
  ++members_;
  if (!first_) first_ = member.sample;
  merge(runq_, member.runq_hist_delta);
  merge(io_, member.io_hist_delta);
  const auto fields = all_fields();
  for (const FieldDef& f : fields) {
    Slot& s = slots_[static_cast<std::size_t>(f.id)];
    if (!s.wanted) continue;
    FieldValue v = f.get(member, interval_s);
    if (aggregation(f.id) == Aggregation::Sum) {
      s.value = plus(s.value, v);
    } else if (!s.seen) {
      s.value = std::move(v);
      s.seen = true;
    } else if (!s.differs && !(v == s.value)) {
      s.differs = true;
    }
  }
}

void RowSums::add(const RowSums& other) {
  members_ += other.members_;
  if (!first_) first_ = other.first_;
  merge(runq_, other.runq_);
  merge(io_, other.io_);
  const std::size_t n = std::min(slots_.size(), other.slots_.size());
  for (std::size_t i = 0; i < n; ++i) {
    Slot& s = slots_[i];
    const Slot& o = other.slots_[i];
    if (!s.wanted || !o.wanted) continue;
    if (aggregation(static_cast<FieldId>(i)) == Aggregation::Sum) {
      s.value = plus(s.value, o.value);
    } else if (o.seen) {
      if (!s.seen) {
        s = o;
      } else if (o.differs || !(o.value == s.value)) {
        s.differs = true;
      }
    }
  }
}

FieldValue RowSums::value(const FieldDef& f, double interval_s) const {
  const auto i = static_cast<std::size_t>(f.id);
  switch (aggregation(f.id)) {
    case Aggregation::Sum:
      return i < slots_.size() ? slots_[i].value : FieldValue{};
    case Aggregation::Histogram: {
      if (!first_) return std::monostate{};
      ProcessRow merged;
      merged.sample = first_;
      merged.runq_hist_delta = runq_;
      merged.io_hist_delta = io_;
      return f.get(merged, interval_s);
    }
    case Aggregation::Attribute:
      if (i >= slots_.size() || !slots_[i].seen || slots_[i].differs) return std::monostate{};
      return slots_[i].value;
  }
  return std::monostate{};
}

std::vector<RowGroup> group_rows(std::span<const ProcessRow* const> rows, GroupBy by,
                                 std::span<const FieldId> fields, double interval_s) {
  std::vector<RowGroup> groups;
  if (by == GroupBy::None) return groups;
  const FieldId key_id = group_key_field(by);
  const FieldDef& key_def = field(key_id);
  std::vector<FieldId> wanted(fields.begin(), fields.end());
  wanted.push_back(key_id);

  std::unordered_map<std::string, std::size_t> by_key;
  std::optional<std::size_t> missing_group;
  for (const ProcessRow* row : rows) {
    FieldValue key = key_def.get(*row, interval_s);
    const std::optional<std::string> text = key_text(key);
    std::size_t index = groups.size();
    if (text) {
      index = by_key.emplace(*text, groups.size()).first->second;
    } else {
      if (!missing_group) missing_group = groups.size();
      index = *missing_group;
    }
    if (index == groups.size())
      groups.push_back(
          {std::move(key), row, std::make_shared<RowSums>(RowSums::Kind::Group, wanted)});
    groups[index].sums->add(*row, interval_s);
  }
  return groups;
}

}  // namespace pw
