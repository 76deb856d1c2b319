// The IMAP client session: connection set-up (TCP, TLS, greeting, CAPABILITY, STARTTLS,
// login) and the command runner every command goes through.
#include "imap/client/session.hpp"

#include <fmt/format.h>

#include "core/text.hpp"
#include "imap/client/error.hpp"
#include "imap/codec/encode.hpp"
#include "net/connect.hpp"
#include "net/tls.hpp"

namespace l7::imap::client {
namespace {

std::error_code io_error(std::error_code ec) {
  if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated || ec == asio::error::connection_reset ||
      ec == asio::error::broken_pipe)
    return make_error_code(error::connection_closed);
  return ec;
}

const char* status_name(imap::status_kind k) {
  static constexpr const char* names[] = {"OK", "NO", "BAD", "BYE", "PREAUTH"};
  return names[static_cast<int>(k)];
}

}  // namespace

bool status::rejected() const { return ec == error::rejected; }

std::string status::message() const {
  std::string text = where.empty() ? std::string() : where + ": ";
  const bool has_reply = reply.type == imap::response::kind::status && !reply.tag.empty();
  const auto line = fmt::format("{}{} {}", status_name(reply.status), reply.code.empty() ? "" : " [" + reply.code + "]",
                                reply.text);
  if (rejected() || ec == error::bye) return text + (has_reply ? line : ec.message());
  return text + ec.message();
}

session::session(asio::any_io_executor ex, options opt)
    : ex_(std::move(ex)), opt_(std::move(opt)), reader_(opt_.max_literal) {}

session::~session() = default;

std::string session::endpoint_text() const {
  return opt_.host.find(':') != std::string::npos ? fmt::format("[{}]:{}", opt_.host, opt_.port)
                                                 : fmt::format("{}:{}", opt_.host, opt_.port);
}

std::string session::next_tag() { return fmt::format("a{}", ++tag_counter_); }

void session::trace(trace_kind kind, std::string_view line) const {
  if (opt_.trace) opt_.trace(kind, line);
}

// The last response as received, line by line; long ones (message literals) shortened.
void session::trace_response() const {
  if (!opt_.trace) return;
  auto raw = reader_.raw();
  constexpr std::size_t shown = 4096;
  const auto total = raw.size();
  if (raw.size() > shown) raw = raw.substr(0, shown);
  while (!raw.empty()) {
    const auto lf = raw.find('\n');
    auto line = raw.substr(0, lf);
    if (line.ends_with('\r')) line.remove_suffix(1);
    opt_.trace(trace_kind::server, line);
    if (lf == std::string_view::npos) break;
    raw.remove_prefix(lf + 1);
  }
  if (total > shown) opt_.trace(trace_kind::note, fmt::format("... ({} bytes in this response)", total));
}

net::awaitable<std::error_code> session::write(std::string bytes, std::chrono::milliseconds timeout) {
  deadline_->expires_after(timeout);
  auto [ec, n] = co_await asio::async_write(*stream_, asio::buffer(bytes), net::use_tuple);
  deadline_->disarm();
  if (deadline_->expired()) co_return make_error_code(error::timed_out);
  co_return io_error(ec);
}

// The next response, whatever it is; untagged ones are also applied (untagged()). A zero
// timeout waits without limit (IDLE).
net::awaitable<std::pair<std::error_code, client_response>> session::read(std::chrono::milliseconds timeout) {
  using result = std::pair<std::error_code, client_response>;
  if (timeout.count() > 0) deadline_->expires_after(timeout);
  for (;;) {
    std::error_code pec;
    in_.consume(reader_.parse(in_.text(), pec));
    if (pec) {
      deadline_->disarm();
      usable_ = false;
      co_return result{pec, {}};
    }
    if (reader_.ready()) {
      deadline_->disarm();  // also one stop_idle() armed for the answer to DONE
      trace_response();
      auto c = reader_.take();
      if (c.r.tag == "*" && !c.malformed) untagged(c.r);
      co_return result{std::error_code{}, std::move(c)};
    }
    auto space = in_.prepare(64 * 1024);
    auto [ec, n] = co_await stream_->async_read_some(asio::buffer(space.data(), space.size()), net::use_tuple);
    if (deadline_->expired()) {
      usable_ = false;
      co_return result{make_error_code(error::timed_out), {}};
    }
    if (ec) {
      deadline_->disarm();
      usable_ = false;
      co_return result{bye_ ? make_error_code(error::bye) : io_error(ec), {}};
    }
    in_.commit(n);
  }
}

