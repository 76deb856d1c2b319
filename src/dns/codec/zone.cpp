// RFC 1035 §5 master files: entries, directives and records. See zone.hpp for the rules.
#include "dns/codec/zone.hpp"

#include <utility>

#include "core/text.hpp"
#include "dns/codec/error.hpp"
#include "dns/codec/presentation.hpp"
#include "dns/codec/rdata_parse.hpp"
#include "dns/codec/types.hpp"
#include "dns/codec/zone_parser.hpp"

namespace l7::dns {
namespace detail {
namespace {

constexpr std::uint32_t max_ttl = 0x7fffffff;  // RFC 2181 §8

// RFC 6895 §3.1: 0 is reserved, 128-255 are QTYPEs and meta-types; OPT is a pseudo-RR.
bool meta_type(std::uint16_t t) { return t == 0 || t == rr_type::opt || (t >= 128 && t <= 255); }
bool meta_class(std::uint16_t c) { return c == 0 || c == rr_class::none || c == rr_class::any; }

// The RFC 1035 §3.4 / RFC 3596 / RFC 2782 text forms are defined for class IN only.
bool in_only(std::uint16_t t) { return t == rr_type::a || t == rr_type::aaaa || t == rr_type::srv; }

std::string quote(std::string_view s) { return "'" + std::string(s.substr(0, 64)) + "'"; }

std::string joined(std::span<const std::string_view> tokens) {
  std::string out;
  for (const auto t : tokens) {
    if (!out.empty()) out += ' ';
    out += t;
    if (out.size() > 64) return out.substr(0, 64) + "...";
  }
  return out;
}

}  // namespace

bool zone_parser::fail(std::error_code ec, std::size_t line, std::string message) {
  err_.ec = ec;
  err_.line = line;
  err_.message = std::move(message);
  return false;
}

bool zone_parser::parse_text(std::string_view text, int depth) {
  zone_lexer lexer(text);
  zone_entry e;
  while (lexer.next(e))
    if (!entry(e, depth)) return false;
  if (lexer.error()) return fail(error::zone_syntax, lexer.error_line(), lexer.error());
  return true;
}

bool zone_parser::entry(const zone_entry& e, int depth) {
  if (!e.blank_owner && e.tokens.front().front() == '$') return directive(e, depth);
  return record(e.tokens, e.blank_owner, e.line);
}

bool zone_parser::directive(const zone_entry& e, int depth) {  // RFC 1035 §5.1, RFC 2308 §4
  const std::string_view word = e.tokens.front();
  if (iequals(word, "$INCLUDE")) return include(e, depth);
  if (iequals(word, "$GENERATE")) return generate(e);
  const bool origin = iequals(word, "$ORIGIN");
  if (!origin && !iequals(word, "$TTL"))
    return fail(error::zone_syntax, e.line, "unknown directive " + quote(word));
  if (e.tokens.size() != 2)
    return fail(error::zone_syntax, e.line, std::string(word) + " takes exactly one argument");
  if (origin) {
    std::error_code ec;
    name n = parse_name_relative(e.tokens[1], origin_, ec);
    if (ec) return fail(ec, e.line, "bad $ORIGIN name " + quote(e.tokens[1]));
    origin_ = std::move(n);
    return true;
  }
  const auto ttl = parse_ttl(e.tokens[1]);
  if (!ttl || *ttl > max_ttl) return fail(error::bad_ttl, e.line, "bad $TTL " + quote(e.tokens[1]));
  ttl_directive_ = *ttl;
  return true;
}

bool zone_parser::include(const zone_entry& e, int depth) {  // RFC 1035 §5.1
  if (e.tokens.size() < 2 || e.tokens.size() > 3)
    return fail(error::zone_syntax, e.line, "$INCLUDE takes a file name and an optional origin");
  std::string path;
  if (!char_string(e.tokens[1], path) || path.empty())
    return fail(error::zone_syntax, e.line, "bad $INCLUDE file name " + quote(e.tokens[1]));
  name origin = origin_;
  if (e.tokens.size() == 3) {
    std::error_code ec;
    origin = parse_name_relative(e.tokens[2], origin_, ec);
    if (ec) return fail(ec, e.line, "bad $INCLUDE origin " + quote(e.tokens[2]));
  }
  if (!options_.include)
    return fail(error::include_failed, e.line, "$INCLUDE is not allowed here (no include callback)");
  if (depth >= max_include_depth)
    return fail(error::include_failed, e.line, "$INCLUDE nested more than 10 deep");
  const auto text = options_.include(path);
  if (!text) return fail(error::include_failed, e.line, "cannot read $INCLUDE file " + quote(path));
  // The included file starts with the given origin and no previous owner; both come back
  // afterwards, since $INCLUDE does not change the parent's origin (RFC 1035 §5.1).
  name saved_origin = std::exchange(origin_, std::move(origin));
  const auto saved_previous = std::exchange(previous_, std::nullopt);
  const bool ok = parse_text(*text, depth + 1);
  origin_ = std::move(saved_origin);
  previous_ = saved_previous;
  if (!ok) {
    err_.message = "\"" + path + "\" line " + std::to_string(err_.line) + ": " + err_.message;
    err_.line = e.line;
  }
  return ok;
}

bool zone_parser::record(std::span<const std::string_view> tokens, bool blank_owner,
                         std::size_t line) {
  std::error_code ec;
  name owner;
  if (!blank_owner) {
    owner = parse_name_relative(tokens[0], origin_, ec);
    if (ec) return fail(ec, line, "bad owner name " + quote(tokens[0]));
    tokens = tokens.subspan(1);
  } else if (previous_) {
    owner = records_[*previous_].owner;
  } else {
    return fail(error::zone_syntax, line, "blank owner with no previous record");
  }
  record_head head;
  if (!parse_head(tokens, line, head)) return false;
  const auto rd_tokens = tokens.subspan(head.rdata_at);
  std::optional<rdata> d;
  if (head.klass != rr_class::in && in_only(head.type)) {
    if (auto g = parse_generic_rdata(rd_tokens, ec)) d = std::move(*g);
  } else {
    d = parse_rdata(head.type, rd_tokens, origin_, ec);
  }
  if (!d)
    return fail(ec, line, "bad " + type_to_string(head.type) + " rdata '" + joined(rd_tokens) +
                              "': " + ec.message());
  if (head.type == rr_type::soa) {  // RFC 1035 §5.2: exactly one SOA
    if (soa_seen_) return fail(error::zone_syntax, line, "second SOA record");
    soa_seen_ = true;
    if (const auto* s = std::get_if<soa_rdata>(&*d)) soa_minimum_ = s->minimum;
  }
  if (head.ttl) {
    last_ttl_ = head.ttl;
  } else {
    head.ttl = ttl_directive_ ? ttl_directive_ : last_ttl_ ? last_ttl_ : soa_minimum_;
  }
  if (records_.size() >= options_.max_records)
    return fail(error::zone_too_large, line,
                "more than " + std::to_string(options_.max_records) + " records");
  zone_class_ = head.klass;
  previous_ = records_.size();
  records_.push_back({std::move(owner), head.type, head.klass,
                      head.ttl.value_or(options_.default_ttl), std::move(*d)});
  return true;
}

// RFC 1035 §5.1: [<TTL>] [<class>] or [<class>] [<TTL>], then the type.
bool zone_parser::parse_head(std::span<const std::string_view> tokens, std::size_t line,
                             record_head& head) {
  std::optional<std::uint16_t> klass;
  std::size_t i = 0;
  for (; i < tokens.size(); ++i) {
    const std::string_view t = tokens[i];
    if (!head.ttl && is_digit(t.front())) {
      head.ttl = parse_ttl(t);
      if (!head.ttl || *head.ttl > max_ttl) return fail(error::bad_ttl, line, "bad TTL " + quote(t));
    } else if (const auto c = klass ? std::nullopt : class_from_string(t)) {
      if (meta_class(*c)) return fail(error::zone_syntax, line, "class " + quote(t) + " in a zone");
      klass = c;
    } else {
      break;
    }
  }
  if (i == tokens.size()) return fail(error::zone_syntax, line, "missing RR type");
  const auto type = type_from_string(tokens[i]);
  if (!type) return fail(error::unknown_rr_type, line, "unknown RR type " + quote(tokens[i]));
  if (meta_type(*type))
    return fail(error::unknown_rr_type, line, "meta type " + quote(tokens[i]) + " in a zone");
  head.type = *type;
  head.klass = klass.value_or(zone_class_.value_or(rr_class::in));
  head.rdata_at = i + 1;
  if (zone_class_ && head.klass != *zone_class_)
    return fail(error::class_mismatch, line,
                "class " + class_to_string(head.klass) + " differs from the zone's " +
                    class_to_string(*zone_class_));
  return true;
}

}  // namespace detail

std::optional<std::vector<resource_record>> parse_zone(std::string_view text,
                                                       const zone_parse_options& options,
                                                       zone_parse_error& err) {
  err = {};
  detail::zone_parser parser(options, err);
  if (!parser.parse_text(text, 0)) return std::nullopt;
  return parser.take();
}

}  // namespace l7::dns
