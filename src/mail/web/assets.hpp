// The inbox page's files, embedded in the binary (assets_*.cpp): served by page.cpp.
#pragma once

#include <string_view>

namespace l7::mail::web::detail {

extern const std::string_view inbox_html;  // /mail/
extern const std::string_view inbox_js;    // /mail/app.js
extern const std::string_view inbox_css;   // /mail/style.css

}  // namespace l7::mail::web::detail
