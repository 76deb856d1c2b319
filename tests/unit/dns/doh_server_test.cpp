// The routes in a real http::server::service on 127.0.0.1 (port 0), a fake resolve_fn behind
// them, and raw HTTP/1.1 over a socket: GET and POST DoH, JSON, HTTPDNS and every error path.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/base64.hpp"
#include "core/text.hpp"
#include "dns/codec/types.hpp"
#include "dns/doh/routes.hpp"
#include "dns_test_util.hpp"
#include "http/server/service.hpp"
#include "unit/app/temp_dir.hpp"

namespace l7::dns::doh {
namespace {

using testing::decode_ok;
using testing::encode_ok;
using testing::make_name;

// A tiny authority: example.test (A, AAAA), www -> CNAME example.test, fail -> SERVFAIL,
// anything else under example.test NXDOMAIN. Echoes a query's ECS with scope = source.
struct fake_resolver {
  std::vector<std::pair<message, server::query_context>> seen;

  message answer(const message& q) {
    message r;
    r.hdr = q.hdr;
    r.hdr.qr = r.hdr.ra = true;
    r.questions = q.questions;
    if (q.opt) {
      r.opt.emplace();
      for (const auto& o : q.opt->options) {
        std::error_code ec;
        if (auto s = parse_client_subnet(o, ec)) {
          s->scope_prefix = s->source_prefix;
          r.opt->options.push_back(make_option(*s));
        }
      }
    }
    if (q.questions.empty()) return r;
    const auto& qn = q.questions[0].qname;
    const auto qtype = q.questions[0].qtype;
    const auto apex = make_name("example.test");
    if (qn == make_name("fail.example.test")) {
      r.set_rcode(rcode::servfail);
      return r;
    }
    auto target = qn;
    if (qn == make_name("www.example.test")) {
      r.answers.push_back(make_record(qn, 60, cname_rdata{apex}));
      target = apex;
    }
    if (!(target == apex)) r.set_rcode(rcode::nxdomain);
    if (target == apex && qtype == rr_type::a) {
      r.answers.push_back(make_record(apex, 300, a_rdata{ip_address::v4({192, 0, 2, 1})}));
      r.answers.push_back(make_record(apex, 300, a_rdata{ip_address::v4({192, 0, 2, 2})}));
    } else if (target == apex && qtype == rr_type::aaaa) {
      r.answers.push_back(make_record(apex, 300, aaaa_rdata{*ip_address::parse("2001:db8::1")}));
    } else {
      r.authority.push_back(
          make_record(apex, 3600,
                      soa_rdata{make_name("ns.example.test"), make_name("admin.example.test"), 1, 2,
                                3, 4, 30}));
    }
    return r;
  }
};

struct reply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<std::string> header(std::string_view n) const {
    for (const auto& [k, v] : headers)
      if (iequals(k, n)) return v;
    return std::nullopt;
  }
};

reply parse_reply(const std::string& raw, bool head) {
  reply r;
  const auto end = raw.find("\r\n\r\n");
  EXPECT_NE(end, std::string::npos) << raw;
  if (end == std::string::npos) return r;
  auto lines = split(std::string_view(raw).substr(0, end), '\n');
  r.status = std::stoi(std::string(lines[0].substr(9, 3)));
  for (std::size_t i = 1; i < lines.size(); ++i) {
    auto line = lines[i].substr(0, lines[i].size() - 1);  // drop '\r'
    auto colon = line.find(':');
    r.headers.emplace_back(line.substr(0, colon), trim_ows(line.substr(colon + 1)));
  }
  r.body = raw.substr(end + 4);
  if (auto len = r.header("Content-Length"); len && !head) {
    EXPECT_EQ(std::to_string(r.body.size()), *len);
  }
  return r;
}

class DohServer : public ::testing::Test {
 protected:
  void start(doh_settings s = {}) {
    http::server::settings hs;
    hs.root = root_.path();  // empty: unrouted paths get 404
    hs.access_log = false;
    service_ = std::make_unique<http::server::service>(hs);
    add_routes(
        service_->routes(),
        [this](message q, server::query_context ctx) -> net::awaitable<message> {
          resolver_.seen.emplace_back(q, ctx);
          co_return resolver_.answer(q);
        },
        s);
    net::tcp::acceptor acceptor(worker_.context(), {asio::ip::make_address("127.0.0.1"), 0});
    port_ = acceptor.local_endpoint().port();
    service_->serve(worker_, std::move(acceptor), "http", nullptr, 0);
  }
  // Sends `request` (plus Host and Connection: close) and reads until the server closes.
  reply fetch(std::string method, std::string target, std::string body = {},
              std::vector<std::string> extra = {}) {
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n";
    for (const auto& h : extra) req += h + "\r\n";
    if (!body.empty() || method == "POST")
      req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    req += "\r\n" + body;
    std::string raw;
    bool done = false;
    auto& io = worker_.context();
    // A named closure: the coroutine reads its captures through it until it finishes.
    auto client = [&]() -> net::awaitable<void> {
      net::tcp::socket s(io);
      auto [ec] =
          co_await s.async_connect({asio::ip::make_address("127.0.0.1"), port_}, net::use_tuple);
      if (!ec) co_await asio::async_write(s, asio::buffer(req), net::use_tuple);
      char buf[16384];
      while (!ec) {
        auto [rec, n] = co_await s.async_read_some(asio::buffer(buf), net::use_tuple);
        raw.append(buf, n);
        ec = rec;
      }
      done = true;
      io.stop();
    };
    asio::co_spawn(io, client(), asio::detached);
    asio::steady_timer guard(io, std::chrono::seconds(10));
    guard.async_wait([&](std::error_code e) {
      if (!e) io.stop();
    });
    io.restart();
    io.run();
    EXPECT_TRUE(done) << "no complete response within 10 s";
    return parse_reply(raw, method == "HEAD");
  }

