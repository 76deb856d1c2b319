// The message content after DATA (RFC 5321 §4.1.1.4, §4.5.2), as a server reads it: removes
// the transparency dot from lines that start with one, and stops after the end-of-data line.
//
// Only CRLF "." CRLF ends the data, never a variant with a bare LF or CR ("<LF>.<LF>",
// "<CR><LF>.<LF>", "<LF>.<CR><LF>", "<CR>.<CR>"): a message can never be split into two here,
// whatever the next server would make of it (SMTP smuggling). Lines ended by a bare LF are
// stored with CRLF (as Postfix's smtpd_forbid_bare_newline=normal does); a bare CR is content.
// Past `max_size` output bytes the content is no longer kept, but still read to its end, so
// the session can answer 552 at the right moment (RFC 1870 §6).
// Feed the bytes in any pieces: the result is the same for every split.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace l7::smtp {

class data_reader {
 public:
  explicit data_reader(std::uint64_t max_size = UINT64_MAX) : max_(max_size) {}

  // Takes bytes of `in` up to and including the end-of-data line; appends content (CRLF line
  // ends) to `out`. Returns the bytes used; fewer than in.size() only once done().
  std::size_t feed(std::string_view in, std::string& out);
  bool done() const { return state_ == state::done; }
  bool too_large() const { return size_ > max_; }
  // Content bytes seen (also those past the limit).
  std::uint64_t size() const { return size_; }
  bool saw_bare_lf() const { return bare_lf_; }
  void reset(std::uint64_t max_size);

 private:
  enum class state : std::uint8_t { line_start, dot, dot_cr, middle, cr, done };
  void emit(std::string& out, std::string_view bytes);
  void end_line(std::string& out, bool crlf);

  std::uint64_t max_;
  std::uint64_t size_ = 0;
  state state_ = state::line_start;
  bool last_crlf_ = true;  // the previous line ended with CRLF (the DATA line did)
  bool bare_lf_ = false;
};

}  // namespace l7::smtp
