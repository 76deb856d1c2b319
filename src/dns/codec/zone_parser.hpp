// The state machine behind parse_zone() (zone.hpp): one instance per call, shared across the
// $INCLUDE levels. zone.cpp holds records and directives, zone_generate.cpp $GENERATE.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "dns/codec/zone.hpp"
#include "dns/codec/zone_lexer.hpp"

namespace l7::dns::detail {

inline constexpr int max_include_depth = 10;

class zone_parser {
 public:
  zone_parser(const zone_parse_options& options, zone_parse_error& err)
      : options_(options), err_(err), origin_(options.origin) {}

  // Parses one file's text at include depth `depth` (0 for the top level).
  bool parse_text(std::string_view text, int depth);
  std::vector<resource_record> take() { return std::move(records_); }

 private:
  bool entry(const zone_entry& e, int depth);
  bool directive(const zone_entry& e, int depth);
  bool include(const zone_entry& e, int depth);
  bool generate(const zone_entry& e);
  // One RR from `<owner> [ttl] [class] <type> <rdata>`, the owner absent when `blank_owner`.
  bool record(std::span<const std::string_view> tokens, bool blank_owner, std::size_t line);
  struct record_head {
    std::optional<std::uint32_t> ttl;
    std::uint16_t klass = 0, type = 0;
    std::size_t rdata_at = 0;  // index of the first rdata token
  };
  // The TTL, class and type after the owner; the class defaulted and checked against the zone's.
  bool parse_head(std::span<const std::string_view> tokens, std::size_t line, record_head& head);
  bool fail(std::error_code ec, std::size_t line, std::string message);

  const zone_parse_options& options_;
  zone_parse_error& err_;
  std::vector<resource_record> records_;
  name origin_;
  // The previous record (its owner fills a blank owner field), by index to avoid a copy per RR.
  std::optional<std::size_t> previous_;
  std::optional<std::uint32_t> ttl_directive_, last_ttl_, soa_minimum_;
  std::optional<std::uint16_t> zone_class_;
  bool soa_seen_ = false;
};

// `$GENERATE` text substitution of `value` into `pattern` (`$`, `${offset,width,base}`);
// false on a malformed modifier or a negative result. Escapes are copied unchanged.
bool generate_substitute(std::string_view pattern, std::uint32_t value, std::string& out);

}  // namespace l7::dns::detail
