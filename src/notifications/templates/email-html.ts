// The HTML part: the cached MJML skeleton for this message's shape, with escaped values in its slots.
import type { MessageContent } from './content.js';
import { escapeHtml, readableTextOn, safeColor, safeUrl, textToHtml } from './escape.js';
import { fillSkeleton, type LayoutShape, skeletonFor } from './layout.js';
import { anchor, fillHtml } from './placeholders.js';
import type { BrandLook } from './types.js';

const DEFAULT_PRIMARY = '#1f2937';
const DEFAULT_ACCENT = '#2563eb';
const MUTED = '#6b7280';
const DARK_TEXT = '#111827';

/** A colour dark enough to carry white text is dark enough to be text on white. */
const readsOnWhite = (color: string): boolean => readableTextOn(color) === '#ffffff';

export async function emailHtml(content: MessageContent, brand: BrandLook): Promise<string> {
  const shape = layoutShape(content, brand);
  const skeleton = await skeletonFor(shape);
  return fillSkeleton(skeleton, slotValues(content, brand, shape));
}

function layoutShape(content: MessageContent, brand: BrandLook): LayoutShape {
  const primary = safeColor(brand.primaryColor, DEFAULT_PRIMARY);
  const accent = safeColor(brand.accentColor, brand.primaryColor ? primary : DEFAULT_ACCENT);
  return {
    lang: content.language,
    primary,
    accent,
    onPrimary: readableTextOn(primary),
    onAccent: readableTextOn(accent),
    link: readsOnWhite(accent) ? accent : DARK_TEXT,
    brandText: readsOnWhite(primary) ? primary : DARK_TEXT,
    logo: safeUrl(brand.logoUrl) !== undefined,
    details: content.details.length > 0,
    next: content.next !== undefined,
    personal: content.personal !== undefined,
    personalImage: content.personal?.imageUrl !== undefined,
    labelButton: content.labelButton !== undefined,
    receipt: content.receipt !== undefined,
    crossSellImages: content.crossSells.map((item) => item.imageUrl !== undefined),
  };
}

function slotValues(content: MessageContent, brand: BrandLook, shape: LayoutShape): Record<string, string> {
  const fill = (template: string) => fillHtml(template, content.values, shape.link);
  const { common } = content.text;
  const values: Record<string, string> = {
    title: escapeHtml(content.subject),
    preheader: escapeHtml(content.preheader),
    brandName: escapeHtml(brand.name),
    logoUrl: escapeHtml(safeUrl(brand.logoUrl) ?? ''),
    heading: fill(content.heading),
    greeting: fill(content.greeting),
    body: fill(content.body),
    details: detailRowsHtml(content),
    next: content.next ? calloutHtml(escapeHtml(common.nextTitle), fill(content.next), shape.accent) : '',
    personal: content.personal ? calloutHtml(content.personalTitle ? fill(content.personalTitle) : '', textToHtml(content.personal.text), shape.accent) : '',
    personalImage: escapeHtml(content.personal?.imageUrl ?? ''),
    labelButtonUrl: escapeHtml(content.labelButton?.url ?? ''),
    labelButtonLabel: escapeHtml(content.labelButton?.label ?? ''),
    buttonUrl: escapeHtml(content.button.url),
    buttonLabel: escapeHtml(content.button.label),
    receiptTitle: escapeHtml(common.receiptTitle),
    receipt: receiptHtml(content),
    signOff: fill(content.signOff),
    crossSellsTitle: escapeHtml(common.crossSellsTitle),
    footer: footerHtml(content, shape.link),
  };
  content.crossSells.forEach((item, i) => {
    values[`crossSell${i}Image`] = escapeHtml(item.imageUrl ?? '');
    values[`crossSell${i}Url`] = escapeHtml(item.url);
    values[`crossSell${i}Alt`] = escapeHtml(item.title);
    values[`crossSell${i}`] = anchor(item.url, item.title, shape.link) + (item.price ? `<br><span style="color:${MUTED};">${escapeHtml(item.price)}</span>` : '');
  });
  return values;
}

function detailRowsHtml(content: MessageContent): string {
  return content.details
    .map(
      (row) =>
        `<tr><td style="padding:4px 16px 4px 0;color:${MUTED};vertical-align:top;width:40%;">${escapeHtml(row.label)}</td>` +
        `<td style="padding:4px 0;font-weight:600;vertical-align:top;">${escapeHtml(row.value)}</td></tr>`,
    )
    .join('');
}

function receiptHtml(content: MessageContent): string {
  if (!content.receipt) return '';
  const { common } = content.text;
  const cell = 'padding:8px 0;border-bottom:1px solid #e5e7eb;vertical-align:top;';
  const headerRow =
    `<tr><th align="left" style="${cell}color:${MUTED};font-weight:400;">${escapeHtml(common.item)}</th>` +
    `<th align="center" style="${cell}color:${MUTED};font-weight:400;width:56px;">${escapeHtml(common.quantity)}</th>` +
    `<th align="right" style="${cell}color:${MUTED};font-weight:400;">${escapeHtml(common.price)}</th></tr>`;
  const lines = content.receipt.lines.map(
    (line) =>
      `<tr><td style="${cell}">${escapeHtml(line.name)}</td>` +
      `<td align="center" style="${cell}">${line.quantity}</td>` +
      `<td align="right" style="${cell}white-space:nowrap;">${escapeHtml(line.amount ?? '')}</td></tr>`,
  );
  const total = content.receipt.total
    ? `<tr><td colspan="2" style="padding:10px 0;font-weight:700;">${escapeHtml(common.total)}</td>` +
      `<td align="right" style="padding:10px 0;font-weight:700;white-space:nowrap;">${escapeHtml(content.receipt.total)}</td></tr>`
    : '';
  return headerRow + lines.join('') + total;
}

/** A titled note with a coloured rule, for "what to do next" and a person's message. */
const calloutHtml = (titleHtml: string, bodyHtml: string, accent: string): string =>
  `<div style="border-left:4px solid ${accent};background:#f9fafb;padding:12px 16px;">` +
  (titleHtml ? `<strong>${titleHtml}</strong><br>` : '') +
  `${bodyHtml}</div>`;

function footerHtml(content: MessageContent, linkColor: string): string {
  const lines = content.supportLines.map((line) => fillHtml(line, content.values, linkColor));
  lines.push(fillHtml(content.footerReason, content.values, linkColor));
  if (content.unsubscribe) lines.push(anchor(content.unsubscribe.url, content.unsubscribe.label, MUTED));
  return lines.join('<br>');
}
