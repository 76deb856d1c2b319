#include "imap/server/search_eval.hpp"

#include <algorithm>
#include <chrono>

#include "mail/codec/date.hpp"
#include "mail/codec/encoded_word.hpp"
#include "mail/store/flags.hpp"

namespace l7::imap::server {
namespace {

using k = search_key::kind;

// ASCII case folding (what IMAP servers do for the default comparator, RFC 4790 i;ascii-casemap).
char fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool contains_folded(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return fold(a) == fold(b); });
  return it != haystack.end();
}

int day_of(const date& d) { return d.year * 10000 + d.month * 100 + d.day; }

// The day of a timestamp in the zone `offset_minutes`, as yyyymmdd.
int day_of(std::int64_t utc, int offset_minutes) { return day_of(from_unix(utc, offset_minutes).date); }

bool compare_day(k type, int day, int key_day) {
  switch (type) {
    case k::before:
    case k::sent_before: return day < key_day;
    case k::on:
    case k::sent_on: return day == key_day;
    default: return day >= key_day;  // since, sent_since
  }
}

std::int64_t seconds(mail::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

bool header_has(message_data& m, std::string_view field, std::string_view value) {
  const auto& fields = m.mime.parts[0].fields;
  for (const auto* f : fields.find_all(field)) {
    if (value.empty()) return true;  // HEADER field "": the field exists (§6.4.4)
    if (contains_folded(f->value, value)) return true;
    if (f->value.find("=?") != std::string::npos && contains_folded(mail::decode_encoded_words(f->value), value))
      return true;
  }
  return false;
}

bool body_has(message_data& m, std::string_view value) {
  for (const auto& p : m.mime.parts) {
    if (p.is_multipart() || !p.children.empty()) continue;
    if (p.type != "text" && !(p.type == "message" && p.children.empty())) continue;
    if (contains_folded(mail::decoded_text(m.content, p), value)) return true;
  }
  return false;
}

}  // namespace

content_need search_need(const search_key& key) {
  content_need need = content_need::none;
  switch (key.type) {
    case k::bcc: case k::cc: case k::from: case k::to: case k::subject: case k::header:
    case k::sent_before: case k::sent_on: case k::sent_since:
      need = content_need::header;
      break;
    case k::body: case k::text: need = content_need::full; break;
    default: break;
  }
  for (const auto& c : key.children) need = std::max(need, search_need(c));
  return need;
}

bool search_uses_modseq(const search_key& key) {
  if (key.type == k::modseq) return true;
  return std::any_of(key.children.begin(), key.children.end(), search_uses_modseq);
}

bool search_matches(const search_key& key, message_data& m, const search_context& ctx) {
  const auto& r = *m.record;
  switch (key.type) {
    case k::all: return true;
    case k::answered: return mail::has_flag(r.flags, mail::flag_answered);
    case k::deleted: return mail::has_flag(r.flags, mail::flag_deleted);
    case k::draft: return mail::has_flag(r.flags, mail::flag_draft);
    case k::flagged: return mail::has_flag(r.flags, mail::flag_flagged);
    case k::seen: return mail::has_flag(r.flags, mail::flag_seen);
    case k::unanswered: return !mail::has_flag(r.flags, mail::flag_answered);
    case k::undeleted: return !mail::has_flag(r.flags, mail::flag_deleted);
    case k::undraft: return !mail::has_flag(r.flags, mail::flag_draft);
    case k::unflagged: return !mail::has_flag(r.flags, mail::flag_flagged);
    case k::unseen: return !mail::has_flag(r.flags, mail::flag_seen);
    case k::keyword: return mail::has_flag(r.flags, key.value);
    case k::unkeyword: return !mail::has_flag(r.flags, key.value);
    case k::recent:
    case k::new_: return false;  // \Recent is not kept: no message is recent
    case k::old: return true;
    case k::before:
    case k::on:
    case k::since: return compare_day(key.type, day_of(seconds(r.internal_date), 0), day_of(key.date));
    case k::sent_before:
    case k::sent_on:
    case k::sent_since: {
      // RFC 9051 §6.4.4: the Date: header's day, disregarding time and zone.
      auto when = mail::parse_date_time(m.mime.parts[0].fields.value("Date"));
      if (!when) return false;
      return compare_day(key.type, day_of(when->utc, when->offset_minutes), day_of(key.date));
    }
    case k::larger: return r.size > key.number;
    case k::smaller: return r.size < key.number;
    case k::bcc: return header_has(m, "Bcc", key.value);
    case k::cc: return header_has(m, "Cc", key.value);
    case k::from: return header_has(m, "From", key.value);
    case k::to: return header_has(m, "To", key.value);
    case k::subject: return header_has(m, "Subject", key.value);
    case k::header: return header_has(m, key.field, key.value);
    case k::body: return body_has(m, key.value);
    case k::text:
      return contains_folded(m.mime.parts[0].header.in(m.content), key.value) || body_has(m, key.value);
    case k::uid:
      if (key.set.saved) return ctx.saved && std::binary_search(ctx.saved->begin(), ctx.saved->end(), r.uid);
      return key.set.contains(r.uid, ctx.last_uid);
    case k::sequence:
      if (key.set.saved) return ctx.saved && std::binary_search(ctx.saved->begin(), ctx.saved->end(), r.uid);
      return key.set.contains(m.seq, ctx.messages);
    case k::modseq: return r.modseq >= key.number;
    case k::older: return ctx.now - seconds(r.internal_date) >= static_cast<std::int64_t>(key.number);
    case k::younger: return ctx.now - seconds(r.internal_date) <= static_cast<std::int64_t>(key.number);
    case k::not_: return !search_matches(key.children.at(0), m, ctx);
    case k::or_: return search_matches(key.children.at(0), m, ctx) || search_matches(key.children.at(1), m, ctx);
    case k::all_of:
      return std::all_of(key.children.begin(), key.children.end(),
                         [&](const search_key& c) { return search_matches(c, m, ctx); });
  }
  return false;
}

}  // namespace l7::imap::server
