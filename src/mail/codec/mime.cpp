#include "mail/codec/mime.hpp"

#include <algorithm>

#include "mail/codec/error.hpp"
#include "mail/codec/detail.hpp"

namespace l7::mail {
namespace {

struct delimiter {
  std::size_t part_end;  // where the preceding part's body ends (before the line break)
  std::size_t next;      // first byte after the delimiter line
  bool close;            // "--boundary--" (RFC 2046 §5.1.1)
};

// A delimiter line for `dash` ("--" + boundary) at a line start in [from, end). Trailing white
// space is allowed (transport padding); anything else after the boundary means another boundary
// that starts with this one, or text: not a delimiter.
std::optional<delimiter> find_delimiter(std::string_view msg, std::size_t from, std::size_t end,
                                        std::size_t body_begin, std::string_view dash) {
  const auto area = msg.substr(0, end);
  for (auto h = area.find(dash, from); h != std::string_view::npos; h = area.find(dash, h + 1)) {
    if (h != body_begin && msg[h - 1] != '\n') continue;
    auto q = h + dash.size();
    const bool close = area.substr(q, 2) == "--";
    if (close) q += 2;
    while (q < end && detail::is_wsp(area[q])) ++q;
    if (q < end && area[q] == '\r' && (q + 1 == end || area[q + 1] == '\n')) ++q;
    if (q < end && area[q] != '\n') continue;
    std::size_t part_end = h;
    if (h > from && msg[h - 1] == '\n') {
      --part_end;
      if (part_end > from && msg[part_end - 1] == '\r') --part_end;
    }
    return delimiter{std::max(part_end, from), q < end ? q + 1 : end, close};
  }
  return std::nullopt;
}

class tree_builder {
 public:
  tree_builder(std::string_view msg, const mime_limits& limits, std::error_code& ec)
      : msg_(msg), limits_(limits), ec_(ec) {}

  mime_message run() {
    add_part(body_part::npos, 0, msg_.size(), false, true);
    while (!work_.empty()) {  // after an error, parts already made are still filled in
      const auto i = work_.back();
      work_.pop_back();
      expand(i);
    }
    return std::move(out_);
  }

 private:
  bool add_part(std::size_t parent, std::size_t begin, std::size_t end, bool digest, bool root) {
    if (ec_) return false;
    if (out_.parts.size() >= limits_.max_parts) {
      ec_ = error::too_many_parts;
      return false;
    }
    const std::size_t depth = parent == body_part::npos ? 0 : out_.parts[parent].depth + 1;
    if (depth > limits_.max_depth) {
      ec_ = error::nesting_too_deep;
      return false;
    }
    body_part p;
    p.header = {begin, begin};
    p.body = {begin, end};
    p.depth = depth;
    p.parent = parent;
    p.is_message_root = root;
    p.type = digest ? "message" : "text";
    p.subtype = digest ? "rfc822" : "plain";
    if (parent != body_part::npos) out_.parts[parent].children.push_back(out_.parts.size());
    work_.push_back(out_.parts.size());
    out_.parts.push_back(std::move(p));
    return true;
  }

  void expand(std::size_t i) {
    auto& p = out_.parts[i];
    const auto begin = p.header.begin;
    const auto end = p.body.end;
    std::error_code ec;
    p.fields = parse_header_section(msg_.substr(begin, end - begin), limits_.header, ec, begin);
    if (ec) {  // a header limit: the part keeps no fields, its bytes all count as body
      if (!ec_) ec_ = ec;
      p.fields = header_section{{}, begin, begin, false};
    }
    p.header.end = p.fields.end;
    p.body = {p.fields.end, end};
    const auto body = p.body.in(msg_);
    p.lines = static_cast<std::size_t>(std::count(body.begin(), body.end(), '\n'));
    detail::interpret_fields(p);
    const bool identity = p.encoding == transfer_encoding::seven_bit ||
                          p.encoding == transfer_encoding::eight_bit ||
                          p.encoding == transfer_encoding::binary;
    if (p.is_multipart())
      split_multipart(i);
    else if (p.is_encapsulated() && identity)  // RFC 2046 §5.2.1: only 7bit, 8bit, binary
      add_part(i, p.body.begin, end, false, true);  // (p is not used after this)
  }

  // RFC 2046 §5.1.1: preamble, parts between delimiters, epilogue after the close delimiter.
  void split_multipart(std::size_t i) {
    const auto boundary = std::string(out_.parts[i].content_type.param("boundary"));
    if (boundary.empty()) return;
    const bool digest = out_.parts[i].subtype == "digest";
    const std::string dash = "--" + boundary;
    const auto body = out_.parts[i].body;
    auto d = find_delimiter(msg_, body.begin, body.end, body.begin, dash);
    while (d && !d->close) {
      const auto start = d->next;
      auto next = find_delimiter(msg_, start, body.end, body.begin, dash);
      const auto stop = next ? next->part_end : body.end;
      if (!add_part(i, start, stop, digest, false)) return;
      if (!next) out_.parts[i].missing_close = true;
      d = next;
    }
  }

  std::string_view msg_;
  const mime_limits& limits_;
  std::error_code& ec_;
  mime_message out_;
  std::vector<std::size_t> work_;
};

}  // namespace

bool body_part::is_encapsulated() const {
  return type == "message" && (subtype == "rfc822" || subtype == "global");
}

mime_message parse_mime(std::string_view message, const mime_limits& limits, std::error_code& ec) {
  ec.clear();
  return tree_builder(message, limits, ec).run();
}

const body_part* mime_message::nested(const body_part& part) const {
  if (!part.is_encapsulated() || part.children.size() != 1) return nullptr;
  return &parts[part.children[0]];
}

// RFC 3501 §6.4.5: numbers step into multiparts; entering a message (the top level or an
// encapsulated one) makes a non-multipart message's body its part 1.
const body_part* mime_message::find(std::span<const unsigned> number) const {
  if (parts.empty()) return nullptr;
  const body_part* cur = &parts[0];
  bool entered = true;
  for (const unsigned n : number) {
    if (!entered) {
      if (const auto* m = nested(*cur)) {
        cur = m;
        entered = true;
      }
    }
    if (cur->is_multipart()) {
      if (n == 0 || n > cur->children.size()) return nullptr;
      cur = &parts[cur->children[n - 1]];
    } else if (!entered || n != 1) {
      return nullptr;
    }
    entered = false;
  }
  return cur;
}

}  // namespace l7::mail
