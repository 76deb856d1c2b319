// The client side of POP3 responses (RFC 1939 §3, RFC 2449 §8, RFC 3206), sans-I/O:
// response_parser is told whether the next response is single-line or multi-line, is fed bytes
// and stops when the response is complete. A multi-line response (+OK line, then lines up to
// one holding only ".") is dot-unstuffed (§3: a leading '.' of a data line is removed); -ERR
// never has a body. Lines end in CRLF; a bare LF is accepted too (the body keeps the line ends
// as received). Every split of the same bytes gives the same result.
// Errors (error.hpp): bad_response (a first line that is neither +OK nor -ERR), line_too_long,
// message_too_big; after one the parser stays failed until expect().
// The helpers below read STAT, LIST, UIDL and CAPA answers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace l7::pop3::client {

struct status_line {
  bool ok = false;
  bool continuation = false;  // "+ text": a SASL challenge (RFC 5034 §4), only when expected
  std::string code;  // RFC 2449 §8 response code without brackets ("AUTH", "SYS/TEMP"), or empty
  std::string text;  // the rest of the line
};

struct limits {
  std::size_t max_status_line = 4096;       // RFC 2449 §4 says 512 octets; be lenient
  std::size_t max_body_line = 1024 * 1024;  // message lines (RFC 5322 §2.1.1's 998 is often broken)
  std::size_t max_body = 512 * 1024 * 1024; // one multi-line response
};

class response_parser {
 public:
  explicit response_parser(limits l = {}) : limits_(l) {}

  // Starts the next response; `multiline` for CAPA, LIST/UIDL without argument, RETR, TOP;
  // `challenge` during AUTH, where "+" or "+ base64" may come instead of +OK / -ERR.
  void expect(bool multiline, bool challenge = false);
  // Consumes complete lines of `data` (the caller keeps the rest and gives it again with more);
  // returns the bytes consumed. Stops at the end of the response: done().
  std::size_t parse(std::string_view data, std::error_code& ec);
  bool done() const { return done_; }
  const status_line& status() const { return status_; }
  // The multi-line body, unstuffed, without the terminating ".".
  std::string take_body() { return std::move(body_); }

 private:
  void first_line(std::string_view line, std::error_code& ec);

  limits limits_;
  bool multiline_ = false;
  bool challenge_ = false;
  bool have_status_ = false;
  bool done_ = false;
  std::error_code failed_;
  status_line status_;
  std::string body_;
  std::size_t no_lf_ = 0;  // leading bytes of the next data already searched for a LF
};

// "+OK" / "-ERR" line without its line end -> status_line; nullopt when it is neither.
std::optional<status_line> parse_status_line(std::string_view line);

// The SASL data of a challenge's text, or of a +OK's text (data with success, RFC 5034 §4): its
// first word, base64-decoded (an empty text is empty data). nullopt when it is not base64.
std::optional<std::string> sasl_data(std::string_view text);

// STAT's "nn mm" (RFC 1939 §5).
struct drop_stat {
  std::uint32_t count = 0;
  std::uint64_t size = 0;
};
std::optional<drop_stat> parse_stat(std::string_view text);

// LIST's scan listing "n size" (§5) and UIDL's "n unique-id" (§7: 1-70 characters 0x21-0x7E).
struct scan_listing {
  std::uint32_t number = 0;
  std::uint64_t size = 0;
};
struct unique_id_listing {
  std::uint32_t number = 0;
  std::string uid;
};
std::optional<scan_listing> parse_scan_listing(std::string_view line);
std::optional<unique_id_listing> parse_unique_id_listing(std::string_view line);

// The lines of a multi-line body, line ends removed.
std::vector<std::string_view> body_lines(std::string_view body);

// CAPA (RFC 2449 §5, §6): what the client uses.
struct capabilities {
  bool known = false;  // CAPA was answered +OK
  bool top = false, uidl = false, user = false, stls = false, pipelining = false, resp_codes = false;
  std::vector<std::string> sasl;  // upper-cased mechanisms
  std::string implementation;
  bool offers_sasl(std::string_view mechanism) const;
};
capabilities parse_capa(std::string_view body);

}  // namespace l7::pop3::client
