/** @jsxImportSource hono/jsx */
// Public pages: the branded hub (src/hub: the order's page at /t/{token}, the lookup form, the
// returns portal) and Waybill's own start page at /. Server-rendered, no script (but the hub's
// interactive map, on order pages whose brand runs a tile server: src/hub/README.md, and the
// demo's pages, which reload themselves: liveReloadScript).
import { raw } from 'hono/html';
import { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppEnv } from '../api/context.js';
import type { Deps } from '../deps.js';
import { createHubPages } from '../hub/routes.js';

const CSS = `*{box-sizing:border-box}body{font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1c1c1c;background:#f6f6f4}
main{max-width:44rem;margin:0 auto;padding:1rem}body>header{background:#1c1c1c;color:#fff;padding:.75rem 1rem}body>header a{color:#fff}
.card{background:#fff;border-radius:10px;padding:1rem 1.25rem;margin:1rem 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
h1{font-size:1.4rem;margin:.25rem 0}h2{font-size:1.15rem;margin:.25rem 0}.muted{color:#5b5b5b}.status{font-size:1.25rem;font-weight:650}
.warn{color:#8a3b00}ol.stages{display:flex;list-style:none;padding:0;margin:1rem 0;gap:4px}ol.stages li{flex:1;font-size:.75rem;text-align:center;color:#5b5b5b}
ol.stages li:before{content:"";display:block;height:6px;border-radius:3px;background:#ddd;margin-bottom:4px}ol.stages li.done:before{background:#1f7a4d}
ol.stages li.done{color:#1c1c1c}ul.timeline{list-style:none;padding:0;margin:0}ul.timeline li{padding:.5rem 0;border-top:1px solid #eee}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.35rem .25rem;border-top:1px solid #eee;font-size:.95rem}td.muted,code{overflow-wrap:anywhere}td.id{white-space:nowrap}
@media (max-width:40rem){table.list tr{display:flex;flex-wrap:wrap;gap:0 .75rem;border-top:1px solid #eee;padding:.35rem .25rem}table.list td{border:0;padding:0}}
a{color:#0b57d0}body.live{padding-bottom:4.5rem}#live-updates{position:fixed;right:1rem;bottom:1rem;z-index:1;font:inherit;font-size:.9rem;padding:.45rem .8rem;border:1px solid #1c1c1c;border-radius:6px;background:#fff;color:#1c1c1c;cursor:pointer}`;

/**
 * A page that follows something live (the demo's pages) reloads itself every `seconds`, with a
 * button to pause that (WCAG 2.2.1: content that refreshes on its own can be stopped); the pause
 * lasts for the tab's session. A reload also waits while someone types in a field of the page or
 * the tab is hidden. Without JavaScript, a meta refresh does it.
 */
function liveReloadScript(seconds: number): string {
  return `(() => {
  const button = document.getElementById('live-updates');
  const KEY = 'waybill-live-updates-paused';
  const remembered = () => { try { return sessionStorage.getItem(KEY) === '1'; } catch { return false; } };
  let paused = remembered();
  const show = () => { button.textContent = paused ? 'Resume live updates' : 'Pause live updates (every ${seconds} s)'; };
  button.addEventListener('click', () => {
    paused = !paused;
    try { sessionStorage.setItem(KEY, paused ? '1' : '0'); } catch {}
    show();
  });
  show();
  button.hidden = false;
  const typing = () => document.activeElement && ['INPUT', 'SELECT', 'TEXTAREA'].includes(document.activeElement.tagName);
  const tick = () => (paused || typing() || document.visibilityState !== 'visible' ? setTimeout(tick, ${seconds * 1000}) : location.reload());
  setTimeout(tick, ${seconds * 1000});
})();`;
}

function Layout({ title, children, refreshSeconds, lang = 'en' }: { title: string; children: Child; refreshSeconds?: number; lang?: string }) {
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {refreshSeconds ? <noscript>{raw(`<meta http-equiv="refresh" content="${refreshSeconds}">`)}</noscript> : null}
        <title>{title}</title>
        <style>{raw(CSS)}</style>
      </head>
      {/* room below the last line for the pause button, which floats over the page's corner */}
      <body class={refreshSeconds ? 'live' : undefined}>
        {refreshSeconds ? (
          <button type="button" id="live-updates" hidden>
            Pause live updates
          </button>
        ) : null}
        {children}
        {refreshSeconds ? <script>{raw(liveReloadScript(refreshSeconds))}</script> : null}
      </body>
    </html>
  );
}

export type StartPage = (deps: Deps) => Promise<string>;

export function createPublicPages(deps: Deps, options: { startPage?: StartPage }) {
  const pages = new Hono<AppEnv>();
  // The branded hub first: on a brand's own domain it answers / with the brand's lookup form.
  pages.route('/', createHubPages(deps));

  pages.get('/', async (c) => {
    if (options.startPage) return c.html(await options.startPage(deps));
    const page = (
      <Layout title="Waybill">
        <main>
          <div class="card">
            <h1>Waybill is running</h1>
            <p>The API lives under <code>/v1</code>: see the <a href="/docs">API reference</a> and <a href="/openapi.json">OpenAPI description</a>.</p>
            <p>Customers reach their orders through the tracking links Waybill gives for each order.</p>
          </div>
        </main>
      </Layout>
    );
    return c.html(`<!doctype html>${page}`);
  });

  return pages;
}

export { Layout };
