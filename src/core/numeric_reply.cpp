#include "core/numeric_reply.hpp"

#include "core/line_reader.hpp"

namespace l7 {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "ddd" at the start of `s` as a number, or -1.
int code_of(std::string_view s) {
  if (s.size() < 3 || !is_digit(s[0]) || !is_digit(s[1]) || !is_digit(s[2])) return -1;
  return (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
}

void append_clean(std::string_view text, std::string& out) {
  for (char c : text) out.push_back(c == '\r' || c == '\n' ? ' ' : c);
}

class category_impl : public std::error_category {
 public:
  const char* name() const noexcept override { return "l7.reply"; }
  std::string message(int ev) const override {
    switch (static_cast<reply_error>(ev)) {
      case reply_error::bad_reply_line: return "reply line does not start with a code 100-599";
      case reply_error::line_too_long: return "reply line too long";
      case reply_error::too_many_lines: return "too many lines in a multi-line reply";
      case reply_error::bare_lf: return "reply line ends with LF without CR";
    }
    return "unknown l7.reply error";
  }
};

}  // namespace

const std::error_category& reply_category() {
  static const category_impl instance;
  return instance;
}

std::error_code make_error_code(reply_error e) { return {static_cast<int>(e), reply_category()}; }

void encode_reply(const numeric_reply& r, std::string& out, reply_style style) {
  const std::string code = std::to_string(r.code);
  if (r.lines.empty()) {
    out += code + "\r\n";
    return;
  }
  for (std::size_t i = 0; i < r.lines.size(); ++i) {
    const auto& line = r.lines[i];
    bool first = i == 0, last = i + 1 == r.lines.size();
    if (last) {
      out += code + ' ';
    } else if (first || style == reply_style::every_line) {
      out += code + '-';
    } else if (code_of(line) >= 0) {
      // RFC 959 §4.2: an inner line must not look like the last one ("ddd " or a bare "ddd",
      // also once a CR in it became a space), nor like an SMTP-style "ddd-" line whose code a
      // parser strips: any line that starts with three digits is indented.
      out += ' ';
    }
    append_clean(line, out);
    out += "\r\n";
  }
}

void reply_parser::reset() {
  reply_ = {};
  started_ = multi_ = done_ = false;
}

bool reply_parser::take_line(std::string_view line, std::error_code& ec) {
  if (!started_) {
    int code = code_of(line);
    // RFC 959 §4.2 / RFC 5321 §4.2: first digit 1-5; then SP, '-' or the end of the line.
    if (code < 100 || code > 599 || (line.size() > 3 && line[3] != ' ' && line[3] != '-')) {
      ec = reply_error::bad_reply_line;
      return false;
    }
    started_ = true;
    reply_.code = code;
    multi_ = line.size() > 3 && line[3] == '-';
    reply_.lines.emplace_back(line.size() > 4 ? line.substr(4) : std::string_view{});
    done_ = !multi_;
    return true;
  }
  if (reply_.lines.size() >= limits_.max_lines) {
    ec = reply_error::too_many_lines;
    return false;
  }
  bool same_code = code_of(line) == reply_.code;
  if (same_code && (line.size() == 3 || line[3] == ' ')) {  // the last line
    reply_.lines.emplace_back(line.size() > 4 ? line.substr(4) : std::string_view{});
    done_ = true;
  } else if (same_code && line[3] == '-') {
    reply_.lines.emplace_back(line.substr(4));
  } else {
    reply_.lines.emplace_back(line);
  }
  return true;
}

std::size_t reply_parser::parse(std::string_view in, std::error_code& ec) {
  line_reader lines(limits_.max_line, limits_.allow_bare_lf);
  std::size_t used = 0;
  while (!done_) {
    auto r = lines.next_line(in.substr(used));
    if (r.status == line_status::need_more) break;
    if (r.status == line_status::too_long) {
      ec = reply_error::line_too_long;
      break;
    }
    if (r.status == line_status::bare_lf) {
      ec = reply_error::bare_lf;
      break;
    }
    if (!take_line(r.line, ec)) break;
    used += r.consumed;
  }
  return used;
}

}  // namespace l7
