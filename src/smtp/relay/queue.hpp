// The outbound mail queue on disk (<data>/queue/smtp/): what the relay (relay.hpp) still has
// to deliver to other domains, kept so that a restart, a crash or kill -9 loses nothing the
// SMTP server acknowledged.
//
// One entry is two files named by its queue id:
//   <id>.eml   the message as it will be sent (our Received: line included), CRLF;
//   <id>.json  the envelope and the state of every recipient (schema: to_json below).
// add() writes the message first and the envelope last, each through a temporary file that
// is fsync'ed and renamed, then fsyncs the directory: an entry exists exactly when its .json
// does, and its .eml is complete by then. update() replaces the .json the same way. load()
// deletes a .eml without a .json (a crash before the 250 was sent: the client retries) and
// moves an unreadable .json (with its .eml) into corrupt/ so that one bad file never stops
// the queue.
//
// Blocking file I/O: call it off the event loops. Calls for different ids may run at once
// (they touch different files); the relay serializes the calls for one id.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace l7::smtp::relay {

enum class rcpt_state : std::uint8_t { pending, delivered, failed };

struct queued_recipient {
  std::string address;       // forward-path without angle brackets
  std::uint8_t notify = 0;   // NOTIFY= (smtp codec notify_flags); 0 = not given (RFC 3461 §4.1)
  std::string orcpt;         // ORCPT= as given ("rfc822;a@b"), may be empty
  rcpt_state state = rcpt_state::pending;
  bool reported = false;     // a DSN for its final state was sent (or is not wanted)
  std::string status;        // enhanced status of the last attempt ("4.4.1", "5.1.1")
  std::string diagnostic;    // the last reply or error, one line
  std::string remote;        // the host that gave it ("mx.example.com[192.0.2.1]")
  bool passed_on = false;    // delivered to a server that took its NOTIFY (DSN) itself
  friend bool operator==(const queued_recipient&, const queued_recipient&) = default;
};

struct queue_entry {
  std::string id;            // 16 characters of [0-9A-Z] (the SMTP server's queue id)
  std::string from;          // reverse-path; empty = the null path (a bounce: never bounced)
  std::string ret;           // RET= ("FULL", "HDRS" or empty, RFC 3461 §4.3)
  std::string envid;         // ENVID=, decoded (RFC 3461 §4.4)
  bool smtputf8 = false;     // MAIL FROM had SMTPUTF8 (RFC 6531)
  std::int64_t arrival = 0;       // Unix seconds: when we accepted it
  std::int64_t next_attempt = 0;  // Unix seconds
  unsigned attempts = 0;
  bool delay_warned = false;      // the one "delayed" DSN was sent
  std::vector<queued_recipient> recipients;
  friend bool operator==(const queue_entry&, const queue_entry&) = default;

  bool done() const;  // no recipient pending and every final state reported
};

std::string to_json(const queue_entry& e);
// False when `text` is not a valid envelope (missing fields, wrong types, bad id).
bool from_json(std::string_view text, queue_entry& e);
bool valid_id(std::string_view id);

class queue {
 public:
  // Creates the directory (0700) on first add(); no I/O here.
  explicit queue(std::filesystem::path dir);

  const std::filesystem::path& dir() const { return dir_; }
  std::error_code add(const queue_entry& e, std::string_view message);
  std::error_code update(const queue_entry& e);
  std::error_code remove(const std::string& id);
  std::error_code read_message(const std::string& id, std::string& out) const;
  // Every entry, oldest first. Orphans and corrupt files are handled as above; `problems`
  // gets one line for each. For the relay at start only: it changes the directory.
  std::vector<queue_entry> load(std::vector<std::string>* problems = nullptr);
  // Every readable entry, oldest first, changing nothing (`l7 mail queue` while the server
  // runs); `sizes` gets each message file's size (0 if unreadable) when given.
  std::vector<queue_entry> list(std::vector<std::uint64_t>* sizes = nullptr) const;

 private:
  std::error_code ensure_dir() const;
  std::filesystem::path dir_;
};

}  // namespace l7::smtp::relay
