// libFuzzer target: what the FTP client does with a server's bytes. The input is the control
// connection stream; a hash of it picks the reply limits, the piece sizes and the "now" the
// LIST parser places yearless dates around. Checks:
// - reply_parser: the same replies and error whole and in pieces; never more than a line
//   buffered; codes 100-599, lines within the limit (RFC 959 §4.2);
// - encode_reply: every_line re-parses to the same reply (CR becomes a space, as promised);
//   first_and_last re-parses to the same number of lines (an inner line cannot end it);
// - 227 / 229 text, 257 pathname: what is read, formatted again, reads back the same
//   (RFC 959 §4.1.2, RFC 2428 §3, RFC 959 Appendix II);
// - MLSx and `ls -l` lines (every reply line, and every line of the raw stream as a data
//   connection would carry it): what is read, formatted by our server's listing code, reads
//   back to the same entry (RFC 3659 §7).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "core/numeric_reply.hpp"
#include "ftp/codec/host_port.hpp"
#include "ftp/codec/list_parse.hpp"
#include "ftp/codec/listing.hpp"
#include "ftp/codec/path.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace l7::ftp;
using l7::ftp::fuzzing::check;

struct reply_run {
  std::vector<l7::numeric_reply> replies;
  std::error_code ec;
  std::size_t left = 0;  // bytes of an unfinished reply line at the end
};

bool same(const l7::numeric_reply& a, const l7::numeric_reply& b) {
  return a.code == b.code && a.lines == b.lines;
}

// Reads replies one after another as a client would, the bytes arriving in pieces (all at once
// without `pieces`).
reply_run read_replies(std::string_view in, const l7::reply_parser::limits& lim,
                       fuzzing::piece_sizes* pieces) {
  reply_run run;
  l7::reply_parser parser(lim);
  std::string buf;
  std::size_t fed = 0;
  for (;;) {
    for (;;) {
      std::error_code ec;
      const auto n = parser.parse(buf, ec);
      check(n <= buf.size(), "reply parser used more than it was given");
      buf.erase(0, n);
      if (ec) {
        run.ec = ec;
        return run;
      }
      if (!parser.done()) break;
      run.replies.push_back(parser.reply());
      parser.reset();
    }
    check(buf.size() <= lim.max_line + 1, "reply parser left more than a line buffered");
    if (fed == in.size()) break;
    const std::size_t n = pieces ? std::min(pieces->next(), in.size() - fed) : in.size() - fed;
    buf.append(in.substr(fed, n));
    fed += n;
  }
  run.left = buf.size();
  return run;
}

bool same_runs(const reply_run& a, const reply_run& b) {
  if (a.ec != b.ec || a.replies.size() != b.replies.size()) return false;
  for (std::size_t i = 0; i < a.replies.size(); ++i)
    if (!same(a.replies[i], b.replies[i])) return false;
  return a.ec || a.left == b.left;  // after an error the rest was never fed
}

std::optional<l7::numeric_reply> reparse(const std::string& wire) {
  l7::reply_parser p({.max_line = 1 << 20, .max_lines = 1 << 20, .allow_bare_lf = true});
  std::error_code ec;
  const auto n = p.parse(wire, ec);
  if (ec || !p.done() || n != wire.size()) return std::nullopt;
  return p.reply();
}

void check_encode(const l7::numeric_reply& r) {
  l7::numeric_reply cleaned = r;
  for (auto& line : cleaned.lines)
    for (auto& c : line)
      if (c == '\r') c = ' ';
  std::string wire;
  l7::encode_reply(r, wire, l7::reply_style::every_line);
  const auto back = reparse(wire);
  check(back && same(*back, cleaned), "encode_reply(every_line) -> parse");

  wire.clear();
  l7::encode_reply(r, wire, l7::reply_style::first_and_last);
  const auto back2 = reparse(wire);
  check(back2 && back2->code == r.code && back2->lines.size() == r.lines.size(),
        "encode_reply(first_and_last) -> parse");
}

void check_pasv(std::string_view text) {
  const auto a = parse_pasv_text(text);
  if (!a) return;
  check(a->address.is_v4(), "227 gave a non-IPv4 address");
  check(parse_pasv_text(format_pasv_text(*a)) == a, "227 text -> format -> parse");
}

void check_epsv(std::string_view text) {
  const auto port = parse_epsv_text(text);
  if (!port) return;
  check(*port != 0, "229 port 0");
  check(parse_epsv_text(format_epsv_text(*port)) == port, "229 text -> format -> parse");
}

