/** @jsxImportSource hono/jsx */
// The frame of every hub page in the brand's look: its header (logo, navigation), the language
// switch, its footer (text, links, support contact). No script (but the interactive map's, which
// the order page adds to the head when the brand runs a tile server), no font file, no third-party
// asset unless the brand itself points at one. Everything but the title, the main content and
// the language links (they point at the page's own path) is written once per theme version and
// language, then reused as it is.
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { escapeHtml } from '../../notifications/templates/escape.js';
import { fill, type HubLanguage, type HubText, HUB_LANGUAGES, HUB_TEXT } from '../i18n/index.js';
import { type CompiledTheme, framingIn } from '../theme.js';

export type PageFrame = {
  theme: CompiledTheme;
  language: HubLanguage;
  title: string;
  /** Where the language links point: the current path, with ?lang= added. */
  path?: string;
  /** More for the head, after the title (HTML): the interactive map's files. */
  head?: string;
};

function BrandHeader({ theme, text, nav }: { theme: CompiledTheme; text: HubText; nav: Array<{ label: string; url: string }> }) {
  const mark = theme.logo ? (
    <img class="logo" src={theme.logo.src} alt={theme.logo.alt} width={String(theme.logo.width)} height={String(theme.logo.height)} />
  ) : (
    <span class="bname">{theme.brandName}</span>
  );
  return (
    <header class="brand">
      <a class="skip" href="#main">{text.skipToContent}</a>
      <div class="in">
        {theme.homeUrl ? <a href={theme.homeUrl} class="bname">{mark}</a> : mark}
        {nav.length > 0 ? (
          <nav class="site" aria-label={theme.brandName}>
            <ul>
              {nav.map((item) => (
                <li><a href={item.url}>{item.label}</a></li>
              ))}
            </ul>
          </nav>
        ) : null}
      </div>
    </header>
  );
}

function BrandFooter({ theme, text, footer }: { theme: CompiledTheme; text: HubText; footer: { text?: string; links: Array<{ label: string; url: string }> } }) {
  const { support } = theme;
  const hasSupport = support.email || support.phone || support.url;
  return (
    <footer class="brand">
      <div class="in">
      {hasSupport ? (
        <p>
          <strong>{text.support}</strong>{' '}
          {support.email ? <a href={`mailto:${support.email}`}>{fill(text.supportEmail, { email: support.email })}</a> : null}
          {support.email && support.phone ? ' · ' : null}
          {support.phone ? <a href={`tel:${support.phone.replace(/[^+0-9]/g, '')}`}>{fill(text.supportPhone, { phone: support.phone })}</a> : null}
          {(support.email || support.phone) && support.url ? ' · ' : null}
          {support.url ? <a href={support.url}>{support.url.replace(/^https?:\/\//, '')}</a> : null}
        </p>
      ) : null}
      {footer.text ? <p>{footer.text}</p> : null}
      {footer.links.length > 0 ? (
        <ul>
          {footer.links.map((item) => (
            <li><a href={item.url}>{item.label}</a></li>
          ))}
        </ul>
      ) : null}
      <p>{text.poweredBy}</p>
      </div>
    </footer>
  );
}

/** The page around its title, stylesheet (kept once, in the compiled theme) and main content: made once per theme version and language. */
type Shell = {
  head: string;
  body: string;
  end: string;
  switchStart: string;
  /** Per language: its name as HTML, or the two halves of its link around the page's path. */
  switchItems: Array<string | [string, string]>;
};
const shells = new Map<string, Shell>();

/** The body font's file is asked for with the page, so it usually makes font-display's short wait. */
const fontPreload = (theme: CompiledTheme): string =>
  theme.fonts[0]?.src.startsWith('/') ? `<link rel="preload" href="${escapeHtml(theme.fonts[0].src)}" as="font" type="font/woff2" crossorigin/>` : '';

function shellOf(theme: CompiledTheme, language: HubLanguage): Shell {
  const key = `${theme.version}|${language}`;
  let shell = shells.get(key);
  if (!shell) {
    const text = HUB_TEXT[language];
    const { nav, footer } = framingIn(theme, language);
    shell = {
      head: `<html lang="${language}"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><meta name="referrer" content="no-referrer"/>${fontPreload(theme)}<title>`,
      body: `</style></head><body>${String(<BrandHeader theme={theme} text={text} nav={nav} />)}<main id="main">`,
      end: `</main>${String(<BrandFooter theme={theme} text={text} footer={footer} />)}</body></html>`,
      switchStart: `<nav class="langs noprint" aria-label="${escapeHtml(text.languages)}"><ul>`,
      switchItems: HUB_LANGUAGES.map((l) => {
        const name = escapeHtml(HUB_TEXT[l].languageName);
        return l === language ? `<li><span aria-current="true" lang="${l}">${name}</span></li>` : ['<li><a href="', `${l}" lang="${l}" hreflang="${l}">${name}</a></li>`];
      }),
    };
    if (shells.size > 5_000) shells.clear();
    shells.set(key, shell);
  }
  return shell;
}

/** Links to the page in each language; the current one is named, not linked. */
function languageSwitchHtml(shell: Shell, path: string): string {
  const href = `${escapeHtml(path)}${path.includes('?') ? '&amp;' : '?'}lang=`;
  return `${shell.switchStart}${shell.switchItems.map((item) => (typeof item === 'string' ? item : `${item[0]}${href}${item[1]}`)).join('')}</ul></nav>`;
}

/** A whole hub page as HTML: the brand's frame around `main` (HTML, already escaped). */
export function hubPageHtml(frame: PageFrame, main: string): string {
  const shell = shellOf(frame.theme, frame.language);
  const languages = frame.path ? languageSwitchHtml(shell, frame.path) : '';
  return `<!doctype html>${shell.head}${escapeHtml(frame.title)}</title>${frame.head ?? ''}<style>${frame.theme.css}${shell.body}${main}${languages}${shell.end}`;
}

/** The same frame for pages written in JSX (the lookup form, the returns portal). */
export function HubLayout({ frame, children }: { frame: PageFrame; children: Child }) {
  return raw(hubPageHtml(frame, String(<>{children}</>)).slice('<!doctype html>'.length));
}

export const htmlDocument = (node: unknown): string => `<!doctype html>${String(node)}`;
