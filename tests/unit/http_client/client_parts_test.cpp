// The client's socket-free parts: request heads, body sources, file sinks, the progress meter.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/bytes.hpp"
#include "http/client/error.hpp"
#include "http/client/file_sink.hpp"
#include "http/client/progress.hpp"
#include "http/client/request.hpp"

namespace l7::http::client {
namespace {

using namespace std::chrono_literals;

request make(std::string_view u, std::string method = "GET") {
  request r;
  r.method = std::move(method);
  r.target = *parse_url(u);
  return r;
}

std::vector<std::string> lines(const request_head& h) {
  std::vector<std::string> out{h.method + " " + h.target};
  for (const auto& f : h.headers) out.push_back(f.name + ": " + f.value);
  return out;
}

TEST(HttpClientHead, Defaults) {
  const auto h = make_request_head(make("http://Example.COM:8080/p?q=1#frag"), "l7/0.1");
  EXPECT_EQ(lines(h), (std::vector<std::string>{"GET /p?q=1", "Host: example.com:8080",
                                                "User-Agent: l7/0.1", "Accept: */*"}));
  EXPECT_EQ(h.version, 11);
}

TEST(HttpClientHead, UserFieldsReplaceOrRemoveDefaults) {
  auto req = make("https://[::1]/");
  req.headers.add("Accept", "text/html");
  req.headers.add("User-Agent", "");
  req.headers.add("X-A", "1");
  req.headers.add("X-A", "2");
  EXPECT_EQ(lines(make_request_head(req, "l7/0.1")),
            (std::vector<std::string>{"GET /", "Host: [::1]", "Accept: text/html", "X-A: 1",
                                      "X-A: 2"}));
}

TEST(HttpClientHead, UrlCredentialsBecomeBasicAuth) {  // RFC 7617 §2
  const auto h = make_request_head(make("http://Aladdin:open%20sesame@a.test/"), "");
  EXPECT_EQ(h.headers.get("Authorization").value_or(""), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  EXPECT_FALSE(h.headers.get("User-Agent"));
}

TEST(HttpClientHead, Framing) {
  auto post = make("http://a.test/", "POST");
  EXPECT_EQ(make_request_head(post, "").headers.get("Content-Length").value_or(""), "0");
  post.body = std::make_shared<body_source>(body_source::from_string("abc"));
  post.expect_continue = true;
  auto h = make_request_head(post, "");
  EXPECT_EQ(h.headers.get("Content-Length").value_or(""), "3");
  EXPECT_EQ(h.headers.get("Expect").value_or(""), "100-continue");
  post.chunked = true;
  h = make_request_head(post, "");
  EXPECT_FALSE(h.headers.get("Content-Length"));
  EXPECT_EQ(h.headers.get("Transfer-Encoding").value_or(""), "chunked");
  post.version = 10;
  EXPECT_THROW(make_request_head(post, ""), std::logic_error);
  EXPECT_FALSE(make_request_head(make("http://a.test/"), "").headers.get("Content-Length"));
}

std::string read_all(body_source& b) {
  std::string out;
  std::byte buf[3];
  std::error_code ec;
  while (auto n = b.read(buf, ec)) out.append(as_chars({buf, n}));
  EXPECT_FALSE(ec);
  return out;
}

TEST(HttpClientBody, MemoryRewinds) {
  auto b = body_source::from_string("hello");
  EXPECT_EQ(b.size(), 5u);
  EXPECT_EQ(read_all(b), "hello");
  EXPECT_FALSE(b.rewind());
  EXPECT_EQ(read_all(b), "hello");
}

TEST(HttpClientBody, RegularFileHasASizeAndRewinds) {
  const auto path = std::filesystem::temp_directory_path() / ("l7-body-" + std::to_string(::getpid()));
  std::ofstream(path) << "file body";
  std::error_code ec;
  auto b = body_source::from_file(path, ec);
  ASSERT_TRUE(b) << ec.message();
  EXPECT_EQ(b->size(), 9u);
  EXPECT_EQ(read_all(*b), "file body");
  EXPECT_FALSE(b->rewind());
  EXPECT_EQ(read_all(*b), "file body");
  std::filesystem::remove(path);
  EXPECT_FALSE(body_source::from_file(path, ec));
  EXPECT_EQ(ec, std::errc::no_such_file_or_directory);
}

TEST(HttpClientBody, PipeIsReadOnce) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], "piped", 5), 5);
  ::close(fds[1]);
  std::error_code ec;
  auto b = body_source::from_file("/dev/fd/" + std::to_string(fds[0]), ec);
  ::close(fds[0]);
  ASSERT_TRUE(b) << ec.message();
  EXPECT_FALSE(b->size());
  EXPECT_FALSE(b->rewindable());
  EXPECT_EQ(read_all(*b), "piped");
  EXPECT_EQ(b->rewind(), make_error_code(error::body_not_rewindable));
}

