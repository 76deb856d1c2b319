#include "imap/client/response_reader.hpp"

#include <algorithm>

#include "core/base64.hpp"
#include "core/text.hpp"

namespace l7::imap::client {
namespace {

imap::limits framing(std::uint64_t max_literal, std::size_t max_line) {
  imap::limits l;
  l.server_output = true;  // literals from the server never wait for "+" (RFC 9051 §7.5)
  l.max_line = max_line;
  l.max_literal = max_literal;
  l.max_command = max_literal + 64 * 1024 * 1024;  // one FETCH may carry a header and a body
  return l;
}

}  // namespace

response_reader::response_reader(std::uint64_t max_literal, std::size_t max_line)
    : reader_(framing(max_literal, max_line)) {}

std::size_t response_reader::parse(std::string_view data, std::error_code& ec) {
  ec.clear();
  if (ready_ || data.empty()) return 0;
  const auto used = reader_.parse(data, ec);
  if (ec || reader_.last_event() != imap::command_reader::event::command) return used;
  pending_ = {};
  std::error_code pec;
  imap::parse_response(reader_.raw(), pending_.r, pec);
  if (pec) {
    const auto raw = reader_.raw();
    if (!raw.starts_with("* ")) {
      ec = pec;
      return used;
    }
    pending_ = {};
    pending_.malformed = true;
    pending_.r.tag = "*";
    pending_.r.text = std::string(raw.substr(0, raw.size() - (raw.ends_with("\r\n") ? 2 : 1)));
  }
  ready_ = true;
  return used;
}

client_response response_reader::take() {
  ready_ = false;
  reader_.release();
  return std::move(pending_);
}

bool capabilities::has(std::string_view name) const {
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return iequals(n, name); });
}

std::optional<capabilities> capabilities_of(const imap::response& r) {
  capabilities caps;
  caps.known = true;
  if (r.type == imap::response::kind::data && r.name == "CAPABILITY") {
    for (const auto& v : r.values)
      if (v.type == imap::value::kind::atom || v.type == imap::value::kind::number) caps.names.push_back(to_upper(v.text));
    return caps;
  }
  if (r.type == imap::response::kind::status && istarts_with(r.code, "CAPABILITY ")) {
    for (auto word : split(std::string_view(r.code).substr(11), ' '))
      if (!word.empty()) caps.names.push_back(to_upper(word));
    return caps;
  }
  return std::nullopt;
}

std::optional<fetch_data> fetch_of(const imap::response& r) {
  using kind = imap::value::kind;
  if (r.type != imap::response::kind::data || r.name != "FETCH" || !r.number || r.values.size() != 1 ||
      r.values[0].type != kind::list || r.values[0].items.size() % 2 != 0)
    return std::nullopt;
  fetch_data out;
  out.seq = *r.number;
  const auto& items = r.values[0].items;
  for (std::size_t i = 0; i < items.size(); i += 2) {
    const auto& name = items[i];
    const auto& v = items[i + 1];
    if (name.type != kind::atom) return std::nullopt;
    const auto key = to_upper(name.text);
    const bool text = v.type == kind::string || v.type == kind::nil;
    static const std::string absent;  // NIL
    const std::string& value = v.type == kind::nil ? absent : v.text;
    if (key == "UID") {
      if (v.type != kind::number || v.number == 0 || v.number > 0xffffffffu) return std::nullopt;
      out.uid = static_cast<std::uint32_t>(v.number);
    } else if (key == "RFC822.SIZE") {
      if (v.type != kind::number) return std::nullopt;
      out.size = v.number;
    } else if (key == "FLAGS") {
      if (v.type != kind::list) return std::nullopt;
      for (const auto& f : v.items) out.flags.push_back(f.text);
    } else if (key == "INTERNALDATE") {
      if (v.type != kind::string) return std::nullopt;
      out.internal_date = v.text;
    } else if (key.starts_with("BODY[HEADER")) {
      if (!text) return std::nullopt;
      out.header_fields = value;
    } else if (key == "BODY[]" || key == "RFC822") {
      if (!text) return std::nullopt;
      out.body = value;
    }
  }
  return out;
}

std::optional<std::vector<std::uint32_t>> search_of(const imap::response& r) {
  if (r.type != imap::response::kind::data || r.name != "SEARCH" || r.number) return std::nullopt;
  std::vector<std::uint32_t> out;
  for (const auto& v : r.values) {
    if (v.type == imap::value::kind::list) continue;  // (MODSEQ n), RFC 7162 §3.1.5
    if (v.type != imap::value::kind::number || v.number == 0 || v.number > 0xffffffffu) return std::nullopt;
    out.push_back(static_cast<std::uint32_t>(v.number));
  }
  return out;
}

std::optional<std::uint32_t> code_number(std::string_view code, std::string_view name) {
  if (!istarts_with(code, name) || code.size() <= name.size() || code[name.size()] != ' ') return std::nullopt;
  auto rest = code.substr(name.size() + 1);
  rest = rest.substr(0, rest.find(' '));
  const auto n = parse_uint(rest);
  if (!n || *n > 0xffffffffu || rest.size() > 10) return std::nullopt;
  return static_cast<std::uint32_t>(*n);
}

std::optional<std::string> sasl_challenge(const imap::response& continuation) {
  if (continuation.type != imap::response::kind::continuation || !continuation.code.empty()) return std::nullopt;
  return base64_decode(trim_ows(continuation.text));
}

std::optional<std::string> sasl_success_data(const imap::response& ok) {
  if (ok.type != imap::response::kind::status || ok.status != imap::status_kind::ok) return std::nullopt;
  const auto text = trim_ows(ok.text);
  const auto word = text.substr(0, text.find(' '));
  if (word.empty()) return std::nullopt;
  return base64_decode(word);
}

std::string sequence_set_text(std::vector<std::uint32_t> uids) {
  std::sort(uids.begin(), uids.end());
  uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
  std::string out;
  for (std::size_t i = 0; i < uids.size();) {
    std::size_t j = i;
    while (j + 1 < uids.size() && uids[j + 1] == uids[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(uids[i]);
    if (j > i) out += ':' + std::to_string(uids[j]);
    i = j + 1;
  }
  return out;
}

}  // namespace l7::imap::client
