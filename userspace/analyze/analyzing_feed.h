// A ModelFeed that runs the Analyzer on every Model of another feed and
// attaches its findings (ProcessRow::flags, Model::findings), so every view
// of a live session can show them without knowing about the analyzer.
#pragma once

#include <vector>

#include "analyze/analyzer.h"
#include "feed/model_feed.h"

namespace pw {

class AnalyzingFeed : public ModelFeed {
 public:
  AnalyzingFeed(ModelFeed& inner, AnalyzerOptions options) : inner_(inner), analyzer_(options) {}

  Model next() override;
  void tick() override { inner_.tick(); }
  std::vector<std::string> notices() const override { return inner_.notices(); }
  double interval_scale() const override { return inner_.interval_scale(); }
  void watch_self(bool on) override { inner_.watch_self(on); }

  const Analyzer& analyzer() const { return analyzer_; }
  // Findings raised by the latest next().
  const std::vector<Finding>& raised() const { return raised_; }

 private:
  ModelFeed& inner_;
  Analyzer analyzer_;
  std::vector<Finding> raised_;
};

// AnalyzerOptions for the live system: cgroup memory limits from
// /sys/fs/cgroup.
AnalyzerOptions live_analyzer_options();

}  // namespace pw
