// exchange_doh() (RFC 8484) and fetch_json() against a scripted HTTP/1.1 server on 127.0.0.1:
// what goes on the wire for GET and POST, and which answers are refused.
#include <gtest/gtest.h>

#include <map>

#include "client_test_util.hpp"
#include "core/base64.hpp"
#include "core/bytes.hpp"
#include "core/text.hpp"
#include "dns/client/doh.hpp"
#include "dns/client/error.hpp"

namespace l7::dns::client::test {
namespace {

namespace hc = http::client;

struct http_request {
  std::string method, target, body;
  std::map<std::string, std::string> headers;  // lowercase names
};

// One connection per request ("Connection: close" answers); `respond` makes the answer.
class http_server {
 public:
  using responder = std::function<std::string(const http_request&)>;
  http_server(asio::io_context& io, responder respond)
      : acceptor_(io, {asio::ip::address_v4::loopback(), 0}), respond_(std::move(respond)) {
    asio::co_spawn(io, accept_loop(), asio::detached);
  }
  std::string url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) +
           std::string(path);
  }
  std::vector<http_request> requests;

 private:
  net::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, s] = co_await acceptor_.async_accept(net::use_tuple);
      if (ec) co_return;
      co_await serve(s);
    }
  }
  net::awaitable<void> serve(net::tcp::socket& s) {
    std::string in;
    auto [ec, head_end] =
        co_await asio::async_read_until(s, asio::dynamic_buffer(in), "\r\n\r\n", net::use_tuple);
    if (ec) co_return;
    http_request rq;
    auto lines = split(std::string_view(in).substr(0, head_end - 4), '\n');
    for (auto& line : lines) line = line.substr(0, line.size() - line.ends_with('\r'));
    const auto first = split(trim_ows(lines.at(0)), ' ');
    rq.method = std::string(first.at(0));
    rq.target = std::string(first.at(1));
    for (std::size_t i = 1; i < lines.size(); ++i) {
      const auto colon = lines[i].find(':');
      rq.headers[to_lower(lines[i].substr(0, colon))] =
          std::string(trim_ows(lines[i].substr(colon + 1)));
    }
    const std::size_t length = parse_uint(rq.headers["content-length"]).value_or(0);
    if (in.size() < head_end + length) {
      auto [ec2, n] = co_await asio::async_read(
          s, asio::dynamic_buffer(in), asio::transfer_exactly(head_end + length - in.size()),
          net::use_tuple);
      if (ec2) co_return;
    }
    rq.body = in.substr(head_end, length);
    requests.push_back(rq);
    const std::string out = respond_(rq);
    co_await asio::async_write(s, asio::buffer(out), net::use_tuple);
    s.close();
  }

  net::tcp::acceptor acceptor_;
  responder respond_;
};

std::string http_response(int status, std::string_view type, std::string_view body) {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: " + std::string(type) +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
         std::string(body);
}

// The DNS query inside a DoH request: the dns= parameter (GET) or the body (POST).
message query_of(const http_request& rq) {
  std::string wire = rq.body;
  if (rq.method == "GET") {
    const auto at = rq.target.find("dns=");
    EXPECT_NE(at, std::string::npos) << rq.target;
    wire = base64url_decode(rq.target.substr(at + 4)).value_or("");
  }
  return testing::decode_ok(as_bytes(wire));
}

// Answers the query it finds, with `edit` applied to the reply.
http_server::responder dns_answer(std::function<void(message&)> edit = {},
                                  std::string type = "application/dns-message") {
  return [edit, type](const http_request& rq) {
    message reply = make_reply(query_of(rq), {9});
    if (edit) edit(reply);
    return http_response(200, type, as_chars(wire_of(reply)));
  };
}

template <class T>
T run(asio::io_context& io, std::function<net::awaitable<T>(hc::client&)> body) {
  hc::client http({});
  T out{};
  bool done = false;
  asio::co_spawn(io, [&]() -> net::awaitable<void> {
    out = co_await body(http);
    done = true;
    io.stop();
  }, asio::detached);
  io.run_for(std::chrono::seconds(10));
  EXPECT_TRUE(done);
  io.restart();
  return out;
}

exchange_result doh(asio::io_context& io, std::string url, bool post,
                    message q = make_query("www.example.com")) {
  return run<exchange_result>(io, [&](hc::client& http) {
    return exchange_doh(http, url, q, post);
  });
}

