// One IMAP connection (RFC 9051 §3 states: not authenticated, authenticated, selected,
// logout). Commands are framed by the codec's command_reader (literals, LITERAL+) and
// answered in order; store calls run on the service's thread pool.
//
// The selected mailbox: the session's uid_view maps sequence numbers to UIDs and changes only
// when the client is told (EXISTS, EXPUNGE / VANISHED). A store watcher marks the session
// dirty when anyone (another session, SMTP delivery, POP3, the web inbox) changes the folder;
// pending changes are reported after the next command that may report them (RFC 9051 §7.4.1:
// no EXPUNGE during FETCH, STORE or SEARCH by sequence number) and at once during IDLE.
//
// Memory: between commands the session holds no read buffer (line_channel) and the command
// reader's buffer is released; the view is a few runs of UIDs.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "imap/codec/command.hpp"
#include "imap/codec/encode.hpp"
#include "imap/codec/reader.hpp"
#include "imap/server/shared_state.hpp"
#include "imap/server/sort_thread.hpp"
#include "imap/server/uid_view.hpp"
#include "mail/store/folder.hpp"
#include "net/line_channel.hpp"
#include "net/line_service.hpp"

namespace l7::mail {
class account;
}

namespace l7::imap::server {

class session {
 public:
  session(net::worker& w, std::unique_ptr<net::connection> c, shared_state& shared, const net::line_listener& l);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  net::awaitable<void> run();

 private:
  enum class state { not_authenticated, authenticated, selected, logout };
  enum class next { go_on, close };
  // What the store watcher's posted wake-up finds: null once the session is gone.
  struct wake_box {
    session* owner = nullptr;
  };

  // Framing (session.cpp).
  // Reads and frames input up to the next command, raw line or reader error (answering
  // literal continuations itself); flushes what is queued before it waits. `interruptible`:
  // a store change (dirty_) ends the wait with asio::error::interrupted (IDLE).
  net::awaitable<std::error_code> next_event(command_reader::event& ev, net::line_channel::duration timeout,
                                             bool interruptible);
  net::awaitable<next> on_reader_error(std::error_code ec);
  net::awaitable<next> dispatch(command& cmd);
  net::awaitable<void> goodbye(std::string_view text);
  net::line_channel::duration timeout() const;

  // Responses.
  void tagged(const command& cmd, status_kind kind, std::string_view code, std::string_view text);
  void ok(const command& cmd, std::string_view text, std::string_view code = {}) {
    tagged(cmd, status_kind::ok, code, text);
  }
  void no(const command& cmd, std::string_view text, std::string_view code = {}) {
    tagged(cmd, status_kind::no, code, text);
  }
  void bad(const command& cmd, std::string_view text, std::string_view code = {}) {
    tagged(cmd, status_kind::bad, code, text);
  }
  void untagged_ok(std::string_view code, std::string_view text);
  void note(std::string_view who, std::string_view line);
  std::string capabilities() const;
  // A store error as the tagged NO it deserves (RFC 5530 response codes).
  void store_failed(const command& cmd, std::error_code ec, std::string_view what);

  // Not authenticated (session_login.cpp).
  bool auth_allowed() const;
  net::awaitable<next> on_login(const command& cmd);
  net::awaitable<next> on_authenticate(const command& cmd);
  net::awaitable<next> on_starttls(const command& cmd);
  net::awaitable<next> login(const command& cmd, const std::string& user, const std::string& password);
  // Opens the mailbox and answers OK when `ok`; else the delay, the failure count and NO.
  net::awaitable<next> login_outcome(const command& cmd, const std::string& user, bool ok, std::string_view detail = {});
  net::awaitable<next> auth_scram(const command& cmd);
  net::awaitable<std::error_code> sasl_step(std::string_view challenge, std::string& response);
  void on_enable(const command& cmd);
  void on_id(const command& cmd);

  // Authenticated (session_mailboxes.cpp).
  net::awaitable<void> on_list(const command& cmd);
  net::awaitable<void> on_status(const command& cmd);
  net::awaitable<void> on_create(const command& cmd);
  net::awaitable<void> on_delete(const command& cmd);
  net::awaitable<void> on_rename(const command& cmd);
  net::awaitable<void> on_subscribe(const command& cmd, bool subscribe);
  net::awaitable<void> on_append(const command& cmd);
  net::awaitable<void> on_quota(const command& cmd);
  // "* STATUS name (...)" for STATUS and LIST-STATUS; with `must_exist` false a mailbox that
  // cannot be opened is skipped silently.
  net::awaitable<std::error_code> status_of(const std::string& name, const std::vector<status_item>& items,
                                            bool must_exist);
  void on_namespace(const command& cmd);