// Untagged responses may come at any time (RFC 9051 §7): keep what the client needs.
void session::untagged(const imap::response& r) {
  if (auto caps = capabilities_of(r)) caps_ = std::move(*caps);
  if (r.type == imap::response::kind::status) {
    if (r.status == imap::status_kind::bye) bye_ = r;
    if (auto v = code_number(r.code, "UIDVALIDITY")) box_.uid_validity = *v;
    if (auto v = code_number(r.code, "UIDNEXT")) box_.uid_next = *v;
    return;
  }
  if (r.name == "EXISTS" && r.number) {
    if (*r.number > box_.exists) idle_.exists_grew = true;
    else if (*r.number < box_.exists) idle_.expunged = true;
    box_.exists = *r.number;
  } else if (r.name == "EXPUNGE" && r.number) {
    if (box_.exists > 0) --box_.exists;
    idle_.expunged = true;
  } else if (r.name == "VANISHED") {
    idle_.expunged = true;
  } else if (r.name == "FETCH") {
    if (auto f = fetch_of(r); f && f->uid) fetched_.push_back(std::move(*f));
  } else if (r.name == "SEARCH") {
    if (auto s = search_of(r)) searched_.insert(searched_.end(), s->begin(), s->end());
  }
}

// An astring argument; a value only a literal can carry becomes "{n+}" with LITERAL+ (RFC
// 7888) and otherwise "{n}", which ends this part: the rest goes after the server's "+".
void session::add_astring(std::vector<std::string>& parts, std::string_view value) const {
  std::string encoded;
  imap::append_astring(encoded, value, caps_.has("IMAP4rev2"));
  if (!encoded.starts_with('{')) {
    parts.back() += encoded;
    return;
  }
  const bool nonsync = caps_.has("LITERAL+") || (caps_.has("LITERAL-") && value.size() <= 4096);
  parts.back() += fmt::format("{{{}{}}}\r\n", value.size(), nonsync ? "+" : "");
  if (!nonsync) parts.emplace_back();
  parts.back() += value;
}

net::awaitable<status> session::run(std::vector<std::string> parts, std::string where,
                                    std::chrono::milliseconds timeout, std::string shown) {
  const auto tag = next_tag();
  for (const auto& p : parts)
    if (p.find('\0') != std::string::npos) co_return status{make_error_code(error::unsafe_argument), {}, where};
  trace(trace_kind::client, tag + " " + (shown.empty() ? parts.front() : shown));
  parts.front() = tag + " " + parts.front();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::string bytes = std::move(parts[i]);
    if (i + 1 == parts.size()) bytes += "\r\n";
    auto wec = co_await write(std::move(bytes), timeout);
    if (wec) {
      usable_ = false;
      co_return status{wec, {}, where};
    }
    const bool want_continuation = i + 1 < parts.size();
    for (;;) {
      auto [ec, c] = co_await read(timeout);
      if (ec) co_return status{ec, bye_.value_or(imap::response{}), where};
      if (c.r.type == imap::response::kind::continuation) {
        if (want_continuation) break;
        usable_ = false;
        co_return status{make_error_code(error::bad_response), c.r, where};
      }
      if (c.r.tag != tag) continue;  // untagged: already applied
      if (c.r.type != imap::response::kind::status) {
        usable_ = false;
        co_return status{make_error_code(error::bad_response), c.r, where};
      }
      status st{{}, std::move(c.r), where};
      if (st.reply.status != imap::status_kind::ok) st.ec = make_error_code(error::rejected);
      co_return st;
    }
  }
  co_return status{make_error_code(error::bad_response), {}, where};  // not reached
}

