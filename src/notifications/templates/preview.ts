// Any template with sample data, for the preview endpoint: the brand sees what a customer would.
import type { ShipmentStatus } from '../../shipments/vocabulary.js';
import type { Milestone } from '../types.js';
import { CROSS_SELL_MILESTONES } from './content.js';
import { LOCALE_TEXT, languageFor } from './locales/index.js';
import { supportedTag } from './money.js';
import { renderMessage } from './render.js';
import type { BrandLook, MessageInput, RenderedMessage, ShipmentSummary, TemplateOverrides } from './types.js';

const SAMPLE_BRAND: BrandLook = { name: 'Acme Goods', primaryColor: '#0f766e', accentColor: '#b45309', supportEmail: 'help@example.com' };
const SAMPLE_SITE = 'https://track.example.com';
/** The milestones about one return request, which carry its RMA number. */
const RETURN_STEPS: readonly Milestone[] = ['return_requested', 'return_approved', 'return_rejected'];

export function renderPreview(milestone: Milestone, locale: string, brand: BrandLook = SAMPLE_BRAND, overrides?: TemplateOverrides): Promise<RenderedMessage> {
  return renderMessage(sampleInput(milestone, locale, brand, overrides));
}

export function sampleInput(milestone: Milestone, locale: string, brand: BrandLook = SAMPLE_BRAND, overrides?: TemplateOverrides): MessageInput {
  const sample = LOCALE_TEXT[languageFor(locale)].preview;
  return {
    milestone,
    locale,
    brand,
    order: {
      number: '#1042',
      items: [
        { name: sample.item1, quantity: 2, price: 14 },
        { name: sample.item2, quantity: 1, price: 18.5 },
      ],
      currency: 'USD',
      total: 46.5,
      customerFirstName: sample.firstName,
    },
    shipment: sampleShipment(milestone, locale, sample.lastLocation),
    links: {
      trackingPage: `${SAMPLE_SITE}/t/ord_sample`,
      shortTrackingPage: 'https://trk.example/aB3dE',
      unsubscribe: `${SAMPLE_SITE}/unsubscribe/sample`,
      returnLabel: `${SAMPLE_SITE}/returns/sample/label.pdf`,
    },
    crossSells: CROSS_SELL_MILESTONES.includes(milestone)
      ? [
          { title: sample.crossSell1, url: 'https://shop.example.com/saucer', price: 9 },
          { title: sample.crossSell2, url: 'https://shop.example.com/tea', price: 12 },
          { title: sample.crossSell3, url: 'https://shop.example.com/gift-card', price: 25 },
        ]
      : undefined,
    personalUpdate: milestone === 'personal_update' ? { text: sample.personalUpdate } : undefined,
    returnRequest: RETURN_STEPS.includes(milestone) || milestone === 'refund_issued' ? { rma: 'R-7K3M9Q2D', ...(milestone === 'return_rejected' ? { rejectionReason: sample.rejectionReason } : {}) } : undefined,
    refund: milestone === 'refund_issued' ? { amount: 42, currency: 'USD' } : undefined,
    overrides,
  };
}

function sampleShipment(milestone: Milestone, locale: string, lastLocation: string): ShipmentSummary {
  return {
    carrier: 'UPS',
    trackingNumber: '1Z999AA10123456784',
    status: SAMPLE_STATUS[milestone],
    reason: milestone === 'attempt_failed' ? 'recipient_unavailable' : milestone === 'exception' ? 'address_problem' : milestone === 'delayed' ? 'weather' : undefined,
    estimatedDelivery: sampleWindow(locale),
    lastLocation,
    attemptNumber: milestone === 'attempt_failed' ? 1 : undefined,
  };
}

const SAMPLE_STATUS: Record<Milestone, ShipmentStatus> = {
  order_confirmed: 'pending',
  shipped: 'info_received',
  shipped_early: 'info_received',
  delayed: 'in_transit',
  in_transit_digest: 'in_transit',
  out_for_delivery: 'out_for_delivery',
  delivered: 'delivered',
  attempt_failed: 'attempt_failed',
  available_for_pickup: 'available_for_pickup',
  exception: 'exception',
  return_requested: 'delivered',
  return_approved: 'info_received',
  return_rejected: 'delivered',
  return_in_transit: 'in_transit',
  return_received: 'delivered',
  refund_issued: 'delivered',
  all_delivered: 'delivered',
  personal_update: 'in_transit',
};

/** A fixed three-day window, written the customer's way. */
function sampleWindow(locale: string): string {
  const format = new Intl.DateTimeFormat(supportedTag(locale), { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' });
  return format.formatRange(new Date('2026-03-10T12:00:00Z'), new Date('2026-03-12T12:00:00Z'));
}
