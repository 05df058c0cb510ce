// Replay: the ReplayFeed over a recording (next, seek, times) and the time
// keys of the top UI's state machine.
#include <gtest/gtest.h>

#include "store/reader.h"
#include "store/schema.h"
#include "store/session_writer.h"
#include "store_test_data.h"
#include "replay/replay_feed.h"
#include "view/top_state.h"

namespace pw {
namespace {

using namespace store_test;

class Replay : public ::testing::Test {
 protected:
  void SetUp() override {
    migrate(db_);
    samples_ = rich_session(20, 41);
    writer_ = std::make_unique<SessionWriter>(db_, SessionInfo{});
    for (const Sample& s : samples_) writer_->write(s);
    reader_ = std::make_unique<SessionReader>(db_, writer_->session_id());
  }
  Database db_ = Database::open_memory();
  std::vector<Sample> samples_;
  std::unique_ptr<SessionWriter> writer_;
  std::unique_ptr<SessionReader> reader_;
};

TEST_F(Replay, FeedStepsSeeksAndStopsAtTheEnd) {
  ReplayFeed feed(*reader_, 17, {"recorded notice"});
  EXPECT_EQ(feed.size(), 20u);
  Model m = feed.next();  // the start
  EXPECT_EQ(feed.position(), 17u);
  EXPECT_EQ(m.sample->system.wall_ns, samples_[17].system.wall_ns);
  EXPECT_GT(m.interval_s(), 0);  // derived against sample 16
  feed.next();
  feed.next();
  EXPECT_TRUE(feed.at_end());
  m = feed.next();  // stays on the last sample
  EXPECT_EQ(feed.position(), 19u);
  m = feed.seek(0);
  EXPECT_EQ(m.interval_s(), 0);  // the first frame has no rates
  feed.seek(1000);
  EXPECT_EQ(feed.position(), 19u);
  EXPECT_EQ(feed.notices(), std::vector<std::string>{"recorded notice"});
  EXPECT_EQ(feed.wall_ns_at(3), samples_[3].system.wall_ns);
}

TEST_F(Replay, FindTime) {
  ReplayFeed feed(*reader_, 0);
  std::string error;
  EXPECT_EQ(feed.find_time("+5s", &error), 5u) << error;
  EXPECT_EQ(feed.find_time("-0s", &error), 19u);
  const std::string at = "@" + std::to_string(samples_[7].system.wall_ns / kSec);
  EXPECT_EQ(feed.find_time(at, &error), 7u);
  EXPECT_FALSE(feed.find_time("+1h", &error));
  EXPECT_NE(error.find("outside the recording"), std::string::npos) << error;
  EXPECT_FALSE(feed.find_time("soon", &error));
  EXPECT_NE(error.find("not a time"), std::string::npos) << error;
}

TEST(ReplayKeys, TimeKeysOnlyInReplay) {
  Table table;
  TopState s;
  s.replay = true;
  EXPECT_EQ(handle_key(s, ']', table, 10), KeyEffect::Redraw);
  EXPECT_EQ(s.replay_action, ReplayAction::StepForward);
  EXPECT_TRUE(s.paused);
  s.replay_action = ReplayAction::None;
  handle_key(s, '{', table, 10);
  EXPECT_EQ(s.replay_action, ReplayAction::JumpBack);
  s.replay_action = ReplayAction::None;
  handle_key(s, 'J', table, 10);
  EXPECT_EQ(s.prompt, PromptKind::Time);
  for (char c : std::string("12:03:10")) handle_key(s, c, table, 10);
  handle_key(s, kKeyEnter, table, 10);
  EXPECT_EQ(s.replay_action, ReplayAction::JumpTo);
  EXPECT_EQ(s.replay_target, "12:03:10");
  for (int i = 0; i < 10; ++i) handle_key(s, '+', table, 10);
  EXPECT_EQ(s.replay_speed, kMaxReplaySpeed);
  for (int i = 0; i < 20; ++i) handle_key(s, '-', table, 10);
  EXPECT_EQ(s.replay_speed, kMinReplaySpeed);

  TopState live;
  handle_key(live, '[', table, 10);
  EXPECT_EQ(live.replay_action, ReplayAction::None);
  EXPECT_NE(live.message.find("unknown key"), std::string::npos);
}

}  // namespace
}  // namespace pw