void check_257(std::string_view text) {
  const auto name = unquote_pathname(text);
  if (!name) return;
  check(unquote_pathname(quote_pathname(*name)) == name, "257 name -> quote -> unquote");
}

void check_mlsx(std::string_view line) {
  const auto e = parse_mlsx_line(line);
  if (!e) return;
  const auto& f = e->facts;
  check(!f.name.empty(), "MLSx entry without a name");
  const auto back = parse_mlsx_line(format_mlsx_line(f, mlst_facts{}));
  check(back.has_value(), "formatted MLSx line does not parse");
  const auto& g = back->facts;
  check(g.name == f.name && g.type == f.type && g.perm == f.perm, "MLSx name, type or perm");
  if (e->has_mtime)
    check(back->has_mtime && g.mtime == f.mtime, "MLSx modify");
  if (e->has_mode) check(back->has_mode && g.mode == f.mode, "MLSx unix.mode");
  if (e->has_size && f.type == file_facts::kind::file)
    check(back->has_size && g.size == f.size, "MLSx size");
}

std::int64_t day_of(std::int64_t t) {
  using namespace std::chrono;
  return floor<days>(sys_seconds{seconds{t}}).time_since_epoch().count();
}

int year_of(std::int64_t t) {
  using namespace std::chrono;
  return static_cast<int>(year_month_day{floor<days>(sys_seconds{seconds{t}})}.year());
}

void check_list(std::string_view line, std::int64_t now) {
  const auto e = parse_list_line(line, now);
  if (!e) return;
  const auto& f = e->facts;
  check(!f.name.empty() && e->has_size && e->has_mtime && e->has_mode, "LIST entry incomplete");
  // Our server writes '?' for special files (ls writes b, c, p, s) and fewer than four digits
  // for years before 1000: neither reads back, by design, so they are not compared.
  if (f.type == file_facts::kind::other || year_of(f.mtime) < 1000) return;
  const auto back = parse_list_line(format_list_line(f, now), now);
  check(back.has_value(), "formatted LIST line does not parse");
  const auto& g = back->facts;
  check(g.type == f.type && g.mode == (f.mode & 0777) && g.size == f.size, "LIST type/mode/size");
  check(g.nlink == f.nlink && g.owner == f.owner && g.group == f.group, "LIST links/owner/group");
  check(g.name == f.name, "LIST name");
  check(day_of(g.mtime) == day_of(f.mtime), "LIST date");
}

void check_listing_line(std::string_view line, std::int64_t now) {
  check_mlsx(line);
  check_list(line, now);
  if (!line.empty() && line.front() == ' ') check_mlsx(line.substr(1));  // MLST reply line
}

void check_reply(const l7::numeric_reply& r, const l7::reply_parser::limits& lim,
                 std::int64_t now) {
  check(r.code >= 100 && r.code <= 599, "reply code out of range");
  check(!r.lines.empty() && r.lines.size() <= lim.max_lines, "reply line count");
  for (const auto& line : r.lines) {
    check(line.size() <= lim.max_line && line.find('\n') == std::string::npos, "reply line");
    if (r.code == 227) check_pasv(line);
    if (r.code == 229) check_epsv(line);
    if (r.code == 257) check_257(line);
    check_listing_line(line, now);
  }
  check_encode(r);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto h = fuzzing::fnv1a(in);
  l7::reply_parser::limits lim;
  lim.max_line = (h & 1) ? 64 : 4096;
  lim.max_lines = (h & 2) ? 4 : 10000;
  lim.allow_bare_lf = (h & 4) == 0;
  // 2000-01-01 plus up to 40 years, to the second: New Year and leap days come up.
  const std::int64_t now = 946684800 + static_cast<std::int64_t>((h >> 8) % (40ull * 365 * 86400));

  const auto whole = read_replies(in, lim, nullptr);
  fuzzing::piece_sizes pieces(h >> 3);
  check(same_runs(read_replies(in, lim, &pieces), whole), "pieces read differently");
  for (const auto& r : whole.replies) check_reply(r, lim, now);

  // The same bytes as a LIST / MLSD data connection: lines ended by LF, CR stripped.
  for (std::string_view rest = in; !rest.empty();) {
    const auto lf = rest.find('\n');
    auto line = rest.substr(0, lf);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    check_listing_line(line, now);
    if (lf == std::string_view::npos) break;
    rest.remove_prefix(lf + 1);
  }
  return 0;
}
