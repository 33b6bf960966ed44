// What a brand configures, kept as JSON on the brand row and validated here: where it ships
// from, how its messages look and read, which milestones go out on which channel, and its SMS
// account (the auth token encrypted like carrier credentials).
import { z } from '@hono/zod-openapi';
import { strictObject, webUrl } from '../api/request-fields.js';
import type { BrandRow } from '../db/schema.js';
import { LabelFormatSchema, ParcelSchema, PostalAddressSchema } from '../labels/schemas.js';
import { LANGUAGES, type Language } from '../notifications/templates/locales/index.js';
import type { TemplateOverrides } from '../notifications/templates/types.js';
import { type Milestone, MILESTONES, type NotificationSettings } from '../notifications/types.js';

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be a time of day such as 08:00' });
const window = strictObject({ start: time, end: time }).refine((w) => w.start < w.end, { message: 'start must be before end (windows cannot cross midnight)' });
const color = z.string().regex(/^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, { message: 'must be a colour such as #1f7a4d' });

export const OverridesSchema = strictObject({ subject: z.string().max(300).optional(), heading: z.string().max(300).optional(), body: z.string().max(5000).optional(), sms: z.string().max(480).optional() });

export const BrandSettingsPatchSchema = strictObject({
  origin: strictObject({ city: z.string().min(1).max(100), region: z.string().max(100).optional(), country: z.string().regex(/^[A-Z]{2}$/) }).optional(),
  shipping: strictObject({
    handlingDays: z.number().int().min(0).max(60).optional(),
    cutoff: time.optional(),
    defaultCarrier: z.string().min(2).max(32).optional(),
    defaultService: z.string().min(1).max(64).optional(),
    /** The parcel labels use when a shipment does not describe its own. */
    defaultParcel: ParcelSchema.optional(),
    labelFormat: LabelFormatSchema.optional(),
  }).optional(),
  /** The warehouse address printed on labels (and the account's shipper address). */
  shipFrom: PostalAddressSchema.optional(),
  /** Where return labels send parcels; the ship-from address when not set. */
  returnTo: PostalAddressSchema.optional(),
  sender: strictObject({ name: z.string().min(1).max(100).optional(), email: z.email().optional(), replyTo: z.email().optional() }).optional(),
  look: strictObject({ logoUrl: webUrl.optional(), primaryColor: color.optional(), accentColor: color.optional(), supportEmail: z.email().optional(), supportUrl: webUrl.optional() }).optional(),
  notifications: strictObject({
    channels: z.partialRecord(z.enum(MILESTONES), strictObject({ email: z.boolean().optional(), sms: z.boolean().optional() })).optional(),
    writtenByPerson: z.array(z.enum(MILESTONES)).optional(),
    smsWindow: window.optional(),
    smsWindowByRegion: z.record(z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, { message: 'must be a country (US) or region (US-AZ)' }), window).optional(),
    smsCapPerShipment: z.number().int().min(0).max(20).optional(),
    defaultLocale: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/).optional(),
    stallAfterHours: z.number().int().min(6).max(720).optional().openapi({ description: 'No scan for this long counts as stalled, until the lane has 30 delivered parcels of history (then its 90th percentile). Default 48' }),
    digestTime: time.optional().openapi({ description: 'The recipient\'s local time from which the daily in-transit digest goes out. Default 18:00' }),
  }).optional(),
  templates: z
    .partialRecord(z.enum(MILESTONES), OverridesSchema)
    .optional()
    .openapi({ description: 'The brand’s own wording per milestone, for every language that has none of its own in templatesByLanguage' }),
  templatesByLanguage: z
    .partialRecord(z.enum(LANGUAGES as [Language, ...Language[]]), z.partialRecord(z.enum(MILESTONES), OverridesSchema), {
      error: (issue) => unknownLanguages(issue as { code: string; keys?: string[] }),
    })
    .optional()
    .openapi({
      description:
        'The brand’s own wording per language (en, es, fr, de) and milestone. A milestone given here for a language replaces `templates` for that language; the parts it leaves out keep Waybill’s wording in that language ({} keeps all of it)',
    }),
}).openapi('BrandSettings');
export type BrandSettingsPatch = z.infer<typeof BrandSettingsPatchSchema>;

