#include "imap/codec/cursor.hpp"

#include "core/text.hpp"
#include "core/utf8.hpp"
#include "mail/codec/mutf7.hpp"

namespace l7::imap::detail {
namespace {

bool is_8bit(char c) { return static_cast<unsigned char>(c) >= 0x80; }

constexpr std::string_view months = "JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC";

int month_of(std::string_view m) {
  if (m.size() != 3) return 0;
  for (int i = 0; i < 12; ++i)
    if (iequals(m, months.substr(static_cast<std::size_t>(i) * 3, 3))) return i + 1;
  return 0;
}

int days_in(int year, int month) {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : days[month - 1];
}

}  // namespace

// RFC 9051 §9: ATOM-CHAR = <any CHAR except atom-specials>.
bool is_atom_char(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u >= 0x7f) return false;
  return std::string_view("(){%*\"\\]").find(c) == std::string_view::npos;
}

bool cursor::fail(error e) {
  if (!ec_) ec_ = e;
  return false;
}

bool cursor::eat(char c) {
  if (pos_ < s_.size() && s_[pos_] == c) {
    ++pos_;
    return true;
  }
  return false;
}

bool cursor::expect(char c) {
  if (eat(c)) return true;
  char p = peek();
  if (pos_ < s_.size() && p == '\0') return fail(error::nul_byte);
  return fail(error::syntax);
}

bool cursor::end() {
  if (!ec_ && pos_ + 2 == s_.size() && at_crlf()) return true;
  return fail(error::syntax);
}

bool cursor::eat_word(std::string_view upper) {
  if (s_.size() - pos_ < upper.size() || !iequals(s_.substr(pos_, upper.size()), upper)) return false;
  std::size_t next = pos_ + upper.size();
  if (next < s_.size() && is_atom_char(s_[next])) return false;
  pos_ = next;
  return true;
}

bool cursor::check_text_byte(char c, bool allow8) {
  if (c == '\0') return fail(error::nul_byte);
  if (is_8bit(c) && !allow8) return fail(error::eight_bit);
  return true;
}

std::optional<std::string> cursor::atom(std::string_view extra) {
  std::size_t start = pos_;
  while (pos_ < s_.size() && (is_atom_char(s_[pos_]) || extra.find(s_[pos_]) != extra.npos)) ++pos_;
  if (pos_ < s_.size() && (is_8bit(s_[pos_]) || s_[pos_] == '\0')) {  // RFC 9051 §9: CHAR only
    check_text_byte(s_[pos_], false);
    return std::nullopt;
  }
  if (pos_ == start) {
    fail(error::syntax);
    return std::nullopt;
  }
  return std::string(s_.substr(start, pos_ - start));
}

std::optional<std::string> cursor::tag() {
  std::size_t start = pos_;
  while (pos_ < s_.size() && s_[pos_] != '+' && (is_atom_char(s_[pos_]) || s_[pos_] == ']')) ++pos_;
  if (pos_ == start || peek() != ' ') {
    fail(error::missing_tag);
    return std::nullopt;
  }
  return std::string(s_.substr(start, pos_ - start));
}

std::optional<std::uint64_t> cursor::number64() {
  std::size_t start = pos_;
  std::uint64_t v = 0;
  while (pos_ < s_.size() && is_digit(s_[pos_])) {
    if (v > (UINT64_C(9223372036854775807) - 9) / 10) {  // RFC 9051 §9 number64: 63 bits
      fail(error::syntax);
      return std::nullopt;
    }
    v = v * 10 + static_cast<std::uint64_t>(s_[pos_++] - '0');
  }
  if (pos_ == start) {
    fail(error::syntax);
    return std::nullopt;
  }
  return v;
}

std::optional<std::uint32_t> cursor::number() {
  auto v = number64();
  if (!v) return std::nullopt;
  if (*v > 0xffffffffu) {
    fail(error::syntax);
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(*v);
}

std::optional<std::uint32_t> cursor::nz_number() {
  auto v = number();
  if (v && *v == 0) {
    fail(error::syntax);
    return std::nullopt;
  }
  return v;
}

std::optional<std::string> cursor::quoted() {
  if (!expect('"')) return std::nullopt;
  std::string out;
  for (;;) {
    if (pos_ >= s_.size() || s_[pos_] == '\r' || s_[pos_] == '\n') {  // unterminated
      fail(error::syntax);
      return std::nullopt;
    }
    char c = s_[pos_++];
    if (c == '"') break;
    if (c == '\\') {  // RFC 9051 §9: "\" quoted-specials only
      if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\\')) {
        fail(error::syntax);
        return std::nullopt;
      }
      c = s_[pos_++];
    }
    if (!check_text_byte(c, true)) return std::nullopt;
    out.push_back(c);
  }
  // RFC 9051 §9 QUOTED-CHAR: UTF8-2..4 only. RFC 3501 allows 7-bit only, but rev1 clients do
  // send UTF-8 in quoted strings (Dovecot accepts it too): valid UTF-8 passes either way.
  if (!is_valid_utf8(out)) {
    fail(error::eight_bit);
    return std::nullopt;
  }
  return out;
}

std::optional<std::string> cursor::literal(bool allow8, bool* was8) {
  bool eight = eat('~');
  if (eight && !allow8) {  // RFC 3516 §4.2: literal8 only where the grammar allows it
    fail(error::syntax);
    return std::nullopt;
  }
  if (!expect('{')) return std::nullopt;
  auto n = number64();
  if (!n) return std::nullopt;
  eat('+');
  if (!expect('}') || !expect('\r') || !expect('\n')) return std::nullopt;
  if (*n > s_.size() - pos_) {
    fail(error::syntax);
    return std::nullopt;
  }
  auto body = s_.substr(pos_, static_cast<std::size_t>(*n));
  if (!eight && body.find('\0') != body.npos) {  // RFC 9051 §9 CHAR8 excludes NUL
    fail(error::nul_byte);
    return std::nullopt;
  }
  pos_ += body.size();
  if (was8) *was8 = eight;
  return std::string(body);
}

