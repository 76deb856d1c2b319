#include "http/codec/message.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace l7::http {

fields& fields::operator=(const fields& o) {
  if (this != &o) {
    clear();
    for (const auto& f : o) add(f.name, f.value);
  }
  return *this;
}

void fields::add(std::string_view name, std::string_view value) {
  if (used_ < list_.size()) {  // spare storage from before clear()
    list_[used_].name.assign(name);
    list_[used_].value.assign(value);
  } else {
    if (list_.capacity() == 0) list_.reserve(8);  // typical heads: one allocation, not four
    list_.push_back(field{std::string(name), std::string(value)});
  }
  ++used_;
}

void fields::set(std::string_view name, std::string_view value) {
  auto it = std::find_if(list_.begin(), used_end(), [&](const field& f) { return iequals(f.name, name); });
  if (it == used_end()) {
    add(name, value);
    return;
  }
  it->value.assign(value);
  // Drop every later duplicate; the first keeps its position.
  auto tail = std::remove_if(it + 1, used_end(), [&](const field& f) { return iequals(f.name, name); });
  used_ = static_cast<std::size_t>(tail - list_.begin());
}

void fields::erase(std::string_view name) {
  auto tail = std::remove_if(list_.begin(), used_end(), [&](const field& f) { return iequals(f.name, name); });
  used_ = static_cast<std::size_t>(tail - list_.begin());
}

std::optional<std::string_view> fields::get(std::string_view name) const {
  for (const auto& f : *this)
    if (iequals(f.name, name)) return std::string_view(f.value);
  return std::nullopt;
}

std::size_t fields::count(std::string_view name) const {
  return static_cast<std::size_t>(
      std::count_if(begin(), end(), [&](const field& f) { return iequals(f.name, name); }));
}

// Comma-separated list elements, OWS trimmed (RFC 9110 §5.6.1).
bool fields::has_token(std::string_view name, std::string_view token) const {
  for (const auto& f : *this) {
    if (!iequals(f.name, name)) continue;
    std::string_view rest = f.value;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const auto element = trim_ows(rest.substr(0, comma));
      if (iequals(element, token)) return true;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return false;
}

// RFC 9110 §15.
std::string_view reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 103: return "Early Hints";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 207: return "Multi-Status";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 305: return "Use Proxy";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Content";
    case 425: return "Too Early";
    case 426: return "Upgrade Required";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 451: return "Unavailable For Legal Reasons";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    case 511: return "Network Authentication Required";
    default: return "Unknown";
  }
}

}  // namespace l7::http
