// dig-like presentation of questions, records and whole messages.
#include "dns/codec/message.hpp"
#include "dns/codec/types.hpp"

namespace l7::dns {
namespace {

std::string flags_text(const header& h) {
  std::string out;
  const std::pair<bool, const char*> flags[] = {{h.qr, "qr"}, {h.aa, "aa"}, {h.tc, "tc"},
                                                {h.rd, "rd"}, {h.ra, "ra"}, {h.ad, "ad"},
                                                {h.cd, "cd"}};
  for (const auto& [on, text] : flags) {
    if (!on) continue;
    if (!out.empty()) out += ' ';
    out += text;
  }
  return out;
}

void append_section(std::string& out, const char* title,
                    const std::vector<resource_record>& records) {
  if (records.empty()) return;
  out += "\n;; ";
  out += title;
  out += " SECTION:\n";
  for (const auto& rr : records) out += to_string(rr) + "\n";
}

void append_opt(std::string& out, const edns& e) {
  out += "\n;; OPT PSEUDOSECTION:\n; EDNS: version: " + std::to_string(e.version) +
         ", flags:" + (e.dnssec_ok ? " do" : "") + "; udp: " +
         std::to_string(e.udp_payload_size) + "\n";
  for (const auto& o : e.options) out += "; " + to_string(o) + "\n";
}

}  // namespace

std::string to_string(const resource_record& rr) {
  return rr.owner.to_string() + "\t" + std::to_string(rr.ttl) + "\t" +
         class_to_string(rr.klass) + "\t" + type_to_string(rr.type) + "\t" + to_string(rr.data);
}

std::string to_string(const question& q) {
  return ";" + q.qname.to_string() + "\t\t" + class_to_string(q.qclass) + "\t" +
         type_to_string(q.qtype);
}

std::string to_string(const message& m) {
  const std::size_t additional = m.additional.size() + (m.opt ? 1 : 0);
  std::string out = ";; ->>HEADER<<- opcode: " + opcode_to_string(m.hdr.opcode) +
                    ", status: " + rcode_to_string(m.full_rcode()) +
                    ", id: " + std::to_string(m.hdr.id) + "\n;; flags: " + flags_text(m.hdr) +
                    "; QUERY: " + std::to_string(m.questions.size()) +
                    ", ANSWER: " + std::to_string(m.answers.size()) +
                    ", AUTHORITY: " + std::to_string(m.authority.size()) +
                    ", ADDITIONAL: " + std::to_string(additional) + "\n";
  if (m.opt) append_opt(out, *m.opt);
  if (!m.questions.empty()) {
    out += "\n;; QUESTION SECTION:\n";
    for (const auto& q : m.questions) out += to_string(q) + "\n";
  }
  append_section(out, "ANSWER", m.answers);
  append_section(out, "AUTHORITY", m.authority);
  append_section(out, "ADDITIONAL", m.additional);
  return out;
}

}  // namespace l7::dns
