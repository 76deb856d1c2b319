// Login (RFC 959 §4.1.1), TLS (RFC 4217) and the feature commands (RFC 2389, RFC 2640).
#include <spdlog/spdlog.h>

#include <filesystem>

#include "core/text.hpp"
#include "ftp/server/service.hpp"
#include "ftp/server/session.hpp"

namespace l7::ftp::server {

namespace {

bool is_anonymous_name(std::string_view name) {
  return iequals(name, "anonymous") || iequals(name, "ftp");
}

}  // namespace

void session::cmd_user(std::string_view arg) {
  if (logged_in_) {
    reply(530, "Already logged in; REIN first to change user.");
    return;
  }
  if (arg.empty()) {
    reply(501, "USER needs a name.");
    return;
  }
  const bool anonymous = is_anonymous_name(arg);
  if (anonymous && !shared_.config.anonymous) {
    reply(530, "Anonymous access is off.");
    return;
  }
  if (!anonymous && shared_.config.require_tls_login && !stream_.is_tls()) {
    reply(530, "Accounts must log in over TLS: send AUTH TLS first.");
    return;
  }
  pending_user_ = std::string(arg);
  user_given_ = true;
  if (anonymous) reply(331, "Anonymous login ok, send your e-mail address as password.");
  else reply(331, "Password required for " + pending_user_ + ".");
}

bool session::login_as(const std::string& user, bool anonymous) {
  std::filesystem::path root;
  std::error_code ec;
  if (anonymous) {
    root = shared_.config.anonymous_root;
  } else {
    root = shared_.accounts.home(user);
    std::filesystem::create_directories(root, ec);  // an account made by hand may lack it
  }
  try {
    jail_.emplace(root);
  } catch (const std::exception& e) {
    shared_.log->warn("{}: login of {}: no usable root {}: {}", remote_text_, user, root.string(), e.what());
    return false;
  }
  logged_in_ = true;
  anonymous_ = anonymous;
  user_ = user;
  cwd_ = "/";
  return true;
}

net::awaitable<void> session::cmd_pass(std::string_view arg) {
  if (logged_in_) {
    reply(230, "Already logged in.");
    co_return;
  }
  if (!user_given_) {
    reply(503, "Login with USER first.");
    co_return;
  }
  user_given_ = false;
  const std::string name = pending_user_;
  const bool anonymous = is_anonymous_name(name);
  bool ok = anonymous;
  if (!anonymous) {
    // yescrypt takes milliseconds of CPU: off the event loop, which keeps serving others.
    const std::string password(arg);
    auto& accounts = shared_.accounts;
    auto check = [&accounts, name, password]() -> net::awaitable<bool> {
      co_return accounts.verify(name, password);
    };
    const bool verified = co_await asio::co_spawn(shared_.blocking.get_executor(), check, asio::use_awaitable);
    ok = verified;
  }
  if (ok) ok = login_as(name, anonymous);
  if (ok) {
    shared_.logins_ok->inc();
    shared_.log->info("{}: {} logged in{}", remote_text_, anonymous ? "anonymous" : name,
                      stream_.is_tls() ? " (TLS)" : "");
    reply(230, anonymous ? "Login successful (read-only)." : "Login successful.");
    co_return;
  }
  shared_.logins_failed->inc();
  ++failures_;
  shared_.log->info("{}: failed login as {} ({} of {})", remote_text_, name, failures_,
                    shared_.config.max_login_failures);
  co_await sleep(shared_.config.login_delay);  // slows password guessing down
  if (failures_ >= shared_.config.max_login_failures) {
    reply(421, "Too many failed logins, closing control connection.");
    closing_ = true;
    co_return;
  }
  reply(530, "Login incorrect.");
}

net::awaitable<void> session::cmd_auth(std::string_view arg) {
  if (!tls_ctx_) {
    reply(502, "TLS is not configured on this server.");
    co_return;
  }
  if (stream_.is_tls()) {
    reply(503, "Already using TLS.");
    co_return;
  }
  const std::string mech = to_upper(arg);
  if (mech != "TLS" && mech != "TLS-C" && mech != "SSL" && mech != "TLS-P") {
    reply(504, "AUTH mechanism not supported; use AUTH TLS.");
    co_return;
  }
  reply(234, "Proceed with TLS negotiation.");
  co_await flush();
  if (broken_) co_return;
  // Plaintext sent after AUTH is not part of the TLS session: it is dropped, never run as
  // commands (the STARTTLS command-injection attack).
  in_.clear();
  framer_ = command_framer(shared_.config.max_command_line, true);
  auto ec = co_await stream_.handshake_server(*tls_ctx_);
  if (ec) {
    shared_.log->debug("{}: AUTH TLS handshake failed: {}", remote_text_, ec.message());
    broken_ = true;
    co_return;
  }
  if (mech == "SSL" || mech == "TLS-P") {  // old clients: these imply a protected data channel
    pbsz_ = true;
    protect_data_ = true;
  }
}

void session::cmd_pbsz(std::string_view arg) {
  if (!stream_.is_tls()) return reply(503, "PBSZ needs AUTH TLS first.");
  if (arg.empty()) return reply(501, "PBSZ needs an argument.");
  pbsz_ = true;
  reply(200, "PBSZ=0");  // TLS needs no buffer size (RFC 4217 §9)
}

void session::cmd_prot(std::string_view arg) {
  if (!stream_.is_tls()) return reply(503, "PROT needs AUTH TLS first.");
  if (!pbsz_) return reply(503, "PROT needs PBSZ first.");
  const std::string level = to_upper(arg);
  if (level == "C") {
    protect_data_ = false;
    reply(200, "Protection level set to Clear.");
  } else if (level == "P") {
    protect_data_ = true;
    reply(200, "Protection level set to Private.");
  } else if (level == "S" || level == "E") {
    reply(536, "Only C and P protection levels are supported.");
  } else {
    reply(504, "Unknown protection level.");
  }
}

void session::cmd_feat() {
  std::vector<std::string> lines{"Features:"};
  if (tls_ctx_) {
    lines.emplace_back(" AUTH TLS");
    lines.emplace_back(" PBSZ");
    lines.emplace_back(" PROT");
  }
  for (const char* f : {" EPRT", " EPSV", " MDTM", " REST STREAM", " SIZE", " TVFS", " UTF8"})
    lines.emplace_back(f);
  lines.push_back(" MLST " + format_mlst_feature(mlst_));
  lines.emplace_back("End");
  reply_lines(211, lines);
}

void session::cmd_opts(std::string_view arg) {
  const auto space = arg.find(' ');
  const std::string what = to_upper(arg.substr(0, space));
  const auto value = space == std::string_view::npos ? std::string_view{} : arg.substr(space + 1);
  if (what == "UTF8") {
    // RFC 2640: names are UTF-8 on the wire; we pass them through as bytes either way.
    reply(200, "UTF8 mode is always on.");
  } else if (what == "MLST") {
    mlst_ = parse_mlst_opts(value);
    std::string enabled = format_mlst_feature(mlst_);
    std::string list;
    for (std::size_t i = 0, start = 0; i < enabled.size(); ++i) {
      if (enabled[i] != ';') continue;
      auto fact = std::string_view(enabled).substr(start, i - start);
      if (fact.ends_with('*')) list.append(fact.substr(0, fact.size() - 1)).append(";");
      start = i + 1;
    }
    reply(200, "MLST OPTS " + list);
  } else {
    reply(501, "Unknown option.");
  }
}

void session::cmd_rein() {
  logged_in_ = false;
  user_given_ = false;
  anonymous_ = false;
  user_.clear();
  jail_.reset();
  cwd_ = "/";
  ascii_ = false;
  rest_ = 0;
  epsv_all_ = false;
  data_.reset();
  reply(220, "Service ready for new user.");
}

void session::cmd_help() {
  reply_lines(214, {"The following commands are recognized:",
                    " ABOR ACCT ALLO APPE AUTH CCC  CDUP CWD  DELE EPRT EPSV FEAT HELP LIST MDTM MKD",
                    " MLSD MLST MODE NLST NOOP OPTS PASS PASV PBSZ PORT PROT PWD  QUIT REIN REST RETR",
                    " RMD  RNFR RNTO SITE SIZE STAT STOR STOU STRU SYST TYPE USER XCUP XCWD XMKD XPWD XRMD",
                    "Help OK."});
}

}  // namespace l7::ftp::server
