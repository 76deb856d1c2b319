// The search of the list and of /api/mail/wait: `to`, `from`, `subject` and `q` (any of the
// three), all case-insensitive (ASCII letters). A `to` value with an '@' is an address and
// matches a recipient exactly (envelope RCPT TO, To or Cc), so `to=me+test42@example.test`
// is an inbox of its own that no other tag sees; without '@' it is a substring of any
// recipient's address or name. The others are substrings: `from` of the From address, its
// name or the envelope MAIL FROM; `subject` of the decoded Subject. In a `to` or `from` value
// with an '@', spaces are taken as '+' (curl users write `?to=me+tag@example.test` unencoded).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "mail/web/message_view.hpp"

namespace l7::mail::web {

struct message_filter {
  std::string to, from, subject, any;  // lower case; empty: no condition

  // Reads to=, from=, subject= and q= with `param` (the exchange's query_param).
  template <typename Param>
  static message_filter from_query(Param&& param) {
    message_filter f;
    f.to = address_like(lowered(param("to")));
    f.from = address_like(lowered(param("from")));
    f.subject = lowered(param("subject"));
    f.any = lowered(param("q"));
    return f;
  }

  bool matches(const message_summary& s) const;

 private:
  static std::string lowered(const std::optional<std::string>& v);
  // An unencoded '+' in a query decodes as a space; an address has none: "me tag@x" -> "me+tag@x".
  static std::string address_like(std::string v);
};

}  // namespace l7::mail::web
