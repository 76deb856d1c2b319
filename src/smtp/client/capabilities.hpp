// What a server offers in its EHLO reply (RFC 5321 §4.1.1.1): the first line is the greeting,
// every further line one keyword with its parameters. Pure parsing, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/numeric_reply.hpp"

namespace l7::smtp::client {

struct capabilities {
  bool esmtp = false;                  // EHLO was answered 250 (else HELO was used)
  std::string domain;                  // the server's name: first word of the reply's first line
  std::optional<std::uint64_t> size;   // SIZE (RFC 1870 §4); 0 means "no fixed limit"
  bool pipelining = false;             // RFC 2920
  bool eight_bit_mime = false;         // 8BITMIME, RFC 6152
  bool smtputf8 = false;               // RFC 6531
  bool chunking = false;               // BDAT, RFC 3030
  bool binary_mime = false;            // RFC 3030 §3
  bool dsn = false;                    // RFC 3461
  bool starttls = false;               // RFC 3207
  bool enhanced_status_codes = false;  // RFC 2034
  std::vector<std::string> auth;       // AUTH mechanisms, upper-cased (RFC 4954 §3)
  std::vector<std::string> keywords;   // every keyword line as sent, for -v and callers

  bool offers_auth(std::string_view mechanism) const;
};

// Reads a 250 EHLO reply. Unknown keywords are kept in `keywords` only; "AUTH=LOGIN" (the
// pre-standard form some servers still send) counts as AUTH.
capabilities parse_ehlo(const numeric_reply& reply);

}  // namespace l7::smtp::client
