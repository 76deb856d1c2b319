// The client side of IMAP server responses (RFC 9051 §2.2.2, §7), sans-I/O: response_reader is
// fed bytes and yields one response at a time, literals ({n}, {n+}, ~{n}) read in place and never
// waited for, whatever arrives (untagged data at any time, continuation requests, tagged
// status). It frames with the codec's command_reader (limits.server_output) and parses with
// imap::parse_response (src/imap/codec/response.hpp).
// An untagged response the grammar does not accept (a server's odd extension) is not fatal: it
// comes back with `malformed` set and its raw line in `text`, for the caller to ignore. A
// tagged or continuation response that does not parse, or a framing limit, is an error (the
// codec's imap::error codes); the reader is then unusable.
// The helpers below read what the client uses: capabilities, FETCH items, SEARCH, codes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "imap/codec/reader.hpp"
#include "imap/codec/response.hpp"

namespace l7::imap::client {

struct client_response {
  imap::response r;
  bool malformed = false;  // untagged and unparseable: r.tag "*", r.text the raw line
};

class response_reader {
 public:
  // max_literal: the largest literal accepted (a message); max_line: one line of a response.
  explicit response_reader(std::uint64_t max_literal = 512ull * 1024 * 1024, std::size_t max_line = 256 * 1024);

  // Consumes bytes up to the end of the next response; returns how many. When ready(), take()
  // the response before parsing more.
  std::size_t parse(std::string_view data, std::error_code& ec);
  bool ready() const { return ready_; }
  client_response take();
  // The bytes of the last response (lines and literals as received), until the next parse().
  std::string_view raw() const { return reader_.raw(); }

 private:
  imap::command_reader reader_;
  client_response pending_;
  bool ready_ = false;
};

struct capabilities {
  std::vector<std::string> names;  // upper-cased
  bool known = false;
  bool has(std::string_view name) const;  // case-insensitive
  bool auth(std::string_view mechanism) const { return has("AUTH=" + std::string(mechanism)); }
};
// From "* CAPABILITY ..." data or a "[CAPABILITY ...]" response code; nullopt for others.
std::optional<capabilities> capabilities_of(const imap::response& r);

// One "* n FETCH (...)" response, with the items the client asks for (RFC 9051 §7.5.2).
struct fetch_data {
  std::uint32_t seq = 0;
  std::optional<std::uint32_t> uid;
  std::optional<std::uint64_t> size;            // RFC822.SIZE
  std::vector<std::string> flags;
  std::string internal_date;
  std::optional<std::string> header_fields;     // BODY[HEADER.FIELDS (...)] (any HEADER section)
  std::optional<std::string> body;              // BODY[]
};
// nullopt when `r` is not a FETCH response or its item list is malformed.
std::optional<fetch_data> fetch_of(const imap::response& r);

// "* SEARCH 2 84 882" (RFC 9051 §7.3.5 / RFC 3501 §7.2.5); nullopt for other responses.
std::optional<std::vector<std::uint32_t>> search_of(const imap::response& r);

// The number after a response code's name ("UIDVALIDITY 3857529045", "UIDNEXT 4392").
std::optional<std::uint32_t> code_number(std::string_view code, std::string_view name);

// SASL data from the server (RFC 9051 §6.2.2, RFC 4959): the base64 of a continuation request
// ("+" alone or "+ " with nothing is an empty challenge), or data with success in a tagged OK:
// the first word of its text, when that is base64. nullopt when there is none or it is not
// base64 (RFC 4648, strict). The caller judges what the decoded bytes mean.
std::optional<std::string> sasl_challenge(const imap::response& continuation);
std::optional<std::string> sasl_success_data(const imap::response& ok);

// "1:3,5,9" for UIDs (sorted, runs joined); empty for none.
std::string sequence_set_text(std::vector<std::uint32_t> uids);

}  // namespace l7::imap::client
