// libFuzzer target: a whole message, as the mail store or an SMTP server holds it, through
// every decoder of the mail codec. A hash of the input picks the limits and the piece sizes.
// Checks:
// - header_parser: fed in pieces, it gives the same fields, offsets and end as whole; fields
//   are ordered and inside the section; consumed bytes never exceed what was given;
// - parse_mime: every offset inside the input; header then body ranges contiguous; children
//   inside their parent's body, ordered and disjoint (an encapsulated message spans its
//   parent's body exactly); depth and part count within the limits; lines counted right;
//   IMAP part numbers lead back to each part of the top level;
// - every part's body decodes, and decoded text is valid UTF-8 (RFC 6532 readers rely on it);
// - header values: addresses, dates (format -> parse round trip), RFC 2047 words and RFC 2231
//   parameters decode to valid UTF-8;
// - encoders: base64, quoted-printable and RFC 2047 words round-trip; the writer's output parses
//   back to the same subject and text.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/utf8.hpp"
#include "mail/codec/address.hpp"
#include "mail/codec/charset.hpp"
#include "mail/codec/date.hpp"
#include "mail/codec/encoded_word.hpp"
#include "mail/codec/mime.hpp"
#include "mail/codec/params.hpp"
#include "mail/codec/writer.hpp"

namespace {

using namespace l7::mail;

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "mime fuzz: invariant broken: %s\n", what);
  std::abort();
}

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  return h;
}

struct xorshift {
  std::uint64_t s;
  std::size_t piece() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    static constexpr std::size_t caps[] = {1, 3, 17, 4096};
    return 1 + static_cast<std::size_t>((s >> 8) % caps[s & 3]);
  }
};

void check_same_fields(const header_section& a, const header_section& b) {
  check(a.fields.size() == b.fields.size(), "pieces: field count");
  for (std::size_t i = 0; i < a.fields.size(); ++i) {
    const auto& x = a.fields[i];
    const auto& y = b.fields[i];
    check(x.name == y.name && x.value == y.value && x.begin == y.begin && x.end == y.end &&
              x.malformed == y.malformed,
          "pieces: field differs");
  }
  check(a.end == b.end && a.has_empty_line == b.has_empty_line, "pieces: section end");
}

void check_headers_in_pieces(std::string_view in, const header_limits& limits, std::uint64_t seed) {
  std::error_code whole_ec, ec;
  const auto whole = parse_header_section(in, limits, whole_ec);
  header_parser p(limits);
  xorshift cuts{seed | 1};
  std::string buf;
  std::size_t fed = 0;
  for (;;) {
    const auto used = p.parse(buf, ec);
    check(used <= buf.size(), "consumed more than given");
    buf.erase(0, used);
    if (ec || p.done() || fed == in.size()) break;
    const auto n = std::min(cuts.piece(), in.size() - fed);
    buf.append(in.substr(fed, n));
    fed += n;
  }
  if (!ec && !p.done()) p.finish(buf, ec);
  check(ec == whole_ec, "pieces: different error");
  if (ec) return;
  check_same_fields(whole, p.section());
  std::size_t prev = 0;
  for (const auto& f : whole.fields) {
    check(f.begin >= prev && f.begin < f.end && f.end <= whole.end, "field range");
    prev = f.end;
  }
  check(whole.end <= in.size(), "section end");
}

void check_range(const body_part& p, std::size_t size) {
  check(p.header.begin <= p.header.end && p.header.end == p.body.begin, "header/body contiguous");
  check(p.body.begin <= p.body.end && p.body.end <= size, "body inside the input");
  check(p.fields.begin == p.header.begin && p.fields.end == p.header.end, "fields span header");
}

void check_tree(std::string_view in, const mime_message& m, const mime_limits& limits) {
  check(!m.parts.empty() && m.parts.size() <= limits.max_parts, "part count");
  check(m.parts[0].header.begin == 0 && m.parts[0].body.end == in.size(), "root spans input");
  for (std::size_t i = 0; i < m.parts.size(); ++i) {
    const auto& p = m.parts[i];
    check_range(p, in.size());
    check(p.depth <= limits.max_depth, "depth over the limit");
    const auto body = p.body.in(in);
    check(p.lines == static_cast<std::size_t>(std::count(body.begin(), body.end(), '\n')), "lines");
    std::size_t prev = p.body.begin;
    for (const auto c : p.children) {
      check(c > i && c < m.parts.size(), "child index");
      const auto& k = m.parts[c];
      check(k.parent == i && k.depth == p.depth + 1, "child parent/depth");
      check(k.header.begin >= prev && k.body.end <= p.body.end, "children ordered, inside");
      if (p.is_encapsulated())
        check(k.header.begin == p.body.begin && k.body.end == p.body.end && k.is_message_root,
              "encapsulated message spans the body");
      prev = k.body.end;
    }
  }
  const auto& root = m.parts[0];
  // RFC 3501 §6.4.5: a multipart's parts are 1..n; any other message (message/rfc822 at the
  // top included) has only a part 1, its body.
  for (unsigned n = 1; root.is_multipart() && n <= root.children.size() && n < 64; ++n) {
    const std::vector<unsigned> number{n};
    check(m.find(number) == &m.parts[root.children[n - 1]], "part number lookup");
  }
  if (!root.is_multipart()) check(m.find(std::vector<unsigned>{1}) == &root, "part 1 of a leaf");
}

