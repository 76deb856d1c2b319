// Transfers of the FTP client session: RETR (with REST), STOR/APPE, LIST/NLST/MLSD, and ABOR
// when our side of a transfer fails. TYPE A data is converted as it streams (ftp/codec/ascii).
#include <fmt/format.h>

#include <vector>

#include "core/bytes.hpp"
#include "ftp/client/error.hpp"
#include "ftp/client/session.hpp"
#include "ftp/client/session_data.hpp"
#include "ftp/codec/ascii.hpp"

namespace l7::ftp::client {
namespace {

constexpr std::size_t chunk = 64 * 1024;
constexpr std::size_t max_listing_line = 64 * 1024;
constexpr std::chrono::milliseconds abort_grace{3000};
// status::where of failures on our side (sink, source): those abort the transfer with ABOR.
constexpr const char* local_where = "local file";

int reply_class(const numeric_reply& r) { return r.code / 100; }

bool is_end_of_data(std::error_code ec) {
  // A TLS peer that closes without close_notify: the 226 that follows is what vouches for the
  // transfer, as with a plain connection.
  return ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
}

}  // namespace

// The transfer's final reply (RFC 959 §4.2: 226 or 250 after the data connection closed).
// An earlier failure `st` wins, but the reply is still read to keep the dialogue in step.
net::awaitable<status> session::finish_transfer(status st) {
  auto [ec, reply] = co_await ctl_->read_reply(opt_.timeout);
  if (ec) co_return st.ok() ? status{ec, {}, "transfer reply"} : st;
  if (!st.ok()) co_return st;
  if (reply_class(reply) >= 4) co_return status{error::rejected, std::move(reply), {}};
  if (reply_class(reply) != 2) co_return status{error::unexpected_reply, std::move(reply), "transfer"};
  co_return status{std::error_code{}, std::move(reply), {}};
}

// RFC 959 §4.1.3 ABOR: the server answers the interrupted transfer (426, or 226 when it had
// finished) and then the ABOR (226 or 225). The data connection is closed first, so a server
// that reads commands only between transfers still gets to the ABOR.
net::awaitable<status> session::abort_transfer(std::error_code cause) {
  status st{cause, {}, local_where};
  auto sent = co_await ctl_->send("ABOR", opt_.timeout);
  if (sent) co_return st;
  auto [ec1, first] = co_await ctl_->read_reply(opt_.timeout);
  if (ec1) co_return st;
  auto [ec2, second] = co_await ctl_->read_reply(abort_grace);
  (void)ec2;
  co_return st;
}

// The end of a transfer whose data connection is closed: a local failure aborts it (ABOR),
// anything else reads the transfer's final reply.
net::awaitable<status> session::conclude(status st) {
  if (!st.ok() && st.where == std::string_view(local_where)) {
    auto aborted = co_await abort_transfer(st.ec);
    co_return aborted;
  }
  auto done = co_await finish_transfer(std::move(st));
  co_return done;
}

net::awaitable<status> session::receive(data_channel& d, const chunk_sink& out) {
  std::vector<std::byte> buf(chunk);
  for (;;) {
    d.deadline.expires_after(opt_.timeout);
    auto [ec, n] = co_await d.stream->async_read_some(asio::buffer(buf), net::use_tuple);
    if (n > 0) {
      auto local = out(std::span<const std::byte>(buf.data(), n));
      if (local) co_return status{local, {}, local_where};
    }
    if (is_end_of_data(ec)) break;
    if (ec) co_return status{d.deadline.expired() ? make_error_code(error::timed_out) : ec, {}, "data connection"};
  }
  d.deadline.disarm();
  co_return status{};
}

net::awaitable<status> session::retrieve(std::string path, data_sink sink, transfer_options t) {
  auto typed = co_await type(t.type);
  if (!typed.ok()) co_return typed;
  if (t.offset > 0) {  // RFC 3659 §5.3: REST then RETR; 350 means the offset was taken
    auto command = fmt::format("REST {}", t.offset);
    auto rest = co_await run(std::move(command));
    if (!rest.ok()) co_return rest;
    if (rest.reply.code != 350) co_return status{error::unexpected_reply, rest.reply, "REST"};
  }
  auto retr = "RETR " + path;
  auto [st, d] = co_await open_data(std::move(retr));
  if (!st.ok()) co_return st;
  ascii_from_network from_net;
  std::string text;
  const bool ascii = t.type == transfer_type::ascii;
  const chunk_sink on_data = [&](std::span<const std::byte> bytes) {
    if (!ascii) return sink(bytes);
    text.clear();
    from_net.feed(bytes, text);
    return sink(as_bytes(text));
  };
  auto got = co_await receive(*d, on_data);
  d->close();
  if (got.ok() && ascii) {
    text.clear();
    from_net.finish(text);
    if (!text.empty()) got.ec = sink(as_bytes(text));
    if (!got.ok()) got.where = local_where;
  }
  auto done = co_await conclude(std::move(got));
  co_return done;
}

net::awaitable<status> session::send_data(data_channel& d, const data_source& source, transfer_type t) {
  std::vector<std::byte> buf(chunk);
  std::string text;
  for (;;) {
    auto [local, n] = source(std::span<std::byte>(buf));
    if (local) co_return status{local, {}, local_where};
    if (n == 0) break;
    std::string_view out = as_chars(std::span<const std::byte>(buf.data(), n));
    if (t == transfer_type::ascii) {
      text.clear();
      ascii_to_network(std::span<const std::byte>(buf.data(), n), text);
      out = text;
    }
    d.deadline.expires_after(opt_.timeout);
    auto [ec, written] = co_await asio::async_write(*d.stream, asio::buffer(out.data(), out.size()),
                                                    net::use_tuple);
    if (ec) co_return status{d.deadline.expired() ? make_error_code(error::timed_out) : ec, {}, "data connection"};
  }
  // The end of the file is the end of the connection (MODE S); under TLS a close_notify first
  // (RFC 4217 §12.6), so the server can tell the end from a truncation.
  d.deadline.expires_after(opt_.timeout);
  co_await d.stream->graceful_close();
  d.deadline.disarm();
  co_return status{};
}

net::awaitable<status> session::store(std::string path, data_source source, transfer_options t,
                                      bool append) {
  auto typed = co_await type(t.type);
  if (!typed.ok()) co_return typed;
  std::string command = append ? "APPE " : "STOR ";
  command += path;
  auto [st, d] = co_await open_data(std::move(command));
  if (!st.ok()) co_return st;
  auto sent = co_await send_data(*d, source, t.type);
  d->close();
  auto done = co_await conclude(std::move(sent));
  co_return done;
}

net::awaitable<status> session::list(listing kind, std::string path, line_sink lines) {
  const char* verb = kind == listing::mlsd ? "MLSD" : kind == listing::nlst ? "NLST" : "LIST";
  std::string command = verb;
  if (!path.empty()) command += " " + path;
  auto [st, d] = co_await open_data(std::move(command));
  if (!st.ok()) co_return st;
  std::string pending;
  auto emit = [&](std::string_view line) {
    if (line.ends_with('\r')) line.remove_suffix(1);
    return lines(line);
  };
  const chunk_sink on_data = [&](std::span<const std::byte> bytes) -> std::error_code {
    pending.append(as_chars(bytes));
    std::size_t start = 0;
    for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n', start)) {
      if (auto ec = emit(std::string_view(pending).substr(start, nl - start))) return ec;
      start = nl + 1;
    }
    pending.erase(0, start);
    if (pending.size() > max_listing_line) return error::listing_line_too_long;
    return {};
  };
  auto got = co_await receive(*d, on_data);
  d->close();
  if (got.ok() && !pending.empty()) {
    got.ec = emit(pending);
    if (!got.ok()) got.where = local_where;
  }
  auto done = co_await conclude(std::move(got));
  co_return done;
}

}  // namespace l7::ftp::client
