#include "tftp/codec/error.hpp"

#include <string>

namespace l7::tftp {
namespace {

class category_impl : public std::error_category {
 public:
  const char* name() const noexcept override { return "l7.tftp"; }

  std::string message(int ev) const override {
    switch (static_cast<error>(ev)) {
      case error::truncated: return "truncated TFTP packet";
      case error::bad_opcode: return "unknown TFTP opcode";
      case error::unterminated: return "string field without its NUL terminator";
      case error::empty_filename: return "request without a file name";
      case error::bad_option: return "malformed option";
      case error::duplicate_option: return "option given twice";
      case error::too_many_options: return "too many options";
      case error::bad_mode: return "unsupported transfer mode";
      case error::option_refused: return "option refused";
      case error::too_large: return "transfer size over the limit";
      case error::unexpected_packet: return "unexpected packet";
      case error::block_too_large: return "DATA block larger than the block size";
      case error::timed_out: return "timed out";
      case error::peer_error: return "the peer sent an error";
    }
    return "unknown l7.tftp error";
  }
};

}  // namespace

const std::error_category& category() {
  static const category_impl instance;
  return instance;
}

std::error_code make_error_code(error e) { return {static_cast<int>(e), category()}; }

std::uint16_t wire_code_for(std::error_code ec) {
  if (ec.category() == category()) {
    switch (static_cast<error>(ec.value())) {
      case error::option_refused: return 8;
      case error::too_large: return 3;
      case error::timed_out:
      case error::peer_error: return 0;
      default: return 4;
    }
  }
  if (ec == std::errc::no_such_file_or_directory) return 1;
  if (ec == std::errc::permission_denied || ec == std::errc::operation_not_permitted ||
      ec == std::errc::read_only_file_system)
    return 2;
  if (ec == std::errc::no_space_on_device || ec == std::errc::file_too_large) return 3;
  if (ec == std::errc::file_exists) return 6;
  return 0;
}

}  // namespace l7::tftp