/** zod reports a record's keys outside an enum as unrecognized_keys (its types do not say so): name the languages we write. */
function unknownLanguages(issue: { code: string; keys?: string[] }): string | undefined {
  return issue.code === 'unrecognized_keys' && issue.keys ? `names a language Waybill does not write: ${issue.keys.join(', ')} (it writes ${LANGUAGES.join(', ')})` : undefined;
}

export type SmsAccount = { accountSid: string; authToken: string /* encrypted */; from: string };

/** The brand's DKIM signing key (PUT /v1/brand/dkim); the private key encrypted. */
export type DkimSettings = { domain: string; selector: string; privateKey: string };

export type BrandSettings = BrandSettingsPatch & { sms?: SmsAccount; dkim?: DkimSettings };

export const settingsOf = (brand: Pick<BrandRow, 'settings'>): BrandSettings => JSON.parse(brand.settings) as BrandSettings;

/**
 * The brand's wording for a milestone in the message's language: its own for that language when it
 * wrote one (a whole set, so one message never mixes two languages), else its wording for all.
 */
export function templateOverridesFor(settings: Pick<BrandSettings, 'templates' | 'templatesByLanguage'>, milestone: Milestone, language: Language): TemplateOverrides | undefined {
  return settings.templatesByLanguage?.[language]?.[milestone] ?? settings.templates?.[milestone];
}

/** Every override in a patch with the path that names it in an error ("templatesByLanguage.fr.shipped.subject"). */
export function templateOverridesIn(patch: Pick<BrandSettingsPatch, 'templates' | 'templatesByLanguage'>): Array<{ path: string; milestone: Milestone; text: string }> {
  const fields = (prefix: string, byMilestone: Partial<Record<Milestone, TemplateOverrides>> | undefined) =>
    Object.entries(byMilestone ?? {}).flatMap(([milestone, overrides]) =>
      Object.entries(overrides ?? {}).flatMap(([field, text]) => (text === undefined ? [] : [{ path: `${prefix}.${milestone}.${field}`, milestone: milestone as Milestone, text }])),
    );
  return [
    ...fields('templates', patch.templates),
    ...Object.entries(patch.templatesByLanguage ?? {}).flatMap(([language, byMilestone]) => fields(`templatesByLanguage.${language}`, byMilestone)),
  ];
}

/** Brand choices laid over the defaults, one level deep for the per-milestone channel switches. */
export function notificationSettingsOf(brand: Pick<BrandRow, 'settings'>, defaults: NotificationSettings): NotificationSettings {
  const own = settingsOf(brand).notifications ?? {};
  const channels = { ...defaults.channels } as NotificationSettings['channels'];
  for (const [milestone, switches] of Object.entries(own.channels ?? {})) {
    const key = milestone as keyof NotificationSettings['channels'];
    channels[key] = { ...defaults.channels[key], ...switches };
  }
  return {
    ...defaults,
    ...own,
    channels,
    smsWindow: (own.smsWindow as NotificationSettings['smsWindow']) ?? defaults.smsWindow,
    smsWindowByRegion: { ...defaults.smsWindowByRegion, ...(own.smsWindowByRegion as NotificationSettings['smsWindowByRegion']) },
    digestTime: (own.digestTime as NotificationSettings['digestTime'] | undefined) ?? defaults.digestTime,
  };
}

/**
 * Merges a patch into the stored settings at every depth: objects merge key by key, arrays and
 * values replace. Switching one milestone's SMS on keeps the other milestones' switches; one
 * template field keeps the others. An address, the origin and the default parcel are each one
 * thing: sent whole, they replace the stored one whole, so no part of the old one (a `line2`, a
 * region, a box's dimensions) stays behind.
 */
export function mergeSettings(current: BrandSettings, patch: BrandSettingsPatch): BrandSettings {
  return mergeObjects(current as Record<string, unknown>, patch as Record<string, unknown>, '') as BrandSettings;
}

