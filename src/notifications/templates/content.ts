// What a message says, decided once per message and then drawn as HTML, plain text and SMS.
// Wording stays as templates here (filled by the HTML or text writer) so links can become anchors.
import type { ExceptionReason } from '../../shipments/vocabulary.js';
import type { Milestone } from '../types.js';
import { safeUrl } from './escape.js';
import { type Language, LOCALE_TEXT, languageFor, type LocaleText } from './locales/index.js';
import type { CommonKey } from './locales/types.js';
import { formatMoney } from './money.js';
import { fillText, type PlaceholderValues, valuesAvailableIn } from './placeholders.js';
import { shortestSms, toGsm7 } from './sms.js';
import type { MessageInput } from './types.js';

/** Cross-sells belong in good-news emails only, never next to a problem or a refund. */
export const CROSS_SELL_MILESTONES: readonly Milestone[] = ['shipped', 'shipped_early', 'delivered', 'all_delivered'];
export const MAX_CROSS_SELLS = 3;

type DetailKey = Extract<CommonKey, 'carrier' | 'trackingNumber' | 'status' | 'reason' | 'lastLocation' | 'attempt' | 'estimatedDelivery' | 'rma' | 'refund'>;

/** The facts listed under the body of each email, in order; a fact without a value is left out. */
const DETAILS: Record<Milestone, readonly DetailKey[]> = {
  order_confirmed: ['estimatedDelivery'],
  shipped: ['carrier', 'trackingNumber', 'estimatedDelivery'],
  shipped_early: ['carrier', 'trackingNumber', 'estimatedDelivery'],
  delayed: ['reason', 'estimatedDelivery', 'lastLocation'],
  in_transit_digest: ['status', 'lastLocation', 'estimatedDelivery'],
  out_for_delivery: ['carrier', 'trackingNumber'],
  delivered: ['carrier', 'trackingNumber'],
  attempt_failed: ['reason', 'attempt', 'carrier', 'trackingNumber'],
  available_for_pickup: ['lastLocation', 'carrier', 'trackingNumber'],
  exception: ['carrier', 'trackingNumber', 'lastLocation'],
  return_requested: ['rma'],
  return_approved: ['rma', 'carrier', 'trackingNumber'],
  return_rejected: ['rma'],
  return_in_transit: ['carrier', 'trackingNumber', 'lastLocation'],
  return_received: [],
  refund_issued: ['rma', 'refund'],
  all_delivered: [],
  personal_update: [],
};

const DETAIL_VALUE: Record<DetailKey, keyof PlaceholderValues> = {
  carrier: 'shipment.carrier',
  trackingNumber: 'shipment.trackingNumber',
  status: 'shipment.status',
  reason: 'shipment.reason',
  lastLocation: 'shipment.lastLocation',
  attempt: 'shipment.attemptNumber',
  estimatedDelivery: 'estimatedDelivery',
  rma: 'return.rma',
  refund: 'refund.amount',
};

/** Milestones whose "what to do" depends on why it happened. */
const ADVICE_BY_REASON: readonly Milestone[] = ['exception', 'attempt_failed', 'delayed'];

export type DetailRow = { label: string; value: string };
export type ReceiptLine = { name: string; quantity: number; amount?: string };
export type LinkButton = { label: string; url: string };
export type CrossSellView = { title: string; url: string; imageUrl?: string; price?: string };

export type MessageContent = {
  language: Language;
  text: LocaleText;
  values: PlaceholderValues;
  /** Final plain text. */
  subject: string;
  preheader: string;
  /** Templates, filled by the HTML or text writer. */
  heading: string;
  greeting: string;
  body: string;
  next?: string;
  signOff: string;
  supportLines: string[];
  footerReason: string;
  details: DetailRow[];
  receipt?: { lines: ReceiptLine[]; total?: string };
  button: LinkButton;
  labelButton?: LinkButton;
  /** A person's own words: plain text, never filled. */
  personal?: { text: string; imageUrl?: string };
  /** Template; none on personal_update, whose heading already says who wrote. */
  personalTitle?: string;
  crossSells: CrossSellView[];
  unsubscribe?: LinkButton;
  sms: string;
};

export function messageContent(input: MessageInput): MessageContent {
  const language = languageFor(input.locale);
  const text = LOCALE_TEXT[language];
  const wording = text.milestones[input.milestone];
  const values = valuesAvailableIn(input.milestone, placeholderValues(input, text));
  const overrides = input.overrides ?? {};
  return {
    language,
    text,
    values,
    subject: oneLine(fillText(overrides.subject ?? wording.subject, values)),
    preheader: oneLine(fillText(wording.preheader, values)),
    heading: overrides.heading ?? wording.heading,
    greeting: input.order.customerFirstName ? text.common.greetingNamed : text.common.greetingAnonymous,
    body: overrides.body ?? wording.body,
    next: nextStep(input, text),
    signOff: text.common.signOff,
    supportLines: supportLines(input, text),
    footerReason: text.common.footerReason,
    details: detailRows(input.milestone, values, text, language),
    receipt: input.milestone === 'order_confirmed' ? receipt(input) : undefined,
    button: { label: wording.button, url: trackingPageUrl(input) },
    labelButton: returnLabelButton(input, text),
    personal: input.personalUpdate ? { text: input.personalUpdate.text, imageUrl: safeUrl(input.personalUpdate.imageUrl) } : undefined,
    personalTitle: input.milestone === 'personal_update' ? undefined : text.common.personalNote,
    crossSells: crossSells(input),
    unsubscribe: unsubscribeLink(input, text),
    sms: smsText(input, text, values),
  };
}

