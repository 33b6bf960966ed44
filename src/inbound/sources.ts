// Where inbound webhooks come from, and how each one's stored body becomes a parcel update.
// The routes verify and store; processing reads bodies back through these parsers.
import { type BodyProblem, type InboundUpdate } from '../carriers/aggregator-kit.js';
import { parseEasyPostTracker, readEasyPostEvent } from '../carriers/easypost/parse.js';
import { parseShippoTrack, readShippoWebhook } from '../carriers/shippo/parse.js';
import { parseTrackAlert, readTrackAlert } from '../carriers/ups/track-alert.js';
import { readJson } from '../carriers/parse-kit.js';
import { err, type Result } from '../lib/result.js';
import type { EventSource } from '../shipments/vocabulary.js';

export type InboundSource = 'easypost' | 'shippo' | 'ups_track_alert';

type SourceInfo = { eventSource: EventSource; parse(body: string): Result<InboundUpdate, BodyProblem> };

const json = (body: string): Result<unknown, BodyProblem> => {
  const value = readJson(body);
  return value === undefined ? err({ field: '(body)', problem: 'is not JSON' }) : { ok: true, value };
};

const then = <A, B>(result: Result<A, BodyProblem>, next: (value: A) => Result<B, BodyProblem>): Result<B, BodyProblem> => (result.ok ? next(result.value) : result);

export const INBOUND_SOURCES: ReadonlyMap<InboundSource, SourceInfo> = new Map<InboundSource, SourceInfo>([
  ['easypost', { eventSource: 'aggregator_webhook', parse: (body) => then(then(json(body), readEasyPostEvent), parseEasyPostTracker) }],
  ['shippo', { eventSource: 'aggregator_webhook', parse: (body) => then(then(json(body), readShippoWebhook), parseShippoTrack) }],
  ['ups_track_alert', { eventSource: 'carrier_webhook', parse: (body) => then(then(json(body), readTrackAlert), parseTrackAlert) }],
]);
