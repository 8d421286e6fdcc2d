// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "output/values.h"
#include "types/map_shape.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// Histogram buckets as hist() and lhist() maps store them, and the rows that
// text and JSON output print for them.
//
// hist(n, k) keeps 2^k buckets per power of two. Bucket 0 counts negative
// values; bucket i for 1 <= i <= 2 << k counts the single value i - 1; above
// that, bucket i counts [lower(i), lower(i + 1)) where, with n = 2^k,
// lower(i) = 2^((i >> k) - 1) * (n + (i & (n - 1))) for i > 2 << k (and i - 1
// at i = (2 << k) + 1). The BPF side maps a value v to:
//   v < 0 -> 0;  v < 2^k -> v + 1;
//   else 1 + ((msb(v) - k + 1) << k) + (the k bits of v below its msb).
//
// lhist(n, min, max, step) keeps (max - min) / step buckets of width `step`
// starting at min, after an underflow bucket 0 and before one overflow
// bucket: v < min -> 0; v > max -> 1 + (max - min) / step; else
// 1 + (v - min) / step.
namespace sonde::output {

// One printed row: a bucket and its bounds.
struct HistRow {
  // The text label: `(..., 0)`, `[4]`, `[4, 8)`, `[1K, 2K)`, `[100, ...)`.
  std::string label;
  // The smallest value the bucket holds; none for the underflow bucket.
  std::optional<Integer> min;
  // The largest value it holds (inclusive); none for lhist's overflow
  // bucket.
  std::optional<Integer> max;
  uint64_t count = 0;
};

// The number of buckets a hist() with `bits` = k needs to cover every 64-bit
// value: indices 0 to (65 - k) << k.
uint32_t hist_bucket_count(unsigned bits);
// The bucket of `value` in a hist() with `bits` = k (the BPF side's index,
// see above).
uint32_t hist_bucket_index(int64_t value, unsigned bits);

// The number of buckets of lhist(_, min, max, step): underflow, the
// (max - min) / step in-range buckets, overflow.
uint32_t lhist_bucket_count(int64_t min, int64_t max, int64_t step);
// The bucket of `value` (the BPF side's index, see above).
uint32_t
lhist_bucket_index(int64_t value, int64_t min, int64_t max, int64_t step);

// The buckets a hist() or lhist() map keeps per key (the counts above, for
// the shape's arguments); 0 for other kinds and for an lhist whose range is
// empty.
uint32_t bucket_count(const types::MapShape& shape);

// The rows of a hist() with `bits` = k (0..5): every bucket from the lowest
// non-zero one to the highest, counts divided by `div` (0 or 1: unchanged).
// Buckets are chosen before dividing, so a divided count may print as 0.
// Empty when every bucket is zero. Buckets past hist_bucket_count(bits) are
// ignored.
std::vector<HistRow> hist_rows(const std::vector<uint64_t>& buckets,
                               unsigned bits,
                               uint64_t div = 1);

// The rows of an lhist(). `div` does not apply to linear histograms. Labels
// carry a K or M suffix only when `step` is a multiple of 1024 and the bound
// divides evenly. With step 1, in-range buckets hold one value and print as
// `[v]`, as upstream bpftrace does (0.17 printed `[v, v+1)`). Buckets past
// lhist_bucket_count() are ignored.
std::vector<HistRow> lhist_rows(const std::vector<uint64_t>& buckets,
                                int64_t min,
                                int64_t max,
                                int64_t step);

// Prints rows as bpftrace's ASCII histogram, one line each: the label
// left-aligned in 16 columns, the count right-aligned in 8, ` |`, then
// floor(count / largest count * 52) `@` signs padded to 52 columns, `|`.
void print_hist_rows(const std::vector<HistRow>& rows, llvm::raw_ostream& out);

// Prints the buckets of a hist() with `bits` = 0 in BCC's log2 layout
// (bcc's print_log2_hist, the libbpf-tools' too): the header
// `     UNIT                : count     distribution` (UNIT left-aligned in
// 19 columns), then one row per power of two from `0 -> 1` to the highest
// non-empty one, `%10d -> %-10d : %-8d |BAR|` with a 40-column bar of
// floor(count * 40 / largest) `*`. Past 32 rows, numbers take 20 columns,
// the label 29 and the bar 20. Row `0 -> 1` counts 0 and 1 (and negative
// values); row `2^(i-1) -> 2^i - 1` the others. Nothing when every bucket
// is empty.
void print_bcc_log2_hist(const std::vector<uint64_t>& buckets,
                         const std::string& unit,
                         llvm::raw_ostream& out);

// Rows as a JSON array of {"min": a, "max": b, "count": c} objects, leaving
// out a bound the bucket does not have; elements are not separated by
// spaces.
std::string hist_rows_json(const std::vector<HistRow>& rows);

} // namespace sonde::output
