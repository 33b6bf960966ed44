/** @jsxImportSource hono/jsx */
// /demo/messages: every email and SMS the demo's customers received, as they would see them —
// rendered emails side by side with SMS bubbles, newest first, a page at a time, or only those of
// one order (?order=NW-10014). Mounted only by `waybill demo`.
import { raw } from 'hono/html';
import type { Deps } from '../deps.js';
import { Layout } from '../web/pages.js';

const STYLE = `.mail{background:#fff;border-radius:10px;margin:1rem 0;box-shadow:0 1px 2px rgba(0,0,0,.08);overflow:hidden}
.mail header{background:#f0f0ee;padding:.5rem 1rem;font-size:.9rem}.mail iframe{width:100%;height:520px;border:0}
.mail pre{white-space:pre-wrap;padding:0 1rem 1rem;margin:0;font:inherit}.mail p{padding:0 1rem}
.sms{max-width:22rem;background:#1f7a4d;color:#fff;border-radius:18px 18px 4px 18px;padding:.6rem .9rem;margin:.6rem 0 .2rem auto}
.meta{font-size:.8rem;color:#5b5b5b;text-align:right;margin-bottom:.8rem}.cols{display:grid;grid-template-columns:2fr 1fr;gap:1.5rem}
.pager{display:flex;justify-content:space-between;margin:1rem 0}
@media (max-width:50rem){.cols{grid-template-columns:1fr}}main.wide{max-width:80rem}`;

/** Messages a page shows, per column. */
export const PER_PAGE = { email: 30, sms: 60 } as const;
const REFRESH_SECONDS = 15;

export type MessagesQuery = { order: string | null; page: number };

export type SentEmail = { order: string; to: string; sentAt: string; subject: string; text: string; /** null once the capture no longer holds it */ html: string | null };
export type SentText = { order: string; to: string; sentAt: string; body: string };
type Column<T> = { total: number; items: T[] };
export type MessagesView = { query: MessagesQuery; /** null when no order was asked for */ orderExists: boolean | null; emails: Column<SentEmail>; texts: Column<SentText> };

/** ?order=nw-10014&page=2, read leniently: the demo's order numbers are upper case, and a page that is not a whole number ≥ 1 is the first. */
export function parseMessagesQuery(query: Record<string, string | undefined>): MessagesQuery {
  const page = Number(query.page);
  return { order: query.order?.trim().toUpperCase() || null, page: Number.isInteger(page) && page >= 1 ? page : 1 };
}

export function messagesHref(query: MessagesQuery): string {
  const params = new URLSearchParams();
  if (query.order) params.set('order', query.order);
  if (query.page > 1) params.set('page', String(query.page));
  return `/demo/messages${params.size ? `?${params}` : ''}`;
}

/** "31–60 of 203": which of a column's messages a page shows. */
export function shownOf(page: number, perPage: number, total: number): string {
  const first = (page - 1) * perPage + 1;
  if (total === 0) return 'none yet';
  if (first > total) return `none of ${total} on this page`;
  return `${first}–${Math.min(total, page * perPage)} of ${total}`;
}

export const hasOlder = (view: MessagesView): boolean =>
  view.query.page * PER_PAGE.email < view.emails.total || view.query.page * PER_PAGE.sms < view.texts.total;

/**
 * Reads one page of what the demo brand sent from its messages table (every message ever sent,
 * with its order), and each email's rendered HTML from the in-memory capture, which keeps only the
 * newest few hundred: older emails show their text version.
 */
export async function loadDemoMessages(deps: Deps, brandId: string, query: MessagesQuery): Promise<MessagesView> {
  const sent = (channel: 'email' | 'sms') =>
    deps.db
      .selectFrom('messages')
      .innerJoin('orders', 'orders.id', 'messages.order_id')
      .where('messages.brand_id', '=', brandId)
      .where('messages.channel', '=', channel)
      .where('messages.sent_at', 'is not', null)
      .$if(query.order !== null, (q) => q.where('orders.number', '=', query.order!));
  const column = async (channel: 'email' | 'sms') => {
    const [{ n }, rows] = await Promise.all([
      sent(channel).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      sent(channel)
        .select(['messages.id', 'orders.number', 'messages.recipient', 'messages.sent_at', 'messages.subject', 'messages.body_text'])
        .orderBy('messages.sent_at', 'desc')
        .orderBy('messages.id', 'desc')
        .limit(PER_PAGE[channel])
        .offset((query.page - 1) * PER_PAGE[channel])
        .execute(),
    ]);
    return { total: Number(n), rows };
  };
  const [emails, texts, order] = await Promise.all([
    column('email'),
    column('sms'),
    query.order ? deps.db.selectFrom('orders').select('id').where('brand_id', '=', brandId).where('number', '=', query.order).executeTakeFirst() : null,
  ]);
  // A captured email's idempotency key is its message's id.
  const html = new Map((deps.messaging.captured?.email.messages ?? []).map((m) => [m.message.idempotencyKey, m.message.html]));
  const common = (row: (typeof emails.rows)[number]) => ({ order: row.number, to: row.recipient ?? '', sentAt: row.sent_at! });
  return {
    query,
    orderExists: query.order ? order !== undefined : null,
    emails: { total: emails.total, items: emails.rows.map((row) => ({ ...common(row), subject: row.subject ?? '', text: row.body_text ?? '', html: html.get(row.id) ?? null })) },
    texts: { total: texts.total, items: texts.rows.map((row) => ({ ...common(row), body: row.body_text ?? '' })) },
  };
}

