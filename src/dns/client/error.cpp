#include "dns/client/error.hpp"

#include <string>

namespace l7::dns::client {
namespace {

class category_impl : public std::error_category {
 public:
  const char* name() const noexcept override { return "l7.dns.client"; }

  std::string message(int ev) const override {
    switch (static_cast<error>(ev)) {
      case error::timed_out: return "connection timed out";
      case error::malformed_reply: return "malformed reply";
      case error::mismatched_reply: return "reply does not match the query";
      case error::bad_url: return "malformed or unsupported URL";
      case error::bad_http_status: return "unexpected HTTP status";
      case error::bad_media_type: return "reply is not application/dns-message";
      case error::reply_too_large: return "reply too large";
    }
    return "unknown l7.dns.client error";
  }
};

}  // namespace

const std::error_category& category() {
  static const category_impl instance;
  return instance;
}

std::error_code make_error_code(error e) { return {static_cast<int>(e), category()}; }

}  // namespace l7::dns::client