void check_decoders(std::string_view in, const mime_message& m) {
  std::size_t decoded = 0;
  for (const auto& p : m.parts) {
    if (decoded > (1u << 20)) break;  // enough work per input
    const auto text = decoded_text(in, p);
    decoded += text.size();
    check(l7::is_valid_utf8(text), "decoded text is not UTF-8");
    for (const auto& pr : p.content_type.params) check(l7::is_valid_utf8(pr.value), "param UTF-8");
    if (p.disposition)
      for (const auto& pr : p.disposition->params) check(l7::is_valid_utf8(pr.value), "disp UTF-8");
  }
  for (const auto& f : m.parts[0].fields.fields) {
    check(l7::is_valid_utf8(decode_encoded_words(f.value)), "RFC 2047 decode UTF-8");
    for (const auto& a : parse_address_list(f.value)) {
      check(a.type != address::kind::mailbox || !a.addr_spec().empty() || !a.name.empty(),
            "empty mailbox");
    }
    if (const auto d = parse_date_time(f.value)) {
      const auto again = parse_date_time(format_date_time(d->utc, d->offset_minutes));
      check(again && *again == *d, "date format -> parse");
    }
    const auto h = parse_param_header(f.value);
    for (const auto& pr : h.params) check(l7::is_valid_utf8(pr.value), "parameter UTF-8");
  }
}

std::string crlf_normalized(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
    if (s[i] == '\n' || s[i] == '\r') out += "\r\n";
    else out += s[i];
  }
  return out;
}

// Quoted-printable keeps every byte; only a bare LF becomes a CRLF line break (a lone CR is
// escaped as =0D).
std::string lf_to_crlf(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) out += '\r';
    out += s[i];
  }
  return out;
}

void check_encoders(std::string_view in) {
  check(decode_base64(encode_base64_lines(in)) == in, "base64 round trip");
  check(decode_quoted_printable(encode_quoted_printable(in)) == lf_to_crlf(in), "QP round trip");
  const auto qp = encode_quoted_printable(in);
  for (std::size_t from = 0; from < qp.size();) {
    const auto eol = std::min(qp.find("\r\n", from), qp.size());
    check(eol - from <= 76, "QP line over 76");
    from = eol + 2;
  }
  auto text = sanitize_utf8(in.substr(0, 300));
  std::replace_if(text.begin(), text.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  const auto words = encode_encoded_words(text);
  check(decode_encoded_words(words) == text, "RFC 2047 round trip");
}

void check_writer(std::string_view in) {
  auto clean = sanitize_utf8(in.substr(0, 200));
  std::replace_if(clean.begin(), clean.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  message_spec spec;
  spec.from = {clean.substr(0, 20), "a@example.test"};
  spec.to = {{clean.substr(0, 7), "b@example.test"}};
  spec.subject = clean;
  spec.text = sanitize_utf8(in.substr(0, 500));
  spec.date = static_cast<std::int64_t>(fnv1a(in) % 4000000000ull);
  spec.html = std::string(in.substr(0, 10).size(), 'h');
  const auto out = write_message(spec);
  std::error_code ec;
  const auto m = parse_mime(out, {}, ec);
  check(!ec && m.parts[0].children.size() == 2, "writer output parses");
  // Plain ASCII goes out as it is and comes back with outer white space trimmed; encoded words
  // come back exactly.
  const auto subject = decode_encoded_words(m.parts[0].fields.value("subject"));
  const auto b = clean.find_first_not_of(" \t");
  const auto trimmed = b == std::string::npos
                           ? std::string()
                           : clean.substr(b, clean.find_last_not_of(" \t") - b + 1);
  check(subject == clean || subject == trimmed, "writer subject");
  auto want = crlf_normalized(spec.text);
  if (!want.empty() && !want.ends_with("\r\n")) want += "\r\n";
  check(decoded_text(out, *m.find(std::vector<unsigned>{1})) == want, "writer text");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto h = fnv1a(in);
  mime_limits limits;
  static constexpr std::size_t lines[] = {64, 998, 65536, 1 << 20};
  limits.header.max_line = lines[h & 3];
  limits.header.max_fields = (h & 4) ? 8 : 2000;
  limits.max_depth = (h & 8) ? 3 : 50;
  limits.max_parts = (h & 16) ? 5 : 10000;
  check_headers_in_pieces(in, limits.header, h >> 5);
  std::error_code ec;
  const auto m = parse_mime(in, limits, ec);
  check_tree(in, m, limits);
  check_decoders(in, m);
  check_encoders(in);
  check_writer(in);
  return 0;
}
