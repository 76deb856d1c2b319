#include "mail/web/message_view.hpp"

#include <ctime>
#include <system_error>

#include "core/text.hpp"
#include "mail/codec/address.hpp"
#include "mail/codec/date.hpp"
#include "mail/codec/encoded_word.hpp"
#include "mail/codec/mime.hpp"

namespace l7::mail::web {
namespace {

using json = nlohmann::json;

mime_message parse(std::string_view raw) {
  std::error_code ec;  // a limit hit still leaves a consistent tree (mime.hpp): show what we have
  return parse_mime(raw, mime_limits{}, ec);
}

std::vector<mailbox_view> mailboxes(const header_section& h, std::string_view name) {
  std::vector<mailbox_view> out;
  for (const auto* f : h.find_all(name))
    for (const auto& a : parse_mailboxes(f->value)) out.push_back({decode_encoded_words(a.name), a.addr_spec()});
  return out;
}

json as_json(const mailbox_view& m) { return {{"name", m.name}, {"address", m.address}}; }

json as_json(const std::vector<mailbox_view>& v) {
  auto out = json::array();
  for (const auto& m : v) out.push_back(as_json(m));
  return out;
}

json parse_meta(std::string_view meta) {
  auto j = json::parse(meta, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return json::object();
  return j;
}

std::string text_of(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string time_of(time_point t) {
  return iso_time(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
}

// The leaves of the MIME tree with their IMAP part numbers (RFC 9051 §6.4.5): the children
// of multiparts, depth-first; an encapsulated message is one leaf (served whole).
struct leaf {
  std::string number;
  const body_part* part;
};

void collect_leaves(const mime_message& m, std::size_t index, const std::string& number, std::vector<leaf>& out) {
  const auto& p = m.parts[index];
  if (!p.is_multipart()) {
    out.push_back({number.empty() ? "1" : number, &p});
    return;
  }
  // Depth is bounded by mime_limits::max_depth (the tree has no deeper parts).
  for (std::size_t i = 0; i < p.children.size(); ++i) {
    const auto n = std::to_string(i + 1);
    collect_leaves(m, p.children[i], number.empty() ? n : number + "." + n, out);
  }
}

struct body_layout {
  std::vector<leaf> leaves;
  const leaf* text = nullptr;
  const leaf* html = nullptr;
  std::vector<const leaf*> attachments;
};

// The first inline text/plain and text/html parts are the bodies; every other leaf is an
// attachment (inline images included, flagged "inline").
void lay_out(const mime_message& m, body_layout& out) {
  collect_leaves(m, 0, "", out.leaves);
  for (const auto& l : out.leaves) {
    const auto& p = *l.part;
    const bool attachment = (p.disposition && p.disposition->value == "attachment") || !part_filename(p).empty();
    if (!attachment && p.type == "text" && p.subtype == "plain" && !out.text) out.text = &l;
    else if (!attachment && p.type == "text" && p.subtype == "html" && !out.html) out.html = &l;
    else out.attachments.push_back(&l);
  }
}

json attachment_json(std::string_view raw, const leaf& l) {
  const auto& p = *l.part;
  const bool is_inline = p.disposition ? p.disposition->value == "inline" : !p.id.empty();
  std::string cid = p.id;
  if (cid.size() >= 2 && cid.front() == '<' && cid.back() == '>') cid = cid.substr(1, cid.size() - 2);
  return {{"part", l.number},
          {"name", std::string(part_filename(p))},
          {"type", p.type + "/" + p.subtype},
          {"size", decoded_body(raw, p).size()},
          {"content_id", cid},
          {"inline", is_inline}};
}

json envelope_json(const json& meta) {
  json env = json::object();
  env["mail_from"] = text_of(meta, "mail_from");
  auto rcpt = meta.find("rcpt_to");
  env["rcpt_to"] = rcpt != meta.end() && rcpt->is_array() ? *rcpt : json::array();
  for (const char* key : {"helo", "remote", "auth", "listener"}) env[key] = text_of(meta, key);
  auto tls = meta.find("tls");
  env["tls"] = tls != meta.end() && tls->is_boolean() && tls->get<bool>();
  return env;
}

std::string strip_angles(std::string_view v) {
  v = trim_ows(v);
  if (v.size() >= 2 && v.front() == '<' && v.back() == '>') v = v.substr(1, v.size() - 2);
  return std::string(v);
}

}  // namespace

std::string iso_time(std::int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  const auto n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buf, n);
}

message_summary summarize(const message_record& record, std::string_view raw) {
  message_summary s;
  s.id = record.uid;
  s.size = record.size;
  s.created = record.internal_date;
  const auto m = parse(raw);
  const auto& h = m.parts[0].fields;
  s.message_id = strip_angles(h.value("Message-ID"));
  auto from = mailboxes(h, "From");
  if (!from.empty()) s.from = std::move(from.front());
  s.to = mailboxes(h, "To");
  s.cc = mailboxes(h, "Cc");
  s.subject = decode_encoded_words(h.value("Subject"));
  if (auto d = parse_date_time(h.value("Date"))) s.date = d->utc;
  const auto meta = parse_meta(record.meta);
  s.mail_from = text_of(meta, "mail_from");
  if (auto it = meta.find("rcpt_to"); it != meta.end() && it->is_array())
    for (const auto& r : *it)
      if (r.is_string()) s.rcpt_to.push_back(r.get<std::string>());
  body_layout layout;
  lay_out(m, layout);
  s.attachments = layout.attachments.size();
  return s;
}

json summary_json(const message_summary& s) {
  json j;
  j["id"] = s.id;
  j["message_id"] = s.message_id;
  j["from"] = as_json(s.from);
  j["to"] = as_json(s.to);
  j["cc"] = as_json(s.cc);
  j["subject"] = s.subject;
  j["date"] = s.date ? json(iso_time(*s.date)) : json(nullptr);
  j["size"] = s.size;
  j["created"] = time_of(s.created);
  j["attachments"] = s.attachments;
  return j;
}

json detail_json(const message_record& record, std::string_view raw) {
  auto j = summary_json(summarize(record, raw));
  const auto m = parse(raw);
  const auto& h = m.parts[0].fields;
  j["bcc"] = as_json(mailboxes(h, "Bcc"));
  j["reply_to"] = as_json(mailboxes(h, "Reply-To"));
  auto headers = json::array();
  for (const auto& f : h.fields) headers.push_back({{"name", f.name}, {"value", decode_encoded_words(f.value)}});
  j["headers"] = std::move(headers);
  body_layout layout;
  lay_out(m, layout);
  j["text"] = layout.text ? decoded_text(raw, *layout.text->part) : std::string();
  j["html"] = layout.html ? decoded_text(raw, *layout.html->part) : std::string();
  auto attachments = json::array();
  for (const auto* l : layout.attachments) attachments.push_back(attachment_json(raw, *l));
  j["attachments"] = std::move(attachments);
  const auto meta = parse_meta(record.meta);
  j["envelope"] = envelope_json(meta);
  j["transcript"] = text_of(meta, "transcript");
  j["maildir_id"] = record.id;
  return j;
}

std::optional<part_content> find_part(std::string_view raw, std::string_view number) {
  std::vector<unsigned> path;
  for (auto piece : split(number, '.')) {
    auto n = parse_uint(piece);
    if (!n || *n == 0 || *n > 100000) return std::nullopt;
    path.push_back(static_cast<unsigned>(*n));
  }
  if (path.empty()) return std::nullopt;
  const auto m = parse(raw);
  const auto* p = m.find(path);
  if (!p || p->is_multipart()) return std::nullopt;
  part_content out;
  out.filename = std::string(part_filename(*p));
  out.content_type = p->type + "/" + p->subtype;
  if (p->type == "text") {
    out.content_type += "; charset=utf-8";
    out.body = decoded_text(raw, *p);
  } else {
    out.body = decoded_body(raw, *p);
  }
  return out;
}

std::optional<std::string> html_body(std::string_view raw) {
  const auto m = parse(raw);
  body_layout layout;
  lay_out(m, layout);
  if (!layout.html) return std::nullopt;
  return decoded_text(raw, *layout.html->part);
}

}  // namespace l7::mail::web
