// `l7 dns NAME [TYPE] [CLASS] [@SERVER] [+options]`: a dig-like stub client on src/dns/client.
// NAME, TYPE, CLASS and @SERVER come in any order, as with dig; the answer is printed in dig's
// layout (or only the answer rdata with +short). Exit codes follow dig's: 0 for any answer,
// 1 usage, 9 no reply, 10 malformed reply.
#include <ctime>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "core/text.hpp"
#include "dns/client/doh.hpp"
#include "dns/client/error.hpp"
#include "dns/client/exchange.hpp"
#include "cli/dns_trace.hpp"
#include "dns/auth/hosts_table.hpp"
#include "dns/codec/error.hpp"
#include "dns/codec/types.hpp"

namespace l7::cli {
namespace {

namespace dc = l7::dns::client;

enum exit_code { ok = 0, usage = 1, no_reply = 9, bad_reply = 10 };

constexpr std::string_view help_footer =
    "Query options (dig's):\n"
    "  +tcp, +notcp        query over TCP only (RFC 7766) / over UDP first (default)\n"
    "  +ignore, +noignore  keep a truncated UDP answer / re-ask over TCP (default)\n"
    "  +short, +noshort    print only the answer rdata, one per line\n"
    "  +recurse, +norecurse  set / clear RD (default: set)\n"
    "  +dnssec, +nodnssec  set / clear the EDNS DO bit (RFC 3225)\n"
    "  +bufsize=N          EDNS UDP payload size (default 1232; 0 sends no EDNS)\n"
    "  +edns, +noedns      send EDNS(0) (default) / none\n"
    "  +time=S             seconds to wait for each try (default 5)\n"
    "  +tries=N, +retry=N  tries per transport (default 3; +retry counts re-sends)\n"
    "  +nocookie           accepted and ignored (no DNS COOKIE is sent)\n"
    "Server: @ADDR, @ADDR:PORT, @[V6]:PORT, or a host name resolved by the system; default: the\n"
    "first nameserver in /etc/resolv.conf, else 127.0.0.1.\n"
    "  +trace              resolve iteratively from the root and print every step; @SERVER\n"
    "                      (with -p) replaces the IANA root servers, and -p is also the port of\n"
    "                      the servers referrals name (for private test hierarchies)\n"
    "Exit codes (as dig): 0 an answer arrived (any RCODE), 1 usage error, 9 no reply from the\n"
    "server, 10 malformed or unexpected reply (also a server name that does not resolve).";

struct dns_args {
  std::vector<std::string> words;  // NAME, TYPE, CLASS, @SERVER, +options
  std::string port, reverse, doh_url, cacert;
  bool post = false, json = false, insecure = false;
};

struct usage_error {
  int code;
  std::string message;
};

// What the words and options ask for.
struct plan {
  std::optional<dns::name> qname;
  std::optional<std::uint16_t> qtype, qclass;
  std::optional<std::string> server;
  std::optional<std::uint16_t> port;
  bool tcp = false, ignore_tc = false, short_form = false, recurse = true, dnssec = false;
  bool trace = false;
  std::optional<std::uint16_t> bufsize = 1232;  // nullopt: no EDNS
  int time_seconds = 5, tries = 3;
};

std::uint64_t number(std::string_view text, std::uint64_t max, std::string_view what) {
  const auto n = parse_uint(text);
  if (!n || *n > max) throw usage_error{usage, fmt::format("bad {} \"{}\"", what, text)};
  return *n;
}

// One +option. dig's abbreviations are not accepted, only the full names.
void apply_plus(plan& p, std::string_view word) {
  const auto eq = word.find('=');
  const auto key = word.substr(1, eq == std::string_view::npos ? eq : eq - 1);
  const auto value = eq == std::string_view::npos ? std::string_view() : word.substr(eq + 1);
  const bool no = key.starts_with("no");
  const auto flag = no ? key.substr(2) : key;
  if (flag == "trace") p.trace = !no;
  else if (flag == "tcp" || flag == "vc") p.tcp = !no;
  else if (flag == "ignore") p.ignore_tc = !no;
  else if (key == "nocookie") {}  // what we do anyway (dig habits)
  else if (flag == "short") p.short_form = !no;
  else if (flag == "recurse") p.recurse = !no;
  else if (flag == "dnssec") p.dnssec = !no;
  else if (flag == "edns") p.bufsize = no ? std::nullopt : std::optional<std::uint16_t>(1232);
  else if (key == "bufsize" && eq == std::string_view::npos) p.bufsize = 1232;
  else if (key == "bufsize") {
    const auto n = number(value, 65535, "+bufsize");
    p.bufsize = n ? std::optional<std::uint16_t>(std::uint16_t(n)) : std::nullopt;
  } else if (key == "time") {
    p.time_seconds = int(std::max<std::uint64_t>(1, number(value, 300, "+time")));
  } else if (key == "tries") {
    p.tries = int(std::max<std::uint64_t>(1, number(value, 100, "+tries")));
  } else if (key == "retry") {
    p.tries = int(number(value, 99, "+retry")) + 1;
  } else {
    throw usage_error{usage, fmt::format("unknown query option \"{}\"", word)};
  }
}

dns::name parse_name(std::string_view text) {
  std::error_code ec;
  auto n = dns::name::parse(text, ec);
  if (ec) throw usage_error{usage, fmt::format("bad name \"{}\": {}", text, ec.message())};
  return n;
}

// dig's rule: a word that reads as a type is the type (first one wins), then a class, then
// the name. So `l7 dns ns` asks for the root's NS records.
plan make_plan(const dns_args& a) {
  plan p;
  for (const auto& w : a.words) {
    if (w.starts_with('@')) p.server = w.substr(1);
    else if (w.starts_with('+')) apply_plus(p, w);
    else if (auto t = dns::type_from_string(w); t && !p.qtype) p.qtype = t;
    else if (auto c = dns::class_from_string(w); c && !p.qclass) p.qclass = c;
    else if (!p.qname) p.qname = parse_name(w);
    else throw usage_error{usage, fmt::format("unexpected \"{}\" (one query at a time)", w)};
  }
  if (!a.port.empty()) p.port = std::uint16_t(number(a.port, 65535, "port"));
  if (!a.reverse.empty()) {
    const auto address = ip_address::parse(a.reverse);
    if (!address) throw usage_error{usage, fmt::format("-x: bad address \"{}\"", a.reverse)};
    if (p.qname) throw usage_error{usage, "-x and a NAME cannot be combined"};
    p.qname = dns::auth::reverse_name(*address);
    if (!p.qtype) p.qtype = dns::rr_type::ptr;
  }
  if (p.qtype == dns::rr_type::axfr || p.qtype == 251)  // 251: IXFR
    throw usage_error{usage, "zone transfers are not supported"};
  if (!a.doh_url.empty() && p.server) throw usage_error{usage, "use either @SERVER or --doh"};
  if ((a.post || a.json) && a.doh_url.empty())
    throw usage_error{usage, "--post and --json need --doh URL"};
  return p;
}

dns::message make_query(const plan& p) {
  dns::message q;
  q.hdr.rd = p.recurse;
  q.hdr.ad = true;  // RFC 6840 §5.7: the client understands AD (dig sets it too)
  q.questions.push_back({p.qname.value_or(dns::name()), p.qtype.value_or(
      p.qname ? dns::rr_type::a : dns::rr_type::ns), p.qclass.value_or(dns::rr_class::in)});
  if (p.bufsize || p.dnssec) {  // DO travels in OPT (RFC 3225 §3): EDNS is forced by +dnssec
    q.opt.emplace();
    q.opt->udp_payload_size = p.bufsize.value_or(512);
    q.opt->dnssec_ok = p.dnssec;
  }
  return q;
}

// The first usable `nameserver` line of /etc/resolv.conf (scoped IPv6 addresses are skipped).
std::optional<dc::server_address> system_server() {
  std::ifstream in("/etc/resolv.conf");
  std::string line;
  while (std::getline(in, line)) {
    const auto fields = split(trim_ows(line), ' ');
    if (fields.size() < 2 || fields[0] != "nameserver") continue;
    if (const auto a = ip_address::parse(trim_ows(fields[1]))) return dc::server_address{*a};
  }
  return std::nullopt;
}

// @SERVER: an address literal (with an optional port), else a host name for getaddrinfo().
dc::server_address pick_server(const plan& p) {
  const std::uint16_t port = p.port.value_or(53);
  if (!p.server) {
    auto s = system_server().value_or(dc::server_address{ip_address::v4({127, 0, 0, 1})});
    s.port = port;
    return s;
  }
  if (auto s = dc::parse_server_address(*p.server, port)) return *s;
  asio::io_context io;
  net::udp::resolver resolver(io);
  std::error_code ec;
  const auto results = resolver.resolve(*p.server, std::to_string(port), ec);
  if (ec || results.empty())
    throw usage_error{bad_reply, fmt::format("couldn't get address for '{}': {}", *p.server,
                                             ec ? ec.message() : "no address")};
  const auto& e = results.begin()->endpoint();
  return {net::to_ip(e.address()), e.port()};
}

std::string now_text() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a %b %d %H:%M:%S %Z %Y", &tm);
  return buf;
}

// dig's full output: banner, header and sections, then the statistics footer.
void print_full(const dns_args& a, const dc::exchange_result& r, const std::string& server,
                std::string_view transport, bool fell_back) {
  std::string out = "\n; <<>> l7 dns 0.1.0 <<>>";
  for (const auto& w : a.words) out += " " + w;
  if (!a.reverse.empty()) out += " -x " + a.reverse;
  if (!a.port.empty()) out += " -p " + a.port;
  if (!a.doh_url.empty()) out += " --doh " + a.doh_url + (a.post ? " --post" : "");
  out += "\n;; global options: +cmd\n";
  if (fell_back) out += ";; Truncated, retrying in TCP mode.\n";
  out += ";; Got answer:\n";
  std::string body = dns::to_string(r.response);
  // dig's warning goes right after the flags line (the second line of the header).
  if (!r.response.hdr.ra && r.response.hdr.rd) {
    const auto second = body.find('\n', body.find('\n') + 1);
    body.insert(second + 1, ";; WARNING: recursion requested but not available\n");
  }
  out += body;
  out += fmt::format("\n;; Query time: {} msec\n;; SERVER: {} ({})\n;; WHEN: {}\n"
                     ";; MSG SIZE  rcvd: {}\n\n",
                     r.rtt.count() / 1000, server, transport, now_text(), r.response_size);
  fmt::print("{}", out);
}

void print_short(const dns::message& m) {
  for (const auto& rr : m.answers) fmt::print("{}\n", dns::to_string(rr.data));
}

// The exit code and message for a failed exchange.
int report_failure(const std::error_code& ec, const std::string& server) {
  if (ec == dc::error::timed_out) {
    fmt::print(stderr, ";; connection timed out; no servers could be reached\n");
    return no_reply;
  }
  if (ec.category() == dc::category() || ec.category() == dns::category()) {
    fmt::print(stderr, ";; bad reply from {}: {}\n", server, ec.message());
    return ec == dc::error::bad_url ? usage : bad_reply;
  }
  fmt::print(stderr, ";; communications error to {}: {}\n;; no servers could be reached\n",
             server, ec.message());
  return no_reply;
}

// Runs `body` on a fresh io_context; exceptions escape to the caller.
template <class T>
T run_io(std::function<net::awaitable<T>()> body) {
  asio::io_context io;
  T out{};
  asio::co_spawn(io, [&]() -> net::awaitable<void> { out = co_await body(); },
                 [](std::exception_ptr e) {
                   if (e) std::rethrow_exception(e);
                 });
  io.run();
  return out;
}

int query_server(const dns_args& a, const plan& p) {
  const auto server = pick_server(p);
  dc::query_options o;
  o.tcp = p.tcp;
  o.tcp_fallback = !p.ignore_tc;
  o.timeout = std::chrono::seconds(p.time_seconds);
  o.tries = p.tries;
  const auto query = make_query(p);
  const auto r = run_io<dc::exchange_result>([&] { return dc::exchange(server, query, o); });
  const auto where = dc::to_string(server);
  if (r.ec) return report_failure(r.ec, where);
  if (p.short_form) {
    print_short(r.response);
  } else {
    print_full(a, r, fmt::format("{}({})", where, server.address.to_string()),
               r.via_tcp ? "TCP" : "UDP", r.via_tcp && !p.tcp);
  }
  return ok;
}

std::unique_ptr<http::client::client> make_http_client(const dns_args& a, const plan& p) {
  http::client::options o;
  if (!a.cacert.empty()) o.tls.ca_file = a.cacert;
  o.tls.insecure = a.insecure;
  o.connect_timeout = std::chrono::seconds(p.time_seconds);
  o.max_time = std::chrono::seconds(p.time_seconds * p.tries);
  try {
    return std::make_unique<http::client::client>(o);
  } catch (const std::runtime_error& e) {
    throw usage_error{usage, e.what()};
  }
}

int query_doh(const dns_args& a, const plan& p) {
  auto http = make_http_client(a, p);
  const std::string transport = a.doh_url.starts_with("https:") ? "HTTPS" : "HTTP";
  if (a.json) {
    const auto q = make_query(p).questions.front();
    // Idle keep-alive connections must close before run_io's io_context goes away.
    const auto r = run_io<dc::json_result>([&]() -> net::awaitable<dc::json_result> {
      auto out = co_await dc::fetch_json(*http, a.doh_url, q.qname, q.qtype);
      http->close_idle();
      co_return out;
    });
    if (!r.body.empty()) fmt::print("{}{}", r.body, r.body.ends_with('\n') ? "" : "\n");
    if (r.ec && r.status != 0)
      fmt::print(stderr, ";; {} answered HTTP {}\n", a.doh_url, r.status);
    return r.ec ? report_failure(r.ec, a.doh_url) : ok;
  }
  const auto query = make_query(p);
  const auto r = run_io<dc::exchange_result>([&]() -> net::awaitable<dc::exchange_result> {
    auto out = co_await dc::exchange_doh(*http, a.doh_url, query, a.post);
    http->close_idle();
    co_return out;
  });
  if (r.ec) return report_failure(r.ec, a.doh_url);
  if (p.short_form)
    print_short(r.response);
  else
    print_full(a, r, a.doh_url, transport, false);
  return ok;
}

int trace(const plan& p) {
  trace_request r;
  r.q = make_query(p).questions.front();
  if (p.server) r.roots.push_back(pick_server(p));
  r.referral_port = p.port.value_or(53);
  r.dnssec = p.dnssec;
  r.short_form = p.short_form;
  r.timeout = std::chrono::seconds(p.time_seconds);
  return run_trace(r);
}

int run(const dns_args& a) {
  const plan p = make_plan(a);
  if (p.trace) {
    if (!a.doh_url.empty()) throw usage_error{usage, "+trace and --doh cannot be combined"};
    return trace(p);
  }
  return a.doh_url.empty() ? query_server(a, p) : query_doh(a, p);
}

}  // namespace

