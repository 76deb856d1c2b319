#include "dns/client/doh.hpp"

#include "core/base64.hpp"
#include "core/bytes.hpp"
#include "core/text.hpp"
#include "dns/client/error.hpp"
#include "dns/codec/types.hpp"

namespace l7::dns::client {
namespace {

namespace hc = http::client;
using clock = std::chrono::steady_clock;

constexpr std::string_view dns_message_type = "application/dns-message";
constexpr std::size_t max_dns_body = 65535;   // RFC 8484 §6: one DNS message
constexpr std::size_t max_json_body = 1 << 20;

std::string with_parameter(std::string url, std::string_view parameter) {
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += parameter;
  return url;
}

// The media type of a Content-Type value, without parameters, lowercased (RFC 9110 §8.3.1).
std::string media_type(std::string_view value) {
  return to_lower(trim_ows(value.substr(0, value.find(';'))));
}

// A body sink that keeps up to `limit` octets and fails beyond.
hc::body_sink collect(std::string& into, std::size_t limit) {
  return [&into, limit](std::span<const std::byte> b) -> std::error_code {
    if (into.size() + b.size() > limit) return error::reply_too_large;
    into.append(as_chars(b));
    return {};
  };
}

// The fetch both functions make; `body` receives the response body.
net::awaitable<hc::result> fetch(hc::client& http, hc::request req, std::string& body,
                                 std::size_t limit) {
  hc::callbacks cb;
  cb.body = collect(body, limit);
  co_return co_await http.fetch(std::move(req), cb);
}

// The error of a fetch: the sink's own code when the body was too large.
std::error_code fetch_error(const hc::result& r) {
  if (r.where == hc::stage::sink) return error::reply_too_large;
  return r.ec;
}

}  // namespace

net::awaitable<exchange_result> exchange_doh(hc::client& http, std::string url, message query,
                                             bool use_post) {
  exchange_result r;
  r.via_tcp = true;
  query.hdr.id = 0;  // RFC 8484 §4.1
  std::vector<std::byte> wire;
  if ((r.ec = encode(query, wire))) co_return r;
  hc::request req;
  if (!use_post) url = with_parameter(std::move(url), "dns=" + base64url_encode(wire));
  const auto target = http::parse_url(url);
  if (!target) {
    r.ec = error::bad_url;
    co_return r;
  }
  req.target = *target;
  req.headers.set("Accept", dns_message_type);
  if (use_post) {
    req.method = "POST";
    req.headers.set("Content-Type", dns_message_type);
    req.body = std::make_shared<hc::body_source>(
        hc::body_source::from_string(std::string(as_chars(wire))));
  }
  std::string body;
  const auto started = clock::now();
  const hc::result res = co_await fetch(http, std::move(req), body, max_dns_body);
  r.rtt = std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - started);
  if ((r.ec = fetch_error(res))) co_return r;
  if (res.head.status != 200) {
    r.ec = error::bad_http_status;
    co_return r;
  }
  const auto content_type = res.head.headers.get("Content-Type");
  if (!content_type || media_type(*content_type) != dns_message_type) {
    r.ec = error::bad_media_type;
    co_return r;
  }
  r.response_size = body.size();
  std::error_code decode_ec;
  decode(as_bytes(body), r.response, decode_ec);
  if (decode_ec)
    r.ec = error::malformed_reply;
  else if (!is_response_to(r.response, query))
    r.ec = error::mismatched_reply;
  if (r.ec) r.response = {};
  co_return r;
}

net::awaitable<json_result> fetch_json(hc::client& http, std::string url, name qname,
                                       std::uint16_t qtype) {
  json_result out;
  std::string text = qname.to_string();
  if (!qname.is_root()) text.pop_back();  // "example.com", the form these APIs document
  std::string type = type_to_string(qtype);
  if (type.starts_with("TYPE")) type = std::to_string(qtype);
  url = with_parameter(std::move(url), "name=" + percent_encode(text, "") + "&type=" + type);
  const auto target = http::parse_url(url);
  if (!target) {
    out.ec = error::bad_url;
    co_return out;
  }
  hc::request req;
  req.target = *target;
  req.headers.set("Accept", "application/dns-json, application/json");
  const hc::result res = co_await fetch(http, std::move(req), out.body, max_json_body);
  out.status = res.head.status;
  if (const auto ct = res.head.headers.get("Content-Type")) out.content_type = *ct;
  if ((out.ec = fetch_error(res))) co_return out;
  if (res.head.status != 200) out.ec = error::bad_http_status;
  co_return out;
}

}  // namespace l7::dns::client
