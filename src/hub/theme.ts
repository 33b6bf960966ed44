// A brand's hub theme: logo, colours, fonts, navigation, footer and support contact, kept in the
// brand's settings JSON under `theme` (uploaded files only by digest: brand-assets.ts). Everything a brand sends is validated here (hex colours,
// font names without punctuation that could end a CSS rule, http(s) links only), and the CSS the
// theme produces is computed once per settings version and reused by every page view.
import { createHash } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import type { BrandRow } from '../db/schema.js';
import { HUB_LANGUAGES } from './i18n/index.js';
import { strictObject, webUrl } from '../api/request-fields.js';

const color = z.string().regex(/^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, { message: 'must be a hex colour such as #1f7a4d' });
const label = z.string().trim().min(1).max(60);
const footerText = z.string().trim().max(500);
/**
 * The same words (or address) in other languages of the page, where the brand has them: keys are
 * the page's languages, and a language left out shows the default.
 */
const byLanguage = <T extends z.ZodType>(value: T) =>
  strictObject(Object.fromEntries(HUB_LANGUAGES.map((language) => [language, value.optional()])) as Record<string, z.ZodOptional<T>>).optional();
const link = strictObject({
  label,
  url: webUrl,
  labelByLanguage: byLanguage(label).openapi({ description: 'The label in other languages of the page, e.g. {"es": "Tienda"}; label is shown in any language left out' }),
  urlByLanguage: byLanguage(webUrl).openapi({ description: 'Where the link goes in other languages of the page (a shop with /es/ pages); url in any language left out' }),
});
const fontStack = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9 ,'"-]+$/, { message: 'must be a CSS font-family list such as "Inter", system-ui, sans-serif (letters, digits, spaces, commas, quotes, hyphens)' });

const LOGO_DATA = /^data:image\/(svg\+xml|png|jpeg|webp|gif);base64,[A-Za-z0-9+/]+=*$/;
export const MAX_LOGO_BYTES = 96 * 1024;

/** How many bytes a base64 text decodes to. */
const base64Bytes = (text: string) => Math.floor((text.length * 3) / 4) - (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0);

/** A base64 data URI of at most `maxBytes` bytes (the cheap length check first: base64 is 4/3 the size, plus the prefix); one problem named once. */
const dataUri = (maxBytes: number, pattern: RegExp, message: string) =>
  z
    .string()
    .max(Math.ceil((maxBytes * 4) / 3) + 40, { message, abort: true })
    .regex(pattern, { message, abort: true })
    .refine((uri) => base64Bytes(uri.slice(uri.indexOf(',') + 1)) <= maxBytes, { message });

const FONT_DATA = /^data:font\/woff2;base64,[A-Za-z0-9+/]+=*$/;
export const MAX_FONT_BYTES = 256 * 1024;
export const MAX_FONT_FILES = 4;
const ASSET_DIGEST = /^[A-Za-z0-9_-]{43}$/;
/** The digest of a file saved before (the SHA-256 of its bytes, base64url), as GET /v1/brand/theme gives it. */
const savedAsset = (what: string) =>
  z
    .string()
    .regex(ASSET_DIGEST, { message: `must be the asset of a ${what} saved before, as GET /v1/brand/theme gives it` })
    .optional();
/**
 * A typeface of the brand's own, uploaded as WOFF2 (`data`) and served by Waybill from the page's
 * host. Once saved, the bytes live in brand_assets and the theme keeps their digest (`asset`),
 * which is also how a saved file is kept when the theme is sent again.
 */
const fontFile = strictObject({
  family: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9 -]{1,60}$/, { message: 'must be a font family name such as Brand Sans (letters, digits, spaces, hyphens)' })
    .openapi({ description: 'The name to use in fonts.body and fonts.headings' }),
  data: dataUri(MAX_FONT_BYTES, FONT_DATA, 'must be a base64 data URI of a WOFF2 font (data:font/woff2;base64,…), at most 256 KB').optional().openapi({ description: 'A new file' }),
  asset: savedAsset('font').openapi({ description: 'A file saved before (GET /v1/brand/theme gives it), kept as it is' }),
  weight: z.number().int().min(100).max(900).multipleOf(100).default(400),
  style: z.enum(['normal', 'italic']).default('normal'),
}).refine((file) => Boolean(file.data) !== Boolean(file.asset), { message: 'give the font as data or as asset, one of the two' });
export type FontFile = z.infer<typeof fontFile>;

