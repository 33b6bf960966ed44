// The words of the hub's pages (tracking page, lookup, returns), one file per language. Statuses
// and reasons come from the message templates' locale files, so a page and an email say the same.
export type ReturnRefusal =
  | 'returns_off'
  | 'not_delivered'
  | 'outside_window'
  | 'excluded_item'
  | 'already_requested'
  | 'too_many'
  | 'no_items'
  | 'invalid_reason'
  // Nothing of the order can be returned any more (the page says so instead of showing the form).
  | 'all_in_returns'
  | 'none_returnable';

export const RETURN_REASONS = ['wrong_size', 'not_as_described', 'damaged', 'wrong_item', 'changed_mind', 'arrived_late', 'other'] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

// in_transit and sent_back describe an approved return's parcel: moving towards the brand, or being carried back to the customer.
export const RETURN_STATES = ['requested', 'approved', 'in_transit', 'sent_back', 'rejected', 'received', 'refunded'] as const;
export type ReturnDisplayState = (typeof RETURN_STATES)[number];

export type HubText = {
  /** The language's own name, for the language switch. */
  languageName: string;
  skipToContent: string;
  languages: string;
  orderTitle: string; // {number}
  placedOn: string; // {date}
  goingTo: string; // {place}
  preparing: string;
  parcelOf: string; // {index} {total}
  yourParcel: string;
  returnParcel: string;
  expected: string; // {window}
  /** The window has ended and the parcel is still on its way (shown with runningLate). */
  wasExpected: string; // {window}
  deliveredOn: string; // {date}
  because: string; // {reason}
  runningLate: string;
  stages: [string, string, string, string, string];
  progress: string;
  history: string;
  noEvents: string;
  carrierSaid: string;
  timeUnknown: string;
  mapTitle: string; // {from} {to}
  mapCaption: string;
  /** The interactive map (a brand with a tile server): its zoom buttons, and how to move it with the keyboard. */
  mapZoomIn: string;
  mapZoomOut: string;
  mapKeys: string;
  inThisOrder: string;
  updatesFrom: string; // {brand}
  youMightLike: string;
  returnsTitle: string;
  startReturn: string;
  returnItems: string;
  returnLabel: string; // {rma}
  returnStates: Record<ReturnDisplayState, string>;
  refundOf: string; // {amount}
  rejectedBecause: string; // {reason}
  viewLabel: string;
  support: string;
  supportEmail: string; // {email}
  supportPhone: string; // {phone}
  poweredBy: string;
  // lookup
  lookupTitle: string;
  lookupIntro: string;
  orderNumber: string;
  emailOrPostal: string;
  emailOrPostalHint: string;
  findOrder: string;
  orTrackingNumber: string;
  trackingNumber: string;
  findParcel: string;
  notFound: string;
  trackingNotFound: string;
  throttled: string; // {minutes}
  missingFields: string;
  trackingOnlyNote: string;
  linkExpired: string;
  linkInvalid: string;
  linkHelp: string;
  /** The same page when the link does not say which shop it is from, so there is no form to point to. */
  linkHelpNoForm: string;
  /** A link that is not a tracking link (a product link in a message) and is not valid. */
  anyLinkInvalid: string;
  /** A form sent with more than the public forms take (64 KB). */
  formTooLarge: string;
  formTooLargeHelp: string;
  // returns portal
  returnFormTitle: string;
  returnPolicyWindow: string; // {days}
  returnFreeLabel: string;
  returnPaidLabel: string; // {fee}
  returnPolicyExcluded: string;
  chooseItems: string;
  quantityOf: string; // {name}
  bought: string; // {count}
  alreadyInReturns: string; // {count}
  reasonLabel: string;
  reasons: Record<string, string>;
  commentLabel: string;
  submitReturn: string;
  backToOrder: string;
  refusals: Record<ReturnRefusal, string>;
  returnCreated: string; // {rma}
  awaitingApproval: string;
  labelReady: string;
  labelTitle: string;
  labelInstructions: string;
  labelPrint: string;
  labelDownload: string;
  /** Where the printable label is when the page was not opened from the return's email. */
  labelPdfInEmail: string;
  labelNotYet: string;
  /** An approved return whose label could not be bought yet. */
  labelComing: string;
  labelShipTo: string;
  labelFrom: string;
  rmaLabel: string;
};