function placeholderValues(input: MessageInput, text: LocaleText): PlaceholderValues {
  const { brand, order, shipment, links } = input;
  return {
    'brand.name': brand.name,
    'customer.firstName': order.customerFirstName,
    'order.number': order.number,
    'order.total': order.total === undefined ? undefined : formatMoney(order.total, input.locale, order.currency),
    'order.itemCount': String(order.items.reduce((sum, item) => sum + item.quantity, 0)),
    'shipment.carrier': shipment?.carrier,
    'shipment.trackingNumber': shipment?.trackingNumber,
    'shipment.status': shipment ? text.statuses[shipment.status] : undefined,
    'shipment.reason': reasonText(input, text),
    'shipment.lastLocation': shipment?.lastLocation,
    'shipment.attemptNumber': shipment?.attemptNumber === undefined ? undefined : String(shipment.attemptNumber),
    estimatedDelivery: shipment?.estimatedDelivery ?? input.estimatedDelivery,
    'links.trackingPage': links.trackingPage,
    'links.shortTrackingPage': links.shortTrackingPage ?? links.trackingPage,
    'links.returnLabel': safeUrl(links.returnLabel),
    'return.rma': input.returnRequest?.rma,
    'return.rejectionReason': input.returnRequest?.rejectionReason,
    'refund.amount': input.refund === undefined ? undefined : formatMoney(input.refund.amount, input.locale, input.refund.currency),
    'support.email': brand.supportEmail,
    'support.url': safeUrl(brand.supportUrl),
  };
}

/** An exception always has a reason in its body; without one from the carrier it is "unexpected". */
function reasonText(input: MessageInput, text: LocaleText): string | undefined {
  const reason: ExceptionReason | undefined = input.shipment?.reason ?? (input.milestone === 'exception' ? 'other' : undefined);
  return reason ? text.reasons[reason] : undefined;
}

function nextStep(input: MessageInput, text: LocaleText): string | undefined {
  const wording = text.milestones[input.milestone];
  const reason = input.shipment?.reason;
  if (reason && ADVICE_BY_REASON.includes(input.milestone)) return text.advice[reason];
  if (input.milestone === 'return_approved' && !safeUrl(input.links.returnLabel)) return wording.nextWithoutLabel;
  return wording.next;
}

function detailRows(milestone: Milestone, values: PlaceholderValues, text: LocaleText, language: Language): DetailRow[] {
  return DETAILS[milestone].flatMap((key) => {
    const value = values[DETAIL_VALUE[key]];
    if (!value) return [];
    // A reason is written to follow "…: " in a sentence; standing alone as a value it starts a sentence.
    return [{ label: text.common[key], value: key === 'reason' ? capitalized(value, language) : value }];
  });
}

function receipt(input: MessageInput): MessageContent['receipt'] {
  const { order, locale } = input;
  const lines = order.items.map((item) => ({
    name: item.name,
    quantity: item.quantity,
    amount: item.price === undefined ? undefined : formatMoney(item.price * item.quantity, locale, order.currency),
  }));
  return { lines, total: order.total === undefined ? undefined : formatMoney(order.total, locale, order.currency) };
}

/** Our own signed link: anything else is a bug upstream, and a message must not carry it. */
function trackingPageUrl(input: MessageInput): string {
  const url = safeUrl(input.links.trackingPage);
  if (!url) throw new TypeError('links.trackingPage must be an http(s) URL');
  return url;
}

function returnLabelButton(input: MessageInput, text: LocaleText): LinkButton | undefined {
  const url = input.milestone === 'return_approved' ? safeUrl(input.links.returnLabel) : undefined;
  return url ? { label: text.common.returnLabelButton, url } : undefined;
}

function crossSells(input: MessageInput): CrossSellView[] {
  if (!CROSS_SELL_MILESTONES.includes(input.milestone)) return [];
  return (input.crossSells ?? []).flatMap((item) => {
    const url = safeUrl(item.url);
    if (!url) return [];
    const price = item.price === undefined ? undefined : formatMoney(item.price, input.locale, item.currency ?? input.order.currency);
    return [{ title: item.title, url, imageUrl: safeUrl(item.imageUrl), price }];
  }).slice(0, MAX_CROSS_SELLS);
}

function supportLines(input: MessageInput, text: LocaleText): string[] {
  const lines: string[] = [];
  if (input.brand.supportEmail) lines.push(text.common.supportEmail);
  if (safeUrl(input.brand.supportUrl)) lines.push(text.common.supportUrl);
  if (lines.length === 0 && input.brand.replyTo) lines.push(text.common.supportReply);
  return lines;
}

function unsubscribeLink(input: MessageInput, text: LocaleText): LinkButton | undefined {
  const url = safeUrl(input.links.unsubscribe);
  return url ? { label: text.common.unsubscribe, url } : undefined;
}

/** The brand's own SMS is sent as written; ours falls back to a shorter line when it would not fit. */
function smsText(input: MessageInput, text: LocaleText, values: PlaceholderValues): string {
  const override = input.overrides?.sms;
  if (override !== undefined) return toGsm7(fillText(override, values).trim());
  const candidates = [text.milestones[input.milestone].sms, text.common.smsFallback];
  return shortestSms(candidates.map((template) => toGsm7(oneLine(fillText(template, values)))));
}

/** Subjects and SMS lines: no line breaks (a header must not carry one), no doubled spaces. */
const oneLine = (value: string): string => value.replace(/\s+/g, ' ').trim();

const capitalized = (value: string, language: Language): string => value.charAt(0).toLocaleUpperCase(language) + value.slice(1);
