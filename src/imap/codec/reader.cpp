#include "imap/codec/reader.hpp"

#include <algorithm>
#include <optional>

#include "imap/codec/error.hpp"

namespace l7::imap {
namespace {

struct literal_spec {
  std::uint64_t size = 0;
  bool sync = true;
};

// RFC 9051 §9 literal / literal8 at the end of a line (CRLF already removed): "{n}", "{n+}",
// "~{n}". A '{' is never an ATOM-CHAR, so outside a quoted string it can only open a literal.
std::optional<literal_spec> trailing_literal(std::string_view line) {
  bool in_quote = false, escape = false;
  for (char c : line) {
    if (escape) escape = false;
    else if (in_quote && c == '\\') escape = true;
    else if (c == '"') in_quote = !in_quote;
  }
  if (in_quote || line.empty() || line.back() != '}') return std::nullopt;
  line.remove_suffix(1);
  literal_spec spec;
  if (!line.empty() && line.back() == '+') {
    spec.sync = false;
    line.remove_suffix(1);
  }
  std::size_t digits = 0;
  while (digits < line.size() && line[line.size() - 1 - digits] >= '0' &&
         line[line.size() - 1 - digits] <= '9')
    ++digits;
  if (digits == 0 || digits > 19 || digits == line.size() || line[line.size() - 1 - digits] != '{')
    return std::nullopt;
  for (char c : line.substr(line.size() - digits)) spec.size = spec.size * 10 + (c - '0');
  return spec;
}

// RFC 9051 §9 tag: 1*<any ASTRING-CHAR except "+">.
bool is_tag_char(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u >= 0x7f) return false;
  return std::string_view("(){%*\"\\+").find(c) == std::string_view::npos;
}

}  // namespace

command_reader::command_reader(limits l) : limits_(l) {}

std::size_t command_reader::parse(std::span<const std::byte> data, std::error_code& ec) {
  return parse(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()), ec);
}

std::size_t command_reader::parse(std::string_view data, std::error_code& ec) {
  ec.clear();
  if (data.empty()) {  // keeps raw() of the last event
    event_ = event::need_more;
    return 0;
  }
  if (fresh_) start_command();
  event_ = event::need_more;
  std::size_t used = 0;
  while (used < data.size() && event_ == event::need_more) {
    if (state_ == state::literal) used += read_literal(data.substr(used));
    else used += scan_line(data.substr(used), ec);
  }
  return used;
}

void command_reader::start_command() {
  buf_.clear();
  tag_.clear();
  line_start_ = 0;
  literal_left_ = 0;
  discard_ = false;
  state_ = state::line;
  fresh_ = false;
}

void command_reader::fail(std::error_code& ec, error e) {
  ec = e;
  event_ = event::error;
}

void command_reader::find_tag() {
  std::string_view first(buf_);
  std::size_t n = 0;
  while (n < first.size() && is_tag_char(first[n])) ++n;
  if (n > 0 && n < first.size() && first[n] == ' ') tag_.assign(first.substr(0, n));
}

std::size_t command_reader::scan_line(std::string_view data, std::error_code& ec) {
  auto lf = data.find('\n');
  std::size_t take = lf == std::string_view::npos ? data.size() : lf + 1;
  if (state_ == state::skip_line) {  // the rest of an over-long line, already answered
    if (lf != std::string_view::npos) start_command();
    return take;
  }
  std::size_t line_length = buf_.size() - line_start_ + take;
  bool too_long = line_length > limits_.max_line + 2;  // + CRLF
  if (too_long || buf_.size() + take > limits_.max_command) {
    if (line_start_ == 0) {  // keep enough of the first line for the tag
      buf_.append(data.substr(0, std::min<std::size_t>(take, 64)));
      find_tag();
    }
    fail(ec, too_long ? error::line_too_long : error::command_too_large);
    if (lf == std::string_view::npos) state_ = state::skip_line;
    else fresh_ = true;
    return take;
  }
  buf_.append(data.substr(0, take));
  if (lf != std::string_view::npos) end_line(ec);
  return take;
}

void command_reader::end_line(std::error_code& ec) {
  std::string_view line = std::string_view(buf_).substr(line_start_);
  if (raw_line_ && line_start_ == 0) {
    raw_line_ = false;
    buf_.resize(buf_.size() - (line.size() >= 2 && line[line.size() - 2] == '\r' ? 2 : 1));
    event_ = event::line;
    fresh_ = true;
    return;
  }
  if (line_start_ == 0) find_tag();
  std::optional<literal_spec> spec;
  if (line.size() >= 2 && line[line.size() - 2] == '\r')
    spec = trailing_literal(line.substr(0, line.size() - 2));
  if (!spec || (discard_ && spec->sync)) {  // the command is complete
    if (discard_) start_command();
    else {
      event_ = event::command;
      fresh_ = true;
    }
    return;
  }
  literal_announced(spec->size, spec->sync, ec);
}

void command_reader::literal_announced(std::uint64_t n, bool sync, std::error_code& ec) {
  literal_size_ = n;
  literal_sync_ = sync;
  if (!discard_) {
    std::optional<error> e;
    if (n > limits_.max_literal) e = error::literal_too_large;
    else if (!sync && limits_.literal_minus && n > 4096) e = error::nonsync_literal_too_large;
    else if (buf_.size() + n > limits_.max_command) e = error::command_too_large;
    if (e) {
      fail(ec, *e);
      if (sync) {  // RFC 9051 §7.5: no continuation, so the client sends no literal
        fresh_ = true;
        return;
      }
      discard_ = true;  // RFC 7888 §4: the client sends it anyway
    } else if (sync && !limits_.server_output) {
      event_ = event::continuation;
    }
  }
  literal_left_ = n;
  state_ = n == 0 ? state::line : state::literal;
  line_start_ = buf_.size() + (discard_ ? 0 : n);
}

std::size_t command_reader::read_literal(std::string_view data) {
  auto take = static_cast<std::size_t>(std::min<std::uint64_t>(literal_left_, data.size()));
  if (!discard_) buf_.append(data.substr(0, take));
  literal_left_ -= take;
  if (literal_left_ == 0) {
    state_ = state::line;
    line_start_ = buf_.size();
  }
  return take;
}

void command_reader::take(command& out, std::error_code& ec, bool utf8) const {
  parse_options options;
  options.utf8 = utf8;
  options.max_depth = limits_.max_depth;
  parse_command(buf_, options, out, ec);
}

}  // namespace l7::imap
