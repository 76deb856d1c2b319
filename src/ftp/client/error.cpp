#include "ftp/client/error.hpp"

#include <string>

namespace l7::ftp::client {
namespace {

class client_category : public std::error_category {
 public:
  const char* name() const noexcept override { return "l7.ftp.client"; }
  std::string message(int v) const override {
    switch (static_cast<error>(v)) {
      case error::rejected: return "the server refused the command";
      case error::unexpected_reply: return "unexpected reply from the server";
      case error::connection_closed: return "the server closed the control connection";
      case error::timed_out: return "timed out";
      case error::bad_passive_reply: return "passive-mode reply without a usable address";
      case error::needs_ipv4: return "the server offers no IPv6 data connections (EPSV/EPRT)";
      case error::foreign_data_peer: return "data connection from a host other than the server";
      case error::account_required: return "the server asks for an account (ACCT)";
      case error::unsafe_argument: return "CR, LF or NUL in a command argument";
      case error::listing_line_too_long: return "listing line too long";
    }
    return "unknown FTP client error";
  }
};

}  // namespace

const std::error_category& category() {
  static const client_category instance;
  return instance;
}

std::error_code make_error_code(error e) { return {static_cast<int>(e), category()}; }

}  // namespace l7::ftp::client
