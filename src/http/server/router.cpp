#include "http/server/router.hpp"

#include <algorithm>

namespace l7::http::server {

void router::add(route r) { routes_.push_back(std::move(r)); }

void router::add(std::vector<std::string> methods, std::string path, handler fn) {
  add(route{std::move(methods), std::move(path), false, std::move(fn)});
}

void router::add_prefix(std::vector<std::string> methods, std::string prefix, handler fn) {
  add(route{std::move(methods), std::move(prefix), true, std::move(fn)});
}

route_match router::match(std::string_view method, std::string_view path) const {
  route_match out;
  std::size_t best = 0;
  std::vector<std::string> allowed;
  for (const auto& r : routes_) {
    bool hit = r.prefix ? path.starts_with(r.path) : path == r.path;
    if (!hit || r.path.size() < best) continue;
    bool method_ok = r.methods.empty() ||
                     std::find(r.methods.begin(), r.methods.end(), method) != r.methods.end();
    if (r.path.size() > best) allowed.clear();
    best = r.path.size();
    if (method_ok) {
      out.found = &r;
    } else {
      allowed.insert(allowed.end(), r.methods.begin(), r.methods.end());
      if (out.found && out.found->path.size() < best) out.found = nullptr;
    }
  }
  if (!out.found && !allowed.empty()) {
    std::string allow;
    for (std::size_t i = 0; i < allowed.size(); ++i) {
      if (std::find(allowed.begin(), allowed.begin() + static_cast<std::ptrdiff_t>(i), allowed[i]) !=
          allowed.begin() + static_cast<std::ptrdiff_t>(i))
        continue;  // listed already
      if (!allow.empty()) allow += ", ";
      allow += allowed[i];
    }
    out.allow = allow;
  }
  return out;
}

}  // namespace l7::http::server
