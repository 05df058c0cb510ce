// When procwatch gives heap back after a burst of processes.
#include "collect/heap_trim.h"

#include <gtest/gtest.h>

namespace pw {
namespace {

TEST(HeapTrimPolicy, TrimsOnceAfterABurstHasBeenGoneForAFewPasses) {
  HeapTrimPolicy p;
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(p.after_pass(150));
  EXPECT_FALSE(p.after_pass(6000));  // a fork storm's exits in one Sample
  EXPECT_FALSE(p.after_pass(4000));
  EXPECT_FALSE(p.after_pass(150));  // its Sample is still "previous"
  EXPECT_TRUE(p.after_pass(150));
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(p.after_pass(150)) << "once per burst";
}

TEST(HeapTrimPolicy, SmallSwingsNeverTrim) {
  HeapTrimPolicy p;
  for (int i = 0; i < 50; ++i) EXPECT_FALSE(p.after_pass(i % 2 ? 900 : 100));
}

TEST(HeapTrimPolicy, ANewBurstBeforeCalmStartsOver) {
  HeapTrimPolicy p;
  p.after_pass(100);
  p.after_pass(5000);
  p.after_pass(100);  // one calm pass, then a new burst
  EXPECT_FALSE(p.after_pass(7000));
  EXPECT_FALSE(p.after_pass(100));
  EXPECT_TRUE(p.after_pass(100));
}

}  // namespace
}  // namespace pw
