// BIND's $GENERATE directive: `$GENERATE start-stop[/step] lhs [ttl] [class] type rhs`, one
// record per value, with `$` in lhs and rhs replaced by the value.
#include <algorithm>

#include "core/text.hpp"
#include "dns/codec/error.hpp"
#include "dns/codec/presentation.hpp"
#include "dns/codec/zone_parser.hpp"

namespace l7::dns::detail {
namespace {

struct range {
  std::uint32_t start = 0, stop = 0, step = 1;
};

std::optional<range> parse_range(std::string_view text) {
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  std::string_view stop_text = text.substr(dash + 1);
  range r;
  if (const auto slash = stop_text.find('/'); slash != std::string_view::npos) {
    const auto step = decimal(stop_text.substr(slash + 1), 0xffffffff);
    if (!step || *step == 0) return std::nullopt;
    r.step = *step;
    stop_text = stop_text.substr(0, slash);
  }
  const auto start = decimal(text.substr(0, dash), 0xffffffff);
  const auto stop = decimal(stop_text, 0xffffffff);
  if (!start || !stop || *start > *stop) return std::nullopt;
  r.start = *start;
  r.stop = *stop;
  return r;
}

// `offset[,width[,base]]` from inside `${...}`.
bool parse_modifier(std::string_view spec, std::int64_t& offset, std::uint32_t& width,
                    char& base) {
  const auto parts = split(spec, ',');
  if (parts.size() > 3) return false;
  std::string_view off = parts[0];
  const bool negative = !off.empty() && off.front() == '-';
  if (!off.empty() && (off.front() == '-' || off.front() == '+')) off.remove_prefix(1);
  const auto magnitude = decimal(off, 0xffffffff);
  if (!magnitude) return false;
  offset = negative ? -std::int64_t(*magnitude) : std::int64_t(*magnitude);
  if (parts.size() > 1) {
    const auto w = decimal(parts[1], 255);  // a name is at most 255 octets anyway
    if (!w) return false;
    width = *w;
  }
  if (parts.size() > 2) {
    if (parts[2].size() != 1) return false;
    base = parts[2].front();
    if (base != 'd' && base != 'o' && base != 'x' && base != 'X') return false;
  }
  return true;
}

void append_number(std::string& out, std::uint64_t v, std::uint32_t width, char base) {
  const char* digits = base == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  const unsigned radix = base == 'o' ? 8 : (base == 'd' ? 10 : 16);
  char buf[32];
  std::size_t n = 0;
  do {
    buf[n++] = digits[v % radix];
    v /= radix;
  } while (v != 0);
  for (std::size_t i = n; i < width; ++i) out += '0';
  while (n > 0) out += buf[--n];
}

}  // namespace

bool generate_substitute(std::string_view pattern, std::uint32_t value, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {  // `\$` stays an escaped, literal `$`
      out += c;
      out += pattern[++i];
      continue;
    }
    if (c != '$') {
      out += c;
      continue;
    }
    std::int64_t offset = 0;
    std::uint32_t width = 0;
    char base = 'd';
    if (i + 1 < pattern.size() && pattern[i + 1] == '{') {
      const auto close = pattern.find('}', i + 2);
      if (close == std::string_view::npos ||
          !parse_modifier(pattern.substr(i + 2, close - i - 2), offset, width, base))
        return false;
      i = close;
    }
    const std::int64_t v = std::int64_t(value) + offset;
    if (v < 0) return false;
    append_number(out, static_cast<std::uint64_t>(v), width, base);
  }
  return true;
}

bool zone_parser::generate(const zone_entry& e) {
  const auto& t = e.tokens;
  // $GENERATE range lhs [ttl] [class] type rhs
  if (t.size() < 5 || t.size() > 7)
    return fail(error::zone_syntax, e.line, "$GENERATE takes: range lhs [ttl] [class] type rhs");
  const auto r = parse_range(t[1]);
  if (!r) return fail(error::zone_syntax, e.line, "bad $GENERATE range '" + std::string(t[1]) + "'");
  const std::uint64_t count = (std::uint64_t(r->stop) - r->start) / r->step + 1;
  if (count > options_.max_records - std::min(options_.max_records, records_.size()))
    return fail(error::zone_too_large, e.line, "$GENERATE would exceed the record limit");
  std::string lhs, rhs;
  std::vector<std::string_view> tokens(t.begin() + 2, t.end());
  for (std::uint64_t v = r->start; v <= r->stop; v += r->step) {
    const auto value = static_cast<std::uint32_t>(v);
    if (!generate_substitute(t[2], value, lhs) || !generate_substitute(t.back(), value, rhs))
      return fail(error::zone_syntax, e.line, "bad $GENERATE modifier");
    tokens.front() = lhs;
    tokens.back() = rhs;
    if (!record(tokens, false, e.line)) return false;
  }
  return true;
}

}  // namespace l7::dns::detail
