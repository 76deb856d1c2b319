#include "app/metrics.hpp"

#include <chrono>
#include <stdexcept>

#include <fmt/format.h>

namespace l7::app {

std::size_t counter::thread_cell() noexcept {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t mine = next.fetch_add(1, std::memory_order_relaxed) % cell_count;
  return mine;
}


namespace {

bool valid_name(std::string_view s, bool allow_colon) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                    (allow_colon && c == ':') || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// HELP text escapes backslash and newline; label values also escape the double quote.
void append_escaped(std::string& out, std::string_view s, bool quote) {
  for (const char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (quote && c == '"') out += "\\\"";
    else out += c;
  }
}

}  // namespace

namespace detail {

family_base::family_base(std::string name, std::string help, std::vector<std::string> labels)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(labels)) {
  if (!valid_name(name_, true))
    throw std::invalid_argument(fmt::format("invalid metric name \"{}\"", name_));
  for (const auto& l : label_names_) {
    if (!valid_name(l, false) || l.starts_with("__"))
      throw std::invalid_argument(fmt::format("{}: invalid label name \"{}\"", name_, l));
  }
}

void family_base::render_header(std::string& out) const {
  out += "# HELP ";
  out += name_;
  out += ' ';
  append_escaped(out, help_, false);
  out += "\n# TYPE ";
  out += name_;
  out += ' ';
  out += type();
  out += '\n';
}

void family_base::render_series(std::string& out, const std::vector<std::string>& values) const {
  out += name_;
  if (!values.empty()) {
    out += '{';
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out += ',';
      out += label_names_[i];
      out += "=\"";
      append_escaped(out, values[i], true);
      out += '"';
    }
    out += '}';
  }
  out += ' ';
}

}  // namespace detail

template <class M>
M& family<M>::with(std::initializer_list<std::string_view> values) {
  return with(std::vector<std::string>(values.begin(), values.end()));
}

template <class M>
M& family<M>::with(const std::vector<std::string>& values) {
  if (values.size() != label_names().size())
    throw std::invalid_argument(fmt::format("{}: expected {} label values, got {}", name(),
                                            label_names().size(), values.size()));
  std::lock_guard lock(mu_);
  return children_.try_emplace(values).first->second;
}

template <class M>
std::string_view family<M>::type() const {
  return std::is_same_v<M, counter> ? "counter" : "gauge";
}

template <class M>
void family<M>::render(std::string& out) const {
  render_header(out);
  std::lock_guard lock(mu_);
  for (const auto& [values, metric] : children_) {
    render_series(out, values);
    out += std::to_string(metric.value());
    out += '\n';
  }
}

template class family<counter>;
template class family<gauge>;

template <class M>
family<M>& registry::get_or_add(std::string_view name, std::string_view help,
                                std::vector<std::string> label_names) {
  std::lock_guard lock(mu_);
  for (const auto& f : families_) {
    if (f->name() != name) continue;
    auto* typed = dynamic_cast<family<M>*>(f.get());
    if (!typed || f->help() != help || f->label_names() != label_names)
      throw std::logic_error(
          fmt::format("metric \"{}\" is already registered with another type, help or labels",
                      name));
    return *typed;
  }
  auto f = std::make_unique<family<M>>(std::string(name), std::string(help),
                                       std::move(label_names));
  auto& ref = *f;
  families_.push_back(std::move(f));
  return ref;
}

family<counter>& registry::counter_family(std::string_view name, std::string_view help,
                                          std::vector<std::string> label_names) {
  return get_or_add<counter>(name, help, std::move(label_names));
}

family<gauge>& registry::gauge_family(std::string_view name, std::string_view help,
                                      std::vector<std::string> label_names) {
  return get_or_add<gauge>(name, help, std::move(label_names));
}

counter& registry::counter_metric(std::string_view name, std::string_view help) {
  return counter_family(name, help, {}).with({});
}

gauge& registry::gauge_metric(std::string_view name, std::string_view help) {
  return gauge_family(name, help, {}).with({});
}

std::string registry::render() const {
  std::string out;
  std::lock_guard lock(mu_);
  for (const auto& f : families_) f->render(out);
  return out;
}

registry& metrics() {
  static registry* instance = [] {
    auto* r = new registry;  // never destroyed: threads may still count during exit
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    r->gauge_metric("process_start_time_seconds",
                    "Start time of the process since unix epoch in seconds.")
        .set(std::chrono::duration_cast<std::chrono::seconds>(now).count());
    return r;
  }();
  return *instance;
}

namespace {
// Registers the start time while the process starts, not at the first scrape.
[[maybe_unused]] const registry& start_time_registered = metrics();
}  // namespace

}  // namespace l7::app
