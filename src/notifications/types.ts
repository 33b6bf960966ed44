// The vocabulary of customer messages: milestones, channels, and why a message is held back.
// Shared by the pure policy, the templates, the providers and the sending jobs.

export const MILESTONES = [
  'order_confirmed', // receipt, estimated delivery window, status-page link; never a tracking number
  'shipped', // the label exists (info_received): tracking link
  'shipped_early', // ahead of schedule: shipped before the ship-by date, or a window ending before the promised one
  'delayed', // carrier says so, our estimate says so, or no scan for longer than normal
  'in_transit_digest', // at most one email a day while in transit ("It arrived at the Columbus, Ohio hub")
  'out_for_delivery',
  'delivered',
  'attempt_failed', // delivery failed / action required
  'available_for_pickup',
  'exception', // plain-language reason and what to do
  'return_requested', // a return waits for a person to approve it: we have your request
  'return_approved', // with the return label
  'return_rejected', // the brand turned the return down, with its reason
  'return_in_transit',
  'return_received',
  'refund_issued',
  'all_delivered', // split shipments: the last parcel of the order arrived
  'personal_update', // hybrid mode: a person's message
] as const;
export type Milestone = (typeof MILESTONES)[number];

export const CHANNELS = ['email', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Why a message was not sent (or not yet). Every decision not to send names one. */
export const HELD_REASONS = [
  'milestone_off', // the brand switched this milestone (or channel) off
  'no_contact', // no email / phone on the order
  'invalid_contact', // the address or number does not validate
  'no_consent', // SMS without the customer's consent
  'opted_out', // the customer unsubscribed / sent STOP
  'already_sent', // the same (subject, milestone, occurrence, channel, recipient) went out before
  'quiet_hours', // SMS outside the allowed window: waits for it (sendAfter)
  'sms_cap', // the per-shipment SMS cap is reached
  'written_by_person', // the brand writes this stage by hand (hybrid mode)
  'overtaken', // a newer milestone made this one pointless before it went out
  'shipment_cancelled', // its parcel was cancelled before it went out (a waiting or retried text, say)
  'not_for_sms', // this milestone never goes by SMS
  'channel_not_configured', // the brand has no account for this channel (an SMS account)
  'combined', // said in the fuller email of the same moment ("shipped" within "ahead of schedule", the last "delivered" within "all delivered")
  'stale', // the news is days old (a backfill, a CSV of past shipments): telling the customer now would confuse
] as const;
export type HeldReason = (typeof HELD_REASONS)[number];

export type TimeOfDay = `${number}:${number}`; // "08:00"

export type NotificationSettings = {
  /** Per milestone and channel: on or off. Missing entries use DEFAULT_NOTIFICATION_SETTINGS. */
  channels: Partial<Record<Milestone, Partial<Record<Channel, boolean>>>>;
  /** Stages the brand writes itself: automated messages for them are held for a person. */
  writtenByPerson: Milestone[];
  /** The allowed SMS window in the recipient's local time, by default and per destination region ("US-AZ", "CA"). */
  smsWindow: { start: TimeOfDay; end: TimeOfDay };
  smsWindowByRegion: Record<string, { start: TimeOfDay; end: TimeOfDay }>;
  smsCapPerShipment: number;
  defaultLocale: string;
  /** A parcel with no scan for this long is stalled, until its lane has enough history of its own. */
  stallAfterHours: number;
  /** The recipient's local time from which the day's in-transit digest may go out. */
  digestTime: TimeOfDay;
};
