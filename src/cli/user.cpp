// `l7 user add|del|passwd|list`: manage the account database shared by every service.
#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "app/accounts.hpp"
#include "app/scram_accounts.hpp"
#include "cli/commands.hpp"

namespace l7::cli {

namespace {

struct user_options {
  std::string name;
  std::optional<std::string> password;
  std::string data = "./l7-data";
};

[[noreturn]] void fail(const std::string& message) {
  fmt::print(stderr, "l7 user: {}\n", message);
  throw CLI::RuntimeError(1);
}

// The terminal state to restore if SIGINT arrives while echo is off.
termios saved_termios;

void restore_and_reraise(int sig) {
  ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

// Turns terminal echo off for its lifetime (also on Ctrl-C).
class echo_off {
 public:
  echo_off() {
    if (::tcgetattr(STDIN_FILENO, &saved_termios) != 0) return;
    termios quiet = saved_termios;
    quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
    quiet.c_lflag |= ECHONL;
    previous_ = std::signal(SIGINT, restore_and_reraise);
    active_ = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
  }
  echo_off(const echo_off&) = delete;
  echo_off& operator=(const echo_off&) = delete;
  ~echo_off() {
    if (active_) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_termios);
    if (previous_ != SIG_ERR) std::signal(SIGINT, previous_);
  }

 private:
  bool active_ = false;
  void (*previous_)(int) = SIG_ERR;
};

std::string read_line(const char* what) {
  std::string line;
  if (!std::getline(std::cin, line)) fail(fmt::format("no {} on standard input", what));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string prompt_hidden(const char* prompt) {
  fmt::print(stderr, "{}", prompt);
  std::fflush(stderr);
  const echo_off guard;
  return read_line("password");
}

// The new password: --password, else typed twice on a terminal, else one line of stdin.
std::string new_password(const user_options& o) {
  if (o.password) return *o.password;
  if (!::isatty(STDIN_FILENO)) return read_line("password");
  auto first = prompt_hidden("New password: ");
  if (prompt_hidden("Retype new password: ") != first) fail("the passwords do not match");
  return first;
}

// Whether SASL SCRAM-SHA-256 (mail AUTH) works for `name`, said after its password was set.
void print_scram_state(const user_options& o) {
  if (app::scram_accounts(o.data).find(o.name)) {
    fmt::print("stored SCRAM-SHA-256 keys ({} iterations) for mail AUTH\n", app::scram_iterations);
  } else {
    fmt::print(stderr,
               "l7 user: note: no SCRAM-SHA-256 keys for {}: the password has characters SASLprep "
               "(RFC 4013) prohibits, such as control characters; PLAIN and LOGIN still work\n",
               o.name);
  }
}

// Runs `f` and turns account errors into a message and exit code 1.
template <class F>
void run(F&& f) {
  try {
    f();
  } catch (const app::account_error& e) {
    fail(e.what());
  }
}

void add_data_option(CLI::App& sub, user_options& o) {
  sub.add_option("--data", o.data, "Data directory holding accounts/ and home/")
      ->capture_default_str();
}

void add_password_option(CLI::App& sub, user_options& o) {
  sub.add_option("--password", o.password,
                 "The password (visible to other local users in the process list; when omitted "
                 "it is prompted for on a terminal, or read as one line from standard input)");
}

void add_add(CLI::App& user, const std::shared_ptr<user_options>& o) {
  auto* sub = user.add_subcommand("add", "Create an account and its home directory");
  sub->add_option("NAME", o->name, "Account name: 1 to 64 of A-Z a-z 0-9 . _ -")->required();
  add_password_option(*sub, *o);
  add_data_option(*sub, *o);
  sub->callback([o] {
    run([&] {
      app::account_store store(o->data);
      if (store.exists(o->name)) fail(fmt::format("account \"{}\" already exists", o->name));
      store.add(o->name, new_password(*o));
      fmt::print("added account {} (home: {})\n", o->name, store.home(o->name).string());
      print_scram_state(*o);
    });
  });
}

void add_del(CLI::App& user, const std::shared_ptr<user_options>& o) {
  auto* sub = user.add_subcommand("del", "Delete an account (its home directory is kept)");
  sub->add_option("NAME", o->name, "Account name")->required();
  add_data_option(*sub, *o);
  sub->callback([o] {
    run([&] {
      app::account_store(o->data).remove(o->name);
      fmt::print("deleted account {}\n", o->name);
    });
  });
}

void add_passwd(CLI::App& user, const std::shared_ptr<user_options>& o) {
  auto* sub = user.add_subcommand("passwd", "Change the password of an account");
  sub->add_option("NAME", o->name, "Account name")->required();
  add_password_option(*sub, *o);
  add_data_option(*sub, *o);
  sub->callback([o] {
    run([&] {
      app::account_store store(o->data);
      if (!store.exists(o->name)) fail(fmt::format("no account \"{}\"", o->name));
      store.set_password(o->name, new_password(*o));
      fmt::print("changed the password of {}\n", o->name);
      print_scram_state(*o);
    });
  });
}

void add_list(CLI::App& user, const std::shared_ptr<user_options>& o) {
  auto* sub = user.add_subcommand("list", "Print the account names, one per line");
  add_data_option(*sub, *o);
  sub->callback([o] {
    run([&] {
      const app::scram_accounts scram(o->data);
      std::vector<std::string> without_keys;
      for (const auto& name : app::account_store(o->data).list()) {
        fmt::print("{}\n", name);
        if (!scram.find(name)) without_keys.push_back(name);
      }
      // Accounts made before SCRAM keys were kept (docs/mail.md): they need their password set again.
      if (!without_keys.empty())
        fmt::print(stderr,
                   "l7 user: note: no SCRAM-SHA-256 keys for: {} (SCRAM logins fail for them, PLAIN and "
                   "LOGIN work; `l7 user passwd NAME` stores the keys)\n",
                   fmt::join(without_keys, ", "));
    });
  });
}

}  // namespace

void add_user_command(CLI::App& app) {
  auto* user = app.add_subcommand(
      "user", "Manage the accounts that log in to FTP, mail, MQTT, XMPP, Telnet and VPN");
  user->require_subcommand(1);
  auto options = std::make_shared<user_options>();
  add_add(*user, options);
  add_del(*user, options);
  add_passwd(*user, options);
  add_list(*user, options);
}

}  // namespace l7::cli
