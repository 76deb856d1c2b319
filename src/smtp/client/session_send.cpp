// The mail transaction of the SMTP client session (RFC 5321 §3.3): MAIL, RCPT, DATA or BDAT,
// sequential or pipelined (RFC 2920).
#include <algorithm>

#include <fmt/format.h>

#include "core/dot_stuffing.hpp"
#include "smtp/client/error.hpp"
#include "smtp/client/session.hpp"

namespace l7::smtp::client {
namespace {

constexpr std::size_t max_traced_lines = 200;

bool has_8bit(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

bool unsafe_address(std::string_view a) {
  return a.find_first_of(std::string_view("\r\n\0<> ", 6)) != std::string_view::npos;
}

bool unsafe_params(std::string_view p) {
  return std::any_of(p.begin(), p.end(), [](char c) { return c < 0x20 || c > 0x7e; });
}

// "RCPT TO:<a>" with the caller's parameters for the i-th recipient.
std::string rcpt_line(const envelope& env, std::size_t i) {
  std::string line = "RCPT TO:<" + env.to[i] + ">";
  if (i < env.rcpt_params.size() && !env.rcpt_params[i].empty()) line += " " + env.rcpt_params[i];
  return line;
}

// Every line end (CRLF, bare LF, bare CR) as CRLF, and a CRLF after the last line (RFC 5321
// §2.3.8; BDAT sends the bytes as they are, RFC 3030 §3, so they must be canonical already).
std::string to_crlf(std::string_view in) {
  std::string out;
  out.reserve(in.size() + in.size() / 32 + 2);
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '\r') {
      out += "\r\n";
      if (i + 1 < in.size() && in[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
  if (!out.empty() && !out.ends_with("\r\n")) out += "\r\n";
  return out;
}

int reply_class(const numeric_reply& r) { return r.code / 100; }

}  // namespace

struct session::transaction {
  const envelope& env;
  std::string message;    // CRLF line ends
  std::string mail_line;  // "MAIL FROM:<a> SIZE=n ..."
  send_result result;
  std::size_t accepted = 0;
  status refusal;         // the last RCPT refusal
};

net::awaitable<send_result> session::send(const envelope& env, std::string message) {
  transaction t{env, to_crlf(message), {}, {}, 0, {}};
  auto st = check_envelope(t);
  if (!st.ok()) {
    t.result.st = std::move(st);
    co_return t.result;
  }
  const bool pipelined = caps_.pipelining && opt_.pipelining;
  if (pipelined) st = co_await send_pipelined(t);
  else st = co_await send_envelope(t);
  if (st.ok() && use_bdat()) st = co_await send_bdat(t);
  else if (st.ok() && !pipelined) st = co_await send_data(t);
  t.result.st = co_await finish(std::move(st));
  co_return t.result;
}

bool session::use_bdat() const { return opt_.bdat && caps_.chunking; }

// What can be refused before a byte is sent; builds the MAIL FROM line with its parameters.
status session::check_envelope(transaction& t) const {
  const auto& env = t.env;
  if (unsafe_address(env.from) || std::any_of(env.to.begin(), env.to.end(), unsafe_address))
    return status{make_error_code(error::unsafe_argument), {}, "envelope"};
  if (unsafe_params(env.mail_params) || std::any_of(env.rcpt_params.begin(), env.rcpt_params.end(), unsafe_params) ||
      (!env.rcpt_params.empty() && env.rcpt_params.size() != env.to.size()))
    return status{make_error_code(error::unsafe_argument), {}, "envelope"};
  if (env.to.empty()) return status{make_error_code(error::no_recipients), {}, "envelope"};
  bool utf8 = has_8bit(env.from);
  for (const auto& rcpt : env.to) utf8 = utf8 || has_8bit(rcpt);
  if (utf8 && !caps_.smtputf8)  // RFC 6531 §3.4
    return status{make_error_code(error::smtputf8_unavailable), {}, "MAIL FROM"};
  if (caps_.size && *caps_.size > 0 && t.message.size() > *caps_.size)  // RFC 1870 §6.1
    return status{make_error_code(error::message_too_big), {},
                  fmt::format("MAIL FROM ({} bytes, SIZE {})", t.message.size(), *caps_.size)};
  t.mail_line = "MAIL FROM:<" + env.from + ">";
  if (caps_.size) t.mail_line += fmt::format(" SIZE={}", t.message.size());  // RFC 1870 §6
  if (caps_.eight_bit_mime && has_8bit(t.message)) t.mail_line += " BODY=8BITMIME";  // RFC 6152 §3
  if (utf8) t.mail_line += " SMTPUTF8";  // RFC 6531 §3.4
  if (!env.mail_params.empty()) t.mail_line += " " + env.mail_params;
  return status{};
}

void session::take_rcpt_reply(transaction& t, const std::string& rcpt, numeric_reply reply) {
  if (reply_class(reply) == 2) {
    ++t.accepted;
  } else {
    t.refusal = status{make_error_code(error::rejected), reply, "RCPT TO <" + rcpt + ">"};
  }
  t.result.recipients.push_back(recipient_result{rcpt, std::move(reply)});
}

// Without PIPELINING: one command, one reply (RFC 5321 §4.1.1.2-§4.1.1.3).
net::awaitable<status> session::send_envelope(transaction& t) {
  std::string mail = t.mail_line, where = "MAIL FROM";
  auto st = co_await command(std::move(mail), opt_.limits.mail, where);
  if (!st.ok()) co_return st;
  for (std::size_t i = 0; i < t.env.to.size(); ++i) {
    const auto& rcpt = t.env.to[i];
    std::string line = rcpt_line(t.env, i), rwhere = "RCPT TO <" + rcpt + ">";
    auto r = co_await command(std::move(line), opt_.limits.rcpt, rwhere);
    if (!r.ok() && !r.rejected()) co_return r;
    take_rcpt_reply(t, rcpt, std::move(r.reply));
  }
  if (t.accepted == 0) co_return no_recipients(t);
  co_return status{};
}

status session::no_recipients(const transaction& t) const {
  return status{make_error_code(error::no_recipients), t.refusal.reply, t.refusal.where};
}

// RFC 2920 §3.1: MAIL, every RCPT and DATA (the last command of the group) in one write, then
// the replies in order. With BDAT the group ends after the last RCPT (RFC 3030 §4.2).
net::awaitable<status> session::send_pipelined(transaction& t) {
  const bool bdat = use_bdat();
  ch_->trace(trace_kind::note, fmt::format("pipelining MAIL, {} RCPT{} (RFC 2920)", t.env.to.size(),
                                           bdat ? "" : ", DATA"));
  std::string group = t.mail_line + "\r\n";
  ch_->trace(trace_kind::client, t.mail_line);
  for (std::size_t i = 0; i < t.env.to.size(); ++i) {
    const auto line = rcpt_line(t.env, i);
    ch_->trace(trace_kind::client, line);
    group += line + "\r\n";
  }
  if (!bdat) {
    ch_->trace(trace_kind::client, "DATA");
    group += "DATA\r\n";
  }
  auto wec = co_await ch_->write(std::move(group), opt_.limits.mail);
  if (wec) co_return status{wec, {}, "MAIL FROM"};
  auto [mec, mail_reply] = co_await ch_->read_reply(opt_.limits.mail);
  if (mec) co_return status{mec, {}, "MAIL FROM"};
  status mail_refusal;
  if (reply_class(mail_reply) != 2) mail_refusal = status{make_error_code(error::rejected), mail_reply, "MAIL FROM"};
  for (const auto& rcpt : t.env.to) {
    auto [rec, reply] = co_await ch_->read_reply(opt_.limits.rcpt);
    if (rec) co_return status{rec, {}, "RCPT TO <" + rcpt + ">"};
    take_rcpt_reply(t, rcpt, std::move(reply));
  }
  if (!bdat) {
    auto data_st = co_await pipelined_data(t);
    const bool refused = data_st.rejected() || data_st.ec == error::no_recipients;
    if (!mail_refusal.ok() && refused) co_return mail_refusal;
    co_return data_st;
  }
  if (!mail_refusal.ok()) co_return mail_refusal;
  if (t.accepted == 0) co_return no_recipients(t);
  co_return status{};
}

// The reply to a pipelined DATA: 354 with a recipient accepted sends the message; 354 with
// none (a server that does not check) gets the end line alone (RFC 2920 §3.1).
net::awaitable<status> session::pipelined_data(transaction& t) {
  auto [dec, reply] = co_await ch_->read_reply(opt_.limits.data_init);
  if (dec) co_return status{dec, {}, "DATA"};
  if (reply.code == 354 && t.accepted > 0) {
    auto st = co_await send_content(t);
    co_return st;
  }
  if (reply.code == 354) {
    ch_->trace(trace_kind::client, ".");
    std::string end = ".\r\n";
    auto wec = co_await ch_->write(std::move(end), opt_.limits.data_block);
    if (wec) co_return status{wec, {}, "DATA"};
    auto [eec, ignored] = co_await ch_->read_reply(opt_.limits.data_term);
    if (eec) co_return status{eec, {}, "end of data"};
  }
  if (t.accepted == 0) co_return no_recipients(t);
  if (reply_class(reply) >= 4) co_return status{make_error_code(error::rejected), reply, "DATA"};
  co_return status{make_error_code(error::unexpected_reply), reply, "DATA"};
}

// DATA, 354, then the message (RFC 5321 §4.1.1.4).
net::awaitable<status> session::send_data(transaction& t) {
  std::string line = "DATA", where = "DATA";
  auto st = co_await command(std::move(line), opt_.limits.data_init, where);
  if (!st.ok()) co_return st;
  if (st.reply.code != 354) co_return status{make_error_code(error::unexpected_reply), st.reply, where};
  auto sent = co_await send_content(t);
  co_return sent;
}

// The message dot-stuffed with its end line (§4.5.2), then the reply that takes it over.
net::awaitable<status> session::send_content(transaction& t) {
  trace_message(t.message);
  std::string wire;
  wire.reserve(t.message.size() + t.message.size() / 64 + 8);
  dot_stuff(t.message, wire);
  auto wec = co_await ch_->write(std::move(wire), opt_.limits.data_block);
  if (wec) co_return status{wec, {}, "sending the message"};
  std::string where = "end of data";
  auto st = co_await final_reply(t, opt_.limits.data_term, where);
  co_return st;
}

// BDAT chunks, the last one marked LAST (RFC 3030 §2); each reply is awaited.
net::awaitable<status> session::send_bdat(transaction& t) {
  const std::string_view msg = t.message;
  const std::size_t chunk = std::max<std::size_t>(opt_.chunk_size, 1);
  std::size_t at = 0;
  do {
    const auto n = std::min(chunk, msg.size() - at);
    const bool last = at + n == msg.size();
    auto line = fmt::format("BDAT {}{}", n, last ? " LAST" : "");
    ch_->trace(trace_kind::client, line);
    ch_->trace(trace_kind::note, fmt::format("{} bytes of message data", n));
    std::string wire = line + "\r\n";
    wire.append(msg.substr(at, n));
    at += n;
    auto wec = co_await ch_->write(std::move(wire), opt_.limits.data_block);
    if (wec) co_return status{wec, {}, line};
    if (last) {
      auto st = co_await final_reply(t, opt_.limits.data_term, line);
      co_return st;
    }
    auto [ec, reply] = co_await ch_->read_reply(opt_.limits.data_block);
    if (ec) co_return status{ec, {}, line};
    if (reply_class(reply) != 2) co_return status{make_error_code(error::rejected), reply, line};
  } while (true);
}

net::awaitable<status> session::final_reply(transaction& t, std::chrono::milliseconds timeout,
                                            std::string where) {
  auto [ec, reply] = co_await ch_->read_reply(timeout);
  if (ec) co_return status{ec, {}, where};
  t.result.final_reply = reply;
  if (reply_class(reply) != 2) {
    const auto code = reply_class(reply) >= 4 ? error::rejected : error::unexpected_reply;
    co_return status{make_error_code(code), reply, where};
  }
  t.result.queue_id = queue_id_of(reply);
  co_return status{{}, reply, where};
}

void session::trace_message(std::string_view message) const {
  if (!ch_->tracing()) return;
  std::size_t lines = 0, at = 0;
  while (at < message.size()) {
    const auto end = message.find("\r\n", at);
    if (lines < max_traced_lines) ch_->trace(trace_kind::client, message.substr(at, end - at));
    ++lines;
    at = end + 2;
  }
  if (lines > max_traced_lines)
    ch_->trace(trace_kind::note, fmt::format("... {} more lines", lines - max_traced_lines));
  ch_->trace(trace_kind::client, ".");
}

// After a refusal the transaction is reset (RFC 5321 §4.1.1.5) so the session stays usable.
net::awaitable<status> session::finish(status st) {
  if (st.ok() || !ch_) co_return st;
  const bool protocol_level = st.rejected() || st.ec == error::no_recipients ||
                              st.ec == error::unexpected_reply;
  if (!protocol_level) {
    usable_ = false;
    co_return st;
  }
  std::string line = "RSET", where = "RSET";
  auto reset = co_await command(std::move(line), opt_.limits.command, where);
  if (!reset.ok() && !reset.rejected()) usable_ = false;
  co_return st;
}

}  // namespace l7::smtp::client
