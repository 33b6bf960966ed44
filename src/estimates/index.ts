// Estimated delivery windows: the public face of src/estimates.
export { estimateDeliveryWindow, createTableEstimator, DELIVERY_DAY_STARTS, DELIVERY_DAY_ENDS } from './estimate.js';
export { DeliveryEstimateInputSchema, type DeliveryEstimate, type DeliveryEstimateInput, type DeliveryEstimator, type EstimateAddress } from './types.js';
export { formatDeliveryWindow } from './format.js';
export { isRevisedLater } from './revision.js';
export { timeZoneOf as deliveryTimeZone } from './places.js';
export { bundledTransitTable, TransitTableSchema, type TransitTable } from './transit-table.js';
