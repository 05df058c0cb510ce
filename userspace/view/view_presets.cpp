#include "view/view_presets.h"

#include <array>

namespace pw {
namespace {

constexpr std::array kCpuFields = {FieldId::Pid,       FieldId::Flags,     FieldId::User,
                                   FieldId::Threads,   FieldId::State,     FieldId::CpuPct,
                                   FieldId::RunqP50Us, FieldId::RunqP99Us, FieldId::CtxSwPerSec,
                                   FieldId::OffCpuPct, FieldId::CpuTimeS,  FieldId::Cmdline};

constexpr std::array kIoFields = {FieldId::Pid,
                                  FieldId::Flags,
                                  FieldId::User,
                                  FieldId::ReadBytesPerSec,
                                  FieldId::WriteBytesPerSec,
                                  FieldId::DiskReadOpsPerSec,
                                  FieldId::DiskWriteOpsPerSec,
                                  FieldId::IoP50Us,
                                  FieldId::IoP99Us,
                                  FieldId::MajFltPerSec,
                                  FieldId::Cmdline};

constexpr std::array kNetFields = {FieldId::Pid,
                                   FieldId::Flags,
                                   FieldId::User,
                                   FieldId::NetRxBytesPerSec,
                                   FieldId::NetTxBytesPerSec,
                                   FieldId::NetRxCallsPerSec,
                                   FieldId::NetTxCallsPerSec,
                                   FieldId::Connections,
                                   FieldId::TcpOpensPerSec,
                                   FieldId::TcpRetransmits,
                                   FieldId::TcpResets,
                                   FieldId::Cmdline};

constexpr std::array kMemFields = {FieldId::Pid,
                                   FieldId::Flags,
                                   FieldId::User,
                                   FieldId::RssBytes,
                                   FieldId::RssAnonBytes,
                                   FieldId::RssFileBytes,
                                   FieldId::RssShmemBytes,
                                   FieldId::SwapBytes,
                                   FieldId::VmSizeBytes,
                                   FieldId::RssPeakBytes,
                                   FieldId::MinFltPerSec,
                                   FieldId::MajFltPerSec,
                                   FieldId::MmapBytesPerSec,
                                   FieldId::BrkGrowBytesPerSec,
                                   FieldId::Cmdline};

// Sort keys: the resource's total, so a process that only writes (or only
// sends) ranks as high as one that only reads.
const std::array kPresets = {
    ViewPresetDef{ViewPreset::Cpu, "cpu", "CPU and scheduler", '1', 'c', kCpuFields,
                  FieldId::CpuPct},
    ViewPresetDef{ViewPreset::Io, "io", "storage IO", '2', 'i', kIoFields, FieldId::IoBytesPerSec},
    ViewPresetDef{ViewPreset::Net, "net", "network", '3', 'n', kNetFields, FieldId::NetBytesPerSec},
    ViewPresetDef{ViewPreset::Mem, "mem", "memory", '4', 'm', kMemFields, FieldId::RssBytes},
};

}  // namespace

std::span<const ViewPresetDef> all_view_presets() { return kPresets; }

const ViewPresetDef& view_preset(ViewPreset id) {
  for (const auto& p : kPresets)
    if (p.id == id) return p;
  return kPresets[0];
}

const ViewPresetDef* find_view_preset(std::string_view name) {
  for (const auto& p : kPresets)
    if (p.name == name) return &p;
  return nullptr;
}

const ViewPresetDef* view_preset_for_key(int key) {
  for (const auto& p : kPresets)
    if (key == p.digit_key || key == p.letter_key) return &p;
  return nullptr;
}

}  // namespace pw
