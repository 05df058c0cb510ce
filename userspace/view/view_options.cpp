#include "view/view_options.h"

namespace pw {

std::vector<FieldId> default_top_fields() {
  return {FieldId::Pid,       FieldId::User,      FieldId::Threads,   FieldId::State,
          FieldId::CpuPct,    FieldId::RunqP50Us, FieldId::RunqP99Us, FieldId::CtxSwPerSec,
          FieldId::OffCpuPct, FieldId::CpuTimeS,  FieldId::Cmdline};
}

std::vector<FieldId> shown_fields(const ViewOptions& opts) {
  return opts.fields.empty() ? default_top_fields() : opts.fields;
}

}  // namespace pw
