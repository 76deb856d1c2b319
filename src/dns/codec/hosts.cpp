#include "dns/codec/hosts.hpp"

#include <system_error>

namespace l7::dns {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

// Whitespace-separated fields of one line, up to a `#` comment.
std::vector<std::string_view> fields(std::string_view line) {
  line = line.substr(0, line.find('#'));
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_space(line[i])) ++i;
    const std::size_t start = i;
    while (i < line.size() && !is_space(line[i])) ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

// A host name as written (no escapes in hosts files): dot-separated labels, optional final dot.
bool host_name(std::string_view text, name& out) {
  if (text.ends_with('.')) text.remove_suffix(1);
  std::vector<std::string> labels;
  std::size_t start = 0;
  for (;;) {
    const auto dot = text.find('.', start);
    labels.emplace_back(text.substr(start, dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  std::error_code ec;
  out = name::from_labels(std::move(labels), ec);
  return !ec;
}

}  // namespace

std::vector<hosts_entry> parse_hosts(std::string_view text, std::vector<std::string>* warnings) {
  std::vector<hosts_entry> out;
  std::size_t line_no = 0;
  auto warn = [&](std::string what) {
    if (warnings) warnings->push_back("line " + std::to_string(line_no) + ": " + what);
  };
  while (!text.empty()) {
    ++line_no;
    const auto eol = text.find('\n');
    const std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    const auto f = fields(line);
    if (f.empty()) continue;
    if (f[0].find('%') != std::string_view::npos) {
      warn("scoped address '" + std::string(f[0]) + "' skipped (zone index not representable)");
      continue;
    }
    const auto address = ip_address::parse(f[0]);
    if (!address) {
      warn("bad address '" + std::string(f[0]) + "', line skipped");
      continue;
    }
    if (f.size() < 2) {
      warn("address '" + std::string(f[0]) + "' without a name, line skipped");
      continue;
    }
    hosts_entry e{*address, {}};
    for (std::size_t i = 1; i < f.size(); ++i) {
      name n;
      if (!host_name(f[i], n)) {
        warn("bad host name '" + std::string(f[i]) + "', line skipped");
        e.names.clear();
        break;
      }
      e.names.push_back(std::move(n));
    }
    if (!e.names.empty()) out.push_back(std::move(e));
  }
  return out;
}

}  // namespace l7::dns
