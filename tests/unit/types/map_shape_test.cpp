// SPDX-License-Identifier: Apache-2.0
#include "types/map_shape.h"

#include <gtest/gtest.h>

namespace sonde::types {
namespace {

MapShape shape_of(MapValueKind kind) {
  MapShape shape;
  shape.name = "@m";
  shape.kind = kind;
  return shape;
}

TEST(MapShape, KindsAreNamedAfterTheirFunction) {
  EXPECT_STREQ(map_kind_name(MapValueKind::Plain), "plain");
  EXPECT_STREQ(map_kind_name(MapValueKind::Count), "count");
  EXPECT_STREQ(map_kind_name(MapValueKind::Lhist), "lhist");
  EXPECT_STREQ(map_kind_name(MapValueKind::Tseries), "tseries");
}

TEST(MapShape, OnlyPlainMapsAreNotAggregations) {
  EXPECT_FALSE(shape_of(MapValueKind::Plain).is_aggregation());
  for (MapValueKind kind :
       {MapValueKind::Count, MapValueKind::Sum, MapValueKind::Min,
        MapValueKind::Max, MapValueKind::Avg, MapValueKind::Stats,
        MapValueKind::Hist, MapValueKind::Lhist, MapValueKind::Tseries}) {
    EXPECT_TRUE(shape_of(kind).is_aggregation()) << map_kind_name(kind);
  }
}

TEST(MapShape, HistogramsKeepBuckets) {
  EXPECT_TRUE(shape_of(MapValueKind::Hist).has_buckets());
  EXPECT_TRUE(shape_of(MapValueKind::Lhist).has_buckets());
  EXPECT_FALSE(shape_of(MapValueKind::Count).has_buckets());
  EXPECT_FALSE(shape_of(MapValueKind::Tseries).has_buckets());
  EXPECT_FALSE(shape_of(MapValueKind::Plain).has_buckets());
}

TEST(MapShape, ScalarMapsHaveNoKeys) {
  MapShape shape = shape_of(MapValueKind::Plain);
  EXPECT_TRUE(shape.is_scalar());
  shape.key_types = {Type::u64()};
  EXPECT_FALSE(shape.is_scalar());
}

TEST(MapShape, ArgumentsCompareByKind) {
  MapShape first = shape_of(MapValueKind::Lhist);
  first.lhist = {0, 100, 10};
  MapShape second = first;
  EXPECT_TRUE(first.same_arguments(second));
  second.lhist.step = 5;
  EXPECT_FALSE(first.same_arguments(second));

  MapShape tseries = shape_of(MapValueKind::Tseries);
  tseries.tseries = {1000000000, 10, TseriesAggregation::Last};
  MapShape summed = tseries;
  summed.tseries.aggregation = TseriesAggregation::Sum;
  EXPECT_FALSE(tseries.same_arguments(summed));

  // Storage is not an argument.
  MapShape lru = tseries;
  lru.lru = true;
  lru.max_entries = 10;
  EXPECT_TRUE(tseries.same_arguments(lru));
}

} // namespace
} // namespace sonde::types
