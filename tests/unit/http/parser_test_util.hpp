// Helpers for the parser tests: run an input whole, split at every offset and byte by byte,
// and require identical transcripts.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "fuzz/http/driver.hpp"

namespace l7::http::testing {

inline std::string show(const transcript& t) {
  std::string out = "error=" + (t.error ? t.error.message() : std::string("none")) +
                    " leftover=" + std::to_string(t.leftover) + "\n";
  for (const auto& m : t.messages) {
    out += "[" + m.head + "flags: " + m.flags + "\nbody(" + std::to_string(m.body.size()) +
           "): " + m.body + "\ntrailers: " + m.trailers + (m.ended ? "ended" : "unfinished") +
           "]\n";
  }
  return out;
}

// Parses `input` whole, then at every split offset and byte by byte; all must agree.
inline transcript parse_all_ways(std::string_view input, const run_options& o) {
  const transcript whole = run_whole(input, o);
  for (std::size_t at = 1; at < input.size(); ++at) {
    const transcript split = run_split(input, at, o);
    EXPECT_EQ(split, whole) << "split at " << at << "\nwhole:\n"
                            << show(whole) << "split:\n"
                            << show(split);
    if (split != whole) break;
  }
  const transcript bytes = run_bytewise(input, o);
  EXPECT_EQ(bytes, whole) << "byte by byte\nwhole:\n" << show(whole) << "bytes:\n" << show(bytes);
  return whole;
}

inline run_options request_opts(bool lenient = false) {
  run_options o;
  o.r = role::request;
  o.lim.lenient = lenient;
  return o;
}

inline run_options response_opts(std::string method = "GET", bool lenient = false) {
  run_options o;
  o.r = role::response;
  o.response_to = std::move(method);
  o.lim.lenient = lenient;
  return o;
}

}  // namespace l7::http::testing
