// HTTP/1.x serialization into a caller-provided buffer (appends to `out`). No I/O.
// The caller decides the framing headers (Content-Length or Transfer-Encoding: chunked);
// these functions write exactly what they are given, with CRLF line ends (RFC 9112 §2.1).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "http/codec/message.hpp"

namespace l7::http {

// "METHOD target HTTP/1.x\r\n" fields "\r\n"
void serialize(const request_head& head, std::string& out);
// "HTTP/1.x status reason\r\n" fields "\r\n"; reason_phrase(status) when reason is empty.
void serialize(const response_head& head, std::string& out);

// One chunk (RFC 9112 §7.1): hex size CRLF data CRLF. An empty span writes nothing
// (a zero-size chunk would end the body).
void write_chunk(std::span<const std::byte> data, std::string& out);
void write_chunk(std::string_view data, std::string& out);
// The last chunk, trailer fields, and the final CRLF.
void write_last_chunk(const fields& trailers, std::string& out);

}  // namespace l7::http
