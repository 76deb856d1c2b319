#include "http/client/redirect.hpp"

#include <cstdio>
#include <string>

#include "http/client/error.hpp"

namespace l7::http::client {
namespace {

// Servers sometimes send spaces or raw UTF-8 in Location; encode them so the reference
// parses (RFC 3986 §2.1) instead of failing the whole transfer.
std::string encode_stray_bytes(std::string_view location) {
  std::string out;
  for (const char c : location) {
    const auto b = static_cast<unsigned char>(c);
    if (b > 0x20 && b < 0x7f) {
      out += c;
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", b);
      out += hex;
    }
  }
  return out;
}

void drop_content(request& req) {
  req.body.reset();
  req.chunked = false;
  req.expect_continue = false;
  for (const char* name : {"Content-Type", "Content-Length", "Content-Encoding", "Content-Language",
                           "Content-Location", "Transfer-Encoding", "Expect", "Digest",
                           "Last-Modified"})
    req.headers.erase(name);
}

}  // namespace

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::error_code follow_redirect(request& req, int status, std::string_view location) {
  const auto base = req.target.origin() + req.target.target;
  const auto resolved = resolve_reference(base, encode_stray_bytes(location));
  auto next = resolved ? parse_url(*resolved) : std::nullopt;
  if (!next) return error::bad_redirect_location;
  const bool to_get = (status == 303 && req.method != "HEAD") ||
                      ((status == 301 || status == 302) && req.method == "POST");
  if (to_get) {
    req.method = "GET";
    drop_content(req);
  }
  if (next->origin() != req.target.origin()) {
    for (const char* name : {"Authorization", "Proxy-Authorization", "Cookie"})
      req.headers.erase(name);
  } else if (!next->has_userinfo && req.target.has_userinfo) {
    next->userinfo = req.target.userinfo;
    next->has_userinfo = true;
  }
  req.target = std::move(*next);
  return {};
}

}  // namespace l7::http::client
