#include "view/view_options.h"

namespace pw {

std::vector<FieldId> default_top_fields() {
  const auto fields = view_preset(ViewPreset::Cpu).fields;
  return {fields.begin(), fields.end()};
}

void apply_view_preset(ViewOptions& opts, ViewPreset preset) {
  const ViewPresetDef& p = view_preset(preset);
  opts.view = preset;
  opts.fields.assign(p.fields.begin(), p.fields.end());
  opts.sort_by = p.sort_by;
  opts.sort_descending = true;
}

std::vector<FieldId> shown_fields(const ViewOptions& opts) {
  std::vector<FieldId> fields = opts.fields.empty() ? default_top_fields() : opts.fields;
  if (opts.group != GroupBy::None) return grouped_fields(fields, opts.group);
  return fields;
}

}  // namespace pw
