#include "core/dot_stuffing.hpp"

namespace l7 {

void dot_stuff_piece(std::string_view content, std::string& out, bool& line_start) {
  for (std::size_t i = 0; i < content.size(); ++i) {
    char c = content[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < content.size() && content[i + 1] == '\n') ++i;
      out += "\r\n";
      line_start = true;
      continue;
    }
    if (line_start && c == '.') out.push_back('.');
    out.push_back(c);
    line_start = false;
  }
}

void dot_stuff(std::string_view content, std::string& out, bool terminate) {
  bool line_start = true;
  dot_stuff_piece(content, out, line_start);
  if (!line_start) out += "\r\n";
  if (terminate) out += ".\r\n";
}

}  // namespace l7