  static std::string dns_get(const message& q) {
    return "/dns-query?dns=" + base64url_encode(encode_ok(q));
  }

  test::temp_dir root_;
  fake_resolver resolver_;
  std::unique_ptr<http::server::service> service_;
  net::worker worker_{0};  // after service_: destroyed first, with the sessions it runs
  std::uint16_t port_ = 0;
};

message query(std::string_view qname, std::uint16_t qtype, std::uint16_t id = 0) {
  message q;
  q.hdr.id = id;
  q.hdr.rd = true;
  q.questions.push_back({make_name(qname), qtype, rr_class::in});
  return q;
}

TEST_F(DohServer, GetAndPostDnsMessage) {
  start();
  auto r = fetch("GET", dns_get(query("example.test", rr_type::a)));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), "application/dns-message");
  EXPECT_EQ(r.header("Cache-Control"), "max-age=300");
  auto m = decode_ok(as_bytes(r.body));
  EXPECT_EQ(m.hdr.id, 0);
  EXPECT_EQ(m.answers.size(), 2u);
  ASSERT_EQ(resolver_.seen.size(), 1u);
  EXPECT_EQ(resolver_.seen[0].second.via, server::transport::doh);
  EXPECT_EQ(resolver_.seen[0].second.client, *ip_address::parse("127.0.0.1"));

  const auto wire = encode_ok(query("www.example.test", rr_type::a, 0x4242));
  r = fetch("POST", "/dns-query", std::string(as_chars(wire)),
            {"Content-Type: application/dns-message"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Cache-Control"), "max-age=60");  // the CNAME's TTL
  m = decode_ok(as_bytes(r.body));
  EXPECT_EQ(m.hdr.id, 0x4242);
  EXPECT_EQ(m.answers.size(), 3u);
}

TEST_F(DohServer, NegativeAndUncacheableAnswers) {
  start();
  auto r = fetch("GET", dns_get(query("nx.example.test", rr_type::a)));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Cache-Control"), "max-age=30");  // SOA MINIMUM (RFC 2308 §5)
  EXPECT_EQ(decode_ok(as_bytes(r.body)).full_rcode(), rcode::nxdomain);
  r = fetch("GET", dns_get(query("fail.example.test", rr_type::a)));
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.header("Cache-Control"));
  EXPECT_EQ(decode_ok(as_bytes(r.body)).full_rcode(), rcode::servfail);
}

