// Log2Histogram: bucket k holds values in [2^k, 2^(k+1)) ns; quantiles are
// interpolated linearly inside the bucket that holds the target rank.
#include "model/histogram.h"

#include <gtest/gtest.h>

#include <array>

namespace pw {
namespace {

TEST(HistogramTest, EmptyHasNoQuantiles) {
  Log2Histogram h;
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.total(), 0u);
  EXPECT_FALSE(h.quantile_ns(0.5).has_value());
  EXPECT_FALSE(h.quantile_ns(0.99).has_value());
  EXPECT_FALSE(h.quantile_ns(1.0).has_value());
}

TEST(HistogramTest, TotalSumsBuckets) {
  Log2Histogram h;
  h.add(0, 1);
  h.add(7, 5);
  h.add(7, 2);
  h.add(31, 3);
  EXPECT_EQ(h.bucket(7), 7u);
  EXPECT_EQ(h.total(), 11u);
  EXPECT_FALSE(h.empty());
}

TEST(HistogramTest, SingleBucketInterpolatesLinearly) {
  Log2Histogram h;
  h.add(10, 100);                                   // 100 values in [1024, 2048)
  EXPECT_DOUBLE_EQ(*h.quantile_ns(0.25), 1280.0);   // 1024 + 0.25 * 1024
  EXPECT_DOUBLE_EQ(*h.quantile_ns(0.50), 1536.0);   // 1024 + 0.50 * 1024
  EXPECT_DOUBLE_EQ(*h.quantile_ns(0.01), 1034.24);  // 1024 + 0.01 * 1024
  EXPECT_DOUBLE_EQ(*h.quantile_ns(1.0), 2048.0);    // the bucket's upper edge
}

TEST(HistogramTest, QuantilesOfAKnownDistribution) {
  Log2Histogram h;
  h.add(3, 50);   // [8, 16)
  h.add(5, 40);   // [32, 64)
  h.add(10, 10);  // [1024, 2048)
  // Rank 50 is the last value of bucket 3: its upper edge.
  EXPECT_DOUBLE_EQ(*h.quantile_ns(0.50), 16.0);
  // Rank 60 is 10 of the 40 values into bucket 5: 32 + 32 * 10/40.
  EXPECT_DOUBLE_EQ(*h.quantile_ns(0.60), 40.0);
  // Rank 90 closes bucket 5.
  EXPECT_DOUBLE_EQ(*h.quantile_ns(0.90), 64.0);
  // Rank 99 is 9 of the 10 values into bucket 10: 1024 + 1024 * 0.9.
  EXPECT_DOUBLE_EQ(*h.quantile_ns(0.99), 1945.6);
  EXPECT_DOUBLE_EQ(*h.quantile_ns(1.0), 2048.0);
}

TEST(HistogramTest, QuantileIsMonotonicInQ) {
  Log2Histogram h;
  h.add(2, 3);
  h.add(4, 9);
  h.add(9, 1);
  h.add(20, 2);
  double last = 0;
  for (int i = 1; i <= 100; ++i) {
    const double v = *h.quantile_ns(i / 100.0);
    EXPECT_GE(v, last) << "q=" << i / 100.0;
    last = v;
  }
  EXPECT_DOUBLE_EQ(last, 2097152.0);  // 2^21, top of bucket 20
}

TEST(HistogramTest, OutOfRangeQIsClamped) {
  Log2Histogram h;
  h.add(10, 4);
  EXPECT_DOUBLE_EQ(*h.quantile_ns(1.5), 2048.0);
  EXPECT_NEAR(*h.quantile_ns(0.0), 1024.0, 1e-3);
  EXPECT_NEAR(*h.quantile_ns(-3.0), 1024.0, 1e-3);
}

TEST(HistogramTest, LowestAndHighestBuckets) {
  Log2Histogram low;
  low.add(0, 2);
  const double v = *low.quantile_ns(0.5);
  EXPECT_GE(v, 0.0);
  EXPECT_LE(v, 2.0);
  EXPECT_DOUBLE_EQ(*low.quantile_ns(1.0), 2.0);

  Log2Histogram high;
  high.add(Log2Histogram::kBuckets - 1, 1);
  EXPECT_DOUBLE_EQ(*high.quantile_ns(1.0), 4294967296.0);  // 2^32
}

TEST(HistogramTest, MinusSubtractsBucketByBucket) {
  Log2Histogram now, before;
  now.add(3, 10);
  now.add(8, 7);
  before.add(3, 4);
  before.add(8, 7);
  const Log2Histogram d = now.minus(before);
  EXPECT_EQ(d.bucket(3), 6u);
  EXPECT_EQ(d.bucket(8), 0u);
  EXPECT_EQ(d.total(), 6u);
  EXPECT_TRUE(now.minus(now).empty());
  EXPECT_EQ(now.minus(Log2Histogram{}), now);
}

TEST(HistogramTest, MinusClampsAtZero) {
  // A process that exec'd restarts its histogram: the older one can be
  // larger in some buckets.
  Log2Histogram now, before;
  now.add(3, 2);
  now.add(5, 9);
  before.add(3, 8);
  before.add(6, 1);
  const Log2Histogram d = now.minus(before);
  EXPECT_EQ(d.bucket(3), 0u);  // 2 - 8 clamps to 0, no wrap-around
  EXPECT_EQ(d.bucket(5), 9u);
  EXPECT_EQ(d.bucket(6), 0u);  // 0 - 1 clamps to 0
  EXPECT_EQ(d.total(), 9u);
  EXPECT_DOUBLE_EQ(*d.quantile_ns(1.0), 64.0);
}

TEST(HistogramTest, BucketsAddedInAnyOrderEqualTheBulkForm) {
  // Stored from the lowest to the highest non-zero bucket: adding below or
  // above that range, or all 32 at once, must give the same histogram.
  Log2Histogram one_by_one;
  one_by_one.add(12, 3);
  one_by_one.add(4, 1);   // below the range
  one_by_one.add(31, 2);  // above it
  one_by_one.add(12, 1);
  one_by_one.add(40, 5);  // out of range: ignored
  one_by_one.add(-1, 5);
  std::array<std::uint64_t, Log2Histogram::kBuckets> all{};
  all[4] = 1;
  all[12] = 4;
  all[31] = 2;
  Log2Histogram bulk;
  bulk.add_all(all);
  EXPECT_EQ(one_by_one, bulk);
  EXPECT_EQ(bulk.total(), 7u);
  EXPECT_EQ(bulk.bucket(12), 4u);
  EXPECT_EQ(bulk.bucket(0), 0u);
  EXPECT_EQ(bulk.bucket(5), 0u);
  // Bulk adds merge with what is there.
  bulk.add_all(all);
  EXPECT_EQ(bulk.bucket(4), 2u);
  EXPECT_EQ(bulk.bucket(31), 4u);
  EXPECT_NE(bulk, one_by_one);
}

TEST(HistogramTest, AZeroDifferenceEqualsAnEmptyHistogram) {
  Log2Histogram h;
  h.add(7, 5);
  h.add(20, 1);
  EXPECT_EQ(h.minus(h), Log2Histogram{});
  EXPECT_TRUE(h.minus(h).empty());
  EXPECT_FALSE(h.minus(h).quantile_ns(0.5).has_value());
}

}  // namespace
}  // namespace pw
