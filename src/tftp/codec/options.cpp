#include "tftp/codec/options.hpp"

#include <algorithm>
#include <string>

#include "core/text.hpp"
#include "tftp/codec/error.hpp"

namespace l7::tftp {
namespace {

std::optional<std::uint64_t> number(std::string_view s) {
  // RFC 2347 §2: values are ASCII decimal; a long run of leading zeros is still a number.
  if (s.empty() || s.size() > 20) return std::nullopt;
  return parse_uint(s);
}

std::optional<std::uint64_t> number_in(std::string_view s, std::uint64_t lo, std::uint64_t hi) {
  auto v = number(s);
  if (!v || *v < lo || *v > hi) return std::nullopt;
  return v;
}

}  // namespace

negotiation negotiate(const request& req, const server_policy& policy,
                      std::optional<std::uint64_t> file_size, std::error_code& ec) {
  ec.clear();
  negotiation n;
  n.params.timeout = policy.timeout;
  std::optional<std::uint16_t> blksize, windowsize;
  std::optional<unsigned> timeout;
  std::optional<std::uint64_t> tsize;
  // RFC 2348: a blksize above ours is answered with ours; below 8 it is not a valid value.
  if (const auto* o = find_option(req.options, "blksize"))
    if (auto v = number(o->value); v && *v >= min_blksize)
      blksize = static_cast<std::uint16_t>(std::min<std::uint64_t>(*v, policy.max_blksize));
  if (const auto* o = find_option(req.options, "timeout"))
    if (auto v = number_in(o->value, min_timeout_s, max_timeout_s)) timeout = static_cast<unsigned>(*v);
  if (const auto* o = find_option(req.options, "tsize")) {
    if (auto v = number(o->value)) {
      if (req.op == opcode::rrq) {
        tsize = file_size;  // RFC 2349 §3: the client sends 0, the server answers the size
      } else {
        if (policy.max_upload != 0 && *v > policy.max_upload) {
          ec = error::too_large;
          return n;
        }
        tsize = v;
      }
    }
  }
  if (const auto* o = find_option(req.options, "windowsize")) {
    if (auto v = number_in(o->value, 1, max_windowsize)) {
      const std::size_t block = blksize.value_or(default_blksize);
      const std::uint64_t by_bytes = std::max<std::size_t>(1, policy.max_window_bytes / block);
      windowsize = static_cast<std::uint16_t>(
          std::min<std::uint64_t>({*v, std::max<std::uint16_t>(1, policy.max_windowsize), by_bytes}));
    }
  }
  // The OACK lists the accepted options in the order the client sent them.
  for (const auto& o : req.options) {
    const auto name = to_lower(o.name);
    if (name == "blksize" && blksize) {
      n.params.blksize = *blksize;
      n.oack.push_back({name, std::to_string(*blksize)});
    } else if (name == "timeout" && timeout) {
      n.params.timeout = std::chrono::seconds(*timeout);
      n.oack.push_back({name, std::to_string(*timeout)});
    } else if (name == "tsize" && tsize) {
      n.params.tsize = tsize;
      n.oack.push_back({name, std::to_string(*tsize)});
    } else if (name == "windowsize" && windowsize) {
      n.params.windowsize = *windowsize;
      n.oack.push_back({name, std::to_string(*windowsize)});
    }
  }
  return n;
}

std::vector<option> option_request::to_options() const {
  std::vector<option> out;
  if (blksize) out.push_back({"blksize", std::to_string(*blksize)});
  if (timeout_s) out.push_back({"timeout", std::to_string(*timeout_s)});
  if (tsize) out.push_back({"tsize", std::to_string(*tsize)});
  if (windowsize) out.push_back({"windowsize", std::to_string(*windowsize)});
  return out;
}

void apply_oack(const std::vector<option>& requested, const std::vector<option>& oack,
                transfer_params& params, std::error_code& ec) {
  ec.clear();
  transfer_params p = params;
  for (const auto& o : oack) {
    const auto* asked = find_option(requested, o.name);
    if (!asked) return void(ec = error::option_refused);  // never asked for
    const auto name = to_lower(o.name);
    const auto limit = number(asked->value);
    if (name == "blksize") {
      auto v = number_in(o.value, min_blksize, limit.value_or(0));
      if (!v) return void(ec = error::option_refused);
      p.blksize = static_cast<std::uint16_t>(*v);
    } else if (name == "windowsize") {
      auto v = number_in(o.value, 1, limit.value_or(0));
      if (!v) return void(ec = error::option_refused);
      p.windowsize = static_cast<std::uint16_t>(*v);
    } else if (name == "timeout") {
      auto v = number_in(o.value, min_timeout_s, max_timeout_s);
      if (!v) return void(ec = error::option_refused);
      p.timeout = std::chrono::seconds(*v);
    } else if (name == "tsize") {
      auto v = number(o.value);
      if (!v) return void(ec = error::option_refused);
      p.tsize = *v;
    }
    // Another option we asked for (none today) is taken as acknowledged.
  }
  params = p;
}

}  // namespace l7::tftp
