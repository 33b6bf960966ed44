// /v1 routes of the catalogue and its cross-sells: products by JSON or CSV (with a report of bad
// rows), settings, the bought-together recount, recommendations for an order, and the figures.
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { parseJsonBody } from '../api/answers.js';
import type { AppEnv } from '../api/context.js';
import { ErrorSchema, listQuery, pageLimit } from '../api/schemas.js';
import type { Deps } from '../deps.js';
import { AppError, notFound } from '../lib/errors.js';
import { findOrder } from '../orders/service.js';
import { charsetOf, decodeCsvBytes, fallbackNote, UNREADABLE_CHARSET_ANSWER } from '../imports/decode-csv.js';
import { recommendationsFor } from './cross-sells.js';
import { parseCatalogueCsv } from './csv.js';
import { deleteProduct, listProducts, upsertProducts } from './repo.js';
import { ProductSchema } from './schema.js';
import { CrossSellSettingsSchema, crossSellSettingsOf } from './settings.js';
import { crossSellStats } from './stats.js';
import { countAllOrders } from './together.js';
import { updateBrandSettings } from '../brands/repo.js';
import { strictObject } from '../api/request-fields.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const body = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { 'application/json': { schema } } } });
const security = [{ apiKey: [] }];
const errors = { 401: json(ErrorSchema, 'Missing or wrong API key'), 404: json(ErrorSchema, 'Not found'), 422: json(ErrorSchema, 'Validation failed: details name each field') };
const tags = ['Catalogue'];

// One flat object, not an extension: OpenAPI would publish an extension as allOf of Product (whose
// imageUrl and price are never null) and these fields, which no null could then satisfy.
const ProductOut = z.object({ ...ProductSchema.shape, imageUrl: z.string().nullable(), price: z.number().nullable() }).openapi('CatalogueProduct');
const ImportReport = z
  .object({
    rows: z.number().int(),
    loaded: z.number().int(),
    failed: z.number().int(),
    encoding: z.string().optional().openapi({ description: 'For a text/csv body: the encoding the file was read as (its BOM, the Content-Type’s charset, else UTF-8, else windows-1252)', example: 'utf-8' }),
    encodingNote: z.string().optional().openapi({ description: 'Present when the file named no encoding and was not UTF-8, so it was read as windows-1252: says so, with the first line that was not UTF-8' }),
    errors: z.array(z.object({ line: z.number().int(), reason: z.string(), value: z.string().optional() })),
  })
  .openapi('CatalogueImportReport');
const day = z.iso.date({ message: 'must be a date (YYYY-MM-DD)' });
const Revenue = z
  .array(z.object({ currency: z.string().openapi({ example: 'EUR' }), amount: z.number() }))
  .openapi({ description: 'One entry per currency (an attributed order’s own currency), largest first; amounts in different currencies are never added together' });
const perSource = z.object({ page: z.number().int(), email: z.number().int() });
const CrossSellStats = z
  .object({
    from: z.string(),
    to: z.string(),
    pageViews: z.number().int(),
    impressions: perSource,
    clicks: perSource,
    clickThroughRate: z.number(),
    attributedOrders: z.number().int(),
    revenue: Revenue,
    products: z
      .array(z.object({ id: z.string(), title: z.string().nullable(), impressions: z.number().int(), clicks: z.number().int(), orders: z.number().int(), quantity: z.number().int(), revenue: Revenue }))
      .openapi({ description: 'Products shown, clicked or bought in the period, most attributed orders first' }),
  })
  .openapi('CrossSellStats');

