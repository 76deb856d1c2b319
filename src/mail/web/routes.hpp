// The web inbox and its REST API on the HTTP router (docs/mail-web.md):
//   GET    /api/mail/messages              list, newest first (to, from, subject, q, limit, offset)
//   DELETE /api/mail/messages              purge
//   GET    /api/mail/messages/{id}         headers, text, HTML, attachments, envelope, transcript
//   GET    /api/mail/messages/{id}/raw     message/rfc822 as stored
//   GET    /api/mail/messages/{id}/html    the HTML body, sandboxed by CSP (the inbox's iframe)
//   GET    /api/mail/messages/{id}/parts/{part}  one part, decoded, as an attachment
//   DELETE /api/mail/messages/{id}
//   GET    /api/mail/wait                  long poll for the first matching new message
//   GET    /api/mail/events                Server-Sent Events: "change" at every change
//   GET    /mail/                          the inbox page (HTML, JS and CSS in the binary)
// {id} is the message's UID in the capture folder, or "latest".
//
// Every route answers 403 to clients outside settings.allow. With settings.web false nothing
// is added. Lifetime: the handlers share one inbox (inbox.hpp) that lives as long as the
// router; add before serving starts. `rt` gets stop hooks so that a graceful stop ends long
// polls and event streams at once.
#pragma once

#include <memory>

#include "http/server/router.hpp"
#include "mail/store/store.hpp"
#include "mail/web/settings.hpp"
#include "net/runtime.hpp"

namespace l7::mail::web {

void add_routes(http::server::router& router, std::shared_ptr<mail::store> store, settings s, net::runtime& rt);

}  // namespace l7::mail::web
