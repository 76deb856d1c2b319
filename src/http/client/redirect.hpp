// Following redirects (RFC 9110 §15.4): which statuses redirect, and how the next request
// is derived from the previous one and the Location field.
#pragma once

#include <string_view>
#include <system_error>

#include "http/client/request.hpp"

namespace l7::http::client {

// 301, 302, 303, 307 and 308.
bool is_redirect(int status);

// Rewrites `req` into the request that follows a `status` response carrying `location`:
// - the target is Location resolved against the current URL (RFC 3986 §5.2, RFC 9110 §10.2.2);
// - 303 turns any method but HEAD into GET, and 301/302 turn POST into GET, as user agents
//   do (RFC 9110 §15.4.2-§15.4.4); the body and the fields describing it are dropped;
//   307/308 keep method and body (§15.4.8-§15.4.9);
// - on a change of origin Authorization, Proxy-Authorization and Cookie are dropped (§15.4),
//   and URL credentials are not carried over (on the same origin they are).
// Errors: bad_redirect_location when the result is not an http/https URL; req is unchanged.
std::error_code follow_redirect(request& req, int status, std::string_view location);

}  // namespace l7::http::client
