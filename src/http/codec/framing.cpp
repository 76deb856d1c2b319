#include "http/codec/framing.hpp"

#include "core/text.hpp"
#include "http/codec/grammar.hpp"

namespace l7::http::detail {
namespace {

// Calls f on every element of a comma-separated list, OWS trimmed (RFC 9110 §5.6.1).
template <typename F>
void for_each_element(std::string_view list, F&& f) {
  for (;;) {
    const auto comma = list.find(',');
    f(trim_ows(list.substr(0, comma)));
    if (comma == std::string_view::npos) return;
    list.remove_prefix(comma + 1);
  }
}

}  // namespace

content_length_field parse_content_length(const fields& headers) {
  content_length_field r;
  bool ok = true;
  for (const auto& f : headers) {
    if (!iequals(f.name, "Content-Length")) continue;
    r.present = true;
    for_each_element(f.value, [&](std::string_view e) {
      const auto n = parse_uint(e);  // digits only: no sign, space, hex or empty element
      if (!n || (r.valid && *n != r.value)) {
        ok = false;
        return;
      }
      r.value = *n;
      r.valid = true;
    });
  }
  r.valid = r.valid && ok;
  return r;
}

transfer_codings parse_transfer_encoding(const fields& headers) {
  transfer_codings r;
  for (const auto& f : headers) {
    if (!iequals(f.name, "Transfer-Encoding")) continue;
    r.present = true;
    for_each_element(f.value, [&](std::string_view e) {
      if (e.empty()) return;  // empty list elements are allowed and ignored
      // transfer-coding = token *( OWS ";" OWS transfer-parameter )
      const auto name = trim_ows(e.substr(0, e.find(';')));
      if (!is_token(name)) r.valid = false;
      const bool chunked = iequals(name, "chunked");
      r.chunked += chunked ? 1 : 0;
      r.others = r.others || !chunked;
      r.chunked_last = chunked;
    });
  }
  if (r.present && r.chunked == 0 && !r.others) r.valid = false;  // no coding at all
  return r;
}

}  // namespace l7::http::detail
