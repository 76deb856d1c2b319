// A small Prometheus registry: counters and gauges, optionally labelled, rendered in the text
// exposition format 0.0.4 (served by the HTTP service at /metrics).
//
// Hot path: look a metric up once (`auto& c = reg.counter_family(...).with({"http"})`), keep
// the reference, and call inc()/set() on it: those are single relaxed atomic operations.
// References stay valid for the registry's lifetime. Registration and with() take a mutex.
//
// Errors: std::invalid_argument for a bad metric or label name, or a with() call with the
// wrong number of label values; std::logic_error when a name is registered again with a
// different type, help text or label names (registering the same thing again returns the
// existing family).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace l7::app {

// The Content-Type of render()'s output.
constexpr std::string_view metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

// Counted per worker thread in cells of their own cache line, summed when read: counters that
// every request bumps (responses by class, DNS answers) cost no cache-line transfers between
// the cores that serve in parallel.
class counter {
 public:
  void inc(std::uint64_t n = 1) noexcept {
    cells_[thread_cell()].value.fetch_add(n, std::memory_order_relaxed);
  }
  std::uint64_t value() const noexcept {
    std::uint64_t sum = 0;
    for (const auto& c : cells_) sum += c.value.load(std::memory_order_relaxed);
    return sum;
  }

 private:
  static constexpr std::size_t cell_count = 8;
  struct alignas(64) cell {
    std::atomic<std::uint64_t> value{0};
  };
  // This thread's cell: threads take cells in turn (several may share one beyond eight).
  static std::size_t thread_cell() noexcept;

  std::array<cell, cell_count> cells_;
};

class gauge {
 public:
  void inc(std::int64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  void dec(std::int64_t n = 1) noexcept { value_.fetch_sub(n, std::memory_order_relaxed); }
  void set(std::int64_t v) noexcept { value_.store(v, std::memory_order_relaxed); }
  std::int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

namespace detail {

// What the registry needs from a family, whatever its metric type.
class family_base {
 public:
  family_base(std::string name, std::string help, std::vector<std::string> label_names);
  virtual ~family_base() = default;
  virtual std::string_view type() const = 0;
  // Appends the # HELP / # TYPE lines and one sample per child.
  virtual void render(std::string& out) const = 0;

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }

 protected:
  void render_header(std::string& out) const;
  // `name{a="x",b="y"} ` (or `name `) with label values escaped.
  void render_series(std::string& out, const std::vector<std::string>& values) const;

 private:
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
};

}  // namespace detail

// Metrics of one name that differ by label values. M is counter or gauge.
template <class M>
class family : public detail::family_base {
 public:
  using detail::family_base::family_base;

  // The child with these label values (one per label name, in order), created at 0 on first
  // use. Throws std::invalid_argument on a count mismatch.
  M& with(std::initializer_list<std::string_view> values);
  M& with(const std::vector<std::string>& values);

  std::string_view type() const override;
  void render(std::string& out) const override;

 private:
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, M> children_;  // node-based: references stay valid
};

extern template class family<counter>;
extern template class family<gauge>;

class registry {
 public:
  registry() = default;
  registry(const registry&) = delete;
  registry& operator=(const registry&) = delete;

  family<counter>& counter_family(std::string_view name, std::string_view help,
                                  std::vector<std::string> label_names);
  family<gauge>& gauge_family(std::string_view name, std::string_view help,
                              std::vector<std::string> label_names);
  // Unlabelled metrics.
  counter& counter_metric(std::string_view name, std::string_view help);
  gauge& gauge_metric(std::string_view name, std::string_view help);

  // Text exposition format 0.0.4, families in registration order, children sorted by labels.
  std::string render() const;

 private:
  template <class M>
  family<M>& get_or_add(std::string_view name, std::string_view help,
                        std::vector<std::string> label_names);

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<detail::family_base>> families_;
};

// The process-wide registry; it starts with the gauge process_start_time_seconds.
registry& metrics();

}  // namespace l7::app
