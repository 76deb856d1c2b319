#include "mail/web/assets.hpp"

namespace l7::mail::web::detail {

const std::string_view inbox_html = R"l7(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>l7 mail</title>
<link rel="stylesheet" href="/mail/style.css">
<script src="/mail/app.js" defer></script>
</head>
<body>
<header>
  <h1>l7 mail</h1>
  <input id="search" type="search" placeholder="Search subject, from, to" autocomplete="off">
  <span id="count"></span>
  <span id="live" class="off" title="new mail appears without reloading">offline</span>
  <button id="purge" type="button">Delete all</button>
</header>
<main>
  <section id="list-pane">
    <table id="list">
      <thead><tr><th>From</th><th>Subject</th><th>To</th><th>Received</th></tr></thead>
      <tbody></tbody>
    </table>
    <p id="empty" hidden>No messages. Send mail to the SMTP port: it lands here.</p>
    <p id="error" hidden></p>
  </section>
  <section id="view" hidden>
    <div id="view-head">
      <h2 id="v-subject"></h2>
      <button id="delete" type="button">Delete</button>
    </div>
    <table id="v-meta"><tbody></tbody></table>
    <div id="v-attachments"></div>
    <nav id="tabs">
      <button type="button" data-tab="html">HTML</button>
      <button type="button" data-tab="text">Text</button>
      <button type="button" data-tab="headers">Headers</button>
      <button type="button" data-tab="raw">Raw</button>
      <button type="button" data-tab="transcript">SMTP transcript</button>
    </nav>
    <div id="v-body"></div>
  </section>
</main>
</body>
</html>
)l7";

}  // namespace l7::mail::web::detail