TEST_F(DohServer, DnsQueryErrors) {
  start();
  auto r = fetch("GET", "/dns-query?dns=AAABAAABAAAAAAAAA3d3dwdleGFtcGxlA2NvbQAAAQAB%3D");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("padding"), std::string::npos) << r.body;
  r = fetch("GET", "/dns-query?dns=AAAB*AAA");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("'*' at offset 4"), std::string::npos) << r.body;
  EXPECT_EQ(fetch("GET", "/dns-query").status, 400);
  EXPECT_EQ(fetch("GET", "/dns-query?dns=%zz").status, 400);
  r = fetch("GET", "/dns-query?dns=AAABAAAB");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("truncated"), std::string::npos) << r.body;
  r = fetch("POST", "/dns-query", "x", {"Content-Type: application/json"});
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(fetch("POST", "/dns-query", "x").status, 415);
  EXPECT_EQ(fetch("POST", "/dns-query", "", {"Content-Type: application/dns-message"}).status, 400);
  r = fetch("POST", "/dns-query", std::string(65536, 'x'),
            {"Content-Type: application/dns-message"});
  EXPECT_EQ(r.status, 413);
  for (auto method : {"HEAD", "PUT", "DELETE"}) {
    r = fetch(method, dns_get(query("example.test", rr_type::a)));
    EXPECT_EQ(r.status, 405) << method;
    EXPECT_EQ(r.header("Allow"), "GET, POST") << method;
  }
  EXPECT_TRUE(resolver_.seen.empty());  // nothing bad reached the resolver
}

TEST_F(DohServer, JsonApi) {
  start();
  auto r = fetch("GET", "/resolve?name=www.example.test&type=A&edns_client_subnet=198.51.100.9/24");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_EQ(r.header("Cache-Control"), "max-age=60");
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["Status"], 0);
  EXPECT_EQ(j["Question"][0]["name"], "www.example.test.");
  EXPECT_EQ(j["Answer"].size(), 3u);
  EXPECT_EQ(j["Answer"][2]["data"], "192.0.2.2");
  EXPECT_EQ(j["edns_client_subnet"], "198.51.100.0/24");
  ASSERT_EQ(resolver_.seen.size(), 1u);
  EXPECT_EQ(resolver_.seen[0].second.via, server::transport::json);

  r = fetch("GET", "/resolve?name=nx.example.test&cd=1");
  j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["Status"], 3);
  EXPECT_EQ(j["CD"], true);
  EXPECT_EQ(j["Authority"][0]["type"], 6);

  r = fetch("GET", "/resolve?name=example.test&type=BOGUS");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"],
            "invalid type 'BOGUS': use a number 1..65535 or a mnemonic like AAAA");
  EXPECT_EQ(fetch("GET", "/resolve").status, 400);
  EXPECT_EQ(fetch("GET", "/resolve?name=%zz").status, 400);
  r = fetch("POST", "/resolve?name=example.test", "x");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("Allow"), "GET");
}

TEST_F(DohServer, Httpdns) {
  start();
  auto r = fetch("GET", "/d?dn=www.example.test&ttl=1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(r.body, "192.0.2.1;192.0.2.2,60");
  EXPECT_EQ(fetch("GET", "/d?dn=example.test&type=AAAA").body, "2001:db8::1");
  EXPECT_EQ(fetch("GET", "/d?dn=nx.example.test").body, "");
  EXPECT_EQ(fetch("GET", "/d?dn=example.test,nx.example.test,www.example.test&ttl=1").body,
            "example.test.:192.0.2.1;192.0.2.2,300\nnx.example.test.:\nwww.example.test.:192.0.2.1;"
            "192.0.2.2,60\n");
  resolver_.seen.clear();
  EXPECT_EQ(fetch("GET", "/d?dn=example.test&ip=203.0.113.50").status, 200);
  ASSERT_EQ(resolver_.seen.size(), 1u);
  EXPECT_EQ(resolver_.seen[0].second.via, server::transport::httpdns);
  ASSERT_TRUE(resolver_.seen[0].first.opt);
  EXPECT_EQ(resolver_.seen[0].first.opt->options[0],
            make_option(client_subnet{24, 0, *ip_address::parse("203.0.113.0")}));
  r = fetch("GET", "/d?dn=a..test");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("invalid name 'a..test'"), std::string::npos) << r.body;
  EXPECT_EQ(fetch("GET", "/d").status, 400);
  EXPECT_EQ(fetch("GET", "/d?dn=x.test&type=TXT").status, 400);
  EXPECT_EQ(fetch("HEAD", "/d?dn=example.test").status, 405);
}

TEST_F(DohServer, DisabledEndpointsAndOtherPaths) {
  doh_settings s;
  s.json = false;
  s.httpdns_path = "/httpdns";
  start(s);
  EXPECT_EQ(fetch("GET", "/resolve?name=example.test").status, 404);  // falls to static files
  EXPECT_EQ(fetch("GET", "/d?dn=example.test").status, 404);
  EXPECT_EQ(fetch("GET", "/httpdns?dn=example.test").body, "192.0.2.1;192.0.2.2");
  EXPECT_EQ(fetch("GET", dns_get(query("example.test", rr_type::a))).status, 200);
}

}  // namespace
}  // namespace l7::dns::doh
