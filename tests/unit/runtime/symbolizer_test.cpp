// SPDX-License-Identifier: Apache-2.0
#include "runtime/symbolizer.h"

#include <cstdlib>
#include <gtest/gtest.h>

namespace sonde::runtime {
namespace {

TEST(FormatTime, MicrosecondsAndStrftime) {
  setenv("TZ", "UTC", 1);
  tzset();
  // 2021-01-02 03:04:05.123456789 UTC.
  int64_t nanoseconds = int64_t(1609556645) * 1000000000 + 123456789;
  EXPECT_EQ(format_time("%Y-%m-%d %H:%M:%S.%f", nanoseconds),
            "2021-01-02 03:04:05.123456");
  EXPECT_EQ(format_time("%%f is %f", nanoseconds), "%f is 123456");
  EXPECT_EQ(format_time("", nanoseconds), "");
}

} // namespace
} // namespace sonde::runtime
