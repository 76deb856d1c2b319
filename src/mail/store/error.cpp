#include "mail/store/error.hpp"

#include <string>

namespace l7::mail {
namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "mail.store"; }
  std::string message(int e) const override {
    switch (static_cast<store_error>(e)) {
      case store_error::no_such_folder: return "no such folder";
      case store_error::folder_exists: return "folder already exists";
      case store_error::invalid_name: return "invalid name";
      case store_error::has_children: return "folder has inferior folders";
      case store_error::quota_exceeded: return "quota exceeded";
      case store_error::no_such_message: return "no such message";
      case store_error::io: return "I/O error";
      case store_error::corrupt: return "index corrupt";
    }
    return "unknown mail store error";
  }
};

}  // namespace

const std::error_category& store_category() {
  static const category c;
  return c;
}

std::error_code make_error_code(store_error e) { return {static_cast<int>(e), store_category()}; }

}  // namespace l7::mail
