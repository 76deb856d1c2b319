#include "mail/web/assets.hpp"

namespace l7::mail::web::detail {

const std::string_view inbox_css = R"l7(
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: #1d2330; background: #f4f5f7;
       height: 100vh; display: flex; flex-direction: column; }
header { display: flex; align-items: center; gap: 12px; padding: 8px 16px; background: #1d2330; color: #fff; }
header h1 { font-size: 16px; margin: 0 8px 0 0; }
#search { flex: 1; max-width: 480px; padding: 6px 8px; border: 0; border-radius: 4px; }
#count { opacity: .8; }
#live { font-size: 12px; padding: 2px 8px; border-radius: 10px; background: #7a3b3b; }
#live.on { background: #2f7a4a; }
button { cursor: pointer; padding: 5px 10px; border: 1px solid #b9bfcc; border-radius: 4px; background: #fff; }
header button { margin-left: auto; }
main { flex: 1; display: flex; min-height: 0; }
#list-pane { width: 45%; overflow: auto; border-right: 1px solid #d5d9e0; background: #fff; }
#list { width: 100%; border-collapse: collapse; }
#list th { position: sticky; top: 0; background: #eceef2; text-align: left; font-weight: 600; }
#list th, #list td { padding: 6px 8px; border-bottom: 1px solid #eceef2; white-space: nowrap;
                     overflow: hidden; text-overflow: ellipsis; max-width: 220px; }
#list tbody tr { cursor: pointer; }
#list tbody tr:hover { background: #f0f4ff; }
#list tbody tr.selected { background: #dce6ff; }
#list tbody tr.fresh td { font-weight: 600; }
#empty, #error { padding: 16px; color: #5b6475; }
#error { color: #a33; }
#view { flex: 1; overflow: auto; padding: 12px 16px; display: flex; flex-direction: column; gap: 8px; }
#view-head { display: flex; align-items: center; gap: 12px; }
#view-head h2 { flex: 1; margin: 0; font-size: 18px; }
#v-meta td:first-child { color: #5b6475; padding-right: 12px; vertical-align: top; white-space: nowrap; }
#v-attachments a { display: inline-block; margin: 0 8px 4px 0; padding: 2px 8px; background: #eceef2;
                   border-radius: 4px; text-decoration: none; color: #1d2330; }
#tabs button.active { background: #1d2330; color: #fff; border-color: #1d2330; }
#v-body { flex: 1; min-height: 300px; display: flex; }
#v-body iframe { flex: 1; border: 1px solid #d5d9e0; background: #fff; min-height: 400px; }
#v-body pre { flex: 1; margin: 0; padding: 8px; background: #fff; border: 1px solid #d5d9e0;
              white-space: pre-wrap; word-break: break-word; overflow: auto; }
#v-body table { border-collapse: collapse; background: #fff; }
#v-body table td { border-bottom: 1px solid #eceef2; padding: 3px 8px; vertical-align: top; word-break: break-word; }
)l7";

}  // namespace l7::mail::web::detail
