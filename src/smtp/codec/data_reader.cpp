#include "smtp/codec/data_reader.hpp"

namespace l7::smtp {

void data_reader::reset(std::uint64_t max_size) { *this = data_reader(max_size); }

void data_reader::emit(std::string& out, std::string_view bytes) {
  if (size_ + bytes.size() <= max_) out.append(bytes);
  size_ += bytes.size();
}

void data_reader::end_line(std::string& out, bool crlf) {
  emit(out, "\r\n");
  if (!crlf) bare_lf_ = true;
  last_crlf_ = crlf;
  state_ = state::line_start;
}

std::size_t data_reader::feed(std::string_view in, std::string& out) {
  std::size_t i = 0;
  while (i < in.size() && state_ != state::done) {
    // The middle of a line: copy up to the next CR or LF in one piece.
    if (state_ == state::middle) {
      auto stop = in.find_first_of("\r\n", i);
      if (stop == std::string_view::npos) stop = in.size();
      emit(out, in.substr(i, stop - i));
      i = stop;
      if (i == in.size()) break;
    }
    const char c = in[i++];
    switch (state_) {
      case state::line_start:
        if (c == '.') state_ = state::dot;
        else if (c == '\r') state_ = state::cr;
        else if (c == '\n') end_line(out, false);
        else { emit(out, std::string_view(&c, 1)); state_ = state::middle; }
        break;
      case state::dot:  // the leading dot is dropped from every line but the end (§4.5.2)
        if (c == '\r') state_ = state::dot_cr;
        else if (c == '\n') end_line(out, false);
        else { emit(out, std::string_view(&c, 1)); state_ = state::middle; }
        break;
      case state::dot_cr:
        if (c == '\n') {
          if (last_crlf_) state_ = state::done;  // CRLF "." CRLF
          else end_line(out, true);
        } else {
          emit(out, "\r");  // ".\r" then more: a bare CR is content
          if (c == '\r') state_ = state::cr;
          else if (c == '\n') end_line(out, false);
          else { emit(out, std::string_view(&c, 1)); state_ = state::middle; }
        }
        break;
      case state::middle:
        if (c == '\r') state_ = state::cr;
        else end_line(out, false);  // c == '\n'
        break;
      case state::cr:
        if (c == '\n') end_line(out, true);
        else if (c == '\r') emit(out, "\r");
        else { emit(out, "\r"); emit(out, std::string_view(&c, 1)); state_ = state::middle; }
        break;
      case state::done: break;
    }
  }
  return i;
}

}  // namespace l7::smtp
