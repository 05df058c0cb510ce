// Findings read back from a recording (store/findings_table.h) shown on the
// replayed Models, as the live analyzer would: Model::findings and the
// ProcessRow flags of the findings that held at the Model's sample time.
#pragma once

#include <span>

#include "model/finding.h"
#include "model/model.h"

namespace pw {

// Held at wall time t: started at or before t, and ended at or after it or
// still active when the recording ended (its stored numbers are then at
// most one refresh period old).
bool finding_held_at(const Finding& f, std::uint64_t t_wall_ns);

void annotate_with_stored(Model& model, std::span<const Finding> stored);

}  // namespace pw
