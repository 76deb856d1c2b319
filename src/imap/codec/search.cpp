// SEARCH (RFC 9051 §6.4.4, ESEARCH RETURN options, RFC 5182 SAVE and "$"), SORT and THREAD
// (RFC 5256 §3), and the search keys they share.
#include <algorithm>
#include <array>

#include "core/text.hpp"
#include "imap/codec/parsers.hpp"

namespace l7::imap::detail {
namespace {

using k = search_key::kind;

struct key_entry {
  std::string_view word;
  k kind;
  enum class arg { none, string, date, number, header, keyword, key, two_keys, set, modseq } how;
};

constexpr std::array<key_entry, 38> keys{{
    {"ALL", k::all, key_entry::arg::none}, {"ANSWERED", k::answered, key_entry::arg::none},
    {"BCC", k::bcc, key_entry::arg::string}, {"BEFORE", k::before, key_entry::arg::date},
    {"BODY", k::body, key_entry::arg::string}, {"CC", k::cc, key_entry::arg::string},
    {"DELETED", k::deleted, key_entry::arg::none}, {"DRAFT", k::draft, key_entry::arg::none},
    {"FLAGGED", k::flagged, key_entry::arg::none}, {"FROM", k::from, key_entry::arg::string},
    {"HEADER", k::header, key_entry::arg::header}, {"KEYWORD", k::keyword, key_entry::arg::keyword},
    {"LARGER", k::larger, key_entry::arg::number}, {"NEW", k::new_, key_entry::arg::none},
    {"NOT", k::not_, key_entry::arg::key}, {"OLD", k::old, key_entry::arg::none},
    {"ON", k::on, key_entry::arg::date}, {"OR", k::or_, key_entry::arg::two_keys},
    {"RECENT", k::recent, key_entry::arg::none}, {"SEEN", k::seen, key_entry::arg::none},
    {"SENTBEFORE", k::sent_before, key_entry::arg::date}, {"SENTON", k::sent_on, key_entry::arg::date},
    {"SENTSINCE", k::sent_since, key_entry::arg::date}, {"SINCE", k::since, key_entry::arg::date},
    {"SMALLER", k::smaller, key_entry::arg::number}, {"SUBJECT", k::subject, key_entry::arg::string},
    {"TEXT", k::text, key_entry::arg::string}, {"TO", k::to, key_entry::arg::string},
    {"UID", k::uid, key_entry::arg::set}, {"UNANSWERED", k::unanswered, key_entry::arg::none},
    {"UNDELETED", k::undeleted, key_entry::arg::none}, {"UNDRAFT", k::undraft, key_entry::arg::none},
    {"UNFLAGGED", k::unflagged, key_entry::arg::none},
    {"UNKEYWORD", k::unkeyword, key_entry::arg::keyword}, {"UNSEEN", k::unseen, key_entry::arg::none},
    {"MODSEQ", k::modseq, key_entry::arg::modseq}, {"OLDER", k::older, key_entry::arg::number},
    {"YOUNGER", k::younger, key_entry::arg::number},
}};

bool key(cursor& c, search_key& out, std::size_t depth);

// RFC 7162 §3.1.5: "MODSEQ" [SP entry-name SP entry-type-req] SP mod-sequence-valzer.
bool modseq_args(cursor& c, search_key& out) {
  if (c.peek() == '"') {
    auto name = c.quoted();
    if (!name || !c.sp()) return false;
    auto type = c.atom();
    if (!type) return false;
    out.field = std::move(*name);
    out.entry_type = to_lower(*type);
    if (out.entry_type != "priv" && out.entry_type != "shared" && out.entry_type != "all")
      return c.fail(error::syntax);
    if (!c.sp()) return false;
  }
  auto n = c.number64();
  if (!n) return false;
  out.number = *n;
  return true;
}

bool key_args(cursor& c, const key_entry& e, search_key& out, std::size_t depth) {
  using a = key_entry::arg;
  if (e.how == a::none) return true;
  if (!c.sp()) return false;
  switch (e.how) {
    case a::string: {
      auto s = c.astring();
      if (s) out.value = std::move(*s);
      return s.has_value();
    }
    case a::date: {
      auto d = c.date();
      if (d) out.date = *d;
      return d.has_value();
    }
    case a::number: {
      auto n = c.number64();
      if (n) out.number = *n;
      return n.has_value() && !((e.kind == k::older || e.kind == k::younger) && *n == 0);
    }
    case a::header: {
      auto field = c.astring();
      if (!field || !c.sp()) return false;
      auto value = c.astring();
      if (!value) return false;
      out.field = std::move(*field);
      out.value = std::move(*value);
      return true;
    }
    case a::keyword: {
      auto f = c.atom();
      if (f) out.value = std::move(*f);
      return f.has_value();
    }
    case a::key:
      out.children.emplace_back();
      return key(c, out.children.back(), depth + 1);
    case a::two_keys:
      out.children.resize(2);
      return key(c, out.children[0], depth + 1) && c.sp() && key(c, out.children[1], depth + 1);
    case a::set: {
      auto set = c.seq_set();
      if (set) out.set = std::move(*set);
      return set.has_value();
    }
    case a::modseq: return modseq_args(c, out);
    case a::none: break;
  }
  return true;
}

// RFC 9051 §9 search-key.
bool key(cursor& c, search_key& out, std::size_t depth) {
  if (depth > c.options().max_depth) return c.fail(error::too_deep);
  char p = c.peek();
  if (p == '(') {
    if (!c.open_paren()) return false;
    out.type = k::all_of;
    do {
      out.children.emplace_back();
      if (!key(c, out.children.back(), depth + 1)) return false;
    } while (c.eat(' '));
    return c.close_paren();
  }
  if (is_digit(p) || p == '*' || p == '$') {
    auto set = c.seq_set();
    if (!set) return false;
    out.type = k::sequence;
    out.set = std::move(*set);
    return true;
  }
  auto word = c.atom();
  if (!word) return false;
  for (const auto& e : keys) {
    if (!iequals(e.word, *word)) continue;
    out.type = e.kind;
    return key_args(c, e, out, depth);
  }
  return c.fail(error::syntax);
}

// search-criteria tail: 1*(SP search-key) into an all_of key.
bool criteria(cursor& c, search_key& out) {
  out.type = k::all_of;
  while (c.eat(' ')) {
    out.children.emplace_back();
    if (!key(c, out.children.back(), 1)) return false;
  }
  if (out.children.empty()) return c.fail(error::syntax);
  return true;
}

// RFC 9051 §9 search-return-opts: "RETURN" SP "(" [search-return-opt *(SP ...)] ")".
bool return_options(cursor& c, std::vector<search_return>& out) {
  if (!c.sp() || !c.open_paren()) return false;
  if (c.eat_close()) return true;
  do {
    auto word = c.atom();
    if (!word) return false;
    auto upper = to_upper(*word);
    if (upper == "MIN") out.push_back(search_return::min);
    else if (upper == "MAX") out.push_back(search_return::max);
    else if (upper == "ALL") out.push_back(search_return::all);
    else if (upper == "COUNT") out.push_back(search_return::count);
    else if (upper == "SAVE") out.push_back(search_return::save);  // RFC 5182 §2.1
    else return c.fail(error::syntax);
  } while (c.eat(' '));
  return c.close_paren();
}

}  // namespace

// "SEARCH" [SP "RETURN" ...] SP ["CHARSET" SP charset SP] search-key *(SP search-key).
void parse_search(cursor& c, command& out) {
  search s;
  if (!c.sp()) return;
  if (c.eat_word("RETURN")) {
    s.return_options.emplace();
    if (!return_options(c, *s.return_options) || !c.sp()) return;
  }
  if (c.eat_word("CHARSET")) {
    auto cs = c.sp() ? c.astring() : std::nullopt;
    if (!cs || !c.sp()) return;
    s.charset = to_upper(*cs);
  }
  s.key.type = k::all_of;
  do {
    s.key.children.emplace_back();
    if (!key(c, s.key.children.back(), 1)) return;
  } while (c.eat(' '));
  out.args = std::move(s);
}

// RFC 5256 §5: "SORT" SP sort-criteria SP search-criteria.
void parse_sort(cursor& c, command& out) {
  sort s;
  if (!c.sp() || !c.open_paren()) return;
  do {
    sort_criterion crit;
    auto word = c.atom();
    if (word && iequals(*word, "REVERSE")) {
      crit.reverse = true;
      word = c.sp() ? c.atom() : std::nullopt;
    }
    if (!word) return;
    crit.key = to_upper(*word);
    static constexpr std::string_view known[] = {"ARRIVAL", "CC", "DATE", "FROM", "SIZE",
                                                 "SUBJECT", "TO", "DISPLAYFROM", "DISPLAYTO"};
    if (std::find(std::begin(known), std::end(known), crit.key) == std::end(known)) {
      c.fail(error::syntax);
      return;
    }
    s.criteria.push_back(std::move(crit));
  } while (c.eat(' '));
  if (!c.close_paren() || !c.sp()) return;
  auto cs = c.astring();
  if (!cs || !criteria(c, s.key)) return;
  s.charset = to_upper(*cs);
  out.args = std::move(s);
}

// RFC 5256 §5: "THREAD" SP thread-alg SP search-criteria.
void parse_thread(cursor& c, command& out) {
  thread t;
  if (!c.sp()) return;
  auto alg = c.atom();
  if (!alg || !c.sp()) return;
  auto cs = c.astring();
  if (!cs || !criteria(c, t.key)) return;
  t.algorithm = to_upper(*alg);
  t.charset = to_upper(*cs);
  out.args = std::move(t);
}

}  // namespace l7::imap::detail
