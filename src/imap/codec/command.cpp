// Command dispatch (RFC 9051 §9 "command") and the commands without a family of their own.
#include <array>

#include "core/text.hpp"
#include "imap/codec/parsers.hpp"

namespace l7::imap {
namespace {

using detail::cursor;

struct name_entry {
  std::string_view text;
  command_name name;
};

constexpr std::array<name_entry, 35> names{{
    {"CAPABILITY", command_name::capability}, {"NOOP", command_name::noop},
    {"LOGOUT", command_name::logout}, {"STARTTLS", command_name::starttls},
    {"AUTHENTICATE", command_name::authenticate}, {"LOGIN", command_name::login},
    {"ENABLE", command_name::enable}, {"SELECT", command_name::select},
    {"EXAMINE", command_name::examine}, {"CREATE", command_name::create},
    {"DELETE", command_name::delete_}, {"RENAME", command_name::rename},
    {"SUBSCRIBE", command_name::subscribe}, {"UNSUBSCRIBE", command_name::unsubscribe},
    {"LIST", command_name::list}, {"LSUB", command_name::lsub},
    {"NAMESPACE", command_name::namespace_}, {"STATUS", command_name::status},
    {"APPEND", command_name::append}, {"IDLE", command_name::idle},
    {"CHECK", command_name::check}, {"CLOSE", command_name::close},
    {"UNSELECT", command_name::unselect}, {"EXPUNGE", command_name::expunge},
    {"SEARCH", command_name::search}, {"FETCH", command_name::fetch},
    {"STORE", command_name::store}, {"COPY", command_name::copy}, {"MOVE", command_name::move},
    {"SORT", command_name::sort}, {"THREAD", command_name::thread}, {"ID", command_name::id},
    {"GETQUOTA", command_name::getquota}, {"GETQUOTAROOT", command_name::getquotaroot},
    {"COMPRESS", command_name::compress},
}};

// RFC 9051 §6.2.2 + RFC 4959 §3: AUTHENTICATE SP auth-type [SP (base64 / "=")].
void parse_authenticate(cursor& c, command& out) {
  authenticate a;
  if (!c.sp()) return;
  auto mech = c.atom();
  if (!mech) return;
  a.mechanism = to_upper(*mech);
  if (c.eat(' ')) {
    auto ir = c.atom("=");  // base64 chars and '=' are ATOM-CHARs
    if (!ir) return;
    a.initial_response = std::move(*ir);
  }
  out.args = std::move(a);
}

void parse_login(cursor& c, command& out) {  // RFC 9051 §6.2.3
  login l;
  std::optional<std::string> user, pass;
  if (!c.sp() || !(user = c.astring()) || !c.sp() || !(pass = c.astring())) return;
  l.user = std::move(*user);
  l.password = std::move(*pass);
  out.args = std::move(l);
}

void parse_enable(cursor& c, command& out) {  // RFC 5161 §3.1: 1*(SP capability)
  enable e;
  while (c.eat(' ')) {
    auto cap = c.atom();
    if (!cap) return;
    e.capabilities.push_back(to_upper(*cap));
  }
  if (e.capabilities.empty()) c.fail(error::syntax);
  out.args = std::move(e);
}

// RFC 2971 §3.1: "ID" SP id_params_list; id_params_list ::= "(" #(string SP nstring) ")" / nil.
void parse_id(cursor& c, command& out) {
  id result;
  if (!c.sp()) return;
  if (c.eat_word("NIL")) {
    out.args = std::move(result);
    return;
  }
  if (!c.open_paren()) return;
  result.fields.emplace();
  while (!c.eat_close()) {
    if (!result.fields->empty() && !c.sp()) return;
    auto field = c.string();
    if (!field || !c.sp()) return;
    auto value = c.nstring();
    if (c.failed()) return;
    result.fields->emplace_back(std::move(*field), std::move(value));
  }
  out.args = std::move(result);
}

void parse_compress(cursor& c, command& out) {  // RFC 4978 §3
  if (!c.sp()) return;
  auto mech = c.atom();
  if (mech) out.args = compress{to_upper(*mech)};
}

// Parses the arguments of `name` (UID already consumed when `out.uid`).
void dispatch(cursor& c, command& out) {
  using n = command_name;
  switch (out.name) {
    case n::authenticate: return parse_authenticate(c, out);
    case n::login: return parse_login(c, out);
    case n::enable: return parse_enable(c, out);
    case n::select: case n::examine: return detail::parse_select(c, out);
    case n::create: return detail::parse_create(c, out);
    case n::delete_: case n::subscribe: case n::unsubscribe: case n::getquotaroot:
    case n::getquota: return detail::parse_mailbox_arg(c, out);
    case n::rename: return detail::parse_rename(c, out);
    case n::list: case n::lsub: return detail::parse_list(c, out);
    case n::status: return detail::parse_status(c, out);
    case n::append: return detail::parse_append(c, out);
    case n::search: return detail::parse_search(c, out);
    case n::fetch: return detail::parse_fetch(c, out);
    case n::store: return detail::parse_store(c, out);
    case n::copy: case n::move: return detail::parse_copy(c, out);
    case n::sort: return detail::parse_sort(c, out);
    case n::thread: return detail::parse_thread(c, out);
    case n::id: return parse_id(c, out);
    case n::compress: return parse_compress(c, out);
    case n::expunge:
      if (out.uid) return detail::parse_uid_expunge(c, out);
      return;
    default: return;  // no arguments
  }
}

bool uid_allowed(command_name name) {  // RFC 9051 §6.4.9, RFC 5256 §3, RFC 6851 §3.2
  using n = command_name;
  return name == n::fetch || name == n::store || name == n::copy || name == n::move ||
         name == n::search || name == n::sort || name == n::thread || name == n::expunge;
}

std::optional<command_name> name_of(std::string_view text) {
  for (const auto& e : names)
    if (iequals(e.text, text)) return e.name;
  return std::nullopt;
}

}  // namespace

void parse_command(std::string_view raw, const parse_options& options, command& out,
                   std::error_code& ec) {
  out = command{};
  cursor c(raw, options);
  auto tag = c.tag();
  if (tag) out.tag = std::move(*tag);
  if (!tag || !c.sp()) {
    ec = c.error_code();
    return;
  }
  auto word = c.atom();
  if (word && iequals(*word, "UID") && c.sp()) {
    out.uid = true;
    word = c.atom();
  }
  std::optional<command_name> name;
  if (word && !(name = name_of(*word))) c.fail(error::unknown_command);
  if (name && out.uid && !uid_allowed(*name)) c.fail(error::unknown_command);
  if (name && !c.failed()) {
    out.name = *name;
    dispatch(c, out);
    c.end();
  }
  ec = c.error_code();
}

std::string_view to_string(command_name name) {
  for (const auto& e : names)
    if (e.name == name) return e.text;
  return {};
}

}  // namespace l7::imap
