// Chart.js (Debian's libjs-chart.js), embedded at build time by
// cmake/EmbedText.cmake; the HTML report inlines it.
#pragma once

#include <string_view>

namespace pw {

std::string_view chartjs_source();          // the minified library
std::string_view chartjs_source_version();  // "3.9.1"
std::string_view chartjs_source_origin();   // the file it was read from

}  // namespace pw
