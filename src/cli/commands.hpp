// The `l7` subcommands: each add_*_command() registers one subcommand (with its own
// subcommands and options) on the top-level app. Errors are printed to stderr by the command
// itself, which then throws CLI::RuntimeError with a non-zero exit code.
#pragma once

namespace CLI {
class App;
}

namespace l7::cli {

// `l7 user add|del|passwd|list`: the account database (src/app/accounts.hpp).
void add_user_command(CLI::App& app);
// `l7 config default|check`: print the embedded l7.toml, or validate a file.
void add_config_command(CLI::App& app);
// `l7 serve`: run the services (serve.cpp).
void add_serve_command(CLI::App& app);
// `l7 http URL...`: the HTTP client (http.cpp).
void add_http_command(CLI::App& app);
// `l7 dns NAME [TYPE] [@SERVER] [+options]`: the dig-like DNS client (dns.cpp).
void add_dns_command(CLI::App& app);
// `l7 ws URL`: the websocat-like WebSocket client (ws.cpp).
void add_ws_command(CLI::App& app);
// `l7 ftp URL [COMMAND ARGS...]`: the FTP client (ftp.cpp).
void add_ftp_command(CLI::App& app);
// `l7 tftp get|put HOST[:PORT] FILE [LOCAL]`: the TFTP client (tftp.cpp).
void add_tftp_command(CLI::App& app);
// `l7 mail send --server HOST[:PORT] --from A --to B ...`: the SMTP client (mail.cpp).
void add_mail_command(CLI::App& app);
// `l7 mail fetch`: the POP3 / IMAP client (mail_fetch.cpp), added under `l7 mail`.
void add_mail_fetch_command(CLI::App& mail);
void add_mail_queue_command(CLI::App& mail);  // mail_queue.cpp

}  // namespace l7::cli
