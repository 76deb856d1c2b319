#include "imap/server/list_match.hpp"

#include <cctype>

namespace l7::imap::server {
namespace {

bool is_inbox_prefix(std::string_view s) {
  if (s.size() < 5) return false;
  for (std::size_t i = 0; i < 5; ++i)
    if (std::toupper(static_cast<unsigned char>(s[i])) != "INBOX"[i]) return false;
  return s.size() == 5 || s[5] == hierarchy_separator;
}

// Iterative wildcard match with backtracking to the last '*' (and to the last '%' within a
// level); linear in practice, never exponential.
bool match(std::string_view p, std::string_view n, bool prefix_ok) {
  std::size_t pi = 0, ni = 0;
  std::size_t star_p = std::string_view::npos, star_n = 0;
  std::size_t pct_p = std::string_view::npos, pct_n = 0;
  while (ni < n.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star_p = ++pi;
      star_n = ni;
      pct_p = std::string_view::npos;
    } else if (pi < p.size() && p[pi] == '%') {
      pct_p = ++pi;
      pct_n = ni;
    } else if (pi < p.size() && p[pi] == n[ni]) {
      ++pi;
      ++ni;
    } else if (pct_p != std::string_view::npos && n[pct_n] != hierarchy_separator) {
      pi = pct_p;
      ni = ++pct_n;
    } else if (star_p != std::string_view::npos) {
      pi = star_p;
      ni = ++star_n;
      pct_p = std::string_view::npos;
    } else {
      return false;
    }
  }
  // The name is consumed: a child fits whatever pattern is left, or a wildcard still open.
  if (prefix_ok) return pi < p.size() || star_p != std::string_view::npos || pct_p != std::string_view::npos;
  while (pi < p.size() && (p[pi] == '*' || p[pi] == '%')) ++pi;
  return pi == p.size();
}

// INBOX in either string is compared case-insensitively: upper-case it in both.
void fold_inbox(std::string& s) {
  if (is_inbox_prefix(s))
    for (std::size_t i = 0; i < 5; ++i) s[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[i])));
}

}  // namespace

std::string list_pattern(std::string_view reference, std::string_view pattern) {
  std::string out(reference);
  if (!out.empty() && !pattern.empty() && out.back() != hierarchy_separator && pattern.front() != hierarchy_separator)
    out += hierarchy_separator;
  out += pattern;
  return out;
}

bool list_matches(std::string_view pattern, std::string_view name) {
  std::string p(pattern), n(name);
  fold_inbox(p);
  fold_inbox(n);
  return match(p, n, false);
}

bool list_matches_inferior(std::string_view pattern, std::string_view name) {
  std::string p(pattern), n(name);
  fold_inbox(p);
  fold_inbox(n);
  n += hierarchy_separator;
  // Some "name.child" matches when the pattern can consume "name." and still have pattern
  // left (any rest of a pattern is matched by some child name).
  return match(p, n, true);
}

}  // namespace l7::imap::server
