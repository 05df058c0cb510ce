// Predefined column sets of `top`, as atop has them: one per resource, each
// with the sort key that makes its busiest processes come first. Keys 1-4
// (or c i n m) switch between them; --view picks one for batch output.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "model/fields.h"

namespace pw {

enum class ViewPreset : std::uint8_t { Cpu, Io, Net, Mem };

struct ViewPresetDef {
  ViewPreset id;
  std::string_view name;   // --view NAME
  std::string_view title;  // help screen and header
  char digit_key;          // '1'...
  char letter_key;         // 'c', 'i', 'n', 'm'
  std::span<const FieldId> fields;
  FieldId sort_by;  // descending
};

std::span<const ViewPresetDef> all_view_presets();
const ViewPresetDef& view_preset(ViewPreset id);
const ViewPresetDef* find_view_preset(std::string_view name);
// The preset a key selects, or nullptr.
const ViewPresetDef* view_preset_for_key(int key);

}  // namespace pw
