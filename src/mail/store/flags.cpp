#include "mail/store/flags.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "core/text.hpp"

namespace l7::mail {
namespace {

constexpr std::array<std::pair<char, std::string_view>, 6> letter_table{{
    {'D', flag_draft},
    {'F', flag_flagged},
    {'P', flag_forwarded},
    {'R', flag_answered},
    {'S', flag_seen},
    {'T', flag_deleted},
}};

constexpr std::array<std::string_view, 5> system_flags{flag_seen, flag_answered, flag_flagged,
                                                       flag_deleted, flag_draft};

bool storable(std::string_view f) {
  if (f.empty() || iequals(f, "\\Recent")) return false;
  return std::none_of(f.begin(), f.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20 || c == 0x7F;
  });
}

std::string canonical(std::string_view f) {
  for (auto s : system_flags)
    if (iequals(f, s)) return std::string(s);
  if (iequals(f, flag_forwarded)) return std::string(flag_forwarded);
  return std::string(f);
}

bool less_ci(const std::string& a, const std::string& b) { return to_lower(a) < to_lower(b); }

}  // namespace

flag_set normalize_flags(const flag_set& flags) {
  flag_set out;
  for (const auto& f : flags)
    if (storable(f) && !has_flag(out, f)) out.push_back(canonical(f));
  std::sort(out.begin(), out.end(), less_ci);
  return out;
}

bool has_flag(const flag_set& flags, std::string_view flag) {
  return std::any_of(flags.begin(), flags.end(), [&](const std::string& f) { return iequals(f, flag); });
}

flag_set add_flags(const flag_set& to, const flag_set& add) {
  flag_set all = to;
  all.insert(all.end(), add.begin(), add.end());
  return normalize_flags(all);
}

flag_set remove_flags(const flag_set& from, const flag_set& remove) {
  flag_set out;
  for (const auto& f : from)
    if (!has_flag(remove, f)) out.push_back(f);
  return normalize_flags(out);
}

std::string maildir_letters(const flag_set& flags) {
  std::string out;
  for (const auto& [letter, name] : letter_table)
    if (has_flag(flags, name)) out += letter;
  return out;
}

flag_set flags_from_letters(std::string_view letters) {
  flag_set out;
  for (const auto& [letter, name] : letter_table)
    if (letters.find(letter) != std::string_view::npos) out.emplace_back(name);
  return normalize_flags(out);
}

flag_set merge_letters(const flag_set& flags, std::string_view letters) {
  flag_set out;
  for (const auto& f : flags) {
    bool lettered = std::any_of(letter_table.begin(), letter_table.end(),
                                [&](const auto& e) { return iequals(e.second, f); });
    if (!lettered) out.push_back(f);
  }
  return add_flags(out, flags_from_letters(letters));
}

std::string join_flags(const flag_set& flags) {
  std::string out;
  for (const auto& f : flags) {
    if (!out.empty()) out += ' ';
    out += f;
  }
  return out;
}

flag_set split_flags(std::string_view text) {
  flag_set out;
  for (auto part : split(text, ' '))
    if (!part.empty()) out.emplace_back(part);
  return out;
}

}  // namespace l7::mail
