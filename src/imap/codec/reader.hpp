// Incremental framing of IMAP commands (RFC 9051 §2.2, §4.3, §7.5 continuation requests;
// LITERAL+ / LITERAL- RFC 7888; literal8 RFC 3516): the server feeds whatever bytes arrived
// and the reader stops at each event:
//   need_more     all bytes consumed; feed more.
//   continuation  a line ended in a synchronizing literal {n} (within limits): send
//                 "+ Ready\r\n", then feed more (the literal's bytes).
//   command       raw() is one complete command, lines and literals as received;
//                 take() parses it (command.hpp). The next parse() starts a new command.
//   line          after read_line(): raw() is one line without its CRLF (IDLE's "DONE",
//                 AUTHENTICATE responses, RFC 9051 §6.2.2, §6.3.13).
//   error         parse() set ec (error.hpp); tag() is the command's tag or empty ("* BAD").
// Every split of the same bytes gives the same events (the reader keeps what it needs).
// Errors and what comes next:
//   literal_too_large / command_too_large / nonsync_literal_too_large: reported when the
//     literal is announced, before any of it is read; literal_size() tells how big. For {n}
//     the client sends nothing more for this command (answer without a continuation); for
//     {n+} the reader skips the n bytes and the rest of the command by itself.
//   line_too_long: the rest of the line is skipped (and the command with it).
// Ownership: the reader owns its buffer; raw() is valid until parse() is given more bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "imap/codec/command.hpp"
#include "imap/codec/error.hpp"

namespace l7::imap {

struct limits {
  std::size_t max_line = 64 * 1024;             // one line, literals excluded
  std::uint64_t max_literal = 64 * 1024 * 1024; // one literal (APPEND's message)
  std::uint64_t max_command = 80 * 1024 * 1024; // every line and literal of a command
  std::size_t max_depth = 32;                    // nested parentheses
  bool literal_minus = false;  // LITERAL- advertised: {n+} at most 4096 (RFC 7888 §5)
  bool server_output = false;  // a client framing responses: literals never wait for "+"
};

class command_reader {
 public:
  enum class event { need_more, continuation, command, line, error };

  explicit command_reader(limits l = {});

  // Consumes bytes up to the next event (see above); returns how many.
  std::size_t parse(std::span<const std::byte> data, std::error_code& ec);
  std::size_t parse(std::string_view data, std::error_code& ec);

  event last_event() const { return event_; }
  std::string_view raw() const { return buf_; }
  std::string_view tag() const { return tag_; }
  std::uint64_t literal_size() const { return literal_size_; }  // of the last literal announced
  bool literal_sync() const { return literal_sync_; }

  // Parses raw() after event::command (options.utf8 from the session; depth from limits).
  void take(command& out, std::error_code& ec, bool utf8 = false) const;
  // The next line is delivered raw as event::line (for DONE and SASL responses).
  void read_line() { raw_line_ = true; }
  // Forgets everything buffered (STARTTLS: nothing before the handshake counts).
  void reset() { *this = command_reader(limits_); }
  // Frees the buffer of the last command once it has been handled (an idle session keeps no
  // copy of its last APPEND); only between commands, when raw() is no longer needed.
  void release() {
    if (fresh_ && buf_.capacity() > 256) std::string().swap(buf_);
  }

 private:
  enum class state { line, literal, skip_line };
  std::size_t scan_line(std::string_view data, std::error_code& ec);
  std::size_t read_literal(std::string_view data);
  void end_line(std::error_code& ec);
  void literal_announced(std::uint64_t n, bool sync, std::error_code& ec);
  void find_tag();
  void fail(std::error_code& ec, error e);
  void start_command();

  limits limits_;
  state state_ = state::line;
  event event_ = event::need_more;
  std::string buf_;
  std::string tag_;
  std::size_t line_start_ = 0;      // offset in buf_ of the current line
  std::uint64_t literal_left_ = 0;
  std::uint64_t literal_size_ = 0;
  bool literal_sync_ = false;
  bool discard_ = false;  // a rejected {n+}: frame the rest of the command, keep nothing
  bool raw_line_ = false;
  bool fresh_ = true;  // the next parse() starts a new command or line
};

}  // namespace l7::imap
