#include "http/codec/serializer.hpp"

#include "core/bytes.hpp"

namespace l7::http {
namespace {

// "HTTP/1.0" or "HTTP/1.1" from major*10 + minor (RFC 9112 §2.3).
void append_version(int version, std::string& out) {
  out += "HTTP/";
  out += static_cast<char>('0' + (version / 10) % 10);
  out += '.';
  out += static_cast<char>('0' + version % 10);
}

// field-line = field-name ":" OWS field-value OWS (RFC 9112 §5).
void append_fields(const fields& f, std::string& out) {
  for (const auto& [name, value] : f) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
}

void append_hex(std::uint64_t n, std::string& out) {
  char digits[16];
  int len = 0;
  do {
    digits[len++] = "0123456789abcdef"[n & 0xf];
    n >>= 4;
  } while (n != 0);
  while (len > 0) out += digits[--len];
}

}  // namespace

// request-line = method SP request-target SP HTTP-version (RFC 9112 §3).
void serialize(const request_head& head, std::string& out) {
  out += head.method;
  out += ' ';
  out += head.target;
  out += ' ';
  append_version(head.version, out);
  out += "\r\n";
  append_fields(head.headers, out);
  out += "\r\n";
}

// status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4).
void serialize(const response_head& head, std::string& out) {
  append_version(head.version, out);
  out += ' ';
  const int status = head.status;
  out += static_cast<char>('0' + (status / 100) % 10);
  out += static_cast<char>('0' + (status / 10) % 10);
  out += static_cast<char>('0' + status % 10);
  out += ' ';
  out += head.reason.empty() ? reason_phrase(status) : std::string_view(head.reason);
  out += "\r\n";
  append_fields(head.headers, out);
  out += "\r\n";
}

// chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF (RFC 9112 §7.1).
void write_chunk(std::span<const std::byte> data, std::string& out) {
  write_chunk(as_chars(data), out);
}

void write_chunk(std::string_view data, std::string& out) {
  if (data.empty()) return;
  append_hex(data.size(), out);
  out += "\r\n";
  out += data;
  out += "\r\n";
}

// last-chunk trailer-section CRLF (RFC 9112 §7.1).
void write_last_chunk(const fields& trailers, std::string& out) {
  out += "0\r\n";
  append_fields(trailers, out);
  out += "\r\n";
}

}  // namespace l7::http
