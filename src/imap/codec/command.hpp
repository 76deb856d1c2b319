// Structured IMAP commands (RFC 9051 §6, RFC 3501 §6 where rev1 differs, and the extensions
// named on each struct) and parse_command(), which turns the bytes of one complete command
// (from command_reader: its lines and literals, exactly as received) into them.
// Mailbox names come back in UTF-8: modified UTF-7 decoded unless options.utf8 (IMAP4rev2 or
// UTF8=ACCEPT enabled, RFC 9051 §5.1 / RFC 6855 §3); "INBOX" in any case becomes "INBOX".
// Errors (make_error_code(error)): syntax, unknown_command, too_deep, bad_sequence_set,
// bad_mailbox_name, bad_date, eight_bit, nul_byte; `tag` is set whenever one could be read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

#include "imap/codec/types.hpp"

namespace l7::imap {

struct parse_options {
  // IMAP4rev2 or ENABLE UTF8=ACCEPT: mailbox names are UTF-8, not modified UTF-7. Quoted
  // strings take valid UTF-8 either way (leniency toward rev1 clients); never in atoms.
  bool utf8 = false;
  std::size_t max_depth = 32; // parentheses (search keys, lists)
};

// CAPABILITY NOOP LOGOUT STARTTLS CHECK CLOSE UNSELECT EXPUNGE IDLE NAMESPACE: no arguments.
struct no_args {};

struct authenticate {  // RFC 9051 §6.2.2, SASL-IR (RFC 4959 §3)
  std::string mechanism;  // upper-cased
  std::optional<std::string> initial_response;  // base64 as sent; "=" means an empty response
};
struct login { std::string user, password; };  // §6.2.3
struct enable { std::vector<std::string> capabilities; };  // RFC 5161, upper-cased

struct qresync_params {  // RFC 7162 §3.2.5
  std::uint32_t uid_validity = 0;
  std::uint64_t modseq = 0;
  std::optional<sequence_set> known_uids;
  std::optional<std::pair<sequence_set, sequence_set>> seq_match;  // (seq-set uid-set)
};
struct select_mailbox {  // SELECT / EXAMINE (§6.3.2, §6.3.3)
  std::string mailbox;
  bool read_only = false;  // EXAMINE
  bool condstore = false;  // (CONDSTORE), RFC 7162 §3.1.8
  std::optional<qresync_params> qresync;
};
struct create { std::string mailbox; std::vector<std::string> use; };  // RFC 6154 §3 USE
// DELETE SUBSCRIBE UNSUBSCRIBE GETQUOTAROOT: one mailbox; GETQUOTA: a quota root (not decoded).
struct mailbox_arg { std::string mailbox; };
struct rename_mailbox { std::string from, to; };

enum class status_item { messages, uid_next, uid_validity, unseen, deleted, size, recent,
                         highest_modseq, append_limit };
struct status { std::string mailbox; std::vector<status_item> items; };

struct list {  // LIST (§6.3.9, RFC 5258 LIST-EXTENDED, RFC 6154, RFC 5819) and LSUB
  bool lsub = false;
  std::vector<std::string> selection;  // upper-cased: SUBSCRIBED REMOTE RECURSIVEMATCH ...
  std::string reference;
  std::vector<std::string> patterns;   // with * and % as written
  std::vector<std::string> return_options;  // upper-cased: SUBSCRIBED CHILDREN SPECIAL-USE
  std::vector<status_item> return_status;   // RETURN (STATUS (...))
  bool has_return_status = false;
};

struct append_message {
  std::vector<std::string> flags;
  std::optional<date_time> internal_date;
  std::string content;  // the literal's bytes
  bool binary = false;  // literal8 (RFC 3516 §4.4)
};
struct append {  // §6.3.12, MULTIAPPEND (RFC 3502) gives several messages
  std::string mailbox;
  std::vector<append_message> messages;
};

struct uid_expunge { sequence_set uids; };  // RFC 4315 §2.1 / RFC 9051 §6.4.9

enum class search_return { min, max, all, count, save };
struct search {  // §6.4.4, ESEARCH RETURN (RFC 4731 / RFC 9051), SEARCHRES (RFC 5182)
  std::string charset;  // empty when not given
  std::optional<std::vector<search_return>> return_options;  // RETURN () gives an empty list
  search_key key;       // all_of the keys given
};

struct fetch {  // §6.4.5, CONDSTORE / QRESYNC modifiers (RFC 7162 §3.1.4.1, §3.2.6)
  sequence_set set;
  std::vector<fetch_att> items;
  std::optional<std::uint64_t> changed_since;
  bool vanished = false;
};

struct store {  // §6.4.6, UNCHANGEDSINCE (RFC 7162 §3.1.3)
  enum class mode { replace, add, remove };
  sequence_set set;
  mode how = mode::replace;
  bool silent = false;
  std::vector<std::string> flags;
  std::optional<std::uint64_t> unchanged_since;
};

struct copy { sequence_set set; std::string mailbox; bool move = false; };  // §6.4.7, §6.4.8

struct sort_criterion { std::string key; bool reverse = false; };  // RFC 5256 §3, upper-cased
struct sort { std::vector<sort_criterion> criteria; std::string charset; search_key key; };
struct thread { std::string algorithm; std::string charset; search_key key; };  // RFC 5256

struct id {  // RFC 2971: NIL, or field/value pairs (a NIL value is nullopt)
  std::optional<std::vector<std::pair<std::string, std::optional<std::string>>>> fields;
};
struct compress { std::string mechanism; };  // RFC 4978, upper-cased

enum class command_name {
  capability, noop, logout, starttls, authenticate, login, enable, select, examine, create,
  delete_, rename, subscribe, unsubscribe, list, lsub, namespace_, status, append, idle, check,
  close, unselect, expunge, search, fetch, store, copy, move, sort, thread, id, getquota,
  getquotaroot, compress,
};

struct command {
  std::string tag;
  command_name name = command_name::noop;
  bool uid = false;  // "UID" prefix (FETCH, STORE, COPY, MOVE, SEARCH, SORT, THREAD, EXPUNGE)
  std::variant<no_args, authenticate, login, enable, select_mailbox, create, mailbox_arg, rename_mailbox, status,
               list, append, uid_expunge, search, fetch, store, copy, sort, thread, id, compress>
      args;
};

// Parses one complete command: tag SP name [SP arguments] CRLF, with every literal in place.
// On error `out.tag` holds the tag when one could be read.
void parse_command(std::string_view raw, const parse_options& options, command& out,
                   std::error_code& ec);

// The command name as IMAP writes it ("UID FETCH" is the caller's business): "FETCH".
std::string_view to_string(command_name name);

}  // namespace l7::imap
