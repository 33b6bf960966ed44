// {{placeholders}}: the one syntax shared by our own wording (locales/*.ts) and brand overrides.
import { type Milestone, MILESTONES } from '../types.js';
import { escapeHtml, safeUrl, textToHtml } from './escape.js';

export const PLACEHOLDERS = [
  'brand.name',
  'customer.firstName',
  'order.number',
  'order.total',
  'order.itemCount',
  'shipment.carrier',
  'shipment.trackingNumber',
  'shipment.status',
  'shipment.reason',
  'shipment.lastLocation',
  'shipment.attemptNumber',
  'estimatedDelivery',
  'links.trackingPage',
  'links.shortTrackingPage',
  'links.returnLabel',
  'return.rma',
  'return.rejectionReason',
  'refund.amount',
  'support.email',
  'support.url',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Partial<Record<Placeholder, string>>;

const KNOWN: ReadonlySet<string> = new Set(PLACEHOLDERS);

/** Values that are addresses: in HTML they become links rather than bare text. */
const LINK_TARGET: Partial<Record<Placeholder, (value: string) => string>> = {
  'links.trackingPage': (url) => url,
  'links.shortTrackingPage': (url) => url,
  'links.returnLabel': (url) => url,
  'support.url': (url) => url,
  'support.email': (address) => `mailto:${address}`,
};

/** Placeholders that only the messages about one return request can fill. */
const RETURN_ONLY: Partial<Record<Placeholder, readonly Milestone[]>> = {
  'return.rma': ['return_requested', 'return_approved', 'return_rejected', 'refund_issued'],
  'return.rejectionReason': ['return_rejected'],
  'refund.amount': ['refund_issued'],
};

/** Messages about the order or a return request, sent with no parcel: nothing of a shipment can fill them. */
const WITHOUT_PARCEL: readonly Milestone[] = ['order_confirmed', 'personal_update', 'return_requested', 'return_rejected', 'refund_issued'];

/**
 * What a milestone never fills: a confirmation never names a tracking number (product rule) nor,
 * like every message sent with no parcel, anything of a shipment; a return's number and refusal
 * belong to that return's messages.
 */
function unavailableIn(milestone: Milestone): Placeholder[] {
  const returnOnly = PLACEHOLDERS.filter((name) => RETURN_ONLY[name] && !RETURN_ONLY[name].includes(milestone));
  const ofShipment = WITHOUT_PARCEL.includes(milestone) ? PLACEHOLDERS.filter((name) => name.startsWith('shipment.')) : [];
  return [...ofShipment, ...returnOnly];
}
const UNAVAILABLE = new Map(MILESTONES.map((milestone) => [milestone, unavailableIn(milestone)]));

const PLACEHOLDER_PATTERN = /\{\{\s*([^{}]*?)\s*\}\}/g;

const isPlaceholder = (name: string): name is Placeholder => KNOWN.has(name);

/** Names used in the text, in order of first use, without repeats. */
export function placeholdersIn(text: string): string[] {
  return [...new Set(Array.from(text.matchAll(PLACEHOLDER_PATTERN), (match) => match[1]!))];
}

/**
 * For the API: refuse an override naming a placeholder we cannot fill. With a milestone, also
 * refuse placeholders that milestone never fills (a tracking number in an order confirmation).
 */
export function validateTemplateOverride(text: string, milestone?: Milestone): { ok: true } | { ok: false; unknownPlaceholders: string[]; unbalanced?: string } {
  const unavailable: readonly string[] = (milestone && UNAVAILABLE.get(milestone)) ?? [];
  const unknownPlaceholders = placeholdersIn(text).filter((name) => !isPlaceholder(name) || unavailable.includes(name));
  const unbalanced = strayBraces(text);
  if (unbalanced) return { ok: false, unknownPlaceholders, unbalanced };
  return unknownPlaceholders.length === 0 ? { ok: true } : { ok: false, unknownPlaceholders };
}

/** The first `{{` or `}}` left once every placeholder is taken out ("{{order.number}" would be sent as typed), with what follows it. */
function strayBraces(text: string): string | undefined {
  const rest = text.replace(PLACEHOLDER_PATTERN, '');
  const at = rest.search(/\{\{|\}\}/);
  return at < 0 ? undefined : rest.slice(at, at + 24);
}

export function valuesAvailableIn(milestone: Milestone, values: PlaceholderValues): PlaceholderValues {
  const unavailable = UNAVAILABLE.get(milestone) ?? [];
  if (unavailable.length === 0) return values;
  const kept = { ...values };
  for (const name of unavailable) delete kept[name];
  return kept;
}

/** Plain text: known placeholders take their value (empty when missing); unknown ones stay as written. */
export function fillText(template: string, values: PlaceholderValues): string {
  return template.replace(PLACEHOLDER_PATTERN, (whole, name: string) => (isPlaceholder(name) ? (values[name] ?? '') : whole));
}

/**
 * HTML from plain text: the wording and every value are escaped (line breaks become <br>), and
 * link values become anchors. Single pass, so a value that looks like a placeholder stays text.
 */
export function fillHtml(template: string, values: PlaceholderValues, linkColor: string): string {
  let html = '';
  let from = 0;
  for (const match of template.matchAll(PLACEHOLDER_PATTERN)) {
    html += textToHtml(template.slice(from, match.index));
    html += htmlForPlaceholder(match[0], match[1]!, values, linkColor);
    from = match.index + match[0].length;
  }
  return html + textToHtml(template.slice(from));
}

function htmlForPlaceholder(whole: string, name: string, values: PlaceholderValues, linkColor: string): string {
  if (!isPlaceholder(name)) return textToHtml(whole);
  const value = values[name] ?? '';
  const target = LINK_TARGET[name];
  const href = value && target ? safeUrl(target(value)) : undefined;
  return href ? anchor(href, value, linkColor) : textToHtml(value);
}

export const anchor = (href: string, label: string, color: string): string =>
  `<a href="${escapeHtml(href)}" style="color:${color};text-decoration:underline;">${textToHtml(label)}</a>`;
