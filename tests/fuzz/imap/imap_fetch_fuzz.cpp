// libFuzzer target: what the IMAP server builds from a stored message, whatever its bytes
// (src/imap/server/message_data.hpp, search_eval.hpp). The input is a message; each run:
// - writes a FETCH response with every item (ENVELOPE, BODY, BODYSTRUCTURE, RFC822.*, BODY[]
//   sections of the first parts with HEADER / HEADER.FIELDS / TEXT / MIME, BINARY and
//   BINARY.SIZE, partials) and checks that it is one well-framed response: the literals it
//   announces are exactly that long, and it ends with ")\r\n";
// - evaluates every string search key on it (no crash, no hang on deep trees);
// - SORT and THREAD data of the message (twice, so that it refers to itself) and the base
//   subject of the raw input terminate and thread both copies;
// - the header-only view of the same message (what FETCH of header fields reads) gives the
//   same ENVELOPE as the whole message.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "imap/server/message_data.hpp"
#include "imap/server/search_eval.hpp"
#include "imap/server/sort_thread.hpp"

namespace {

using namespace l7::imap;
using namespace l7::imap::server;

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "imap fetch fuzz: invariant broken: %s\n", what);
  std::abort();
}

// Walks a response: every {n} / ~{n} at a line end is followed by CRLF and n bytes.
bool well_framed(std::string_view r) {
  std::size_t pos = 0;
  while (pos < r.size()) {
    auto eol = r.find("\r\n", pos);
    if (eol == std::string_view::npos) return false;
    std::string_view line = r.substr(pos, eol - pos);
    pos = eol + 2;
    if (line.empty() || line.back() != '}') continue;
    auto open = line.rfind('{');
    if (open == std::string_view::npos) return false;
    std::uint64_t n = 0;
    for (char c : line.substr(open + 1, line.size() - open - 2)) {
      if (c < '0' || c > '9') return false;
      n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (n > r.size() - pos) return false;
    pos += n;
  }
  return r.ends_with(")\r\n");
}

std::vector<fetch_att> all_items() {
  using k = fetch_att::kind;
  std::vector<fetch_att> items;
  for (auto t : {k::uid, k::flags, k::internal_date, k::rfc822_size, k::modseq, k::envelope, k::body,
                 k::body_structure, k::rfc822, k::rfc822_header, k::rfc822_text}) {
    fetch_att a;
    a.type = t;
    items.push_back(a);
  }
  const std::vector<std::vector<unsigned>> parts = {{}, {1}, {2}, {1, 1}, {1, 2}, {3, 1, 1}};
  using tk = section::text_kind;
  for (const auto& p : parts) {
    for (auto text : {tk::none, tk::header, tk::header_fields, tk::header_fields_not, tk::text, tk::mime}) {
      if (p.empty() && text == tk::mime) continue;  // not valid syntax for the whole message
      fetch_att a;
      a.type = k::body_section;
      a.section.part = p;
      a.section.text = text;
      if (text == tk::header_fields || text == tk::header_fields_not) a.section.fields = {"SUBJECT", "FROM"};
      items.push_back(a);
    }
    for (auto t : {k::binary, k::binary_size}) {
      fetch_att a;
      a.type = t;
      a.section.part = p;
      if (t == k::binary) a.partial = partial{1, 7};
      items.push_back(a);
    }
  }
  return items;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<fetch_att> items = all_items();
  const std::string message(reinterpret_cast<const char*>(data), size);
  l7::mail::message_record rec;
  rec.uid = 7;
  rec.size = size;
  rec.flags = {"\\Seen"};
  message_data m;
  m.record = &rec;
  m.seq = 1;
  m.content = message;
  m.parse();
  std::string out;
  fetch_options o;
  o.add_uid = true;
  o.add_flags = true;
  o.add_modseq = true;
  write_fetch(out, m, items, o);
  check(well_framed(out), "FETCH response framing");

  using sk = search_key::kind;
  search_context ctx{1, 7, nullptr, 0};
  for (auto t : {sk::from, sk::to, sk::cc, sk::bcc, sk::subject, sk::body, sk::text, sk::sent_on}) {
    search_key key;
    key.type = t;
    key.value = "a";
    key.date = {2020, 1, 1};
    (void)search_matches(key, m, ctx);
  }

  auto item = make_sort_item(m);
  std::vector<sort_item> two{item, item};
  two[1].seq = 2;
  two[1].uid = 8;
  for (const auto& t : {thread_references(two, false), thread_ordered_subject(two, false)})
    check(t.find('1') != std::string::npos && t.find('2') != std::string::npos, "THREAD lost a message");
  sort_items(two, {{"SUBJECT", false}, {"FROM", true}, {"DATE", false}});
  (void)base_subject(std::string_view(message).substr(0, 512));

  // The header-only read stops after the header section: the same ENVELOPE.
  std::string_view whole(message);
  std::size_t end = whole.find("\r\n\r\n");
  if (end != std::string_view::npos && whole.find("\n\n") > end) {
    message_data h;
    h.record = &rec;
    h.seq = 1;
    h.content = message.substr(0, end + 4);
    h.parse();
    std::vector<fetch_att> env(1);
    env[0].type = fetch_att::kind::envelope;
    std::string a, b;
    write_fetch(a, m, env, {});
    write_fetch(b, h, env, {});
    check(a == b, "header-only ENVELOPE differs");
  }
  return 0;
}