net::awaitable<status> session::connect() {
  auto st = co_await open();
  if (!st.ok() && !st.rejected() && st.ec != error::starttls_unavailable && st.ec != error::login_disabled)
    usable_ = false;
  co_return st;
}

net::awaitable<status> session::open() {
  std::string host = opt_.host;
  auto [cec, socket] = co_await net::connect_tcp(std::move(host), opt_.port, opt_.limits.connect);
  if (cec) co_return status{cec, {}, fmt::format("connect to {}", endpoint_text())};
  std::error_code ignored;
  const auto peer = socket.remote_endpoint(ignored);
  stream_ = std::make_unique<net::stream>(std::move(socket));
  deadline_ = std::make_unique<net::deadline>(ex_, [this] { stream_->close(); });
  trace(trace_kind::note, fmt::format("connected to {}", net::to_string(peer)));
  if (opt_.tls != tls_mode::off) {
    net::client_tls_options t;
    t.insecure = opt_.insecure;
    if (opt_.ca_file) t.ca_file = *opt_.ca_file;
    tls_ctx_ = net::make_client_context(t);
  }
  if (opt_.tls == tls_mode::implicit) {
    auto hs = co_await handshake();
    if (!hs.ok()) co_return hs;
  }
  // RFC 9051 §7.1: the greeting is OK, PREAUTH or BYE, perhaps with [CAPABILITY ...].
  auto [ec, greeting] = co_await read(opt_.limits.command);
  if (ec) co_return status{ec, {}, "read the greeting"};
  const auto& g = greeting.r;
  if (g.type != imap::response::kind::status || g.tag != "*")
    co_return status{make_error_code(error::bad_response), g, "greeting"};
  if (g.status == imap::status_kind::bye) co_return status{make_error_code(error::rejected), g, "greeting"};
  usable_ = true;
  const bool preauth = g.status == imap::status_kind::preauth;
  if (!caps_.known) {
    auto st = co_await capability();
    if (!st.ok()) co_return st;
  }
  if (opt_.tls == tls_mode::starttls) {
    if (preauth) co_return status{make_error_code(error::starttls_unavailable), g, "STARTTLS (PREAUTH greeting)"};
    auto st = co_await start_tls();
    if (!st.ok()) co_return st;
  }
  if (preauth) co_return status{};
  co_return co_await login();
}

net::awaitable<status> session::handshake() {
  const net::tls_session fresh;
  auto ec = co_await stream_->handshake_client(*tls_ctx_, opt_.host, fresh);
  if (ec) co_return status{ec, {}, "TLS handshake"};
  trace(trace_kind::note, fmt::format("TLS established ({})", stream_->tls_version()));
  co_return status{};
}

net::awaitable<status> session::capability() {
  std::vector<std::string> parts{"CAPABILITY"};
  co_return co_await run(std::move(parts), "CAPABILITY", opt_.limits.command);
}

// RFC 9051 §6.2.1: STARTTLS, OK, handshake, then forget the capabilities and ask again.
net::awaitable<status> session::start_tls() {
  if (!caps_.has("STARTTLS")) co_return status{make_error_code(error::starttls_unavailable), {}, "STARTTLS"};
  std::vector<std::string> parts{"STARTTLS"};
  auto st = co_await run(std::move(parts), "STARTTLS", opt_.limits.command);
  if (st.rejected()) {
    st.ec = make_error_code(error::starttls_unavailable);
    co_return st;
  }
  if (!st.ok()) co_return st;
  if (in_.size() > 0)  // nothing may follow the OK in plain text (injection)
    co_return status{make_error_code(error::bad_response), st.reply, "STARTTLS (data after OK)"};
  auto hs = co_await handshake();
  if (!hs.ok()) co_return hs;
  caps_ = {};
  co_return co_await capability();
}

}  // namespace l7::imap::client
