// /v1 routes about customer messages: the log per order, failed messages and their retry, a
// person's update (hybrid mode), template previews, and the brand's messaging settings.
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../api/context.js';
import { ErrorSchema, listOf, listQuery, pageParams } from '../api/schemas.js';
import { getBrand, updateBrandSettings } from '../brands/repo.js';
import { type BrandSettings, BrandSettingsPatchSchema, mergeSettings, removableSetting, settingsOf, templateOverridesFor, templateOverridesIn, visibleSettings, withoutSetting } from '../brands/settings.js';
import type { Deps } from '../deps.js';
import type { MessageRow } from '../db/schema.js';
import { AppError, type FieldProblem, notFound } from '../lib/errors.js';
import { encryptSecret } from '../lib/crypto.js';
import { hasPrefix, newId } from '../lib/ids.js';
import { enqueueJob } from '../jobs/queue.js';
import { cursorId, page } from '../orders/queries.js';
import { findOrder } from '../orders/service.js';
import { PERSONAL_UPDATE_JOB } from './pipeline.js';
import { sendJob } from './send-jobs.js';
import { registerDkimRoutes } from './dkim.js';
import { languageFor, renderPreview, validateTemplateOverride } from './templates/index.js';
import { type Milestone, MILESTONES } from './types.js';
import { strictObject, webUrl } from '../api/request-fields.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const body = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { 'application/json': { schema } } } });
const security = [{ apiKey: [] }];
const errors = { 401: json(ErrorSchema, 'Missing or wrong API key'), 404: json(ErrorSchema, 'Not found'), 422: json(ErrorSchema, 'Validation failed') };
const param = (name: string) => z.object({ [name]: z.string().max(64).openapi({ param: { name, in: 'path' } }) });

