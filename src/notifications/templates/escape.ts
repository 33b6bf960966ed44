// Everything that reaches the HTML from data or from a brand passes through here.

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const NEEDS_ESCAPING = /[&<>"']/;

/** Safe in element content and in quoted attributes alike. Most text has nothing to escape: it is returned as it is. */
export const escapeHtml = (text: string): string => (NEEDS_ESCAPING.test(text) ? text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!) : text);

/** Plain text (a person's note, a brand's override) shown as text: escaped, line breaks kept. */
export const textToHtml = (text: string): string => escapeHtml(text).replace(/\r\n|\r|\n/g, '<br>');

/** Only web and mail links: a `javascript:` or `data:` URL would survive escaping and still run. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const trimmed = url.trim();
  return /^(https?:\/\/|mailto:)/i.test(trimmed) ? trimmed : undefined;
}

/** Colours go into CSS, where escaping is not enough: accept hex only. */
export function safeColor(color: string | undefined, fallback: string): string {
  return color && /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(color) ? color.toLowerCase() : fallback;
}

/** White or near-black text, whichever reads better on the given hex background (WCAG luminance). */
export function readableTextOn(background: string): string {
  const hex = background.length === 4 ? [...background.slice(1)].map((d) => d + d).join('') : background.slice(1);
  const channel = (offset: number) => {
    const c = parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
  // Contrast with white is (1.05)/(L+0.05); with #111827 (L≈0.012) it is (L+0.05)/0.062.
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.062 ? '#ffffff' : '#111827';
}
