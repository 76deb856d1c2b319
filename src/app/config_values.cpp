// Typed access to configuration values: sections, getters with defaults, durations and sizes.
#include <limits>

#include <fmt/format.h>

#include "app/config.hpp"
#include "core/text.hpp"

namespace l7::app {

namespace {

// "section.key", or "key" for the top level.
std::string key_name(std::string_view section, std::string_view key) {
  return section.empty() ? std::string(key) : fmt::format("{}.{}", section, key);
}

const toml::node* find_value(const config& c, std::string_view section, std::string_view key) {
  const auto* t = c.section(section);
  return t ? t->get(key) : nullptr;
}

[[noreturn]] void type_error(std::string_view section, std::string_view key,
                             std::string_view expected) {
  throw config_error(fmt::format("{}: expected {}", key_name(section, key), expected));
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && is_digit(text[digits])) ++digits;
  const auto number = parse_uint(text.substr(0, digits));
  if (!number) return std::nullopt;
  const auto unit = text.substr(digits);
  std::uint64_t scale = 0;
  if (unit == "ms") scale = 1;
  else if (unit.empty() || unit == "s") scale = 1000;
  else if (unit == "m") scale = 60'000;
  else if (unit == "h") scale = 3'600'000;
  else if (unit == "d") scale = 86'400'000;
  else return std::nullopt;
  constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (*number > max / scale) return std::nullopt;
  return std::chrono::milliseconds(static_cast<std::int64_t>(*number * scale));
}

const toml::table* config::section(std::string_view name) const {
  if (name.empty()) return &raw;
  const toml::table* t = &raw;
  std::size_t start = 0;
  while (t) {
    const auto dot = name.find('.', start);
    const auto part = name.substr(start, dot == std::string_view::npos ? name.npos : dot - start);
    const toml::node* n = t->get(part);
    if (!n) return nullptr;
    t = n->as_table();
    if (!t) throw config_error(fmt::format("{}: expected a table", name.substr(0, dot)));
    if (dot == std::string_view::npos) return t;
    start = dot + 1;
  }
  return nullptr;
}

std::string config::get_string(std::string_view section, std::string_view key,
                               std::string_view def) const {
  const auto* n = find_value(*this, section, key);
  if (!n) return std::string(def);
  const auto* s = n->as_string();
  if (!s) type_error(section, key, "a string");
  return s->get();
}

std::vector<std::string> config::get_string_list(std::string_view section, std::string_view key,
                                                const std::vector<std::string>& def) const {
  const auto* n = find_value(*this, section, key);
  if (!n) return def;
  if (const auto* s = n->as_string()) return {s->get()};
  const auto* a = n->as_array();
  if (!a) type_error(section, key, "an array of strings");
  std::vector<std::string> out;
  for (const auto& item : *a) {
    const auto* s = item.as_string();
    if (!s) type_error(section, key, "an array of strings");
    out.push_back(s->get());
  }
  return out;
}

bool config::get_bool(std::string_view section, std::string_view key, bool def) const {
  const auto* n = find_value(*this, section, key);
  if (!n) return def;
  const auto* b = n->as_boolean();
  if (!b) type_error(section, key, "true or false");
  return b->get();
}

std::int64_t config::get_int(std::string_view section, std::string_view key,
                             std::int64_t def) const {
  const auto* n = find_value(*this, section, key);
  if (!n) return def;
  const auto* i = n->as_integer();
  if (!i) type_error(section, key, "an integer");
  return i->get();
}

std::int64_t config::get_int(std::string_view section, std::string_view key, std::int64_t def,
                             std::int64_t lo, std::int64_t hi) const {
  const auto v = get_int(section, key, def);
  if (v < lo || v > hi) type_error(section, key, fmt::format("an integer {}..{}", lo, hi));
  return v;
}

std::chrono::milliseconds config::get_duration(std::string_view section, std::string_view key,
                                               std::chrono::milliseconds def) const {
  const auto* n = find_value(*this, section, key);
  if (!n) return def;
  constexpr std::string_view expected = "a duration like \"10s\"";
  if (const auto* i = n->as_integer()) {
    if (i->get() < 0 || i->get() > std::numeric_limits<std::int64_t>::max() / 1000)
      type_error(section, key, expected);
    return std::chrono::seconds(i->get());
  }
  const auto* s = n->as_string();
  if (!s) type_error(section, key, expected);
  const auto d = parse_duration(s->get());
  if (!d) type_error(section, key, expected);
  return *d;
}

std::uint64_t config::get_size(std::string_view section, std::string_view key,
                               std::uint64_t def) const {
  const auto* n = find_value(*this, section, key);
  if (!n) return def;
  constexpr std::string_view expected = "a size like \"64MiB\"";
  if (const auto* i = n->as_integer()) {
    if (i->get() < 0) type_error(section, key, expected);
    return static_cast<std::uint64_t>(i->get());
  }
  const auto* s = n->as_string();
  if (!s) type_error(section, key, expected);
  const auto size = parse_size(s->get());
  if (!size) type_error(section, key, expected);
  return *size;
}

}  // namespace l7::app
