// libFuzzer target: HTTP/1.x responses to a data-chosen request method, strict and lenient.
#include <array>
#include <cstddef>
#include <cstdint>

#include "fuzz_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace l7::http;
  using namespace l7::http::testing;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  constexpr std::array<const char*, 4> methods = {"GET", "HEAD", "CONNECT", "POST"};
  const char* method = methods[fnv1a(input) % methods.size()];
  for (const bool lenient : {false, true}) {
    run_options o;
    o.r = role::response;
    o.response_to = method;
    o.lim.lenient = lenient;
    check_splits(input, o);
    o.lim = small_limits(lenient);
    check_splits(input, o);
  }
  check_round_trip(input, role::response);
  return 0;
}
