// Mailbox commands: SELECT/EXAMINE, CREATE, DELETE, RENAME, (UN)SUBSCRIBE, LIST/LSUB, STATUS,
// APPEND, GETQUOTA/GETQUOTAROOT (RFC 9051 §6.3, §9; extensions cited where parsed).
#include "core/text.hpp"
#include "imap/codec/parsers.hpp"

namespace l7::imap::detail {
namespace {

// RFC 7162 §3.2.5: QRESYNC SP "(" uidvalidity SP mod-sequence-value [SP known-uids]
// [SP seq-match-data] ")"; seq-match-data = "(" known-sequence-set SP known-uid-set ")".
std::optional<qresync_params> qresync(cursor& c) {
  qresync_params q;
  if (!c.sp() || !c.open_paren()) return std::nullopt;
  auto validity = c.nz_number();
  if (!validity || !c.sp()) return std::nullopt;
  auto modseq = c.number64();
  if (!modseq) return std::nullopt;
  q.uid_validity = *validity;
  q.modseq = *modseq;
  if (c.eat(' ') && c.peek() != '(') {
    q.known_uids = c.seq_set();
    if (!q.known_uids) return std::nullopt;
    if (!c.eat(' ')) return c.close_paren() ? std::optional(q) : std::nullopt;
  }
  if (c.peek() == '(') {
    c.open_paren();
    auto seqs = c.seq_set();
    if (!seqs || !c.sp()) return std::nullopt;
    auto uids = c.seq_set();
    if (!uids || !c.close_paren()) return std::nullopt;
    q.seq_match.emplace(std::move(*seqs), std::move(*uids));
  }
  if (!c.close_paren()) return std::nullopt;
  return q;
}

std::optional<std::vector<status_item>> status_list(cursor& c) {
  std::vector<status_item> items;
  if (!c.open_paren()) return std::nullopt;
  do {
    auto word = c.atom();
    if (!word) return std::nullopt;
    auto item = status_item_of(to_upper(*word));
    if (!item) {
      c.fail(error::syntax);
      return std::nullopt;
    }
    items.push_back(*item);
  } while (c.eat(' '));
  if (!c.close_paren()) return std::nullopt;
  return items;
}

// "(" atom *(SP atom) ")" upper-cased; `allow_empty` for "()".
std::optional<std::vector<std::string>> atom_list(cursor& c, bool allow_empty) {
  std::vector<std::string> out;
  if (!c.open_paren()) return std::nullopt;
  if (allow_empty && c.eat_close()) return out;
  do {
    auto a = c.atom();
    if (!a) return std::nullopt;
    out.push_back(to_upper(*a));
  } while (c.eat(' '));
  if (!c.close_paren()) return std::nullopt;
  return out;
}

// RFC 5258 §6 list-return-opts (after "RETURN" SP): "(" [return-option *(SP return-option)] ")".
bool list_return(cursor& c, list& l) {
  if (!c.open_paren()) return false;
  if (c.eat_close()) return true;
  do {
    auto opt = c.atom();
    if (!opt) return false;
    auto upper = to_upper(*opt);
    if (upper == "STATUS") {  // RFC 5819 §2
      if (!c.sp()) return false;
      auto items = status_list(c);
      if (!items) return false;
      l.return_status = std::move(*items);
      l.has_return_status = true;
    }
    l.return_options.push_back(std::move(upper));
  } while (c.eat(' '));
  return c.close_paren();
}

std::optional<std::string> pattern(cursor& c) {
  auto raw = c.list_mailbox();
  if (!raw) return std::nullopt;
  auto decoded = decode_mailbox(*raw, c.options().utf8);
  if (!decoded) c.fail(error::bad_mailbox_name);
  return decoded;
}

}  // namespace

std::optional<status_item> status_item_of(std::string_view upper) {
  using s = status_item;
  if (upper == "MESSAGES") return s::messages;
  if (upper == "UIDNEXT") return s::uid_next;
  if (upper == "UIDVALIDITY") return s::uid_validity;
  if (upper == "UNSEEN") return s::unseen;
  if (upper == "DELETED") return s::deleted;
  if (upper == "SIZE") return s::size;
  if (upper == "RECENT") return s::recent;
  if (upper == "HIGHESTMODSEQ") return s::highest_modseq;  // RFC 7162 §3.1.6
  if (upper == "APPENDLIMIT") return s::append_limit;      // RFC 7889 §4
  return std::nullopt;
}

void parse_select(cursor& c, command& out) {  // RFC 9051 §6.3.2 + RFC 4466 select-params
  select_mailbox s;
  s.read_only = out.name == command_name::examine;
  if (!c.sp()) return;
  auto name = c.mailbox();
  if (!name) return;
  s.mailbox = std::move(*name);
  if (c.eat(' ')) {
    if (!c.open_paren()) return;
    do {
      if (c.eat_word("CONDSTORE")) {
        s.condstore = true;
      } else if (c.eat_word("QRESYNC")) {
        s.qresync = qresync(c);
        if (!s.qresync) return;
      } else {
        c.fail(error::syntax);
        return;
      }
    } while (c.eat(' '));
    if (!c.close_paren()) return;
  }
  out.args = std::move(s);
}

void parse_create(cursor& c, command& out) {  // RFC 9051 §6.3.4, RFC 6154 §3 USE
  create cr;
  if (!c.sp()) return;
  auto name = c.mailbox();
  if (!name) return;
  cr.mailbox = std::move(*name);
  if (c.eat(' ')) {
    if (!c.open_paren() || !c.eat_word("USE") || !c.sp() || !c.open_paren()) {
      c.fail(error::syntax);
      return;
    }
    do {
      auto f = c.flag();
      if (!f) return;
      cr.use.push_back(std::move(*f));
    } while (c.eat(' '));
    if (!c.close_paren() || !c.close_paren()) return;
  }
  out.args = std::move(cr);
}

void parse_mailbox_arg(cursor& c, command& out) {
  if (!c.sp()) return;
  // RFC 9208 §4.1: GETQUOTA names a quota root, an astring that is not a mailbox.
  auto name = out.name == command_name::getquota ? c.astring() : c.mailbox();
  if (name) out.args = mailbox_arg{std::move(*name)};
}

void parse_rename(cursor& c, command& out) {  // RFC 9051 §6.3.6
  std::optional<std::string> from, to;
  if (!c.sp() || !(from = c.mailbox()) || !c.sp() || !(to = c.mailbox())) return;
  out.args = rename_mailbox{std::move(*from), std::move(*to)};
}

// RFC 9051 §6.3.9 / RFC 5258 §6: "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat
// [SP list-return-opts]; LSUB (RFC 3501 §6.3.9) has only mailbox SP list-mailbox.
void parse_list(cursor& c, command& out) {
  list l;
  l.lsub = out.name == command_name::lsub;
  if (!c.sp()) return;
  if (!l.lsub && c.peek() == '(') {
    auto sel = atom_list(c, true);
    if (!sel || !c.sp()) return;
    l.selection = std::move(*sel);
  }
  auto ref = pattern(c);
  if (!ref || !c.sp()) return;
  l.reference = std::move(*ref);
  if (!l.lsub && c.peek() == '(') {
    if (!c.open_paren()) return;
    do {
      auto p = pattern(c);
      if (!p) return;
      l.patterns.push_back(std::move(*p));
    } while (c.eat(' '));
    if (!c.close_paren()) return;
  } else {
    auto p = pattern(c);
    if (!p) return;
    l.patterns.push_back(std::move(*p));
  }
  if (!l.lsub && c.eat(' ')) {
    if (!c.eat_word("RETURN") || !c.sp() || !list_return(c, l)) {
      c.fail(error::syntax);
      return;
    }
  }
  out.args = std::move(l);
}

void parse_status(cursor& c, command& out) {  // RFC 9051 §6.3.11
  status s;
  if (!c.sp()) return;
  auto name = c.mailbox();
  if (!name || !c.sp()) return;
  auto items = status_list(c);
  if (!items) return;
  s.mailbox = std::move(*name);
  s.items = std::move(*items);
  out.args = std::move(s);
}

// RFC 9051 §6.3.12: "APPEND" SP mailbox [SP flag-list] [SP date-time] SP literal, literal8
// (RFC 3516 §4.4), "UTF8" SP "(" literal8 ")" (RFC 6855 §4), repeated by MULTIAPPEND
// (RFC 3502 §6).
void parse_append(cursor& c, command& out) {
  append a;
  if (!c.sp()) return;
  auto name = c.mailbox();
  if (!name) return;
  a.mailbox = std::move(*name);
  while (c.eat(' ')) {
    append_message m;
    if (c.peek() == '(') {
      auto flags = c.flag_list();
      if (!flags || !c.sp()) return;
      m.flags = std::move(*flags);
    }
    if (c.peek() == '"') {
      m.internal_date = c.date_time_();
      if (!m.internal_date || !c.sp()) return;
    }
    bool utf8 = c.eat_word("UTF8");
    if (utf8 && (!c.sp() || !c.open_paren())) return;
    auto content = c.literal(true, &m.binary);
    if (!content || (utf8 && !c.close_paren())) return;
    m.content = std::move(*content);
    a.messages.push_back(std::move(m));
  }
  if (a.messages.empty()) {
    c.fail(error::syntax);
    return;
  }
  out.args = std::move(a);
}

}  // namespace l7::imap::detail
