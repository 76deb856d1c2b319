#include "app/process_limits.hpp"

#include <sys/resource.h>

#include <limits>

namespace l7::app {
namespace {

std::uint64_t value(rlim_t v) {
  return v == RLIM_INFINITY ? std::numeric_limits<std::uint64_t>::max() : static_cast<std::uint64_t>(v);
}

}  // namespace

open_file_limit raise_open_file_limit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return {};
  open_file_limit out{value(rl.rlim_cur), value(rl.rlim_cur)};
  if (rl.rlim_cur == rl.rlim_max) return out;
  rlimit raised = rl;
  raised.rlim_cur = rl.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) out.now = value(raised.rlim_cur);
  return out;
}

}  // namespace l7::app