export const ThemeSchema = strictObject({
  logo: strictObject({
    data: dataUri(MAX_LOGO_BYTES, LOGO_DATA, 'must be a base64 data URI of an SVG, PNG, JPEG, WebP or GIF image, at most 96 KB')
      .optional()
      .openapi({
        description:
          'A new logo file, served by Waybill from the page’s own host (no third-party request). Once saved, its bytes are kept apart from the theme, which keeps their digest as asset',
      }),
    asset: savedAsset('logo').openapi({ description: 'The logo saved before (GET /v1/brand/theme gives it, and its address as logoUrl), kept as it is' }),
    url: webUrl.optional().openapi({ description: 'Or where the logo lives (the browser fetches it from there)' }),
    alt: z.string().trim().min(1).max(100).optional().openapi({ description: 'Defaults to the brand name' }),
    width: z.number().int().min(16).max(600),
    height: z.number().int().min(16).max(120),
  })
    .refine((logo) => [logo.data, logo.asset, logo.url].filter(Boolean).length === 1, { message: 'give the logo as data, asset or url, one of the three' })
    .optional(),
  colors: strictObject({ primary: color.optional(), accent: color.optional(), background: color.optional() })
    .optional()
    .openapi({ description: 'primary: the header; accent: links, buttons and progress; background: around the cards' }),
  fonts: strictObject({ body: fontStack.optional(), headings: fontStack.optional(), files: z.array(fontFile).max(MAX_FONT_FILES).optional() })
    .optional()
    .openapi({
      description:
        'body and headings: CSS font-family lists. files: up to four WOFF2 files of the brand’s own typeface, served from the page’s own host (no third-party request) and shown only if they arrive in time (font-display: optional), so the layout never jumps; with files and no body font, the first file’s family is the body font',
    }),
  homeUrl: webUrl.optional().openapi({ description: 'Where the logo links to: the shop’s home page' }),
  nav: z.array(link).max(8).optional(),
  footer: strictObject({
    text: footerText.optional(),
    textByLanguage: byLanguage(footerText).openapi({ description: 'The footer text in other languages of the page; text is shown in any language left out' }),
    links: z.array(link).max(8).optional(),
  }).optional(),
  support: strictObject({ email: z.email().optional(), phone: z.string().regex(/^\+?[0-9 ().-]{5,30}$/, { message: 'must be a phone number' }).optional(), url: webUrl.optional() }).optional(),
  defaultLocale: z.enum(HUB_LANGUAGES as [string, ...string[]]).optional(),
  map: strictObject({
    tileUrl: z
      .string()
      .max(500)
      .regex(/^https:\/\/[^\s"'<>]+$/, { message: 'must be an https URL' })
      .refine((u) => ['{z}', '{x}', '{y}'].every((part) => u.includes(part)), { message: 'must contain {z}, {x} and {y}' })
      .refine((u) => unknownTilePlaceholders(u).length === 0, {
        error: (issue) => `may use only the placeholders {z}, {x}, {y}, {s} and {r}; found ${unknownTilePlaceholders(String(issue.input)).join(', ')}`,
      }),
    attribution: z.string().trim().min(1).max(200),
  })
    .optional()
    .openapi({
      description:
        'A tile server of your own ({z}/{x}/{y} slippy-map tiles over https; {s} and {r} may be used too, filled with the subdomain a and standard resolution for the picture, no other placeholder; attribution is shown as text): the map then draws its tiles under the parcel’s path, and can be panned and zoomed (Leaflet, served by Waybill from the page’s own host; the page then runs that one script, deferred, and allows scripts from its own host only). Without JavaScript, or if no tile loads, the page shows the path over up to 16 of your tiles as a picture. No other third party is asked for anything',
    }),
}).openapi('HubTheme');
export type Theme = z.infer<typeof ThemeSchema>;

/**
 * Placeholders of a tile URL that neither map can fill: both fill {z}, {x} and {y}, {s} (a
 * subdomain) and {r} (the retina suffix); anything else (an API key's {key}) would reach the tile
 * server as literal braces, or make the interactive map throw.
 */
export function unknownTilePlaceholders(template: string): string[] {
  return [...template.matchAll(/\{[^}]*\}/g)].map((m) => m[0]).filter((p) => !TILE_PLACEHOLDERS.has(p));
}
const TILE_PLACEHOLDERS = new Set(['{z}', '{x}', '{y}', '{s}', '{r}']);

export type ThemeLink = z.infer<typeof link>;

/** The brand's navigation and footer as a page in `language` shows them: its own words where it has them. */
export function framingIn(theme: Pick<CompiledTheme, 'nav' | 'footer'>, language: string): { nav: Array<{ label: string; url: string }>; footer: { text?: string; links: Array<{ label: string; url: string }> } } {
  const linkIn = (item: ThemeLink) => ({ label: item.labelByLanguage?.[language] ?? item.label, url: item.urlByLanguage?.[language] ?? item.url });
  return {
    nav: theme.nav.map(linkIn),
    footer: { text: theme.footer.textByLanguage?.[language] ?? theme.footer.text, links: theme.footer.links.map(linkIn) },
  };
}

type Look = { logoUrl?: string; primaryColor?: string; accentColor?: string; supportEmail?: string; supportUrl?: string };

export type CompiledTheme = {
  version: string;
  css: string;
  brandName: string;
  logo: { src: string; alt: string; width: number; height: number } | null;
  /** Where the page asks for each of the brand's own font files, in the order given. */
  fonts: Array<{ src: string }>;
  homeUrl: string | null;
  nav: ThemeLink[];
  footer: { text?: string; textByLanguage?: Partial<Record<string, string>>; links: ThemeLink[] };
  support: { email?: string; phone?: string; url?: string };
  defaultLocale: string | null;
  map: { tileUrl: string; attribution: string } | null;
};

const DEFAULTS = { primary: '#1c1c1c', accent: '#0b57d0', background: '#f6f6f4' };
const SYSTEM_FONTS = 'system-ui,-apple-system,"Segoe UI",Roboto,sans-serif';

const channels = (hex: string): number[] => {
  const full = hex.length === 4 ? [...hex.slice(1)].map((d) => d + d).join('') : hex.slice(1);
  return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16));
};
const luminance = (rgb: number[]) => {
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
};
/** WCAG contrast ratio of two hex colours. */
export function contrast(a: string, b: string): number {
  const [la, lb] = [luminance(channels(a)), luminance(channels(b))].sort((x, y) => y - x);
  return (la! + 0.05) / (lb! + 0.05);
}
const toHex = (rgb: number[]) => `#${rgb.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;

/** The brand's colour, darkened just enough to read as text on white (4.5:1, WCAG AA). */
export function readableOnWhite(hex: string): string {
  let rgb = channels(hex);
  for (let i = 0; i < 20 && contrast(toHex(rgb), '#ffffff') < 4.5; i++) rgb = rgb.map((v) => v * 0.88);
  return toHex(rgb);
}

/** Black or white, whichever stands out more on the colour. */
const inkOn = (hex: string) => (contrast(hex, '#000000') >= contrast(hex, '#ffffff') ? '#000000' : '#ffffff');

export function themeOf(brand: Pick<BrandRow, 'settings'>): Theme {
  const settings = JSON.parse(brand.settings) as { theme?: Theme };
  return settings.theme ?? {};
}

/** The theme, with the brand's email look as the fallback for colours, logo and support contact. */
export function compileTheme(brand: Pick<BrandRow, 'id' | 'name' | 'settings'>, override?: Theme): CompiledTheme {
  const settings = JSON.parse(brand.settings) as { theme?: Theme; look?: Look; notifications?: { defaultLocale?: string } };
  const theme = override ?? settings.theme ?? {};
  const look = settings.look ?? {};
  const primary = (theme.colors?.primary ?? look.primaryColor ?? DEFAULTS.primary).toLowerCase();
  const accent = (theme.colors?.accent ?? look.accentColor ?? DEFAULTS.accent).toLowerCase();
  const background = (theme.colors?.background ?? DEFAULTS.background).toLowerCase();
  // A preview's new logo and fonts are not saved yet, so they travel inside the page itself (as
  // data:), and its version keeps its frame apart from the saved theme's.
  const version = (override !== undefined ? 'preview-' : '') + createHash('sha256').update(JSON.stringify([brand.name, theme, look])).digest('base64url').slice(0, 10);
  const files = theme.fonts?.files ?? [];
  const body = theme.fonts?.body ?? (files[0] ? `"${files[0].family}",${SYSTEM_FONTS}` : SYSTEM_FONTS);
  const fonts = files.map((file) => ({ src: file.data ?? fontSrc(brand.id, file.asset!) }));
  return {
    version,
    css: fontFaces(files, fonts) + pageCss({ primary, accent, background, body, headings: theme.fonts?.headings ?? body }),
    brandName: brand.name,
    logo: logoOf(brand, theme, look),
    fonts,
    homeUrl: theme.homeUrl ?? null,
    nav: theme.nav ?? [],
    footer: { text: theme.footer?.text, textByLanguage: theme.footer?.textByLanguage, links: theme.footer?.links ?? [] },
    support: { email: theme.support?.email ?? look.supportEmail, phone: theme.support?.phone, url: theme.support?.url ?? look.supportUrl },
    defaultLocale: theme.defaultLocale ?? settings.notifications?.defaultLocale ?? null,
    map: theme.map ?? null,
  };
}

function logoOf(brand: Pick<BrandRow, 'id' | 'name'>, theme: Theme, look: Look): CompiledTheme['logo'] {
  const logo = theme.logo;
  const src = logo?.data ?? (logo?.asset ? logoSrc(brand.id, logo.asset) : logo?.url);
  if (logo && src) return { src, alt: logo.alt ?? brand.name, width: logo.width, height: logo.height };
  if (look.logoUrl && /^https?:\/\//i.test(look.logoUrl)) return { src: look.logoUrl, alt: brand.name, width: 160, height: 40 };
  return null;
}

/** Addressed by their digest: the same address always means the same bytes. */
export const fontSrc = (brandId: string, digest: string) => `/hub-assets/${brandId}/font/${digest}`;
export const logoSrc = (brandId: string, digest: string) => `/hub-assets/${brandId}/logo/${digest}`;

/**
 * @font-face rules for the brand's own files. `optional`: a font that is not there within the
 * browser's short wait is skipped for this view (and cached for the next), so text never re-flows.
 */
function fontFaces(files: ReadonlyArray<z.infer<typeof fontFile>>, served: CompiledTheme['fonts']): string {
  return files
    .map((file, index) => `@font-face{font-family:"${file.family}";src:url(${served[index]!.src}) format("woff2");font-weight:${file.weight};font-style:${file.style};font-display:optional}\n`)
    .join('');
}

const cache = new Map<string, { settings: string; name: string; theme: CompiledTheme }>();

/** The compiled theme of a brand, recomputed only when its settings or name change. */
export function cachedTheme(brand: Pick<BrandRow, 'id' | 'name' | 'settings'>): CompiledTheme {
  const hit = cache.get(brand.id);
  if (hit && hit.settings === brand.settings && hit.name === brand.name) return hit.theme;
  const theme = compileTheme(brand);
  if (cache.size > 10_000) cache.clear();
  cache.set(brand.id, { settings: brand.settings, name: brand.name, theme });
  return theme;
}

/**
 * The page's whole stylesheet: brand colours and fonts as custom properties over one fixed
 * sheet. Every box that could move once something loads (logo, product images, the map) has
 * its size set here or in its attributes, so nothing jumps.
 */
function pageCss(t: { primary: string; accent: string; background: string; body: string; headings: string }): string {
  const onPrimary = inkOn(t.primary);
  const onAccent = inkOn(t.accent);
  return `:root{--p:${t.primary};--on-p:${onPrimary};--a:${t.accent};--on-a:${onAccent};--link:${readableOnWhite(t.accent)};--bg:${t.background};--font:${t.body};--hfont:${t.headings}}
