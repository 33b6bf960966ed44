// Labels: buying them (the tracking number is born with the label), keeping them, voiding them,
// and choosing the carrier. See ./README.md.
export { loadShipmentLabel, type ShipmentLabel } from './store.js';
export { purchaseLabel } from './purchase.js';
export type { LabelFormat } from '../carriers/label-types.js';