const MessageSchema = z
  .object({
    id: z.string(),
    orderId: z.string(),
    shipmentId: z.string().nullable(),
    milestone: z.enum(MILESTONES),
    occurrence: z.string(),
    channel: z.enum(['email', 'sms']),
    recipient: z.string().nullable(),
    state: z.enum(['pending', 'held', 'sending', 'sent', 'delivered', 'failed', 'dropped']),
    heldReason: z.string().nullable().openapi({ description: 'Why it was not sent (or not yet): milestone_off, no_consent, opted_out, quiet_hours, combined, …; null once sent' }),
    sendAfter: z.string().nullable().openapi({ description: 'When a text waiting for the recipient’s SMS window is (or was) due' }),
    subject: z.string().nullable(),
    body: z.string().nullable().openapi({ description: 'The plain-text email or the SMS as sent' }),
    provider: z.string().nullable(),
    providerStatus: z.string().nullable(),
    attempts: z.number(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
  })
  .openapi('Message');

export const messageJson = (m: MessageRow) => ({
  id: m.id,
  orderId: m.order_id,
  shipmentId: m.shipment_id,
  milestone: m.milestone,
  occurrence: m.occurrence,
  channel: m.channel,
  recipient: m.recipient,
  state: m.state,
  heldReason: m.held_reason,
  sendAfter: m.send_after,
  subject: m.subject,
  body: m.body_text,
  provider: m.provider,
  providerStatus: m.provider_status,
  attempts: m.attempts,
  lastError: m.last_error,
  createdAt: m.created_at,
  sentAt: m.sent_at,
});

export function registerNotificationRoutes(api: OpenAPIHono<AppEnv>, deps: Deps): void {
  registerDkimRoutes(api, deps);

  api.openapi(
    createRoute({
      method: 'get',
      path: '/orders/{orderId}/messages',
      tags: ['Messages'],
      summary: 'Every message for an order: what went where and when, its status, or why it was held back',
      security,
      request: { params: param('orderId') },
      responses: { 200: json(z.object({ data: z.array(MessageSchema) }), 'Oldest first'), ...errors },
    }),
    async (c) => {
      const order = await findOrder(deps, c.get('brand').id, c.req.valid('param').orderId!);
      const rows = await deps.db.selectFrom('messages').selectAll().where('order_id', '=', order.id).orderBy('created_at').orderBy('id').execute();
      return c.json({ data: rows.map(messageJson) } as never, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/messages',
      tags: ['Messages'],
      summary: 'Messages by state, newest first, a page at a time (limit, cursor: the nextCursor of the previous page) — `state=failed` is the dead-letter list',
      security,
      request: { query: listQuery({ state: z.enum(['pending', 'held', 'sending', 'sent', 'delivered', 'failed', 'dropped']).optional(), ...pageParams }) },
      responses: { 200: json(listOf(MessageSchema), 'A page of messages'), ...errors },
    }),
    async (c) => {
      const { state, limit, cursor } = c.req.valid('query');
      const before = cursorId(cursor, 'message');
      let q = deps.db.selectFrom('messages').selectAll().where('brand_id', '=', c.get('brand').id);
      if (state) q = q.where('state', '=', state);
      if (before) q = q.where('id', '<', before);
      const { rows, nextCursor } = page(await q.orderBy('id', 'desc').limit(limit + 1).execute(), limit);
      return c.json({ data: rows.map(messageJson), nextCursor } as never, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/messages/{messageId}/retry',
      tags: ['Messages'],
      summary: 'Send a failed message again (refused, possibly delivered, or given up after about six hours of a provider’s outage), with a new allowance of attempts',
      security,
      request: { params: param('messageId') },
      responses: { 200: json(MessageSchema, 'Queued again'), 409: json(ErrorSchema, 'Only failed messages can be retried'), ...errors },
    }),
    async (c) => {
      const id = c.req.valid('param').messageId!;
      const now = deps.clock.now();
      const message = await deps.db.transaction().execute(async (trx) => {
        const row = hasPrefix(id, 'message') ? await trx.selectFrom('messages').selectAll().where('id', '=', id).where('brand_id', '=', c.get('brand').id).executeTakeFirst() : undefined;
        if (!row) throw notFound(`message ${id}`);
        if (row.state !== 'failed') throw new AppError('conflict', `message ${id} is ${row.state}; only failed messages can be retried`);
        await trx.updateTable('messages').set({ state: 'pending', updated_at: now.toISOString() }).where('id', '=', id).execute();
        await enqueueJob(trx, now, sendJob(id, `send:${id}:retry:${row.attempts}`));
        return { ...row, state: 'pending' };
      });
      deps.notifyJobsEnqueued();
      return c.json(messageJson(message) as never, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/orders/{orderId}/updates',
      tags: ['Messages'],
      summary: 'A personal update written by a person (hybrid mode): shown in the timeline and sent by email, and by SMS when marked critical',
      security,
      request: { params: param('orderId'), ...body(strictObject({ text: z.string().trim().min(1).max(2000), imageUrl: webUrl.optional(), critical: z.boolean().default(false), author: z.string().max(100).optional() })) },
      responses: { 201: json(z.object({ id: z.string(), orderId: z.string(), text: z.string(), imageUrl: z.string().nullable(), critical: z.boolean(), createdAt: z.string() }), 'Stored and queued'), ...errors },
    }),
    async (c) => {
      const order = await findOrder(deps, c.get('brand').id, c.req.valid('param').orderId!);
      const input = c.req.valid('json');
      const now = deps.clock.now();
      const update = { id: newId('update'), brand_id: order.brand_id, order_id: order.id, text: input.text, image_url: input.imageUrl ?? null, critical: input.critical ? (1 as const) : (0 as const), author: input.author ?? null, created_at: now.toISOString() };
      await deps.db.transaction().execute(async (trx) => {
        await trx.insertInto('personal_updates').values(update).execute();
        await enqueueJob(trx, now, { kind: PERSONAL_UPDATE_JOB, payload: { orderId: order.id, updateId: update.id, critical: input.critical }, idempotencyKey: `update:${update.id}` });
      });
      deps.notifyJobsEnqueued();
      return c.json({ id: update.id, orderId: order.id, text: update.text, imageUrl: update.image_url, critical: input.critical, createdAt: update.created_at } as never, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/notifications/preview',
      tags: ['Messages'],
      summary: 'Render any milestone’s email and SMS with sample data, in the brand’s look and wording',
      security,
      request: { query: z.object({ milestone: z.enum(MILESTONES), locale: z.string().max(20).default('en'), format: z.enum(['json', 'html']).default('json') }) },
      responses: { 200: json(z.object({ subject: z.string(), html: z.string(), text: z.string(), sms: z.string() }), 'The rendered message'), ...errors },
    }),
    async (c) => {
      const { milestone, locale, format } = c.req.valid('query');
      const brand = (await getBrand(deps.db, c.get('brand').id)) ?? c.get('brand'); // fresh: wording may have just changed
      const settings = settingsOf(brand);
      const rendered = await renderPreview(milestone, locale, { name: brand.name, ...(settings.look ?? {}) }, templateOverridesFor(settings, milestone, languageFor(locale)));
      if (format === 'html') return c.html(rendered.email.html) as never;
      return c.json({ subject: rendered.email.subject, html: rendered.email.html, text: rendered.email.text, sms: rendered.sms } as never, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'patch',
      path: '/brand/settings',
      tags: ['Brand'],
      summary: 'Change the brand’s settings: origin, sender, look, notification channels, SMS window and template wording',
      description:
        'Merged into the stored settings at every depth: objects key by key, arrays and values replace. An address (`shipFrom`, `returnTo`), the `origin` and `shipping.defaultParcel` are each sent whole and replace the stored one whole. `null` is refused: DELETE /v1/brand/settings/{setting} removes one.',
      security,
      request: body(BrandSettingsPatchSchema),
      responses: { 200: json(BrandSettingsPatchSchema, 'The settings now in force (secrets left out)'), ...errors },
    }),
    async (c) => {
      const patch = c.req.valid('json');
      const problems: FieldProblem[] = [];
      for (const { path, milestone, text } of templateOverridesIn(patch)) {
        const verdict = validateTemplateOverride(text, milestone);
        if (verdict.ok) continue;
        if (verdict.unbalanced) problems.push({ field: path, problem: `has braces that open or close no placeholder at “${verdict.unbalanced}”: write {{name}}` });
        if (verdict.unknownPlaceholders.length) problems.push({ field: path, problem: `placeholders this message cannot fill: ${verdict.unknownPlaceholders.join(', ')}` });
      }
      if (problems.length) throw new AppError('validation_failed', problems.map((p) => `${p.field}: ${p.problem}`).join('; '), problems);
      const brand = c.get('brand');
      const merged = await updateBrandSettings<BrandSettings>(deps, brand.id, (current) => mergeSettings(current, patch));
      return c.json(visibleSettings(merged) as never, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'delete',
      path: '/brand/settings/{setting}',
      tags: ['Brand'],
      summary: 'Remove one setting, so that Waybill’s default applies again',
      description:
        'The setting is named by its path, dots between the parts: `look.logoUrl`, `returnTo`, `notifications.smsWindow`, `notifications.channels.delivered`, `templatesByLanguage.fr.shipped` (the brand’s French wording of “shipped”: Waybill’s comes back), `templates.delivered.subject`. Objects left empty go too. A setting that is not set is already removed: 200. A part of something sent whole (an address, `origin`, `shipping.defaultParcel`) or needed by its object (an SMS window’s `start`) is refused: change or remove the whole.',
      security,
      request: { params: z.object({ setting: z.string().min(1).max(200).openapi({ example: 'templatesByLanguage.fr.shipped' }) }) },
      responses: { 200: json(BrandSettingsPatchSchema, 'The settings now in force (secrets left out)'), ...errors },
    }),
    async (c) => {
      const { setting } = c.req.valid('param');
      const removable = removableSetting(setting);
      if (!removable.ok) {
        throw removable.unknown ? new AppError('not_found', `no setting is named ${setting}: ${removable.problem}`) : new AppError('validation_failed', removable.problem, [{ field: 'setting', problem: removable.problem }]);
      }
      const brand = c.get('brand');
      const changed = await updateBrandSettings<BrandSettings>(deps, brand.id, (current) => withoutSetting(current, removable.path));
      return c.json(visibleSettings(changed) as never, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/brand/settings',
      tags: ['Brand'],
      summary: 'The brand’s settings as stored (secrets left out): what PATCH /v1/brand/settings merges into',
      security,
      responses: { 200: json(BrandSettingsPatchSchema, 'The settings now in force (secrets left out)'), ...errors },
    }),
    async (c) => {
      const brand = await deps.db.selectFrom('brands').select('settings').where('id', '=', c.get('brand').id).executeTakeFirstOrThrow();
      return c.json(visibleSettings(settingsOf(brand)) as never, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: '/brand/sms-account',
      tags: ['Brand'],
      summary: 'The brand’s Twilio account for SMS (the auth token is stored encrypted and never returned)',
      security,
      request: body(strictObject({ accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, { message: 'must be a Twilio Account SID (AC + 32 hex characters)' }), authToken: z.string().min(16).max(128), from: z.string().regex(/^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$/, { message: 'must be an E.164 number or a Messaging Service SID' }) })),
      responses: { 200: json(z.object({ accountSid: z.string(), from: z.string() }), 'Saved'), ...errors },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const brand = c.get('brand');
      const sms = { accountSid: input.accountSid, authToken: encryptSecret(deps.keys.credentials, input.authToken), from: input.from };
      await updateBrandSettings<BrandSettings>(deps, brand.id, (current) => ({ ...current, sms }));
      return c.json({ accountSid: input.accountSid, from: input.from } as never, 200);
    },
  );
}