  // Selected (session_selected.cpp).
  net::awaitable<void> on_select(const command& cmd);
  net::awaitable<void> on_close(const command& cmd, bool expunge);
  net::awaitable<void> on_expunge(const command& cmd);
  net::awaitable<void> on_store(const command& cmd);
  net::awaitable<void> on_copy(const command& cmd);
  net::awaitable<next> on_idle(const command& cmd);
  void deselect();
  // Reports what changed in the store since the view was last brought up to date; EXPUNGE
  // (or VANISHED) only when `expunges` is allowed now.
  net::awaitable<void> report_changes(bool expunges);
  // EXPUNGE (or VANISHED with QRESYNC) for gone_, and the view follows.
  void flush_expunges();
  // UIDs named by a command's set (sequence numbers, UIDs, or "$"). On a sequence number
  // beyond the view it answers BAD and returns false.
  bool resolve(const command& cmd, const sequence_set& set, std::vector<std::uint32_t>& uids);
  void write_flags_fetch(std::string& out, std::uint32_t seq, const mail::message_record& m, bool uid);
  // Keywords the client has been told about in FLAGS: a flag list that uses another one is
  // preceded by new FLAGS and PERMANENTFLAGS responses (RFC 9051 §7.3.5).
  void learn_keywords(const mail::flag_set& flags);
  void write_flags_responses();

  // FETCH and SEARCH (session_fetch.cpp, session_search.cpp).
  net::awaitable<void> on_fetch(const command& cmd);
  net::awaitable<void> on_search(const command& cmd);
  net::awaitable<void> on_sort(const command& cmd);  // SORT and THREAD (RFC 5256)
  // Evaluates `key` over the view: `hits` gets the matching UIDs ascending, `max_modseq` their
  // highest MODSEQ; with `items`, one sort_item per hit (its header is read for it).
  net::awaitable<std::error_code> search_view(const search_key& key, std::vector<std::uint32_t>& hits,
                                              std::uint64_t& max_modseq, std::vector<sort_item>* items);

  net::worker& worker_;
  net::worker::session_token token_;
  shared_state& shared_;
  const net::line_listener& listener_;
  net::line_channel io_;
  command_reader reader_;
  std::string remote_;
  bool loopback_ = false;
  bool counted_ = false;
  std::string tagged_line_;    // the command's tagged response, sent after untagged updates
  std::error_code parse_error_;  // of the last event::error
  unsigned bad_in_a_row_ = 0;

  state state_ = state::not_authenticated;
  std::string user_;
  std::shared_ptr<mail::account> account_;
  unsigned failures_ = 0;
  bool utf8_ = false;       // ENABLE UTF8=ACCEPT or IMAP4rev2
  bool rev2_ = false;       // ENABLE IMAP4rev2
  bool condstore_ = false;  // a CONDSTORE-enabling command was seen (RFC 7162 §3.1)
  bool qresync_ = false;    // ENABLE QRESYNC

  // Selected state.
  std::shared_ptr<mail::folder> folder_;
  bool read_only_ = false;
  uid_view view_;
  std::uint32_t uidvalidity_ = 0;
  std::uint64_t known_modseq_ = 0;       // changes up to here are reflected in the view
  std::vector<std::uint32_t> gone_;      // expunged in the store, not yet reported
  std::vector<std::uint32_t> saved_;     // SEARCH RETURN (SAVE) result, RFC 5182
  std::vector<std::string> keywords_;    // announced in FLAGS
  // (UID, MODSEQ) of this session's own STORE, already answered: not reported again.
  std::vector<std::pair<std::uint32_t, std::uint64_t>> own_;
  mail::watch_handle watch_;
  std::shared_ptr<wake_box> wake_;
  bool dirty_ = false;   // the store said the folder changed
  bool folder_gone_ = false;  // the selected folder was deleted or renamed: BYE
  bool idling_ = false;  // in IDLE: a change wakes the read
};

}  // namespace l7::imap::server