const WHOLE_VALUES = new Set(['origin', 'shipFrom', 'returnTo', 'shipping.defaultParcel']);

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function mergeObjects(current: Record<string, unknown>, patch: Record<string, unknown>, path: string): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const at = path ? `${path}.${key}` : key;
    const existing = merged[key];
    merged[key] = isPlainObject(value) && isPlainObject(existing) && !WHOLE_VALUES.has(at) ? mergeObjects(existing, value, at) : value;
  }
  return merged;
}

export type RemovableSetting = { ok: true; path: string[] } | { ok: false; unknown: boolean; problem: string };

/**
 * Whether `dotted` ("look.logoUrl", "templatesByLanguage.fr.shipped") names a setting that
 * DELETE /v1/brand/settings/{setting} may remove: an optional field of the settings or an entry
 * of one of their maps, not a part of something sent whole (an address, the origin, the default
 * parcel) nor a part its object needs (an SMS window's start). `unknown`: the path names no setting. Pure.
 */
export function removableSetting(dotted: string): RemovableSetting {
  const path = dotted.split('.');
  let schema: z.ZodType = BrandSettingsPatchSchema;
  for (const [i, key] of path.entries()) {
    const parent = path.slice(0, i).join('.');
    const here = path.slice(0, i + 1).join('.');
    if (WHOLE_VALUES.has(parent)) return { ok: false, unknown: false, problem: `${parent} is replaced whole: PATCH it without ${key}, or remove ${parent}` };
    if (schema instanceof z.ZodObject) {
      const field = Object.hasOwn(schema.shape, key) ? (schema.shape as Record<string, z.ZodType>)[key] : undefined;
      if (!field) return { ok: false, unknown: true, problem: `${parent ? `${parent} has` : 'the settings have'} no ${key} (they have: ${Object.keys(schema.shape).join(', ')})` };
      if (!(field instanceof z.ZodOptional)) return { ok: false, unknown: false, problem: `${parent} needs its ${key}: PATCH ${parent} whole, or remove ${parent}` };
      schema = field.unwrap() as z.ZodType;
    } else if (schema instanceof z.ZodRecord) {
      if (!(schema.keyType as z.ZodType).safeParse(key).success) return { ok: false, unknown: true, problem: `${here} is no setting: ${key} is not a key ${parent} takes` };
      schema = schema.valueType as z.ZodType;
    } else {
      return { ok: false, unknown: true, problem: `${parent} is one value: it has no ${key}` };
    }
  }
  return { ok: true, path };
}

/** The settings without the one at `path`, and without the objects that held nothing else. Pure. */
export function withoutSetting(settings: BrandSettings, path: readonly string[]): BrandSettings {
  const [key, ...rest] = path;
  const current = settings as Record<string, unknown>;
  if (key === undefined || !Object.hasOwn(current, key)) return settings;
  const { [key]: value, ...others } = current;
  if (rest.length === 0) return others as BrandSettings;
  if (!isPlainObject(value)) return settings;
  const inner = withoutSetting(value as BrandSettings, rest) as Record<string, unknown>;
  return (Object.keys(inner).length === 0 ? others : { ...others, [key]: inner }) as BrandSettings;
}

/**
 * What GET and PATCH /v1/brand/settings answer: the fields PATCH takes, and nothing else stored
 * beside them: not the SMS account or the DKIM key (secrets), nor the theme, cross-sells and
 * returns policy, which have their own endpoints.
 */
export function visibleSettings(settings: BrandSettings): BrandSettingsPatch {
  return Object.fromEntries(Object.entries(settings).filter(([key]) => Object.hasOwn(BrandSettingsPatchSchema.shape, key))) as BrandSettingsPatch;
}

/** What the order-time estimate needs from the brand: defaults are one handling day, a 14:00 cut-off, ground. */
export function shippingOf(brand: Pick<BrandRow, 'settings'>) {
  const settings = settingsOf(brand);
  return {
    origin: settings.origin ?? { city: 'Columbus', region: 'OH', country: 'US' },
    handlingDays: settings.shipping?.handlingDays ?? 1,
    cutoff: settings.shipping?.cutoff ?? '14:00',
    carrier: settings.shipping?.defaultCarrier ?? 'ups',
    service: settings.shipping?.defaultService ?? 'ground',
  };
}
