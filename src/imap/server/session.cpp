// The session's framing, dispatch by state, responses and the commands valid in any state
// (RFC 9051 §6.1: CAPABILITY, NOOP, LOGOUT; RFC 2971 ID).
#include "imap/server/session.hpp"

#include <spdlog/spdlog.h>

#include "core/text.hpp"
#include "mail/store/account.hpp"
#include "mail/store/error.hpp"

namespace l7::imap::server {
namespace {

constexpr unsigned max_bad_in_a_row = 10;  // then "* BYE", as Dovecot does

limits reader_limits(const settings& cfg) {
  limits l;
  l.max_line = cfg.max_line;
  l.max_literal = cfg.max_message;
  l.max_command = cfg.max_message + cfg.max_message / 4 + 1024 * 1024;  // MULTIAPPEND some
  return l;
}

// Commands that must not be answered with EXPUNGE in between (RFC 9051 §7.4.1, and SORT and
// THREAD like SEARCH): their sequence numbers would shift under the client.
bool forbids_expunge(const command& cmd) {
  if (cmd.uid) return false;
  return cmd.name == command_name::fetch || cmd.name == command_name::store ||
         cmd.name == command_name::search || cmd.name == command_name::sort ||
         cmd.name == command_name::thread;
}

}  // namespace

session::session(net::worker& w, std::unique_ptr<net::connection> c, shared_state& shared,
                 const net::line_listener& l)
    : worker_(w), token_(w), shared_(shared), listener_(l), io_(w, std::move(c), shared.config.max_line),
      reader_(reader_limits(shared.config)) {
  const auto addr = net::to_ip(io_.conn().remote().address());
  remote_ = addr.to_string();
  loopback_ = addr.is_loopback();
  shared_.sessions->inc();
}

session::~session() {
  if (wake_) wake_->owner = nullptr;
  watch_.reset();
  if (idling_) shared_.idling->dec();
  if (counted_) shared_.per_address.release(remote_);
  shared_.sessions->dec();
}

void session::note(std::string_view who, std::string_view line) {
  if (!shared_.trace) return;
  if (line.size() > 200) line = line.substr(0, 200);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  shared_.trace->info("imap {} {}{}", remote_, who, line);
}

net::line_channel::duration session::timeout() const {
  return state_ == state::not_authenticated ? shared_.config.login_timeout : shared_.config.idle_timeout;
}

void session::tagged(const command& cmd, status_kind kind, std::string_view code, std::string_view text) {
  tagged_line_.clear();
  append_status(tagged_line_, cmd.tag, kind, code, text);
  note("S: ", tagged_line_);
}

void session::untagged_ok(std::string_view code, std::string_view text) {
  append_status(io_.out(), "", status_kind::ok, code, text);
}

void session::store_failed(const command& cmd, std::error_code ec, std::string_view what) {
  using mail::store_error;
  if (ec == store_error::no_such_folder) return no(cmd, "Mailbox does not exist", "NONEXISTENT");
  if (ec == store_error::folder_exists) return no(cmd, "Mailbox already exists", "ALREADYEXISTS");
  if (ec == store_error::invalid_name) return no(cmd, "Invalid mailbox name", "CANNOT");
  if (ec == store_error::has_children) return no(cmd, "Mailbox has children; delete them first", "INUSE");
  if (ec == store_error::quota_exceeded) return no(cmd, "Quota exceeded", "OVERQUOTA");
  if (ec == store_error::no_such_message) return no(cmd, "Message was expunged", "EXPUNGEISSUED");
  shared_.log->warn("{}: {} failed for {}: {}", remote_, what, user_, ec.message());
  no(cmd, "Internal error, try again later", "SERVERBUG");
}

std::string session::capabilities() const {
  std::string caps = "IMAP4rev1 IMAP4rev2 LITERAL+ SASL-IR ID ENABLE";
  if (state_ == state::not_authenticated) {
    if (listener_.tls && !io_.is_tls()) caps += " STARTTLS";
    if (auth_allowed()) caps += " AUTH=SCRAM-SHA-256 AUTH=PLAIN AUTH=LOGIN";
    else caps += " LOGINDISABLED";
    return caps;
  }
  caps += " IDLE NAMESPACE UNSELECT UIDPLUS MOVE CHILDREN LIST-EXTENDED LIST-STATUS SPECIAL-USE"
          " CONDSTORE QRESYNC ESEARCH SEARCHRES BINARY MULTIAPPEND UTF8=ACCEPT STATUS=SIZE"
          " QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE SORT SORT=DISPLAY THREAD=ORDEREDSUBJECT"
          " THREAD=REFERENCES";
  caps += " APPENDLIMIT=" + std::to_string(shared_.config.max_message);
  return caps;
}

net::awaitable<void> session::goodbye(std::string_view text) {
  append_status(io_.out(), "", status_kind::bye, "", text);
  note("S: * BYE ", text);
  co_await io_.flush_and_close();
}

net::awaitable<std::error_code> session::next_event(command_reader::event& ev,
                                                    net::line_channel::duration wait_for, bool interruptible) {
  for (;;) {
    if (!io_.has_input()) {
      if (auto ec = co_await io_.flush(wait_for)) co_return ec;
      // A change that came while flushing would not interrupt the read below.
      if (interruptible && dirty_) co_return make_error_code(asio::error::interrupted);
    }
    std::string_view bytes;
    if (auto ec = co_await io_.read_some(bytes, wait_for, true)) co_return ec;
    std::error_code pec;
    const auto used = reader_.parse(bytes, pec);
    io_.consume(used);
    ev = reader_.last_event();
    if (ev == command_reader::event::need_more) continue;
    if (ev == command_reader::event::continuation) {  // RFC 9051 §7.5
      io_.out() += "+ Ready for literal data\r\n";
      continue;
    }
    parse_error_ = pec;
    co_return std::error_code{};
  }
}

net::awaitable<void> session::run() {
  const auto& cfg = shared_.config;
  if (listener_.implicit_tls) {
    if (auto ec = co_await io_.start_tls(listener_.tls->native_handle(), cfg.login_timeout)) {
      shared_.log->debug("{}: TLS handshake failed: {}", remote_, ec.message());
      io_.close();
      co_return;
    }
  }
  counted_ = shared_.per_address.acquire(remote_);
  if (!counted_) {
    co_await goodbye("Too many connections from your address");
    co_return;
  }
  untagged_ok("CAPABILITY " + capabilities(), cfg.greeting);
  for (;;) {
    command_reader::event ev{};
    auto ec = co_await next_event(ev, timeout(), false);
    if (ec == asio::error::timed_out) {  // RFC 9051 §5.4
      co_await goodbye("Autologout; idle for too long");
      co_return;
    }
    if (ec == asio::error::shut_down) {
      co_await goodbye("Server shutting down");
      co_return;
    }
    if (ec) break;
    next n = next::go_on;
    if (ev == command_reader::event::error) {
      n = co_await on_reader_error(parse_error_);
    } else if (ev == command_reader::event::command) {
      command cmd;
      std::error_code pec;
      reader_.take(cmd, pec, utf8_);
      if (pec) {
        n = co_await on_reader_error(pec);
        if (!cmd.tag.empty()) note("C: ", std::string(cmd.tag) + " (bad command)");
      } else {
        bad_in_a_row_ = 0;
        n = co_await dispatch(cmd);
      }
    } else {  // a raw line nobody asked for: cannot happen outside IDLE and AUTHENTICATE
      n = co_await on_reader_error(make_error_code(error::syntax));
    }
    reader_.release();
    if (n == next::close) co_return;
  }
  io_.close();
}

net::awaitable<session::next> session::on_reader_error(std::error_code ec) {
  std::string tag(reader_.tag());
  command cmd;
  cmd.tag = tag.empty() ? "*" : tag;
  if (ec == error::literal_too_large) {
    no(cmd, "Literal too large (the limit is " + std::to_string(shared_.config.max_message) + " octets)", "TOOBIG");
  } else if (ec == error::unknown_command) {
    bad(cmd, "Unknown command");
  } else if (ec == error::line_too_long) {
    bad(cmd, "Command line too long");
  } else {
    bad(cmd, "Error in IMAP command: " + ec.message());
  }
  io_.out() += tagged_line_;
  tagged_line_.clear();
  if (++bad_in_a_row_ >= max_bad_in_a_row) {
    co_await goodbye("Too many invalid IMAP commands");
    co_return next::close;
  }
  co_return next::go_on;
}

net::awaitable<session::next> session::dispatch(command& cmd) {
  shared_.commands->inc();
  note("C: ", cmd.name == command_name::login ? cmd.tag + " LOGIN ****"
             : cmd.name == command_name::authenticate ? cmd.tag + " AUTHENTICATE ..."
             : std::string(reader_.raw().substr(0, reader_.raw().find('\n'))));
  tagged_line_.clear();
  const auto name = cmd.name;
  const bool authed = state_ == state::authenticated || state_ == state::selected;
  const bool selected = state_ == state::selected;
  next n = next::go_on;
  switch (name) {
    case command_name::capability:
      io_.out() += "* CAPABILITY " + capabilities() + "\r\n";
      ok(cmd, "Capability completed");
      break;
    case command_name::noop:
    case command_name::check:
      if (name == command_name::check && !selected) {
        bad(cmd, "No mailbox selected");
        break;
      }
      ok(cmd, name == command_name::noop ? "NOOP completed" : "CHECK completed");
      break;
    case command_name::logout:
      io_.out() += "* BYE Logging out\r\n";
      ok(cmd, "Logout completed");
      io_.out() += tagged_line_;
      note("S: ", tagged_line_);
      co_await io_.flush_and_close();
      co_return next::close;
    case command_name::id: on_id(cmd); break;
    case command_name::starttls:
    case command_name::login:
    case command_name::authenticate:
      if (state_ != state::not_authenticated) {
        bad(cmd, "Already authenticated");
        break;
      }
      if (name == command_name::starttls) n = co_await on_starttls(cmd);
      else if (name == command_name::login) n = co_await on_login(cmd);
      else n = co_await on_authenticate(cmd);
      if (n == next::close) co_return n;
      break;
    default:
      if (!authed) {
        bad(cmd, "Log in first");
        break;
      }
      switch (name) {
        case command_name::enable: on_enable(cmd); break;
        case command_name::select:
        case command_name::examine: co_await on_select(cmd); break;
        case command_name::create: co_await on_create(cmd); break;
        case command_name::delete_: co_await on_delete(cmd); break;
        case command_name::rename: co_await on_rename(cmd); break;
        case command_name::subscribe: co_await on_subscribe(cmd, true); break;
        case command_name::unsubscribe: co_await on_subscribe(cmd, false); break;
        case command_name::list:
        case command_name::lsub: co_await on_list(cmd); break;
        case command_name::namespace_: on_namespace(cmd); break;
        case command_name::status: co_await on_status(cmd); break;
        case command_name::append: co_await on_append(cmd); break;
        case command_name::getquota:
        case command_name::getquotaroot: co_await on_quota(cmd); break;
        case command_name::idle:
          n = co_await on_idle(cmd);
          if (n == next::close) co_return n;
          break;
        case command_name::compress: no(cmd, "COMPRESS is not supported", "CANNOT"); break;
        default:
          if (!selected) {
            bad(cmd, "No mailbox selected");
            break;
          }
          switch (name) {
            case command_name::close: co_await on_close(cmd, true); break;
            case command_name::unselect: co_await on_close(cmd, false); break;
            case command_name::expunge: co_await on_expunge(cmd); break;
            case command_name::search: co_await on_search(cmd); break;
            case command_name::sort:
            case command_name::thread: co_await on_sort(cmd); break;
            case command_name::fetch: co_await on_fetch(cmd); break;
            case command_name::store: co_await on_store(cmd); break;
            case command_name::copy:
            case command_name::move: co_await on_copy(cmd); break;
            default: bad(cmd, "Unknown command"); break;
          }
      }
  }
  // Changes by others, told before the tagged response so that it covers them.
  if (state_ == state::selected) co_await report_changes(!forbids_expunge(cmd));
  if (folder_gone_) {
    co_await goodbye("The selected mailbox was deleted or renamed by another session");
    co_return next::close;
  }
  io_.out() += tagged_line_;
  tagged_line_.clear();
  co_return next::go_on;
}

void session::on_id(const command& cmd) {  // RFC 2971 §3.1
  io_.out() += "* ID (\"name\" \"l7\" \"vendor\" \"l7kit\" \"support-url\" \"https://l7kit.invalid/docs/imap\")\r\n";
  ok(cmd, "ID completed");
}

void session::on_enable(const command& cmd) {  // RFC 5161
  const auto& args = std::get<enable>(cmd.args);
  std::string enabled;
  for (const auto& cap : args.capabilities) {
    bool now = false;
    if (cap == "CONDSTORE" && !condstore_) now = condstore_ = true;
    else if (cap == "QRESYNC" && !qresync_) {
      now = qresync_ = true;
      condstore_ = true;  // RFC 7162 §3.2.3: QRESYNC implies CONDSTORE
    } else if (cap == "UTF8=ACCEPT" && !utf8_) now = utf8_ = true;
    else if (cap == "IMAP4REV2" && !rev2_) {
      now = rev2_ = true;
      utf8_ = true;
    }
    if (now) enabled += " " + cap;
  }
  io_.out() += "* ENABLED" + enabled + "\r\n";
  ok(cmd, "Enabled");
}

void session::on_namespace(const command& cmd) {  // RFC 2342
  io_.out() += "* NAMESPACE ((\"\" \".\")) NIL NIL\r\n";
  ok(cmd, "NAMESPACE completed");
}

}  // namespace l7::imap::server
