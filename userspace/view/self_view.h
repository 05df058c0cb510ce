// procwatch's own cost: per BPF program events/s, ns/event and CPU share,
// plus the userspace CPU and RSS, like bpftop but for procwatch itself.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "model/model.h"

namespace pw {

// Text table for `procwatch status` and the top self view.
std::vector<std::string> self_view_lines(const Model& model);
void write_self_text(std::ostream& out, const Model& model,
                     const std::vector<std::string>& notices);
nlohmann::ordered_json self_json(const Model& model, const std::vector<std::string>& notices);

}  // namespace pw
