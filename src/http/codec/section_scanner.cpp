#include "http/codec/section_scanner.hpp"

namespace l7::http::detail {

scan_status section_scanner::scan_section(std::string_view in, const scan_options& o) {
  if (pos_ > in.size()) reset();  // the caller dropped bytes it had shown us: start over
  if (phase_ == phase::first_line && !o.start_line) phase_ = phase::fields;
  for (; pos_ < in.size(); ++pos_) {
    if (pos_ >= o.max_bytes) return scan_status::too_large;
    const bool in_start = phase_ != phase::fields;
    if (in[pos_] != '\n') {
      // One byte of slack for the CR of the terminator.
      if (in_start && pos_ - line_start_ > o.max_start_line) return scan_status::start_line_too_long;
      continue;
    }
    const bool cr = pos_ > line_start_ && in[pos_ - 1] == '\r';
    if (!cr && !o.allow_bare_lf) return scan_status::bare_lf;
    const std::size_t len = pos_ - line_start_ - (cr ? 1 : 0);
    if (phase_ == phase::first_line && len == 0 && o.skip_leading_empty &&
        skipped_ < max_leading_empty) {
      ++skipped_;  // RFC 9112 §2.2: empty lines before a request line are ignored
      section_start_ = pos_ + 1;
    } else if (in_start) {
      if (len > o.max_start_line) return scan_status::start_line_too_long;
      phase_ = phase::fields;
    } else if (len == 0) {
      end_ = ++pos_;
      return scan_status::complete;
    }
    line_start_ = pos_ + 1;
  }
  return scan_status::need_more;
}

scan_status section_scanner::scan_line(std::string_view in, std::size_t max_line,
                                       bool allow_bare_lf) {
  if (pos_ > in.size()) reset();
  for (; pos_ < in.size(); ++pos_) {
    if (in[pos_] != '\n') {
      if (pos_ > max_line) return scan_status::too_large;
      continue;
    }
    const bool cr = pos_ > 0 && in[pos_ - 1] == '\r';
    if (!cr && !allow_bare_lf) return scan_status::bare_lf;
    if (pos_ - (cr ? 1 : 0) > max_line) return scan_status::too_large;
    end_ = ++pos_;
    return scan_status::complete;
  }
  return scan_status::need_more;
}

}  // namespace l7::http::detail
