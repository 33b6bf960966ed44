// /v1/brand/theme: the hub's look (logo, colours, fonts, navigation, footer, support), where it
// lives (slug, custom domain), and a live preview of the page with a theme before saving it.
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../api/context.js';
import { ErrorSchema } from '../api/schemas.js';
import type { Deps } from '../deps.js';
import { AppError } from '../lib/errors.js';
import { DOMAIN, hubOf, lookupUrlOf, saveHub, SLUG } from './hosts.js';
import { domainStateOfBrand, verifyDomain } from './domains.js';
import { HUB_LANGUAGES, type HubLanguage } from './i18n/index.js';
import { renderThemePreview } from './preview.js';
import { withMapScripts } from './map-assets.js';
import { checkThemeAssets, saveThemeAssets } from './brand-assets.js';
import { logoSrc, ThemeSchema, themeOf } from './theme.js';
import { updateBrandSettings } from '../brands/repo.js';
import { strictObject } from '../api/request-fields.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const body = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { 'application/json': { schema } } } });
const security = [{ apiKey: [] }];
const errors = { 401: json(ErrorSchema, 'Missing or wrong API key'), 422: json(ErrorSchema, 'Validation failed: details name each field') };

const PlacementSchema = strictObject({
  slug: z.string().regex(SLUG, { message: 'must be 1 to 40 lower-case letters, digits and inner hyphens' }).optional().openapi({ description: 'The hub at /track/{slug} on Waybill’s address' }),
  domain: z
    .string()
    .transform((d) => d.trim().toLowerCase().replace(/\.$/, ''))
    .pipe(z.string().regex(DOMAIN, { message: 'must be a host name such as track.example.com' }))
    .nullable()
    .optional()
    .openapi({
      description:
        'Your own host name (CNAME it to Waybill). A new one is pending until you prove you own it: publish the TXT record given in domainProof, then call POST /v1/brand/domain/verify (Waybill also looks for it every few minutes for a week). Once verified, its / and /track show your lookup form and links in messages use it; until then they use Waybill’s address. null removes it',
    }),
});

const ProofRecordSchema = z
  .object({
    type: z.literal('TXT'),
    name: z.string().openapi({ description: 'The name to create it at: _waybill.<your domain>', example: '_waybill.track.example.com' }),
    value: z.string().openapi({ description: 'Its exact value: waybill-verify= and a token for this brand and domain', example: 'waybill-verify=3q2-7w…' }),
  })
  .openapi('HubDomainRecord');

const DomainStateShape = {
  domain: z.string().nullable().openapi({ description: 'The custom domain set, verified or pending' }),
  domainStatus: z.enum(['verified', 'pending']).nullable().openapi({ description: 'verified: pages are served there and links use it; pending: waiting for its DNS proof (not served, links use Waybill’s address)' }),
  domainProof: z
    .object({
      record: ProofRecordSchema,
      checkedAt: z.string().nullable().openapi({ description: 'When Waybill last looked the record up (null: not yet)' }),
      problem: z.string().nullable().openapi({ description: 'What that lookup found instead of the record' }),
    })
    .nullable()
    .openapi({ description: 'While the domain is pending: the DNS record that proves it is yours, and the last lookup' }),
};

// GET answers { theme, logoUrl, slug, domain, lookupUrl, domainStatus, domainProof }; PUT takes the
// theme's fields at the top level. Sending GET's answer back as it is must be refused, not saved as
// an empty theme.
const ThemeBodySchema = strictObject(
  { ...ThemeSchema.shape, ...PlacementSchema.shape },
  'PUT takes the theme’s own fields (logo, colors, fonts, homeUrl, nav, footer, support, defaultLocale, map) at the top level, as GET gives them under theme, with slug and domain beside them',
).openapi('HubThemeInput');

const ThemeAnswerSchema = z
  .object({
    theme: ThemeSchema.openapi({ description: 'As saved: an uploaded logo or font file appears as its asset (the digest of its bytes), which PUT takes back to keep it' }),
    logoUrl: z.string().nullable().openapi({ description: 'Where Waybill serves the uploaded logo (theme.logo.asset); the address changes with the file, so it may be cached for good' }),
    slug: z.string(),
    domain: DomainStateShape.domain,
    lookupUrl: z.string().openapi({ description: 'The brand’s "track my order" page (on the custom domain once it is verified)' }),
    domainStatus: DomainStateShape.domainStatus,
    domainProof: DomainStateShape.domainProof,
  })
  .openapi('HubThemeSettings');

const DomainAnswerSchema = z.object({ ...DomainStateShape, lookupUrl: z.string().openapi({ description: 'The brand’s "track my order" page' }) }).openapi('HubDomain');

