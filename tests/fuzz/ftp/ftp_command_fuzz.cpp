// libFuzzer target: what the FTP server does with a client's control-connection bytes before
// any I/O. The input is the byte stream; a hash of it picks the line limit, whether a bare LF
// ends a line, and the piece sizes. Checks:
// - command_framer: the same lines and statuses whole and in pieces; lines within the limit;
//   progress on every non-need_more result; never more than a line buffered (RFC 959 §5.3
//   lines are bounded, so a client cannot grow the server's buffer);
// - split_command: an upper-case alphanumeric verb of at most 8 letters;
// - every argument through the argument parsers: PORT / 227 / EPRT text formats back to what
//   parses to the same address (RFC 959 §4.1.2, RFC 2428 §2); EPSV is case-insensitive (§3);
//   OPTS MLST facts survive re-encoding (RFC 3659 §7.9); a time-val formats back to a string
//   that parses to the same time (§2.3); quote/unquote round-trips (RFC 959 Appendix II);
//   join_path keeps the working directory and the argument.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/command_line.hpp"
#include "core/text.hpp"
#include "ftp/codec/host_port.hpp"
#include "ftp/codec/listing.hpp"
#include "ftp/codec/path.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace l7::ftp;
using l7::ftp::fuzzing::check;

struct framed {
  l7::line_status status;
  std::string line;
  friend bool operator==(const framed&, const framed&) = default;
};

// Frames `in` as a server would: bytes arrive in pieces (all at once without `pieces`) and the
// framer is drained after each one.
std::vector<framed> frame_stream(std::string_view in, std::size_t max, bool bare_lf,
                                 fuzzing::piece_sizes* pieces) {
  l7::command_framer framer(max, bare_lf);
  std::vector<framed> out;
  std::string buf;
  std::size_t fed = 0;
  for (;;) {
    for (;;) {
      const auto r = framer.next(buf);
      check(r.consumed <= buf.size(), "framer consumed more than it was given");
      if (r.status != l7::line_status::need_more) {
        check(r.consumed > 0, "framer reported a line without consuming it");
        out.push_back({r.status, std::string(r.line)});
      }
      if (r.status == l7::line_status::ok) {
        check(r.line.size() <= max, "line over the limit");
        check(r.line.find('\n') == std::string_view::npos, "LF inside a line");
      }
      buf.erase(0, r.consumed);
      if (r.status == l7::line_status::need_more) break;
    }
    check(buf.size() <= max + 1, "framer left more than a line buffered");
    if (fed == in.size()) break;
    const std::size_t n = pieces ? std::min(pieces->next(), in.size() - fed) : in.size() - fed;
    buf.append(in.substr(fed, n));
    fed += n;
  }
  return out;
}

void check_port(std::string_view arg) {
  const auto a = parse_port_argument(arg);
  if (!a) return;
  check(a->address.is_v4(), "PORT gave a non-IPv4 address");
  check(parse_port_argument(format_port_argument(*a)) == a, "PORT format -> parse");
  check(parse_pasv_text(format_pasv_text(*a)) == a, "227 text format -> parse");
  check(parse_eprt_argument(format_eprt_argument(*a)) == a, "PORT address as EPRT");
}

void check_eprt(std::string_view arg) {
  const auto a = parse_eprt_argument(arg);
  if (!a) return;
  check(parse_eprt_argument(format_eprt_argument(*a)) == a, "EPRT format -> parse");
  if (a->address.is_v4())
    check(parse_port_argument(format_port_argument(*a)) == a, "EPRT IPv4 address as PORT");
}

void check_epsv(std::string_view arg) {
  const auto r = parse_epsv_argument(arg);
  check((r == epsv_arg::none) == arg.empty(), "EPSV none iff no argument");
  check(parse_epsv_argument(l7::to_upper(arg)) == r, "EPSV argument case");
  if (const auto port = l7::parse_uint(arg); port && *port >= 1 && *port <= 65535) {
    const auto p = static_cast<std::uint16_t>(*port);
    check(parse_epsv_text(format_epsv_text(p)) == p, "229 text format -> parse");
  }
}

