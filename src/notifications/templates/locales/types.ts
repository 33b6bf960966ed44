// The shape every language file fills in. The compiler checks the keys; a unit test checks that
// every language uses the same placeholders as English in every string.
import type { ExceptionReason, ShipmentStatus } from '../../../shipments/vocabulary.js';
import type { Milestone } from '../../types.js';

export const COMMON_KEYS = [
  /** Between a label and its value in the text part (French puts a space before the colon). */
  'colon',
  'greetingNamed',
  'greetingAnonymous',
  'signOff',
  'carrier',
  'trackingNumber',
  'status',
  'reason',
  'lastLocation',
  'attempt',
  'estimatedDelivery',
  /** The return's RMA number. */
  'rma',
  /** The amount refunded (refund_issued). */
  'refund',
  'receiptTitle',
  'item',
  'quantity',
  'price',
  'total',
  'nextTitle',
  'personalNote',
  'crossSellsTitle',
  'returnLabelButton',
  'supportEmail',
  'supportUrl',
  'supportReply',
  'footerReason',
  'unsubscribe',
  'smsFallback',
  /** The answer to a HELP text: who writes, and the keywords (STOP and START stay English: carriers act on them). */
  'smsHelp',
  /** Before the brand's support address and page in that answer. */
  'smsHelpContact',
] as const;
export type CommonKey = (typeof COMMON_KEYS)[number];

export const PREVIEW_KEYS = [
  'firstName',
  'item1',
  'item2',
  'lastLocation',
  'personalUpdate',
  'rejectionReason',
  'crossSell1',
  'crossSell2',
  'crossSell3',
] as const;
export type PreviewKey = (typeof PREVIEW_KEYS)[number];

export type MilestoneText = {
  subject: string;
  preheader: string;
  heading: string;
  body: string;
  /** The tracking-page button. */
  button: string;
  sms: string;
  /** What to do next, when there is something to say. */
  next?: string;
  /** return_approved without a label link. */
  nextWithoutLabel?: string;
};

export type LocaleText = {
  common: Record<CommonKey, string>;
  /** The page behind the unsubscribe link. */
  unsubscribePage: Record<'question' | 'stopsTo' | 'stillArrive' | 'button' | 'doneTitle' | 'doneText' | 'invalidTitle' | 'invalidText', string>;
  milestones: Record<Milestone, MilestoneText>;
  /** Why, in a few words that fit after "…: ". */
  reasons: Record<ExceptionReason, string>;
  /** What the customer can do about it. */
  advice: Record<ExceptionReason, string>;
  statuses: Record<ShipmentStatus, string>;
  /** Sample data for previews, so a preview reads naturally in its language. */
  preview: Record<PreviewKey, string>;
};
