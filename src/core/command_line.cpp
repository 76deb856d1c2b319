#include "core/command_line.hpp"

namespace l7 {
namespace {

bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

line_result command_framer::next(std::string_view input) {
  if (discarding_) {
    auto lf = input.find('\n');
    if (lf == std::string_view::npos) return {line_status::need_more, {}, input.size()};
    discarding_ = false;
    auto skipped = lf + 1;
    auto r = next(input.substr(skipped));
    r.consumed += skipped;
    return r;
  }
  auto r = reader_.next_line(input);
  if (r.status == line_status::too_long) {
    // Skip what we have of it now; the rest goes when it arrives.
    auto lf = input.find('\n');
    if (lf == std::string_view::npos) {
      discarding_ = true;
      r.consumed = input.size();
    } else {
      r.consumed = lf + 1;
    }
  }
  if (r.status == line_status::bare_lf) r.consumed = input.find('\n') + 1;  // skip that line
  return r;
}

std::optional<command_line> split_command(std::string_view line, std::size_t max_verb) {
  auto sp = line.find(' ');
  auto verb = line.substr(0, sp);
  if (verb.empty() || verb.size() > max_verb || !is_alpha(verb[0])) return std::nullopt;
  command_line c;
  for (char ch : verb) {
    if (!is_alpha(ch) && !is_digit(ch)) return std::nullopt;
    c.verb.push_back(ch >= 'a' && ch <= 'z' ? static_cast<char>(ch - 'a' + 'A') : ch);
  }
  if (sp != std::string_view::npos) c.argument = line.substr(sp + 1);
  return c;
}

}  // namespace l7