void check_mlst_opts(std::string_view arg) {
  const auto w = parse_mlst_opts(arg);
  std::string again;
  if (w.type) again += "type;";
  if (w.size) again += "size;";
  if (w.modify) again += "modify;";
  if (w.perm) again += "perm;";
  if (w.unix_mode) again += "UNIX.mode;";
  const auto same = [&](const mlst_facts& o) {
    return o.type == w.type && o.size == w.size && o.modify == w.modify && o.perm == w.perm &&
           o.unix_mode == w.unix_mode;
  };
  check(same(parse_mlst_opts(again)), "OPTS MLST re-encoded");
  check(same(parse_mlst_opts(l7::to_upper(arg))), "OPTS MLST fact names are case-insensitive");
}

// MDTM / MFMT: the whole argument, and MFMT's first word.
void check_time_val(std::string_view text) {
  const auto t = parse_time_val(text);
  if (!t) return;
  const auto s = format_time_val(*t);
  check(parse_time_val(s) == t, "time-val format -> parse");
  // Without a fraction and a leap second the text is already canonical.
  if (text.size() == 14 && text.substr(12) != "60") check(s == text, "time-val not canonical");
}

void check_path(std::string_view arg, const std::string& cwd) {
  const auto q = quote_pathname(arg);
  check(unquote_pathname(q) == arg, "quote -> unquote");
  check(unquote_pathname(q + " is the current directory.") == arg, "257 text -> unquote");
  if (const auto u = unquote_pathname(arg))
    check(unquote_pathname(quote_pathname(*u)) == *u, "unquote -> quote -> unquote");
  const auto j = join_path(cwd, arg);
  const bool absolute = !arg.empty() && arg.front() == '/';
  if (absolute) {
    check(j == arg, "absolute argument replaces the directory");
    check(l7::ftp::unsafe_pathname(j) == unsafe_pathname(arg), "unsafe absolute path");
  } else {
    check(j.starts_with(cwd) && j.ends_with(arg), "join keeps directory and argument");
    check(j.size() <= cwd.size() + arg.size() + 1, "join adds at most one '/'");
    check(unsafe_pathname(j) == (unsafe_pathname(cwd) || unsafe_pathname(arg)), "unsafe join");
  }
}

void check_command(const l7::command_line& c, std::string& cwd) {
  check(!c.verb.empty() && c.verb.size() <= 8, "verb length");
  for (char ch : c.verb)
    check((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'), "verb not upper-case alnum");
  // Every parser sees every argument: a server could be confused into any of them.
  const auto arg = c.argument;
  check_port(arg);
  check_eprt(arg);
  check_epsv(arg);
  check_mlst_opts(arg);
  check_time_val(arg);
  check_time_val(arg.substr(0, arg.find(' ')));
  check_path(arg, cwd);
  // The working directory evolves as a session's would (the jail normalizes it later).
  if ((c.verb == "CWD" || c.verb == "XCWD") && !unsafe_pathname(arg)) {
    auto next = join_path(cwd, arg);
    if (next.size() <= 256) cwd = std::move(next);
  } else if (c.verb == "CDUP" || c.verb == "XCUP") {
    if (cwd.size() <= 256) cwd = join_path(cwd, "..");
  } else if (c.verb == "REIN") {
    cwd = "/";
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto h = fuzzing::fnv1a(in);
  static constexpr std::size_t limits[] = {16, 64, 512, 4096};
  const std::size_t max = limits[h & 3];
  const bool bare_lf = (h & 4) == 0;

  const auto whole = frame_stream(in, max, bare_lf, nullptr);
  fuzzing::piece_sizes pieces(h >> 3);
  check(frame_stream(in, max, bare_lf, &pieces) == whole, "pieces framed differently");

  std::string cwd = "/";
  for (const auto& f : whole) {
    if (f.status != l7::line_status::ok) continue;
    const auto c = l7::split_command(f.line);
    if (!c) continue;
    const auto sp = f.line.find(' ');
    check(c->argument == (sp == std::string::npos ? std::string_view{}
                                                  : std::string_view(f.line).substr(sp + 1)),
          "argument is what follows the first space");
    check_command(*c, cwd);
  }
  return 0;
}
