// libFuzzer target: master-file parsing (and hosts files, on the same text). A failed parse must
// say why; every parsed record must encode, and in class IN its rdata must print and parse back
// to the same value (parse_rdata(to_string(x)) == x). $INCLUDE gets the input itself, once.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "dns/codec/hosts.hpp"
#include "dns/codec/rdata_parse.hpp"
#include "dns/codec/types.hpp"
#include "dns/codec/zone.hpp"

namespace {

// Splits printed rdata at whitespace outside double quotes. The zone lexer is not used on
// purpose: the printer is "as dig prints it", not zone-file safe for `;` in SVCB alpn ids.
std::vector<std::string_view> split_printed(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ') { ++i; continue; }
    const std::size_t start = i;
    bool quoted = false;
    for (; i < text.size() && (quoted || text[i] != ' '); ++i) {
      if (text[i] == '\\') ++i;
      else if (text[i] == '"') quoted = !quoted;
    }
    out.push_back(text.substr(start, std::min(i, text.size()) - start));
  }
  return out;
}

void check_record(const l7::dns::resource_record& rr) {
  std::vector<std::byte> wire;
  l7::byte_writer w(wire);
  l7::dns::name_compressor c(0);
  if (l7::dns::write_rdata(w, c, rr.data)) std::abort();  // the parser made unencodable rdata
  if (rr.klass != l7::dns::rr_class::in) return;
  const std::string text = to_string(rr.data);
  const auto tokens = split_printed(text);
  std::error_code ec;
  const auto back = l7::dns::parse_rdata(rr.type, tokens, l7::dns::name{}, ec);
  if (!back || ec || !(*back == rr.data)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  int includes = 0;
  l7::dns::zone_parse_options opts;
  std::error_code ec;
  opts.origin = l7::dns::name::parse("example.", ec);
  opts.max_records = 20000;  // keeps $GENERATE from turning one input into a slow one
  opts.include = [&](std::string_view) -> std::optional<std::string> {
    if (includes++ > 0) return std::nullopt;
    return std::string(text);
  };
  l7::dns::zone_parse_error err;
  const auto records = l7::dns::parse_zone(text, opts, err);
  if (!records) {
    if (!err.ec || err.message.empty() || err.line == 0) std::abort();
  } else {
    for (const auto& rr : *records) check_record(rr);
  }
  std::vector<std::string> warnings;
  (void)l7::dns::parse_hosts(text, &warnings);
  return 0;
}
