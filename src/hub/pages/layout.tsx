/** @jsxImportSource hono/jsx */
// The frame of every hub page in the brand's look: its header (logo, navigation), the language
// switch, its footer (text, links, support contact). No script, no font file, no third-party
// asset unless the brand itself points at one. The brand's header and footer are rendered once
// per theme version and language, then reused as they are.
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { fill, type HubLanguage, type HubText, HUB_LANGUAGES, HUB_TEXT } from '../i18n/index.js';
import type { CompiledTheme } from '../theme.js';

export type PageFrame = {
  theme: CompiledTheme;
  language: HubLanguage;
  title: string;
  /** Where the language links point: the current path, with ?lang= added. */
  path?: string;
};

function BrandHeader({ theme, text }: { theme: CompiledTheme; text: HubText }) {
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
        {theme.nav.length > 0 ? (
          <nav class="site" aria-label={theme.brandName}>
            <ul>
              {theme.nav.map((item) => (
                <li><a href={item.url}>{item.label}</a></li>
              ))}
            </ul>
          </nav>
        ) : null}
      </div>
    </header>
  );
}

function BrandFooter({ theme, text }: { theme: CompiledTheme; text: HubText }) {
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
      {theme.footer.text ? <p>{theme.footer.text}</p> : null}
      {theme.footer.links.length > 0 ? (
        <ul>
          {theme.footer.links.map((item) => (
            <li><a href={item.url}>{item.label}</a></li>
          ))}
        </ul>
      ) : null}
      <p>{text.poweredBy}</p>
      </div>
    </footer>
  );
}

const fragments = new Map<string, { header: string; footer: string }>();

/** The brand's header and footer as HTML, made once per theme version and language. */
function brandFragments(theme: CompiledTheme, language: HubLanguage) {
  const key = `${theme.version}|${language}`;
  let hit = fragments.get(key);
  if (!hit) {
    const text = HUB_TEXT[language];
    hit = { header: String(<BrandHeader theme={theme} text={text} />), footer: String(<BrandFooter theme={theme} text={text} />) };
    if (fragments.size > 20_000) fragments.clear();
    fragments.set(key, hit);
  }
  return hit;
}

function LanguageSwitch({ language, path }: { language: HubLanguage; path: string }) {
  const join = path.includes('?') ? '&' : '?';
  return (
    <nav class="langs noprint" aria-label={HUB_TEXT[language].languages}>
      <ul>
        {HUB_LANGUAGES.map((l) =>
          l === language ? (
            <li><span aria-current="true" lang={l}>{HUB_TEXT[l].languageName}</span></li>
          ) : (
            <li><a href={`${path}${join}lang=${l}`} lang={l} hreflang={l}>{HUB_TEXT[l].languageName}</a></li>
          ),
        )}
      </ul>
    </nav>
  );
}

export function HubLayout({ frame, children }: { frame: PageFrame; children: Child }) {
  const { theme, language } = frame;
  const parts = brandFragments(theme, language);
  return (
    <html lang={language}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{frame.title}</title>
        <style>{raw(theme.css)}</style>
      </head>
      <body>
        {raw(parts.header)}
        <main id="main">
          {children}
          {frame.path ? <LanguageSwitch language={language} path={frame.path} /> : null}
        </main>
        {raw(parts.footer)}
      </body>
    </html>
  );
}

export const htmlDocument = (node: unknown): string => `<!doctype html>${String(node)}`;