export function registerThemeRoutes(api: OpenAPIHono<AppEnv>, deps: Deps): void {
  const answer = async (brandId: string) => {
    const brand = await deps.db.selectFrom('brands').select('settings').where('id', '=', brandId).executeTakeFirstOrThrow();
    const hub = await hubOf(deps, brandId);
    const theme = themeOf(brand);
    const logoUrl = theme.logo?.asset ? `${deps.config.publicUrl}${logoSrc(brandId, theme.logo.asset)}` : null;
    const lookupUrl = lookupUrlOf(deps.config.publicUrl, hub);
    const { domain, domainStatus, domainProof } = await domainStateOfBrand(deps, brandId);
    return { theme, logoUrl, slug: hub.slug, domain, lookupUrl, domainStatus, domainProof };
  };

  api.openapi(
    createRoute({ method: 'get', path: '/brand/theme', tags: ['Brand'], summary: 'The tracking page’s look and address', security, responses: { 200: json(ThemeAnswerSchema, 'The theme in force'), ...errors } }),
    async (c) => c.json((await answer(c.get('brand').id)) as never, 200),
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: '/brand/theme',
      tags: ['Brand'],
      summary: 'Set the tracking page’s look (replaces the theme) and, optionally, its slug and custom domain',
      security,
      request: body(ThemeBodySchema),
      responses: { 200: json(ThemeAnswerSchema, 'Saved'), 409: json(ErrorSchema, 'The slug belongs to another brand, or the domain is verified by another brand'), ...errors },
    }),
    async (c) => {
      const { slug, domain, ...theme } = c.req.valid('json');
      const brandId = c.get('brand').id;
      await checkThemeAssets(deps.db, brandId, theme); // before anything is saved
      await saveHub(deps, brandId, { slug, domain });
      // Files are stored and unused ones deleted in the same locked read-modify-write as the theme,
      // so a save keeping a file by its digest never runs beside another deleting it. The hub is read
      // under the same lock: a domain verified since saveHub is not written back as unverified.
      await updateBrandSettings(deps, brandId, async (current, trx) => {
        const hub = await trx.selectFrom('brand_hubs').select(['slug', 'domain']).where('brand_id', '=', brandId).executeTakeFirstOrThrow();
        return { ...current, theme: await saveThemeAssets(trx, brandId, theme, deps.clock.now()), hub };
      });
      return c.json((await answer(brandId)) as never, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/brand/domain/verify',
      tags: ['Brand'],
      summary: 'Prove you own the custom domain: Waybill looks up its TXT record now and, when it is right, serves your pages there',
      description:
        'Looks up the TXT record at _waybill.<domain> (as given in domainProof by GET /v1/brand/theme) and puts the domain in force when its value is right: pages are served on it and new links use it. A domain already verified answers as it is. Two brands may both have a domain pending: the first to verify it holds it.',
      security,
      responses: {
        200: json(DomainAnswerSchema, 'The domain is verified (domainStatus "verified"), or another one was set meanwhile'),
        404: json(ErrorSchema, 'No custom domain is set'),
        409: json(ErrorSchema, 'Another brand verified this domain first'),
        422: json(ErrorSchema, '`domain_not_verified`: the record is missing (the name does not exist, or has no TXT record) or holds another value; details give the record expected, the values found and what DNS answered (`dns`: no_name, no_record, wrong_value)'),
        429: json(ErrorSchema, '`rate_limited`: DNS was asked about this domain less than 10 seconds ago (by this call or Waybill\'s own check); the message repeats what it found; ask again after Retry-After'),
        502: json(ErrorSchema, '`dns_error`: the DNS server failed the lookup (SERVFAIL, refused)'),
        503: json(ErrorSchema, '`unavailable`: no DNS server answered in time (DNS_TIMEOUT_MS); retry after Retry-After'),
        401: errors[401],
      },
    }),
    async (c) => {
      const brandId = c.get('brand').id;
      const state = await verifyDomain(deps, brandId);
      return c.json({ ...state, lookupUrl: lookupUrlOf(deps.config.publicUrl, await hubOf(deps, brandId)) } as never, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/brand/theme/preview',
      tags: ['Brand'],
      summary: 'Live preview: the tracking page drawn with a theme you have not saved (one of your orders, or a sample)',
      security,
      request: body(
        strictObject(
          {
            theme: ThemeSchema.optional().openapi({ description: 'Leave out to preview the saved theme' }),
            locale: z.enum(HUB_LANGUAGES as [HubLanguage, ...HubLanguage[]]).default('en'),
            orderId: z.string().max(64).optional().openapi({ description: 'One of your orders, drawn as its customer sees it; its product suggestions link straight to your shop (no click is recorded for the customer) and nothing is counted as a page view or impression. Leave out for a sample order' }),
          },
          'the theme to preview goes under theme (its fields as PUT takes them), beside locale and orderId',
        ),
      ),
      responses: { 200: { content: { 'text/html': { schema: z.string() } }, description: 'The page as HTML' }, 404: json(ErrorSchema, 'No such order'), ...errors },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const brand = await deps.db.selectFrom('brands').selectAll().where('id', '=', c.get('brand').id).executeTakeFirst();
      if (!brand) throw new AppError('not_found', 'brand not found');
      const { html, liveMap } = await renderThemePreview(deps, brand, { theme: input.theme, language: input.locale, orderId: input.orderId });
      const csp = "default-src 'none'; img-src 'self' https: data:; style-src 'unsafe-inline'; font-src 'self' data:";
      return c.html(html, 200, { 'cache-control': 'no-store', 'content-security-policy': liveMap ? withMapScripts(csp) : csp }) as never;
    },
  );
}
