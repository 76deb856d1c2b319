#include "mail/store/names.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "core/text.hpp"
#include "mail/codec/mutf7.hpp"

namespace l7::mail::detail {

bool is_inbox(std::string_view name) { return iequals(name, "INBOX"); }

std::optional<std::string> dir_name_of(std::string_view name) {
  if (name.empty() || name.size() > 200 || is_inbox(name)) return std::nullopt;
  if (std::any_of(name.begin(), name.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == '/' || c == '\\';
      }))
    return std::nullopt;
  auto parts = split(name, hierarchy_separator);
  if (is_inbox(parts.front())) return std::nullopt;
  for (auto p : parts)
    if (p.empty()) return std::nullopt;
  auto encoded = encode_mutf7(name);
  if (!encoded) return std::nullopt;
  return "." + *encoded;
}

std::optional<std::string> folder_of_dir(std::string_view dir_name) {
  if (dir_name.size() < 2 || dir_name[0] != '.' || dir_name == "..") return std::nullopt;
  auto name = decode_mutf7(dir_name.substr(1));
  if (!name || !dir_name_of(*name)) return std::nullopt;
  return name;
}

std::vector<std::string> parents_of(std::string_view name) {
  std::vector<std::string> out;
  for (auto pos = name.find(hierarchy_separator); pos != std::string_view::npos;
       pos = name.find(hierarchy_separator, pos + 1))
    out.emplace_back(name.substr(0, pos));
  return out;
}

std::string special_use_of(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 10> table{{
      {"Sent", "\\Sent"},
      {"Sent Messages", "\\Sent"},
      {"Sent Items", "\\Sent"},
      {"Drafts", "\\Drafts"},
      {"Trash", "\\Trash"},
      {"Deleted Messages", "\\Trash"},
      {"Deleted Items", "\\Trash"},
      {"Junk", "\\Junk"},
      {"Spam", "\\Junk"},
      {"Archive", "\\Archive"},
  }};
  for (const auto& [folder, attribute] : table)
    if (iequals(folder, name)) return std::string(attribute);
  return {};
}

}  // namespace l7::mail::detail
