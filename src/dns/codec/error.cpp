#include "dns/codec/error.hpp"

#include <string>

namespace l7::dns {
namespace {

class category_impl : public std::error_category {
 public:
  const char* name() const noexcept override { return "l7.dns"; }

  std::string message(int ev) const override {
    switch (static_cast<error>(ev)) {
      case error::truncated: return "truncated DNS message";
      case error::bad_pointer: return "invalid compression pointer";
      case error::pointer_loop: return "compression pointer loop";
      case error::label_too_long: return "label longer than 63 octets";
      case error::name_too_long: return "name longer than 255 octets";
      case error::bad_label_type: return "reserved label type";
      case error::bad_name_text: return "malformed domain name text";
      case error::bad_rdata: return "malformed rdata";
      case error::too_many_records: return "too many records in a section";
      case error::message_too_large: return "message too large";
      case error::multiple_opt: return "more than one OPT record";
      case error::bad_opt: return "misplaced or malformed OPT record";
      case error::bad_option: return "malformed EDNS option";
      case error::trailing_data: return "trailing data after the message";
      case error::zone_syntax: return "zone file syntax error";
      case error::bad_ttl: return "malformed or out-of-range TTL";
      case error::unknown_rr_type: return "unknown or disallowed RR type";
      case error::class_mismatch: return "record class differs from the zone's class";
      case error::include_failed: return "$INCLUDE failed";
      case error::zone_too_large: return "too many records in the zone";
    }
    return "unknown l7.dns error";
  }
};

}  // namespace

const std::error_category& category() {
  static const category_impl instance;
  return instance;
}

std::error_code make_error_code(error e) { return {static_cast<int>(e), category()}; }

std::uint16_t rcode_for(std::error_code ec) {
  if (ec == error::message_too_large) return 2;
  return 1;
}

}  // namespace l7::dns