TEST(DnsClientDoh, GetRfc8484Section4_1) {
  asio::io_context io;
  http_server srv(io, dns_answer());
  message q = make_query("www.example.com");
  q.hdr.id = 777;
  const auto r = doh(io, srv.url("/dns-query"), false, q);
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_TRUE(r.via_tcp);
  EXPECT_EQ(std::get<a_rdata>(r.response.answers.at(0).data).address.bytes()[3], 9);
  ASSERT_EQ(srv.requests.size(), 1u);
  const auto& rq = srv.requests[0];
  EXPECT_EQ(rq.method, "GET");
  EXPECT_TRUE(rq.target.starts_with("/dns-query?dns=")) << rq.target;
  EXPECT_EQ(rq.target.find('='), rq.target.rfind('='));  // base64url without padding
  EXPECT_EQ(rq.headers.at("accept"), "application/dns-message");
  const message sent = query_of(rq);
  EXPECT_EQ(sent.hdr.id, 0);  // ID 0, whatever the caller set
  EXPECT_EQ(sent.questions, q.questions);
  EXPECT_EQ(r.response_size, wire_of(r.response).size());
}

TEST(DnsClientDoh, GetAppendsToAnExistingQuery) {
  asio::io_context io;
  http_server srv(io, dns_answer());
  ASSERT_FALSE(doh(io, srv.url("/q?ct=1"), false).ec);
  EXPECT_TRUE(srv.requests.at(0).target.starts_with("/q?ct=1&dns=")) << srv.requests[0].target;
}

TEST(DnsClientDoh, Post) {
  asio::io_context io;
  http_server srv(io, dns_answer());
  const auto r = doh(io, srv.url("/dns-query"), true);
  ASSERT_FALSE(r.ec) << r.ec.message();
  const auto& rq = srv.requests.at(0);
  EXPECT_EQ(rq.method, "POST");
  EXPECT_EQ(rq.target, "/dns-query");
  EXPECT_EQ(rq.headers.at("content-type"), "application/dns-message");
  EXPECT_EQ(rq.headers.at("accept"), "application/dns-message");
  EXPECT_EQ(query_of(rq).hdr.id, 0);
}

TEST(DnsClientDoh, MediaTypeParametersAndCaseAreFine) {
  asio::io_context io;
  http_server srv(io, dns_answer({}, "Application/DNS-Message; x=1"));
  EXPECT_FALSE(doh(io, srv.url("/dns-query"), false).ec);
}

TEST(DnsClientDoh, RefusedAnswers) {
  asio::io_context io;
  http_server status(io, [](const http_request&) {
    return http_response(404, "application/dns-message", "");
  });
  EXPECT_EQ(doh(io, status.url("/dns-query"), false).ec, error::bad_http_status);
  http_server type(io, dns_answer({}, "text/plain"));
  EXPECT_EQ(doh(io, type.url("/dns-query"), false).ec, error::bad_media_type);
  http_server garbage(io, [](const http_request&) {
    return http_response(200, "application/dns-message", "\x01\x02\x03");
  });
  EXPECT_EQ(doh(io, garbage.url("/dns-query"), true).ec, error::malformed_reply);
  http_server other_id(io, dns_answer([](message& m) { m.hdr.id = 5; }));
  EXPECT_EQ(doh(io, other_id.url("/dns-query"), false).ec, error::mismatched_reply);
  http_server other_name(io, dns_answer([](message& m) {
    m.questions[0].qname = testing::make_name("evil.example");
  }));
  EXPECT_EQ(doh(io, other_name.url("/dns-query"), false).ec, error::mismatched_reply);
  EXPECT_EQ(doh(io, "ftp://example/dns-query", false).ec, error::bad_url);
}

json_result json(asio::io_context& io, std::string url, std::string_view qname,
                 std::uint16_t qtype) {
  return run<json_result>(io, [&](hc::client& http) {
    return fetch_json(http, url, testing::make_name(qname), qtype);
  });
}

TEST(DnsClientJson, FetchJson) {
  asio::io_context io;
  const std::string body = R"({"Status":0,"Answer":[]})";
  http_server srv(io, [&](const http_request& rq) {
    return http_response(rq.target.find("bad") != std::string::npos ? 400 : 200,
                         "application/dns-json", body);
  });
  const auto r = json(io, srv.url("/resolve"), "www.example.com.", rr_type::aaaa);
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, body);
  EXPECT_EQ(r.content_type, "application/dns-json");
  EXPECT_EQ(srv.requests.at(0).target, "/resolve?name=www.example.com&type=AAAA");
  EXPECT_EQ(srv.requests.at(0).headers.at("accept"), "application/dns-json, application/json");
  EXPECT_FALSE(json(io, srv.url("/resolve?x=1"), ".", 65280).ec);
  EXPECT_EQ(srv.requests.at(1).target, "/resolve?x=1&name=.&type=65280");
  const auto bad = json(io, srv.url("/bad"), "example.com", rr_type::a);
  EXPECT_EQ(bad.ec, error::bad_http_status);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body, body);  // kept for printing
}

}  // namespace
}  // namespace l7::dns::client::test
