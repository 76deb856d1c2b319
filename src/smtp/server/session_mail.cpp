// The mail transaction: MAIL, RCPT, DATA and BDAT, and delivery into the store.
#include <ctime>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/random.hpp"
#include "core/text.hpp"
#include "mail/store/store.hpp"
#include "smtp/codec/data_reader.hpp"
#include "smtp/codec/error.hpp"
#include "smtp/codec/reply.hpp"
#include "smtp/relay/relay.hpp"
#include "smtp/server/session.hpp"

namespace l7::smtp::server {
namespace {

// RFC 5321 §6.3: "a limit of 100 Received: fields ... is conservative".
constexpr std::size_t max_hops = 100;

std::string rfc5322_date(std::time_t t) {  // RFC 5322 §3.3, in UTC
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

// Received: fields in the header section (RFC 5321 §6.3 counts them to stop mail loops).
std::size_t received_count(std::string_view m) {
  std::size_t n = 0, pos = 0;
  while (pos < m.size()) {
    const auto eol = m.find('\n', pos);
    const auto line = m.substr(pos, eol == std::string_view::npos ? m.npos : eol - pos);
    if (line.empty() || line == "\r") break;  // end of the header section
    if (line.size() >= 9 && iequals(line.substr(0, 9), "Received:")) ++n;
    if (eol == std::string_view::npos) break;
    pos = eol + 1;
  }
  return n;
}

// user+tag@domain -> user (RFC 5233 subaddressing, as Postfix's recipient_delimiter).
std::string account_of(const std::string& local) {
  return to_lower(local.substr(0, local.find('+')));
}

}  // namespace

void session::on_mail(std::string_view arg) {
  const auto& cfg = shared_.config;
  if (helo_.empty()) return error_reply(503, "5.5.1", "Error: send HELO/EHLO first");
  if (in_mail_) return error_reply(503, "5.5.1", "Error: nested MAIL command");
  if (submission_ && user_.empty())  // RFC 6409 §4.3, RFC 4954 §6
    return error_reply(530, "5.7.0", "Authentication required");
  offered o;
  if (!esmtp_) o = offered{false, false, false, false, false, false};  // HELO: no extensions
  mail_from m;
  if (auto ec = parse_mail_from(arg, o, m)) {
    auto r = reply_for(ec);
    return error_reply(r.code, r.enhanced, ec.message());
  }
  if (m.size && *m.size > cfg.max_message_size)  // RFC 1870 §6
    return reply(552, "5.3.4", "Message size exceeds fixed maximum message size");
  reset_transaction();
  from_ = std::move(m);
  in_mail_ = true;
  reply(250, "2.1.0", "Ok");
}

std::error_code session::route(const rcpt_to& r, recipient& out, int& code, std::string_view& enhanced,
                               std::string& text) const {
  const auto& cfg = shared_.config;
  out.address = r.to;
  if (cfg.capture) return {};
  if (r.postmaster && r.to.domain.empty()) {  // RFC 5321 §4.5.1: always accepted
    out.account = "postmaster";
  } else if (std::find(cfg.domains.begin(), cfg.domains.end(), to_lower(r.to.domain)) != cfg.domains.end()) {
    out.account = account_of(r.to.local);
  } else if (shared_.relay && relay_allowed()) {  // authenticated, or a trusted network
    if (r.to.domain.empty()) {
      code = 550;
      enhanced = "5.1.3";
      text = "A domain is needed for relaying";
      return make_error_code(std::errc::invalid_argument);
    }
    out.relayed = true;
    out.notify = r.notify;
    out.orcpt = r.orcpt;
    return {};
  } else {
    code = user_.empty() || shared_.relay ? 554 : 550;
    enhanced = "5.7.1";
    text = user_.empty() || shared_.relay ? "Relay access denied" : "Relaying is turned off on this server (smtp.relay)";
    return make_error_code(std::errc::permission_denied);
  }
  if (!shared_.accounts.exists(out.account)) {
    code = 550;
    enhanced = "5.1.1";
    text = "User unknown in local recipient table";
    return make_error_code(std::errc::no_such_file_or_directory);
  }
  return {};
}

bool session::relay_allowed() const {
  if (!user_.empty()) return true;
  const auto& nets = shared_.config.relay_networks;
  if (nets.empty()) return false;
  const auto a = ip_address::parse(remote_);
  return a && std::any_of(nets.begin(), nets.end(), [&](const ip_prefix& p) { return p.contains(a->unmapped()); });
}

void session::on_rcpt(std::string_view arg) {
  if (!in_mail_) return error_reply(503, "5.5.1", "Error: need MAIL command");
  if (bdat_) return error_reply(503, "5.5.1", "Error: BDAT in progress");
  if (rcpts_.size() >= shared_.config.max_recipients)  // RFC 5321 §4.5.3.1.10
    return reply(452, "4.5.3", "Error: too many recipients");
  offered o;
  if (!esmtp_) o = offered{false, false, false, false, false, false};
  rcpt_to r;
  if (auto ec = parse_rcpt_to(arg, o, from_.smtputf8, r)) {
    auto rc = reply_for(ec);
    return error_reply(rc.code, rc.enhanced, ec.message());
  }
  recipient rc;
  int code = 0;
  std::string_view enhanced;
  std::string text;
  if (route(r, rc, code, enhanced, text)) return error_reply(code, enhanced, text);
  rcpts_.push_back(std::move(rc));
  reply(250, "2.1.5", "Ok");
}

net::awaitable<session::next> session::on_data(std::string_view arg) {
  const auto& cfg = shared_.config;
  if (!arg.empty()) {
    error_reply(501, "5.5.4", "Syntax: DATA");
    co_return next::go_on;
  }
  if (!in_mail_ || bdat_) {
    error_reply(503, "5.5.1", bdat_ ? "Error: BDAT in progress" : "Error: need MAIL command");
    co_return next::go_on;
  }
  if (rcpts_.empty()) {
    error_reply(554, "5.5.1", "Error: no valid recipients");
    co_return next::go_on;
  }
  if (from_.body == body_type::binary_mime) {  // RFC 3030 §3: BINARYMIME needs BDAT
    error_reply(503, "5.5.1", "Error: BINARYMIME requires BDAT");
    co_return next::go_on;
  }
  reply(354, "", "End data with <CR><LF>.<CR><LF>");
  if (co_await io_.flush(cfg.command_timeout)) co_return next::close;
  data_reader reader(cfg.max_message_size);
  while (!reader.done()) {
    std::string_view bytes;
    if (auto ec = co_await io_.read_some(bytes, cfg.data_timeout)) {
      if (ec == asio::error::timed_out) co_await goodbye("Error: timeout exceeded");
      else io_.close();
      co_return next::close;
    }
    const auto used = reader.feed(bytes, message_);
    io_.consume(used);
  }
  shared_.bytes_received->inc(reader.size());
  note("C: ", "(message, " + std::to_string(reader.size()) + " bytes)");
  if (reader.too_large()) {
    shared_.rejected->inc();
    reset_transaction();
    reply(552, "5.3.4", "Message size exceeds fixed maximum message size");
    co_return next::go_on;
  }
  co_await finish_message();
  co_return next::go_on;
}

net::awaitable<bool> session::read_chunk(std::uint64_t size, bool keep) {
  const auto& cfg = shared_.config;
  while (size > 0) {
    std::string_view bytes;
    if (auto ec = co_await io_.read_some(bytes, cfg.data_timeout)) {
      if (ec == asio::error::timed_out) co_await goodbye("Error: timeout exceeded");
      else io_.close();
      co_return false;
    }
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(size, bytes.size()));
    if (keep) message_.append(bytes.substr(0, n));
    io_.consume(n);
    size -= n;
    shared_.bytes_received->inc(n);
  }
  co_return true;
}

net::awaitable<session::next> session::on_bdat(std::string_view arg) {
  std::uint64_t size = 0;
  bool last = false;
  if (parse_bdat(arg, size, last)) {  // without a size the chunk cannot be skipped: close
    error_reply(501, "5.5.4", "Syntax: BDAT chunk-size [LAST]");
    co_return next::go_on;
  }
  // RFC 3030 §2: a refused BDAT's chunk is still read (and dropped).
  const char* refusal = nullptr;
  if (!in_mail_) refusal = "Error: need MAIL command";
  else if (rcpts_.empty()) refusal = "Error: no valid recipients";
  const bool too_big = message_.size() + size > shared_.config.max_message_size;
  const bool keep = !refusal && !bdat_failed_ && !too_big;
  if (!co_await read_chunk(size, keep)) co_return next::close;
  note("C: ", "(chunk, " + std::to_string(size) + " bytes" + (last ? ", last)" : ")"));
  if (refusal) {
    error_reply(503, "5.5.1", refusal);
    co_return next::go_on;
  }
  bdat_ = true;
  if (too_big) {
    bdat_failed_ = true;
    message_.clear();
  }
  if (!last) {
    if (bdat_failed_) reply(552, "5.3.4", "Message size exceeds fixed maximum message size");
    else reply(250, "2.0.0", std::to_string(size) + " octets received");
    co_return next::go_on;
  }
  if (bdat_failed_) {
    shared_.rejected->inc();
    reset_transaction();
    reply(552, "5.3.4", "Message size exceeds fixed maximum message size");
    co_return next::go_on;
  }
  co_await finish_message();
  co_return next::go_on;
}

std::string session::received_header(const std::string& id) const {
  // RFC 5321 §4.4 trace fields; "with" per RFC 3848 (ESMTP, +S for TLS, +A for AUTH).
  std::string with = esmtp_ ? "ESMTP" : "SMTP";
  if (from_.smtputf8) with = "UTF8SMTP";
  if (io_.is_tls()) with += "S";
  if (!user_.empty()) with += "A";
  std::string h = "Return-Path: <" + from_.from.text() + ">\r\n";
  h += "Received: from " + helo_ + " ([" + remote_ + "])\r\n\tby " + shared_.config.hostname +
       " (l7) with " + with + " id " + id;
  if (rcpts_.size() == 1) h += "\r\n\tfor <" + rcpts_.front().address.text() + ">";
  h += "; " + rfc5322_date(std::time(nullptr)) + "\r\n";
  return h;
}

std::string session::capture_meta() const {
  nlohmann::json j;
  j["mail_from"] = from_.from.text();
  auto& to = j["rcpt_to"] = nlohmann::json::array();
  for (const auto& r : rcpts_) to.push_back(r.address.text());
  j["helo"] = helo_;
  j["remote"] = remote_;
  j["tls"] = io_.is_tls();
  j["auth"] = user_;
  j["listener"] = listener_.name;
  j["transcript"] = transcript_;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

net::awaitable<void> session::finish_message() {
  const auto id = relay::new_queue_id();
  if (received_count(message_) >= max_hops) {
    shared_.rejected->inc();
    message_.clear();
    reset_transaction();
    reply(554, "5.4.6", "Too many hops: a mail loop?");
    co_return;
  }
  std::string full = received_header(id);
  full += message_;
  message_.clear();
  message_.shrink_to_fit();
  mail::delivery_info info;
  info.internal_date = std::chrono::system_clock::now();
  std::vector<std::string> accounts;
  for (const auto& r : rcpts_)
    if (!r.account.empty() && std::find(accounts.begin(), accounts.end(), r.account) == accounts.end())
      accounts.push_back(r.account);
  const bool capture = shared_.config.capture;
  if (capture) info.meta = capture_meta();
  // Recipients of other domains: one queue entry (relay/queue.hpp), durable before the 250.
  std::optional<relay::queue_entry> outbound;
  for (const auto& r : rcpts_) {
    if (!r.relayed) continue;
    if (!outbound) {
      outbound.emplace();
      outbound->id = id;
      outbound->from = from_.from.text();
      outbound->ret = from_.ret == dsn_ret::full ? "FULL" : from_.ret == dsn_ret::headers ? "HDRS" : "";
      outbound->envid = from_.envid;
      outbound->smtputf8 = from_.smtputf8;
    }
    relay::queued_recipient q;
    q.address = r.address.text();
    q.notify = r.notify;
    q.orcpt = r.orcpt;
    outbound->recipients.push_back(std::move(q));
  }
  relay::relay* rl = shared_.relay.get();
  transcript_.clear();  // the next message's transcript starts after this one
  // fsync: off the event loop. Every copy must be durable before the 250 (nothing acknowledged
  // is lost); if one fails, the client is told to try again later (4xx) — duplicates for the
  // recipients already served are what SMTP prefers to a loss (RFC 5321 §6.1).
  auto& st = *shared_.store;
  auto work = [&st, &full, &info, &accounts, capture, &outbound, rl]() -> net::awaitable<std::error_code> {
    std::error_code ec;
    if (capture) ec = st.deliver_capture(full, info);
    for (const auto& a : accounts) {
      if (ec) break;
      ec = st.deliver(a, "INBOX", full, info);
    }
    if (!ec && outbound && rl) ec = rl->enqueue(std::move(*outbound), full);
    co_return ec;
  };
  const auto ec = co_await asio::co_spawn(shared_.blocking.get_executor(), work, asio::use_awaitable);
  const auto count = rcpts_.size();
  const auto from = from_.from.text();
  reset_transaction();
  if (ec) {
    shared_.rejected->inc();
    shared_.log->warn("{}: message {} not stored: {}", remote_, id, ec.message());
    if (ec == mail::store_error::quota_exceeded) reply(552, "5.2.2", "Mailbox full");
    else reply(451, "4.3.0", "Error: could not store the message, try again later");
    co_return;
  }
  shared_.accepted->inc();
  shared_.log->info("{}: message {} from <{}> to {} recipient{} ({} bytes){}", remote_, id, from, count,
                    count == 1 ? "" : "s", full.size(), capture ? " captured" : outbound ? " queued" : " delivered");
  reply(250, "2.0.0", "Ok: queued as " + id);
}

}  // namespace l7::smtp::server
