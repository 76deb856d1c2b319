// Sans-I/O HTTP/1.x parser for both roles (RFC 9112). Pull model:
//
//   std::size_t n = p.parse(bytes, ec);   // consumes input, stops after at most one event
//   consume(n);
//   switch on p.next():                   // takes that event (need_more when there is none)
//
// Events: head (request()/response() is valid), data (body bytes with chunked framing
// removed; the span points into the input given to the parse() call that produced it and is
// valid as long as that input is), end (message complete; trailers() is valid).
// After `end`, call reset() before parsing the next message on the same connection
// (pipelining: unconsumed input belongs to the next message).
//
// Every input split at every byte offset yields the same events and the same body bytes.
// Errors come back in `ec` (see error.hpp); after an error the parser must be reset or
// discarded. "Need more" is not an error: next() is need_more and the caller appends input.
//
// Input ownership: the parser keeps no bytes. It consumes a head (or a trailer section, or a
// chunk-size line) only once the whole of it is in the input, so until then parse() returns 0
// and the caller keeps those bytes and passes them again with more appended; the caller's
// buffer must therefore hold max_header_bytes + 1 bytes. The scan resumes where it stopped, so
// byte-at-a-time input costs O(n). Limits are enforced on partial input.
// After an event other than need_more, call parse() again (even with no new input): the next
// event may already be decidable (e.g. `end` right after a head without a body). While an
// event is waiting for next(), parse() does nothing and returns 0.
//
// Upgrade / CONNECT: after a head event whose upgrade() is true, the parser produces `end`
// without a body; the remaining bytes belong to the new protocol. This also holds for a 2xx
// response to CONNECT (RFC 9110 §9.3.6) in the response role.
//
// Interim responses (1xx other than 101): head, then `end`; reset() and parse the next response.
// That reset keeps the expect_response_to() method for the final response.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>

#include "http/codec/error.hpp"
#include "http/codec/message.hpp"
#include "http/codec/section_scanner.hpp"

namespace l7::http {

enum class role { request, response };

struct limits {
  std::size_t max_start_line = 8 * 1024;     // request line -> 414; status line -> bad_status_line
  std::size_t max_header_bytes = 64 * 1024;  // whole header (or trailer) section -> 431
  std::size_t max_headers = 100;             // field count -> 431
  // Decoded body bytes -> 413; 0 = no limit. Content-Length: reported by the parse() after the
  // head event; chunked: at the chunk-size line that crosses it; until close: after the bytes
  // up to the limit.
  std::uint64_t max_body = 64ull << 20;
  std::size_t max_chunk_line = 4 * 1024;     // chunk-size line incl. extensions -> bad_chunk
  // Analyzer mode: accept bare LF, obs-fold (joined with a space), CL+TE (TE wins, the
  // connection closes), whitespace before ':' and invalid header bytes instead of failing;
  // also extra spaces and non-ASCII bytes in the request line, a missing or invalid Host,
  // Transfer-Encoding in HTTP/1.0, empty lines before a status line, status codes 600-999, a
  // status line without the SP after the code, and whitespace at the end of a chunk-size line.
  bool lenient = false;
};

struct need_more {};
struct head_event {};
struct data_event {
  std::span<const std::byte> bytes;
};
struct end_event {};
using event = std::variant<need_more, head_event, data_event, end_event>;

class parser {
 public:
  explicit parser(role r, limits l = {});

  std::size_t parse(std::span<const std::byte> in, std::error_code& ec);
  // Convenience overload for text.
  std::size_t parse(std::string_view in, std::error_code& ec);
  // The event produced by the last parse() call; need_more when there is none. Clears it.
  event next();

  // The stream ended. Completes a response body delimited by connection close
  // (RFC 9112 §6.3 item 8) by producing `end`; any other unfinished message -> partial_message.
  // Between messages (nothing but ignored empty lines seen) it does nothing.
  void finish(std::error_code& ec);

  // Response role: the method of the request this response answers. HEAD and 2xx to
  // CONNECT have no body (RFC 9112 §6.3). Call before parsing the response.
  void expect_response_to(std::string_view method);

  // Starts the next message; keeps role, limits and any setting from expect_response_to
  // only until the next reset.
  void reset();

  const request_head& request() const { return request_; }
  const response_head& response() const { return response_; }
  const fields& trailers() const { return trailers_; }

  // Valid after head:
  bool chunked() const;                             // Transfer-Encoding ends with chunked
  std::optional<std::uint64_t> content_length() const;
  bool keep_alive() const;      // RFC 9112 §9.3: version default + Connection close/keep-alive
  bool expect_continue() const; // request has "Expect: 100-continue" (RFC 9110 §10.1.1)
  bool upgrade() const;         // Connection: upgrade + Upgrade field, or CONNECT (request role)
  bool body_until_close() const;// response body delimited by the end of the stream
  bool done() const;            // `end` has been produced

  const limits& get_limits() const { return limits_; }
  void set_max_body(std::uint64_t n) { limits_.max_body = n; }

 private:
  enum class state {
    head, length_body, close_body, chunk_line, chunk_data, chunk_crlf, trailers, end, done,
    failed
  };

  std::size_t step(std::string_view in, std::error_code& ec);
  std::size_t step_head(std::string_view in, std::error_code& ec);
  void parse_request_head(std::string_view section, std::error_code& ec);
  void parse_response_head(std::string_view section, std::error_code& ec);
  void request_framing(std::error_code& ec);
  void response_framing(std::error_code& ec);
  void set_connection_state(int version, const fields& headers);
  std::size_t step_length_body(std::string_view in, std::error_code& ec);
  std::size_t step_close_body(std::string_view in, std::error_code& ec);
  std::size_t step_chunk_line(std::string_view in, std::error_code& ec);
  std::size_t step_chunk_data(std::string_view in);
  std::size_t step_chunk_crlf(std::string_view in, std::error_code& ec);
  std::size_t step_trailers(std::string_view in, std::error_code& ec);
  std::size_t emit_data(std::string_view in, std::uint64_t n);

  role role_;
  limits limits_;
  request_head request_;
  response_head response_;
  fields trailers_;

  state state_ = state::head;
  event event_;
  std::error_code error_;                // sticky once failed
  detail::section_scanner scan_;         // head, chunk line or trailers being looked for
  std::string response_to_;              // method from expect_response_to()
  std::optional<std::uint64_t> content_length_;
  std::uint64_t remaining_ = 0;          // bytes left in a Content-Length body or a chunk
  std::uint64_t body_bytes_ = 0;         // decoded body bytes so far (limits.max_body)
  bool chunked_ = false;
  bool until_close_ = false;
  bool keep_alive_ = false;
  bool upgrade_ = false;
  bool expect_continue_ = false;
  bool interim_ = false;                 // 1xx response other than 101
};

}  // namespace l7::http
