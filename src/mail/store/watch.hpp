// The watchers of one folder (internal). add/remove/callbacks are thread-safe; notify()
// copies the callbacks under the mutex and calls them without it, so a callback may call
// back into the store or drop its own handle.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "mail/store/folder.hpp"

namespace l7::mail::detail {

class watch_list {
 public:
  std::uint64_t add(change_callback cb);
  void remove(std::uint64_t id);
  void notify(const std::string& folder, std::uint64_t modseq);

 private:
  std::mutex mu_;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, change_callback> callbacks_;
};

}  // namespace l7::mail::detail