void add_dns_command(CLI::App& app) {
  auto a = std::make_shared<dns_args>();
  auto* cmd = app.add_subcommand(
      "dns", "DNS stub client, dig-like: NAME [TYPE] [CLASS] [@SERVER[:PORT]] [+options]");
  cmd->footer(std::string(help_footer));
  cmd->add_option("ARGS", a->words,
                  "NAME, TYPE (A, AAAA, MX, TXT, TYPE65, ...; default A, or NS for the root), "
                  "CLASS (default IN), @SERVER and +options, in any order");
  cmd->add_option("-p,--port", a->port, "Server port (default 53; @SERVER:PORT wins)");
  cmd->add_option("-x,--reverse", a->reverse, "Reverse lookup: PTR for this IPv4 or IPv6 address");
  cmd->add_option("--doh", a->doh_url, "Ask this DNS-over-HTTPS URL (RFC 8484, GET) instead of a server");
  cmd->add_flag("--post", a->post, "With --doh: send the query with POST");
  cmd->add_flag("--json", a->json, "With --doh: GET URL?name=NAME&type=TYPE (JSON API) and print the JSON");
  cmd->add_option("--cacert", a->cacert, "With --doh: trust the CA certificates in this PEM file");
  cmd->add_flag("--insecure", a->insecure, "With --doh: do not verify the server certificate");
  cmd->callback([a] {
    int code = ok;
    try {
      code = run(*a);
    } catch (const usage_error& e) {
      fmt::print(stderr, "l7 dns: {}\n", e.message);
      code = e.code;
    }
    std::fflush(stdout);
    if (code != ok) throw CLI::RuntimeError(code);
  });
}

}  // namespace l7::cli
