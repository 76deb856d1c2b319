#include "smtp/client/capabilities.hpp"

#include <algorithm>
#include <charconv>

namespace l7::smtp::client {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    const auto start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

void add_auth(capabilities& caps, std::string_view mechanism) {
  auto m = upper(mechanism);
  if (std::find(caps.auth.begin(), caps.auth.end(), m) == caps.auth.end()) caps.auth.push_back(std::move(m));
}

void take_keyword(capabilities& caps, const std::vector<std::string_view>& w) {
  const auto key = upper(w[0]);
  if (key == "SIZE") {  // RFC 1870 §4: "SIZE" alone or "SIZE n"
    std::uint64_t n = 0;
    if (w.size() > 1) std::from_chars(w[1].data(), w[1].data() + w[1].size(), n);
    caps.size = n;
  } else if (key == "PIPELINING") {
    caps.pipelining = true;
  } else if (key == "8BITMIME") {
    caps.eight_bit_mime = true;
  } else if (key == "SMTPUTF8") {
    caps.smtputf8 = true;
  } else if (key == "CHUNKING") {
    caps.chunking = true;
  } else if (key == "BINARYMIME") {
    caps.binary_mime = true;
  } else if (key == "DSN") {
    caps.dsn = true;
  } else if (key == "STARTTLS") {
    caps.starttls = true;
  } else if (key == "ENHANCEDSTATUSCODES") {
    caps.enhanced_status_codes = true;
  } else if (key == "AUTH") {
    for (std::size_t i = 1; i < w.size(); ++i) add_auth(caps, w[i]);
  } else if (key.starts_with("AUTH=")) {
    add_auth(caps, w[0].substr(5));
    for (std::size_t i = 1; i < w.size(); ++i) add_auth(caps, w[i]);
  }
}

}  // namespace

bool capabilities::offers_auth(std::string_view mechanism) const {
  const auto m = upper(mechanism);
  return std::find(auth.begin(), auth.end(), m) != auth.end();
}

capabilities parse_ehlo(const numeric_reply& reply) {
  capabilities caps;
  caps.esmtp = reply.code == 250;
  if (!reply.lines.empty()) caps.domain = reply.lines[0].substr(0, reply.lines[0].find(' '));
  for (std::size_t i = 1; i < reply.lines.size(); ++i) {  // line 0 is the greeting (§4.1.1.1)
    const auto w = words(reply.lines[i]);
    if (w.empty()) continue;
    caps.keywords.push_back(reply.lines[i]);
    take_keyword(caps, w);
  }
  return caps;
}

}  // namespace l7::smtp::client
