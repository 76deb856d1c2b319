// HTTP/1.x message heads (RFC 9110 §6, RFC 9112 §3-§5).
// Plain value types: they own their strings. Field names keep the case they were received or
// set with; every lookup is ASCII case-insensitive (RFC 9110 §5.1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace l7::http {

struct field {
  std::string name;
  std::string value;
};

// An ordered list of header (or trailer) fields; duplicates are kept in order.
// clear() keeps the storage of the fields it empties: a parser or session that is reused for
// request after request fills the same strings again instead of allocating them.
class fields {
 public:
  fields() = default;
  fields(const fields& o)
      : list_(o.list_.begin(), o.list_.begin() + static_cast<std::ptrdiff_t>(o.used_)), used_(o.used_) {}
  fields& operator=(const fields& o);
  fields(fields&& o) noexcept : list_(std::move(o.list_)), used_(std::exchange(o.used_, 0)) {}
  fields& operator=(fields&& o) noexcept {
    list_ = std::move(o.list_);
    used_ = std::exchange(o.used_, 0);
    return *this;
  }

  void add(std::string_view name, std::string_view value);
  // Replaces every field with this name by one field (appended if there was none).
  void set(std::string_view name, std::string_view value);
  void erase(std::string_view name);
  // First value with this name, if any.
  std::optional<std::string_view> get(std::string_view name) const;
  std::size_t count(std::string_view name) const;
  // True when some field `name` holds `token` in its comma-separated list, compared
  // case-insensitively (e.g. has_token("Connection", "close")).
  bool has_token(std::string_view name, std::string_view token) const;

  auto begin() const { return list_.begin(); }
  auto end() const { return list_.begin() + static_cast<std::ptrdiff_t>(used_); }
  std::size_t size() const { return used_; }
  bool empty() const { return used_ == 0; }
  void clear() { used_ = 0; }

 private:
  auto used_end() { return list_.begin() + static_cast<std::ptrdiff_t>(used_); }

  std::vector<field> list_;  // [0, used_) are the fields; the rest are spare storage
  std::size_t used_ = 0;
};

// version is major*10 + minor: 10 for HTTP/1.0, 11 for HTTP/1.1.
struct request_head {
  std::string method;  // case-sensitive token (RFC 9110 §9.1)
  std::string target;  // as sent: origin-form, absolute-form, authority-form or "*"
  int version = 11;
  fields headers;
};

struct response_head {
  int status = 200;
  std::string reason;  // empty: serializer uses reason_phrase(status)
  int version = 11;
  fields headers;
};

// Standard reason phrase for a status code ("Not Found"), or "Unknown".
std::string_view reason_phrase(int status);

}  // namespace l7::http
