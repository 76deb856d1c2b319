// libFuzzer target: HTTP/1.x requests in strict and lenient mode, default and small limits.
#include <cstddef>
#include <cstdint>

#include "fuzz_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace l7::http;
  using namespace l7::http::testing;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const bool lenient : {false, true}) {
    run_options o;
    o.r = role::request;
    o.lim.lenient = lenient;
    check_splits(input, o);
    o.lim = small_limits(lenient);
    check_splits(input, o);
  }
  check_round_trip(input, role::request);
  return 0;
}
