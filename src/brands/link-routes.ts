// /v1/brand/links: where the brand's tracking links stand, and revoking every one it has sent at
// once (a list of links leaked, a customer's email forwarded) by moving its link key version on.
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../api/context.js';
import { ErrorSchema } from '../api/schemas.js';
import type { Deps } from '../deps.js';
import { linkKeyState, rotateLinkKey } from './repo.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const security = [{ apiKey: [] }];
const unauthorized = { 401: json(ErrorSchema, 'Missing or wrong API key') };

const linkKeyVersion = z.number().int().openapi({ description: 'The version links are signed under now; a link made under an earlier one leads nowhere', example: 2 });

const LinkKeyStateSchema = z
  .object({ linkKeyVersion, revokedAt: z.string().nullable().openapi({ description: 'When the brand last revoked its links (null: never)', example: '2026-03-02T15:00:00.000Z' }) })
  .openapi('BrandLinks');

const RevocationSchema = z
  .object({ linkKeyVersion, revokedAt: z.string().openapi({ description: 'When the links were revoked: now', example: '2026-03-02T15:00:00.000Z' }) })
  .openapi('BrandLinkRevocation');

export function registerLinkRoutes(api: OpenAPIHono<AppEnv>, deps: Deps): void {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/brand/links',
      tags: ['Brand'],
      summary: 'Where the brand’s tracking links stand: the version they are signed under, and when they were last revoked',
      security,
      responses: { 200: json(LinkKeyStateSchema, 'The links’ state'), ...unauthorized },
    }),
    async (c) => c.json(await linkKeyState(deps.db, c.get('brand').id), 200),
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/brand/links/revoke',
      tags: ['Brand'],
      summary: 'Revoke every tracking-page link the brand has sent: pages, short links in texts, return forms and labels',
      description:
        'Moves the brand’s link key version on. Every link made before, in any message or API answer, then answers as a link that is not valid (404): `/t/{token}` and everything under it (`data.json`, the return form and labels), and `/s/{code}` short links in texts (404, as a code never handed out); product links from the page or emails still open the product but count no click. ' +
        'Messages sent from now on, including those already queued, carry new links, and `GET /v1/orders/{id}` answers the new `trackingPageUrl`; a customer holding an old link can still find the order with the lookup form. ' +
        'API keys, webhook secrets and unsubscribe links are untouched, and so are other brands’ links. Each call revokes again; with an `Idempotency-Key`, a retry replays the first answer instead.',
      security,
      responses: { 200: json(RevocationSchema, 'Revoked: links made from now on are signed under linkKeyVersion'), ...unauthorized },
    }),
    async (c) => c.json(await rotateLinkKey(deps.db, c.get('brand').id, deps.clock.now()), 200),
  );
}
