#include "imap/server/sort_thread.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <unordered_map>

#include "mail/codec/address.hpp"
#include "mail/codec/date.hpp"
#include "mail/codec/encoded_word.hpp"

namespace l7::imap::server {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string folded(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = lower(c);
  return out;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (lower(s[i]) != lower(prefix[i])) return false;
  return true;
}

void trim(std::string& s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  s.erase(0, i);
}

// A "[...]" at `pos` (no nested brackets): the index past it, or npos.
std::size_t blob_end(std::string_view s, std::size_t pos) {
  if (pos >= s.size() || s[pos] != '[') return std::string_view::npos;
  auto close = s.find_first_of("[]", pos + 1);
  if (close == std::string_view::npos || s[close] != ']') return std::string_view::npos;
  return close + 1;
}

std::size_t skip_spaces(std::string_view s, std::size_t pos) {
  while (pos < s.size() && s[pos] == ' ') ++pos;
  return pos;
}

// subj-refwd with leading blobs: *(blob WSP*) ("re" / "fwd" / "fw") WSP* [blob] ":". The index
// past the ':', or npos.
std::size_t refwd_end(std::string_view s) {
  std::size_t p = 0;
  for (;;) {
    auto b = blob_end(s, p);
    if (b == std::string_view::npos) break;
    p = skip_spaces(s, b);
  }
  std::size_t word = 0;
  if (starts_with_ci(s.substr(p), "re")) word = 2;
  else if (starts_with_ci(s.substr(p), "fwd")) word = 3;
  else if (starts_with_ci(s.substr(p), "fw")) word = 2;
  else return std::string_view::npos;
  p = skip_spaces(s, p + word);
  if (auto b = blob_end(s, p); b != std::string_view::npos) p = b;
  if (p < s.size() && s[p] == ':') return p + 1;
  return std::string_view::npos;
}

std::int64_t seconds(mail::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// Message-IDs ("<...>") in a header value, in order.
std::vector<std::string> msg_ids(std::string_view v) {
  std::vector<std::string> out;
  for (std::size_t p = 0; (p = v.find('<', p)) != std::string_view::npos;) {
    auto close = v.find('>', p);
    if (close == std::string_view::npos) break;
    std::string id(v.substr(p, close - p + 1));
    std::erase_if(id, [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
    if (id.size() > 2) out.push_back(std::move(id));
    p = close + 1;
  }
  return out;
}

int compare(const sort_item& a, const sort_item& b, const std::string& key) {
  auto cmp = [](const auto& x, const auto& y) { return x < y ? -1 : (y < x ? 1 : 0); };
  if (key == "ARRIVAL") return cmp(a.arrival, b.arrival);
  if (key == "DATE") return cmp(a.sent, b.sent);
  if (key == "SIZE") return cmp(a.size, b.size);
  if (key == "SUBJECT") return cmp(a.subject, b.subject);
  if (key == "FROM") return cmp(a.from, b.from);
  if (key == "TO") return cmp(a.to, b.to);
  if (key == "CC") return cmp(a.cc, b.cc);
  if (key == "DISPLAYFROM") return cmp(a.display_from, b.display_from);
  if (key == "DISPLAYTO") return cmp(a.display_to, b.display_to);
  return 0;
}

bool by_date(const sort_item& a, const sort_item& b) {
  return a.sent != b.sent ? a.sent < b.sent : a.seq < b.seq;
}

}  // namespace

std::string base_subject(std::string_view subject, bool* reply) {
  bool marked = false;
  std::string s = mail::decode_encoded_words(subject);
  for (auto& c : s)
    if (c == '\t' || c == '\r' || c == '\n') c = ' ';
  s.erase(std::unique(s.begin(), s.end(), [](char a, char b) { return a == ' ' && b == ' '; }), s.end());
  trim(s);
  for (;;) {
    // (2) subj-trailer: "(fwd)" and white space at the end.
    for (;;) {
      trim(s);
      if (s.size() >= 5 && starts_with_ci(std::string_view(s).substr(s.size() - 5), "(fwd)")) {
        s.resize(s.size() - 5);
        marked = true;
        continue;
      }
      break;
    }
    // (3)-(5) subj-leader: reply/forward markers, and a leading [blob] when something is left.
    for (bool changed = true; changed;) {
      changed = false;
      trim(s);
      if (auto e = refwd_end(s); e != std::string_view::npos) {
        s.erase(0, e);
        marked = changed = true;
        continue;
      }
      if (auto b = blob_end(s, 0); b != std::string_view::npos) {
        std::string rest = s.substr(b);
        trim(rest);
        if (!rest.empty()) {
          s = std::move(rest);
          changed = true;
        }
      }
    }
    // (6) "[fwd:" subject "]".
    if (starts_with_ci(s, "[fwd:") && !s.empty() && s.back() == ']') {
      s = s.substr(5, s.size() - 6);
      marked = true;
      continue;
    }
    break;
  }
  trim(s);
  if (reply) *reply = marked;
  return folded(s);
}

sort_item make_sort_item(const message_data& m) {
  sort_item it;
  it.uid = m.record->uid;
  it.seq = m.seq;
  it.size = m.record->size;
  it.arrival = seconds(m.record->internal_date);
  const auto& h = m.mime.parts[0].fields;
  auto date = mail::parse_date_time(h.value("Date"));
  it.sent = date ? date->utc : it.arrival;
  it.subject = base_subject(h.value("Subject"), &it.reply);
  auto first = [&](std::string_view field, std::string* display) {
    auto list = mail::parse_mailboxes(h.value(field));
    if (list.empty()) return std::string();
    if (display) {
      auto name = mail::decode_encoded_words(list[0].name);
      *display = folded(name.empty() ? list[0].addr_spec() : name);
    }
    return folded(list[0].local_part);
  };
  it.from = first("From", &it.display_from);
  it.to = first("To", &it.display_to);
  it.cc = first("Cc", nullptr);
  auto ids = msg_ids(h.value("Message-ID"));
  if (!ids.empty()) it.message_id = ids[0];
  it.references = msg_ids(h.value("References"));
  if (it.references.empty()) {
    auto irt = msg_ids(h.value("In-Reply-To"));
    if (!irt.empty()) it.references.push_back(irt[0]);
  }
  return it;
}

void sort_items(std::vector<sort_item>& items, const std::vector<sort_criterion>& criteria) {
  std::sort(items.begin(), items.end(), [&](const sort_item& a, const sort_item& b) {
    for (const auto& c : criteria) {
      int r = compare(a, b, c.key);
      if (r != 0) return c.reverse ? r > 0 : r < 0;
    }
    return a.seq < b.seq;
  });
}

namespace {

struct node {
  int item = -1;  // index into items, -1 for a dummy
  int parent = -1;
  std::vector<int> children;
};

void write_chain(const std::vector<node>& nodes, const std::vector<sort_item>& items, int n, bool uid,
                 std::string& out) {
  const node& x = nodes[static_cast<std::size_t>(n)];
  if (x.item >= 0) {
    const auto& it = items[static_cast<std::size_t>(x.item)];
    out += std::to_string(uid ? it.uid : it.seq);
  }
  if (x.children.size() == 1) {
    if (x.item >= 0) out += ' ';
    write_chain(nodes, items, x.children[0], uid, out);
  } else if (!x.children.empty()) {
    if (x.item >= 0) out += ' ';
    for (int c : x.children) {
      out += '(';
      write_chain(nodes, items, c, uid, out);
      out += ')';
    }
  }
}

std::string write_roots(const std::vector<node>& nodes, const std::vector<sort_item>& items,
                        const std::vector<int>& roots, bool uid) {
  std::string out;
  for (int r : roots) {
    out += '(';
    write_chain(nodes, items, r, uid, out);
    out += ')';
  }
  return out;
}

}  // namespace

std::string thread_ordered_subject(std::vector<sort_item> items, bool uid) {
  std::sort(items.begin(), items.end(), [](const sort_item& a, const sort_item& b) {
    if (a.subject != b.subject) return a.subject < b.subject;
    return by_date(a, b);
  });
  std::vector<node> nodes(items.size());
  std::vector<int> roots;
  for (std::size_t i = 0; i < items.size(); ++i) {
    nodes[i].item = static_cast<int>(i);
    if (i > 0 && items[i].subject == items[i - 1].subject) {
      nodes[static_cast<std::size_t>(roots.back())].children.push_back(static_cast<int>(i));
    } else {
      roots.push_back(static_cast<int>(i));
    }
  }
  std::sort(roots.begin(), roots.end(), [&](int a, int b) {
    return by_date(items[static_cast<std::size_t>(a)], items[static_cast<std::size_t>(b)]);
  });
  return write_roots(nodes, items, roots, uid);
}

std::string thread_references(std::vector<sort_item> items, bool uid) {
  std::vector<node> nodes;
  std::unordered_map<std::string, int> by_id;
  auto container = [&](const std::string& id) {
    auto [it, fresh] = by_id.emplace(id, static_cast<int>(nodes.size()));
    if (fresh) nodes.emplace_back();
    return it->second;
  };
  auto is_ancestor = [&](int a, int of) {  // is `a` `of` or above it?
    for (int p = of; p >= 0; p = nodes[static_cast<std::size_t>(p)].parent)
      if (p == a) return true;
    return false;
  };
  auto unlink = [&](int c) {
    int p = nodes[static_cast<std::size_t>(c)].parent;
    if (p < 0) return;
    auto& siblings = nodes[static_cast<std::size_t>(p)].children;
    siblings.erase(std::remove(siblings.begin(), siblings.end(), c), siblings.end());
    nodes[static_cast<std::size_t>(c)].parent = -1;
  };
  auto link = [&](int parent, int child) {
    nodes[static_cast<std::size_t>(child)].parent = parent;
    nodes[static_cast<std::size_t>(parent)].children.push_back(child);
  };
  // (1) Containers for every message and every reference (RFC 5256 §4 step 1).
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto& it = items[i];
    int self;
    auto found = it.message_id.empty() ? by_id.end() : by_id.find(it.message_id);
    if (it.message_id.empty() || (found != by_id.end() && nodes[static_cast<std::size_t>(found->second)].item >= 0)) {
      self = static_cast<int>(nodes.size());  // no or duplicate Message-ID: a container of its own
      nodes.emplace_back();
    } else {
      self = container(it.message_id);
    }
    nodes[static_cast<std::size_t>(self)].item = static_cast<int>(i);
    int prev = -1;
    for (const auto& ref : it.references) {
      int c = container(ref);
      if (prev >= 0 && nodes[static_cast<std::size_t>(c)].parent < 0 && !is_ancestor(c, prev) && c != prev)
        link(prev, c);
      prev = c;
    }
    // (B) The message's parent is its last reference, replacing an earlier guess.
    if (prev >= 0 && prev != self && !is_ancestor(self, prev)) {
      unlink(self);
      link(prev, self);
    } else if (prev < 0) {
      unlink(self);
    }
  }
  // (2) The root set.
  std::vector<int> roots;
  for (std::size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].parent < 0) roots.push_back(static_cast<int>(i));
  // (3) Prune dummies: childless ones go; others give their children to their parent, except
  // a root dummy with several children.
  std::function<std::vector<int>(const std::vector<int>&, bool)> prune = [&](const std::vector<int>& list, bool root) {
    std::vector<int> out;
    for (int c : list) {
      auto& n = nodes[static_cast<std::size_t>(c)];
      n.children = prune(n.children, false);
      for (int k : n.children) nodes[static_cast<std::size_t>(k)].parent = c;
      if (n.item >= 0) {
        out.push_back(c);
      } else if (n.children.empty()) {
        continue;
      } else if (root && n.children.size() > 1) {
        out.push_back(c);
      } else {
        for (int k : n.children) {
          nodes[static_cast<std::size_t>(k)].parent = root ? -1 : n.parent;
          out.push_back(k);
        }
      }
    }
    return out;
  };
  roots = prune(roots, true);
  // The date and subject of a thread: of its message, or of a dummy's earliest descendant.
  std::function<int(int)> first_item = [&](int n) -> int {
    const auto& x = nodes[static_cast<std::size_t>(n)];
    if (x.item >= 0) return x.item;
    int best = -1;
    for (int c : x.children) {
      int i = first_item(c);
      if (i >= 0 && (best < 0 || by_date(items[static_cast<std::size_t>(i)], items[static_cast<std::size_t>(best)])))
        best = i;
    }
    return best;
  };
  auto earlier = [&](int a, int b) {
    int ia = first_item(a), ib = first_item(b);
    return by_date(items[static_cast<std::size_t>(ia)], items[static_cast<std::size_t>(ib)]);
  };
  // (4) Sort the roots by date, then (5) merge roots with the same base subject.
  std::sort(roots.begin(), roots.end(), earlier);
  std::map<std::string, int> by_subject;
  std::vector<int> merged;
  for (int r : roots) {
    const auto& it = items[static_cast<std::size_t>(first_item(r))];
    if (it.subject.empty()) {
      merged.push_back(r);
      continue;
    }
    auto [pos, fresh] = by_subject.emplace(it.subject, r);
    if (fresh) {
      merged.push_back(r);
      continue;
    }
    int old = pos->second;
    auto& o = nodes[static_cast<std::size_t>(old)];
    auto& n = nodes[static_cast<std::size_t>(r)];
    const bool old_reply = o.item >= 0 && items[static_cast<std::size_t>(o.item)].reply;
    const bool new_reply = n.item >= 0 && items[static_cast<std::size_t>(n.item)].reply;
    if (o.item < 0 && n.item < 0) {  // both dummies: one set of children
      for (int k : n.children) link(old, k);
      n.children.clear();
    } else if (o.item < 0) {
      link(old, r);
    } else if (n.item < 0) {  // the new one is a dummy: the old thread goes under it
      link(r, old);
      *std::find(merged.begin(), merged.end(), old) = r;
      pos->second = r;
    } else if (new_reply && !old_reply) {
      link(old, r);
    } else if (old_reply && !new_reply) {
      link(r, old);
      *std::find(merged.begin(), merged.end(), old) = r;
      pos->second = r;
    } else {  // neither or both replies: siblings under a new dummy
      int d = static_cast<int>(nodes.size());
      nodes.emplace_back();
      link(d, old);
      link(d, r);
      *std::find(merged.begin(), merged.end(), old) = d;
      pos->second = d;
    }
  }
  // (6) Siblings by date at every level; roots keep the date order of (4).
  std::function<void(int)> order = [&](int n) {
    auto& ch = nodes[static_cast<std::size_t>(n)].children;
    std::sort(ch.begin(), ch.end(), earlier);
    for (int c : ch) order(c);
  };
  for (int r : merged) order(r);
  std::sort(merged.begin(), merged.end(), earlier);
  return write_roots(nodes, items, merged, uid);
}

}  // namespace l7::imap::server