const demoTime = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

export function renderDemoMessages(view: MessagesView): string {
  const { query, emails, texts } = view;
  const orderLink = (order: string) => <a href={messagesHref({ order, page: 1 })}>{order}</a>;
  const counts = `${emails.total} ${emails.total === 1 ? 'email' : 'emails'} and ${texts.total} ${texts.total === 1 ? 'text' : 'texts'} so far`;
  const pager = (
    <nav class="pager" aria-label="Pages">
      <span>{query.page > 1 ? <a href={messagesHref({ ...query, page: query.page - 1 })}>← Newer messages</a> : null}</span>
      <span>{hasOlder(view) ? <a href={messagesHref({ ...query, page: query.page + 1 })}>Older messages →</a> : null}</span>
    </nav>
  );
  const page = (
    // Only the first page refreshes: on an older one, new messages would shift what is being read.
    <Layout title="Waybill demo — what customers received" refreshSeconds={query.page === 1 ? REFRESH_SECONDS : undefined}>
      <header>
        Waybill demo · <a href="/">parcels</a> · messages
      </header>
      <main class="wide">
        <style>{raw(STYLE)}</style>
        <div class="card">
          <h1>What the customers received</h1>
          {view.orderExists === false ? (
            <p>
              There is no order {query.order} in the demo. <a href={messagesHref({ order: null, page: 1 })}>Every order’s messages</a>
            </p>
          ) : query.order ? (
            <p>
              Every email and text sent about order {query.order}, newest first ({counts}). <a href={messagesHref({ order: null, page: 1 })}>Every order’s messages</a>
            </p>
          ) : (
            <p>Every email and text the demo sent, newest first ({counts}), {PER_PAGE.email} emails and {PER_PAGE.sms} texts a page.</p>
          )}
          <p>
            Nothing leaves this machine: the demo captures messages instead of sending them.{' '}
            {query.page === 1
              ? `This page refreshes every ${REFRESH_SECONDS} seconds (the button at the bottom right pauses that).`
              : 'Older pages do not refresh, so what you read stays put.'}
          </p>
          <form method="get" action="/demo/messages">
            <label>
              One order’s messages: <input name="order" value={query.order ?? ''} placeholder="NW-10001" size={10} />
            </label>{' '}
            <button type="submit">Show</button>
          </form>
        </div>
        {pager}
        <div class="cols">
          <section aria-label="Emails">
            <h2>Emails ({shownOf(query.page, PER_PAGE.email, emails.total)})</h2>
            {emails.items.map((mail) => (
              <article class="mail">
                <header>
                  <strong>{mail.subject}</strong>
                  <br />
                  to {mail.to} · order {orderLink(mail.order)} · {demoTime(mail.sentAt)} (demo time)
                </header>
                {mail.html !== null ? (
                  <iframe title={mail.subject} sandbox="" srcdoc={mail.html} loading="lazy" />
                ) : (
                  <>
                    <p class="muted">Its text version: the demo keeps the rendered version of its newest emails only.</p>
                    <pre>{mail.text}</pre>
                  </>
                )}
              </article>
            ))}
          </section>
          <section aria-label="Text messages">
            <h2>Texts ({shownOf(query.page, PER_PAGE.sms, texts.total)})</h2>
            {texts.items.map((sms) => (
              <div>
                <div class="sms">{sms.body}</div>
                <div class="meta">
                  to {sms.to} · order {orderLink(sms.order)} · {demoTime(sms.sentAt)}
                </div>
              </div>
            ))}
          </section>
        </div>
        {pager}
      </main>
    </Layout>
  );
  return `<!doctype html>${page}`;
}
