#include "mail/web/message_filter.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace l7::mail::web {
namespace {

bool contains(std::string_view haystack, std::string_view lowered_needle) {
  return to_lower(haystack).find(lowered_needle) != std::string::npos;
}

bool mailbox_has(const mailbox_view& m, std::string_view needle) {
  return contains(m.address, needle) || contains(m.name, needle);
}

bool recipient_matches(const message_summary& s, std::string_view to) {
  const bool exact = to.find('@') != std::string_view::npos;
  auto test = [&](std::string_view address, std::string_view name) {
    if (exact) return iequals(address, to);
    return contains(address, to) || contains(name, to);
  };
  for (const auto& r : s.rcpt_to)
    if (test(r, "")) return true;
  for (const auto* list : {&s.to, &s.cc})
    for (const auto& m : *list)
      if (test(m.address, m.name)) return true;
  return false;
}

bool sender_matches(const message_summary& s, std::string_view from) {
  return mailbox_has(s.from, from) || contains(s.mail_from, from);
}

}  // namespace

std::string message_filter::lowered(const std::optional<std::string>& v) {
  return v ? to_lower(trim_ows(*v)) : std::string();
}

std::string message_filter::address_like(std::string v) {
  if (v.find('@') != std::string::npos) std::replace(v.begin(), v.end(), ' ', '+');
  return v;
}

bool message_filter::matches(const message_summary& s) const {
  if (!to.empty() && !recipient_matches(s, to)) return false;
  if (!from.empty() && !sender_matches(s, from)) return false;
  if (!subject.empty() && !contains(s.subject, subject)) return false;
  if (!any.empty()) {
    // Free text (the inbox's search box): subject, sender or any recipient, as substrings.
    bool hit = contains(s.subject, any) || sender_matches(s, any);
    for (const auto& r : s.rcpt_to) hit = hit || contains(r, any);
    for (const auto* list : {&s.to, &s.cc})
      for (const auto& m : *list) hit = hit || mailbox_has(m, any);
    if (!hit) return false;
  }
  return true;
}

}  // namespace l7::mail::web