export function registerCatalogueRoutes(api: OpenAPIHono<AppEnv>, deps: Deps): void {
  api.openapi(
    createRoute({ method: 'put', path: '/catalogue/products', tags, summary: 'Add or replace up to 1,000 products (by id)', security, request: body(strictObject({ products: z.array(strictObject(ProductSchema.shape).openapi('ProductInput')).min(1).max(1000) })), responses: { 200: json(z.object({ loaded: z.number() }), 'Saved'), ...errors } }),
    async (c) => {
      const { products } = c.req.valid('json');
      const ids = new Set<string>();
      const repeated = products.map((p, i) => (ids.has(p.id) ? { field: `products.${i}.id`, problem: `${p.id} appears twice` } : (ids.add(p.id), null))).filter((x) => x !== null);
      if (repeated.length) throw new AppError('validation_failed', 'each product id may appear once', repeated);
      await upsertProducts(deps, c.get('brand').id, products);
      return c.json({ loaded: products.length } as never, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/catalogue/import',
      tags,
      summary: 'Load a catalogue CSV (id, title, image, price, url, tags): good rows are saved, bad rows reported by line',
      security,
      request: {
        body: {
          required: true,
          content: {
            'text/csv': { schema: { type: 'string', description: 'In the encoding its BOM or `charset` parameter names; with neither, UTF-8, and a file that is not valid UTF-8 is read as windows-1252 (the report says so)', example: 'id,title,image,price,url,tags\nNW-CAP-05,Canvas cap,,22,https://shop.example.com/cap,hats|summer\n' } },
            'application/json': { schema: { type: 'object', required: ['csv'], properties: { csv: { type: 'string' } } } },
          },
        },
      },
      responses: { 200: json(ImportReport, 'What was loaded, and why each bad row was not'), 415: json(ErrorSchema, UNREADABLE_CHARSET_ANSWER), ...errors },
    }),
    async (c) => {
      const contentType = c.req.header('content-type');
      const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
      const decoded = type === 'text/csv' ? decodeCsvBytes(new Uint8Array(await c.req.arrayBuffer()), charsetOf(contentType)) : undefined;
      const text = decoded ? decoded.text : (parseJsonBody(await c.req.text()) as { csv?: unknown } | null)?.csv;
      if (typeof text !== 'string' || text.trim() === '') throw new AppError('validation_failed', 'send the CSV as text/csv, or as JSON { "csv": "..." }', [{ field: 'csv', problem: 'is required' }]);
      const parsed = await parseCatalogueCsv(text);
      if (!parsed.ok) throw new AppError('validation_failed', parsed.message, [{ field: 'csv', problem: parsed.message }]);
      await upsertProducts(deps, c.get('brand').id, parsed.products.map(({ line: _line, ...product }) => product));
      const note = decoded && fallbackNote(decoded);
      const encoding = decoded ? { encoding: decoded.encoding, ...(note ? { encodingNote: `${note}; if it is in another, send it with Content-Type: text/csv; charset=… (iso-8859-15, utf-16, shift_jis…)` } : {}) } : {};
      return c.json({ rows: parsed.rows, loaded: parsed.products.length, failed: parsed.errors.length, ...encoding, errors: parsed.errors }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/catalogue/products',
      tags,
      summary: 'The catalogue, by id',
      security,
      request: { query: listQuery({ limit: pageLimit(500).default(100), after: z.string().max(100).optional() }) },
      responses: { 200: json(z.object({ data: z.array(ProductOut), nextAfter: z.string().nullable() }), 'A page of products'), ...errors },
    }),
    async (c) => {
      const page = await listProducts(deps, c.get('brand').id, c.req.valid('query'));
      return c.json({ data: page.products, nextAfter: page.next } as never, 200);
    },
  );

  api.openapi(
    createRoute({ method: 'delete', path: '/catalogue/products/{productId}', tags, summary: 'Remove a product', security, request: { params: z.object({ productId: z.string().max(100) }) }, responses: { 204: { description: 'Removed' }, ...errors } }),
    async (c) => {
      if (!(await deleteProduct(deps, c.get('brand').id, c.req.valid('param').productId))) throw notFound(`product ${c.req.valid('param').productId}`);
      return c.body(null, 204) as never;
    },
  );

  api.openapi(
    createRoute({ method: 'get', path: '/cross-sells/settings', tags, summary: 'Cross-sell settings', security, responses: { 200: json(CrossSellSettingsSchema, 'In force'), ...errors } }),
    async (c) => {
      const brand = await deps.db.selectFrom('brands').select('settings').where('id', '=', c.get('brand').id).executeTakeFirstOrThrow();
      return c.json(crossSellSettingsOf(brand) as never, 200);
    },
  );

  api.openapi(
    createRoute({ method: 'put', path: '/cross-sells/settings', tags, summary: 'On or off, the fallback list, the attribution window, how many on the page', security, request: body(strictObject(CrossSellSettingsSchema.shape).openapi('CrossSellSettingsInput')), responses: { 200: json(CrossSellSettingsSchema, 'Saved'), ...errors } }),
    async (c) => {
      const input = c.req.valid('json');
      const brandId = c.get('brand').id;
      await updateBrandSettings(deps, brandId, (current) => ({ ...current, crossSells: input }));
      return c.json(input as never, 200);
    },
  );

  api.openapi(
    createRoute({ method: 'post', path: '/cross-sells/recount', tags, summary: 'Count every order not yet counted into "bought together" (orders from before the catalogue, imports)', security, responses: { 200: json(z.object({ counted: z.number() }), 'Orders counted now'), ...errors } }),
    async (c) => c.json({ counted: await countAllOrders(deps, c.get('brand').id) } as never, 200),
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/orders/{orderId}/recommendations',
      tags,
      summary: 'The products the order’s page shows, best first',
      security,
      request: { params: z.object({ orderId: z.string().max(64) }), query: z.object({ limit: pageLimit(20).optional() }) },
      responses: { 200: json(z.object({ data: z.array(ProductOut) }), 'Recommendations'), ...errors },
    }),
    async (c) => {
      const order = await findOrder(deps, c.get('brand').id, c.req.valid('param').orderId);
      const brand = await deps.db.selectFrom('brands').select(['id', 'settings']).where('id', '=', order.brand_id).executeTakeFirstOrThrow();
      return c.json({ data: await recommendationsFor(deps, brand, order, c.req.valid('query').limit) } as never, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/cross-sells/stats',
      tags,
      summary: 'Page views, impressions, clicks, attributed orders and revenue over a period (default: the last 30 days)',
      security,
      request: { query: z.object({ from: day.optional(), to: day.optional() }) },
      responses: { 200: json(CrossSellStats, 'The figures'), ...errors },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const today = deps.clock.now().toISOString().slice(0, 10);
      const to = query.to ?? today;
      const from = query.from ?? new Date(Date.parse(to) - 29 * 86_400_000).toISOString().slice(0, 10);
      if (from > to) throw new AppError('validation_failed', 'from must not be after to', [{ field: 'from', problem: 'is after to' }]);
      return c.json(await crossSellStats(deps, c.get('brand').id, { from, to }), 200);
    },
  );
}