std::optional<std::string> cursor::string() {
  if (peek() == '"') return quoted();
  if (peek() == '{') return literal();
  fail(error::syntax);
  return std::nullopt;
}

std::optional<std::string> cursor::astring() {
  if (peek() == '"' || peek() == '{') return string();
  return atom("]");
}

std::optional<std::string> cursor::nstring() {
  if (eat_word("NIL")) return std::nullopt;
  return string();
}

std::optional<std::string> cursor::list_mailbox() {
  if (peek() == '"' || peek() == '{') return string();
  return atom("%*]");
}

std::optional<std::string> cursor::mailbox() {
  auto raw = astring();
  if (!raw) return std::nullopt;
  auto name = decode_mailbox(*raw, options_.utf8);
  if (!name) fail(error::bad_mailbox_name);
  return name;
}

std::optional<std::string> cursor::flag() {
  if (eat('\\')) {
    if (eat('*')) return std::string("\\*");
    auto a = atom();
    if (!a) return std::nullopt;
    return "\\" + *a;
  }
  return atom();
}

std::optional<std::vector<std::string>> cursor::flag_list() {
  if (!open_paren()) return std::nullopt;
  std::vector<std::string> flags;
  while (!eat(')')) {
    if (!flags.empty() && !sp()) return std::nullopt;
    auto f = flag();
    if (!f) return std::nullopt;
    flags.push_back(std::move(*f));
  }
  --depth_;
  return flags;
}

std::optional<sequence_set> cursor::seq_set() {
  std::size_t start = pos_;
  while (pos_ < s_.size() && (is_digit(s_[pos_]) || std::string_view(":,*$").find(s_[pos_]) != std::string_view::npos))
    ++pos_;
  auto set = parse_sequence_set(s_.substr(start, pos_ - start));
  if (!set) fail(pos_ == start ? error::syntax : error::bad_sequence_set);
  return set;
}

std::optional<imap::date> cursor::date() {
  bool q = eat('"');
  imap::date d;
  std::size_t start = pos_;
  auto day = number();
  if (!day || pos_ - start > 2 || !expect('-')) return std::nullopt;
  auto mon = s_.substr(pos_, 3);
  d.month = month_of(mon);
  pos_ += mon.size();
  start = pos_ + 1;
  if (!expect('-')) return std::nullopt;
  auto year = number();
  if (!year || pos_ - start != 4 || (q && !expect('"'))) return std::nullopt;
  d.day = static_cast<int>(*day);
  d.year = static_cast<int>(*year);
  if (d.month == 0 || d.day < 1 || d.day > days_in(d.year, d.month)) {
    fail(error::bad_date);
    return std::nullopt;
  }
  return d;
}

bool cursor::open_paren() {
  if (!expect('(')) return false;
  if (++depth_ > options_.max_depth) return fail(error::too_deep);
  return true;
}

bool cursor::eat_close() {
  if (!eat(')')) return false;
  --depth_;
  return true;
}

bool cursor::close_paren() {
  if (!expect(')')) return false;
  --depth_;
  return true;
}

// RFC 9051 §9 date-time: DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone
// DQUOTE, date-day-fixed = (SP DIGIT) / 2DIGIT.
std::optional<date_time> cursor::date_time_() {
  auto text = s_.substr(pos_, 28);
  auto digits = [&](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (!is_digit(text[i])) return -1;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  if (text.size() != 28 || text[0] != '"' || text[27] != '"' || text[3] != '-' || text[7] != '-' ||
      text[12] != ' ' || text[15] != ':' || text[18] != ':' || text[21] != ' ' ||
      (text[22] != '+' && text[22] != '-')) {
    fail(error::syntax);
    return std::nullopt;
  }
  date_time t;
  t.date.day = text[1] == ' ' ? digits(2, 1) : digits(1, 2);
  t.date.month = month_of(text.substr(4, 3));
  t.date.year = digits(8, 4);
  t.hour = digits(13, 2);
  t.minute = digits(16, 2);
  t.second = digits(19, 2);
  int zone = digits(23, 4);
  if (t.date.day < 0 || t.date.year < 0 || t.hour < 0 || t.minute < 0 || t.second < 0 || zone < 0) {
    fail(error::syntax);
    return std::nullopt;
  }
  t.zone_minutes = (zone / 100 * 60 + zone % 100) * (text[22] == '-' ? -1 : 1);
  if (t.date.month == 0 || t.date.day < 1 || t.date.day > days_in(t.date.year, t.date.month) ||
      t.hour > 23 || t.minute > 59 || t.second > 60 || zone % 100 > 59) {
    fail(error::bad_date);
    return std::nullopt;
  }
  pos_ += 28;
  return t;
}

std::optional<std::string> decode_mailbox(std::string_view raw, bool utf8) {
  std::optional<std::string> name;
  if (!is_valid_utf8(raw)) return std::nullopt;
  bool has_8bit = false;
  for (char c : raw) has_8bit |= is_8bit(c);
  // RFC 9051 §5.1 / RFC 6855 §3: UTF-8, no mUTF-7. A rev1 client sending raw UTF-8 (in a
  // literal) is taken at its word.
  if (utf8 || has_8bit) name = std::string(raw);
  else name = mail::decode_mutf7(raw);
  if (name && iequals(*name, "INBOX")) *name = "INBOX";  // RFC 9051 §5.1
  return name;
}

}  // namespace l7::imap::detail
