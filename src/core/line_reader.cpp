#include "core/line_reader.hpp"

namespace l7 {

line_result line_reader::next_line(std::string_view input) const {
  // Only look as far as a maximal line could reach: max_length bytes plus CRLF.
  std::size_t window = std::min(input.size(), max_length_ + 2);
  auto lf = input.substr(0, window).find('\n');
  if (lf == std::string_view::npos) {
    if (input.size() > max_length_ + 1) return {line_status::too_long, {}, 0};
    return {};
  }
  bool has_cr = lf > 0 && input[lf - 1] == '\r';
  if (!has_cr && !allow_bare_lf_) return {line_status::bare_lf, {}, 0};
  std::size_t len = has_cr ? lf - 1 : lf;
  if (len > max_length_) return {line_status::too_long, {}, 0};
  return {line_status::ok, input.substr(0, len), lf + 1};
}

}  // namespace l7