TEST(HttpClientBody, LoadMakesAStreamSizedAndRewindable) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], "streamed", 8), 8);
  ::close(fds[1]);
  std::error_code ec;
  auto b = body_source::from_file("/dev/fd/" + std::to_string(fds[0]), ec);
  ::close(fds[0]);
  ASSERT_TRUE(b) << ec.message();
  ASSERT_FALSE(b->load());
  EXPECT_EQ(b->size(), 8u);
  EXPECT_TRUE(b->rewindable());
  EXPECT_EQ(read_all(*b), "streamed");
  EXPECT_FALSE(b->rewind());
  EXPECT_EQ(read_all(*b), "streamed");
}

TEST(HttpClientFileSink, CreatedOnOpenWrittenAndFlushed) {
  const auto path = std::filesystem::temp_directory_path() / ("l7-sink-" + std::to_string(::getpid()));
  {
    file_sink sink(path.string());
    EXPECT_FALSE(std::filesystem::exists(path));  // nothing until the first open/write
    ASSERT_FALSE(sink.open());
    EXPECT_TRUE(std::filesystem::exists(path));
    ASSERT_FALSE(sink.write("abc"));
    ASSERT_FALSE(sink.write("def"));
    EXPECT_FALSE(sink.finish());
    EXPECT_EQ(sink.name(), path.string());
  }
  std::ifstream in(path);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "abcdef");
  std::filesystem::remove(path);
}

TEST(HttpClientFileSink, ErrorsAreReported) {
  file_sink missing("/nonexistent-dir/x");
  EXPECT_EQ(missing.write("x"), std::errc::no_such_file_or_directory);
  file_sink full("/dev/full");
  ASSERT_FALSE(full.write("x"));  // buffered by stdio
  EXPECT_EQ(full.finish(), std::errc::no_space_on_device);
  EXPECT_EQ(file_sink("").name(), "standard output");
}

TEST(HttpClientProgress, KnownTotal) {
  progress_meter m(100ms);
  const progress_meter::clock::time_point t0{};
  m.start(2048, t0);
  auto line = m.advance(1024, t0 + 1s);
  ASSERT_TRUE(line);
  EXPECT_TRUE(line->starts_with("\r 50% [##########          ]")) << *line;
  EXPECT_NE(line->find("1.0 KiB / 2.0 KiB"), std::string::npos) << *line;
  EXPECT_NE(line->find("1.0 KiB/s"), std::string::npos) << *line;
  EXPECT_FALSE(m.advance(1, t0 + 1s + 50ms));  // redraws are rate-limited
  EXPECT_TRUE(m.advance(1023, t0 + 1s + 100ms));
  const auto last = m.finish(t0 + 2s);
  EXPECT_TRUE(last.starts_with("\r100% [####################]")) << last;
  EXPECT_TRUE(last.ends_with("\n"));
}

TEST(HttpClientProgress, UnknownTotalAndNothingToShow) {
  progress_meter m;
  const progress_meter::clock::time_point t0{};
  m.start(std::nullopt, t0);
  EXPECT_EQ(m.finish(t0), "");
  const auto line = m.advance(512, t0 + 1s);
  ASSERT_TRUE(line);
  EXPECT_EQ(line->find('%'), std::string::npos);
  EXPECT_NE(line->find("512 B"), std::string::npos) << *line;
}

}  // namespace
}  // namespace l7::http::client
