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
// discarded. "Need more" is not an error: parse() consumed everything and next() is need_more.
//
// Upgrade / CONNECT: after a head event whose upgrade() is true, the parser produces `end`
// without a body; the remaining bytes belong to the new protocol.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <system_error>
#include <variant>

#include "http/codec/error.hpp"
#include "http/codec/message.hpp"

namespace l7::http {

enum class role { request, response };

struct limits {
  std::size_t max_start_line = 8 * 1024;     // request line -> 414; status line -> error
  std::size_t max_header_bytes = 64 * 1024;  // whole header (or trailer) section -> 431
  std::size_t max_headers = 100;             // field count -> 431
  std::uint64_t max_body = 64ull << 20;      // decoded body bytes -> 413; 0 = no limit
  std::size_t max_chunk_line = 4 * 1024;     // chunk-size line incl. extensions -> bad_chunk
  // Analyzer mode: accept bare LF, obs-fold (joined with a space), CL+TE (TE wins),
  // whitespace before ':' and invalid header bytes instead of failing.
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

  // Response role: the stream ended. Completes a body delimited by connection close
  // (RFC 9112 §6.3 item 8) by producing `end`; any other unfinished message -> partial_message.
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
  struct impl_state;
  role role_;
  limits limits_;
  request_head request_;
  response_head response_;
  fields trailers_;
  // The implementation adds private members and helpers below as it needs.
};

}  // namespace l7::http
