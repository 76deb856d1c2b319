// What one client::fetch() takes and gives back: the request, the callbacks that see the
// exchange as it happens, and the result.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "http/client/body_source.hpp"
#include "http/codec/message.hpp"
#include "http/codec/url.hpp"

namespace l7::http::client {

// Receives the body of the final response piece by piece; a non-zero error aborts the
// transfer (stage::sink) and closes the connection. The span is valid only during the call.
using body_sink = std::function<std::error_code(std::span<const std::byte>)>;

struct request {
  std::string method = "GET";
  url target;  // from parse_url(); userinfo, when present, becomes Basic credentials
  // Sent after the defaults (Host, User-Agent, Accept, framing). A field named here replaces
  // the default of that name; a field with an empty value only removes it (curl's -H "Accept:").
  fields headers;
  std::shared_ptr<body_source> body;  // none: no content
  // Send the body with Transfer-Encoding: chunked (RFC 9112 §7.1); always done when the
  // body's length is unknown. Precondition: version 11 when chunked framing is needed.
  bool chunked = false;
  // Send "Expect: 100-continue" and hold the body until 100 Continue, a final response, or
  // options::continue_timeout (RFC 9110 §10.1.1). Ignored for HTTP/1.0 and bodiless requests.
  bool expect_continue = false;
  int version = 11;  // 10 sends an HTTP/1.0 request (no persistence asked for)
};

// Why a response head is reported: a 1xx before the real answer, a 3xx that the client is
// about to follow (its body is discarded), or the answer whose body goes to the sink.
enum class response_kind { interim, redirect, final };

// Every member is optional.
struct callbacks {
  // One line of connection news for a verbose log: "Connected to ...", "Re-using existing
  // connection #0 with host ...", TLS version, redirects, connection closed or left intact.
  std::function<void(std::string_view)> info;
  // Each request head exactly as written (after defaults and framing were added).
  std::function<void(const request_head&)> request_sent;
  // Each response head; a non-zero error aborts the transfer (stage::sink).
  std::function<std::error_code(const response_head&, response_kind)> response;
  body_sink body;  // body of the final response; none: discarded
};

// What the client was doing when a fetch failed.
enum class stage { none, resolve, connect, tls, send, body_read, receive, redirect, sink };

struct result {
  std::error_code ec;             // empty on success (whatever the status code)
  stage where = stage::none;
  std::string context;            // e.g. "connect to 127.0.0.1:1"
  response_head head{0, {}, 11, {}};  // the last response head received; status 0: none
  std::string url;                // the URL the last request went to (after redirects)
  int redirects = 0;              // redirects followed
  std::uint64_t body_bytes = 0;   // bytes given to the sink

  // One line: "connect to 127.0.0.1:1: Connection refused".
  std::string message() const;
};

// The head client::fetch() sends for `req`: request line, then Host, User-Agent (unless
// empty), Accept, Authorization from the URL's userinfo (RFC 7617 §2), framing
// (Content-Length, or Transfer-Encoding: chunked, RFC 9112 §6; Content-Length: 0 for a POST
// or PUT without content, RFC 9110 §8.6), Expect, then req.headers as described there.
// Throws std::logic_error when chunked framing is needed on an HTTP/1.0 request.
request_head make_request_head(const request& req, std::string_view user_agent);

}  // namespace l7::http::client