*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}body{font:16px/1.5 var(--font);margin:0;color:#1c1c1c;background:var(--bg)}
a{color:var(--link)}a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible{outline:3px solid var(--link);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem}.skip:focus{left:.5rem}
header.brand{background:var(--p);color:var(--on-p)}header.brand .in{max-width:46rem;margin:0 auto;padding:.6rem 1rem;display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.25rem;min-height:3.5rem}
header.brand a{color:var(--on-p)}.logo{display:block;max-width:60vw;height:auto}.bname{font:700 1.2rem var(--hfont);text-decoration:none}
nav.site ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;margin:0;padding:0}nav.site a{text-decoration:none;font-size:.95rem}nav.site a:hover{text-decoration:underline}
main{max-width:46rem;margin:0 auto;padding:.5rem 1rem 1rem}h1,h2,h3{font-family:var(--hfont);line-height:1.25}h1{font-size:1.45rem;margin:.25rem 0}h2{font-size:1.15rem;margin:.25rem 0 .5rem}h3{font-size:1rem;margin:.75rem 0 .25rem}
.card{background:#fff;border-radius:10px;padding:1rem 1.25rem;margin:1rem 0;box-shadow:0 1px 2px rgba(0,0,0,.1)}
.muted{color:#545454}.status{font-size:1.25rem;font-weight:650;margin:.25rem 0}.warn{color:#8a3b00;font-weight:600}
ol.stages{display:grid;grid-template-columns:repeat(5,minmax(min-content,1fr));list-style:none;padding:0;margin:1rem 0;gap:4px}ol.stages li{font-size:.75rem;text-align:center;color:#545454}@media(max-width:360px){.card{padding:1rem .75rem}ol.stages{grid-template-columns:repeat(5,minmax(0,1fr))}ol.stages li{font-size:.6875rem;overflow-wrap:anywhere;hyphens:auto}}
ol.stages li:before{content:"";display:block;height:8px;border-radius:4px;background:#d6d6d6;margin-bottom:4px}ol.stages li.done:before{background:var(--a)}ol.stages li.done{color:#1c1c1c}ol.stages li[aria-current]{font-weight:700}
ul.timeline{list-style:none;padding:0;margin:0}ul.timeline li{padding:.5rem 0;border-top:1px solid #e6e6e6}.ct{color:#545454;font-size:.9rem}
.map{display:block;width:100%;height:auto;aspect-ratio:2/1;background:#dfe9f2;border-radius:8px;margin:.5rem 0}.map .land{fill:#f3f1ea;stroke:#c9c3b3;stroke-width:.6}
.map .route{fill:none;stroke:var(--a);stroke-width:4;stroke-linecap:round;stroke-linejoin:round}.map .plan{fill:none;stroke:#6b6b6b;stroke-width:3;stroke-dasharray:8 8}
.map circle{fill:#fff;stroke:var(--a);stroke-width:3}.map circle.here{fill:var(--a)}.map text{font:20px var(--font);fill:#1c1c1c;paint-order:stroke;stroke:#fff;stroke-width:4px}
figure{margin:0}figcaption{font-size:.8rem;color:#545454}
ul.items{margin:.25rem 0;padding-left:1.25rem}
.xs{display:grid;grid-template-columns:repeat(auto-fill,minmax(9.5rem,1fr));gap:.75rem;list-style:none;padding:0;margin:0}
.xs a{display:block;text-decoration:none;color:#1c1c1c;border:1px solid #e6e6e6;border-radius:8px;padding:.5rem;height:100%}.xs a:hover{border-color:var(--a)}
.xs img,.xs .ph{display:block;width:100%;height:auto;aspect-ratio:1/1;object-fit:cover;border-radius:6px;background:#eee}.xs .t{display:block;margin-top:.35rem;font-weight:600;color:var(--link)}.xs .pr{display:block}
.btn{display:inline-block;background:var(--a);color:var(--on-a);border:0;border-radius:6px;padding:.6rem 1.1rem;font:600 1rem var(--font);text-decoration:none;cursor:pointer}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}input,select,textarea{font:inherit;padding:.5rem;border:1px solid #767676;border-radius:6px;width:100%;max-width:28rem;background:#fff;color:#1c1c1c}
input[type=number]{width:6rem}.hint{font-weight:400;color:#545454;font-size:.9rem}.err{color:#a00000;font-weight:600}
fieldset{border:0;padding:0;margin:0}legend{font-weight:600;margin:.75rem 0 .25rem;padding:0}
footer.brand{background:#fff;color:#545454;font-size:.9rem;border-top:1px solid #e6e6e6}footer.brand .in{max-width:46rem;margin:0 auto;padding:.5rem 1rem}footer.brand ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;padding:0;margin:.5rem 0}
nav.langs{background:#fff;border-radius:10px;padding:.25rem 1.25rem;margin:1rem 0}nav.langs ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;padding:0;margin:.5rem 0}
.label{border:2px solid #1c1c1c;padding:1rem;max-width:30rem;background:#fff}.label .tn{font:700 1.4rem ui-monospace,monospace;letter-spacing:.05em}
@media print{header.brand,footer.brand,nav,.noprint{display:none}body{background:#fff}.card{box-shadow:none}}`;
}
