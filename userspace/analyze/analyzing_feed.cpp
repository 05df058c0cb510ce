#include "analyze/analyzing_feed.h"

#include "analyze/cgroup_limit.h"

namespace pw {

Model AnalyzingFeed::next() {
  Model m = inner_.next();
  raised_ = analyzer_.update(m);
  analyzer_.annotate(m);
  return m;
}

AnalyzerOptions live_analyzer_options() {
  AnalyzerOptions o;
  o.memory_limit = [](const std::string& cgroup) { return cgroup_memory_limit(cgroup); };
  return o;
}

}  // namespace pw
