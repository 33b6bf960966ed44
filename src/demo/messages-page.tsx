/** @jsxImportSource hono/jsx */
// /demo/messages: every email and SMS the demo's customers received, as they would see them —
// rendered emails side by side with SMS bubbles. Mounted only by `waybill demo`.
import { raw } from 'hono/html';
import type { Deps } from '../deps.js';
import { Layout } from '../web/pages.js';

const STYLE = `.mail{background:#fff;border-radius:10px;margin:1rem 0;box-shadow:0 1px 2px rgba(0,0,0,.08);overflow:hidden}
.mail header{background:#f0f0ee;color:#1c1c1c;padding:.5rem 1rem;font-size:.9rem}.mail iframe{width:100%;height:520px;border:0}
.sms{max-width:22rem;background:#1f7a4d;color:#fff;border-radius:18px 18px 4px 18px;padding:.6rem .9rem;margin:.6rem 0 .2rem auto}
.meta{font-size:.8rem;color:#5b5b5b;text-align:right;margin-bottom:.8rem}.cols{display:grid;grid-template-columns:2fr 1fr;gap:1.5rem}
@media (max-width:50rem){.cols{grid-template-columns:1fr}}main.wide{max-width:80rem}`;

export function renderDemoMessages(deps: Deps): string {
  const captured = deps.messaging.captured;
  const emails = [...(captured?.email.messages ?? [])].reverse().slice(0, 30);
  const texts = [...(captured?.sms.messages ?? [])].reverse().slice(0, 60);
  const recipient = (to: unknown) => (typeof to === 'string' ? to : (to as { address: string }).address);
  const page = (
    <Layout title="Waybill demo — what customers received" refreshSeconds={15}>
      <header>
        Waybill demo · <a href="/">parcels</a> · messages
      </header>
      <main class="wide">
        <style>{raw(STYLE)}</style>
        <div class="card">
          <h1>What the customers received</h1>
          <p>
            Every email and text the demo sent, newest first ({captured?.email.messages.length ?? 0} emails, {captured?.sms.messages.length ?? 0} texts so far).
            Nothing leaves this machine: the demo captures messages instead of sending them. This page refreshes every 15 seconds.
          </p>
        </div>
        <div class="cols">
          <section aria-label="Emails">
            <h2>Emails</h2>
            {emails.map((mail) => (
              <article class="mail">
                <header>
                  <strong>{mail.message.subject}</strong>
                  <br />
                  to {recipient(mail.message.to)} · {mail.sentAt.slice(0, 16).replace('T', ' ')} UTC (demo time)
                </header>
                <iframe title={mail.message.subject} sandbox="" srcdoc={mail.message.html} loading="lazy" />
              </article>
            ))}
          </section>
          <section aria-label="Text messages">
            <h2>Texts</h2>
            {texts.map((sms) => (
              <div>
                <div class="sms">{sms.message.body}</div>
                <div class="meta">
                  to {sms.message.to} · {sms.sentAt.slice(0, 16).replace('T', ' ')}
                </div>
              </div>
            ))}
          </section>
        </div>
      </main>
    </Layout>
  );
  return `<!doctype html>${page}`;
}
