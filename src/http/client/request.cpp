#include "http/client/request.hpp"

#include <stdexcept>

#include "core/base64.hpp"
#include "core/text.hpp"

namespace l7::http::client {
namespace {

// Content-Length or chunked (RFC 9112 §6.1-§6.2) and Expect (RFC 9110 §10.1.1).
void add_framing(const request& req, fields& out) {
  if (!req.body) {
    if (req.method == "POST" || req.method == "PUT") out.add("Content-Length", "0");
    return;
  }
  const auto size = req.body->size();
  if (req.chunked || !size) {
    if (req.version < 11) throw std::logic_error("chunked request bodies need HTTP/1.1");
    out.add("Transfer-Encoding", "chunked");  // RFC 9112 §7.1
  } else {
    out.add("Content-Length", std::to_string(*size));
  }
  if (req.expect_continue && req.version >= 11) out.add("Expect", "100-continue");
}

}  // namespace

request_head make_request_head(const request& req, std::string_view user_agent) {
  request_head head;
  head.method = req.method;
  head.target = req.target.target;
  head.version = req.version;
  fields defaults;
  defaults.add("Host", req.target.authority());  // RFC 9112 §3.2
  if (!user_agent.empty()) defaults.add("User-Agent", user_agent);
  defaults.add("Accept", "*/*");
  if (req.target.has_userinfo) {
    const auto plain = percent_decode(req.target.userinfo).value_or(req.target.userinfo);
    defaults.add("Authorization", "Basic " + base64_encode(plain));
  }
  add_framing(req, defaults);
  for (const auto& f : defaults)
    if (!req.headers.get(f.name)) head.headers.add(f.name, f.value);
  for (const auto& f : req.headers)
    if (!f.value.empty()) head.headers.add(f.name, f.value);
  return head;
}

std::string result::message() const {
  if (!ec) return {};
  return context.empty() ? ec.message() : context + ": " + ec.message();
}

}  // namespace l7::http::client
