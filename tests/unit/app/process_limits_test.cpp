// raise_open_file_limit(): the soft limit ends at the hard one, from a lower start too.
#include <gtest/gtest.h>

#include <sys/resource.h>

#include "app/process_limits.hpp"

namespace l7::app {
namespace {

TEST(ProcessLimits, RaisesTheSoftOpenFileLimitToTheHardLimit) {
  rlimit original{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &original), 0);
  ASSERT_NE(original.rlim_max, RLIM_INFINITY);  // Linux caps RLIMIT_NOFILE at fs.nr_open
  ASSERT_GT(original.rlim_max, 64u);
  // Start lower than the hard limit, as under a shell or service manager with a soft 1024.
  rlimit lowered = original;
  lowered.rlim_cur = 64;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &lowered), 0);

  const auto got = raise_open_file_limit();
  EXPECT_EQ(got.before, 64u);
  EXPECT_EQ(got.now, original.rlim_max);
  rlimit after{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &after), 0);
  EXPECT_EQ(after.rlim_cur, original.rlim_max);

  const auto again = raise_open_file_limit();  // already at the hard limit: nothing to do
  EXPECT_EQ(again.before, original.rlim_max);
  EXPECT_EQ(again.now, original.rlim_max);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &original), 0);
}

}  // namespace
}  // namespace l7::app
