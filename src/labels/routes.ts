// /v1 routes about labels: downloading a shipment's label (PDF or ZPL).
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../api/context.js';
import { ErrorSchema } from '../api/schemas.js';
import { LABEL_FORMATS } from '../carriers/label-types.js';
import type { Deps } from '../deps.js';
import { AppError, notFound } from '../lib/errors.js';
import { findShipment } from '../shipments/service.js';
import { documentFormats, findShipmentPurchase, readLabelDocument } from './store.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const security = [{ apiKey: [] }];
const errors = { 401: json(ErrorSchema, 'Missing or wrong API key'), 404: json(ErrorSchema, 'Not found'), 422: json(ErrorSchema, 'Validation failed') };
const ShipmentParam = z.object({ shipmentId: z.string().max(64).openapi({ param: { name: 'shipmentId', in: 'path' }, example: 'shp_01jd0000000000000000000000' }) });
const binary = z.string().openapi({ format: 'binary' });

export function registerLabelRoutes(api: OpenAPIHono<AppEnv>, deps: Deps): void {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/shipments/{shipmentId}/label',
      tags: ['Labels'],
      summary: 'Download the shipment’s label: a 4×6 PDF or ZPL for thermal printers',
      security,
      request: { params: ShipmentParam, query: z.object({ format: z.enum(LABEL_FORMATS).default('pdf') }) },
      responses: {
        200: { description: 'The label', content: { 'application/pdf': { schema: binary }, 'application/zpl': { schema: binary } } },
        409: json(ErrorSchema, 'The label was voided: it must not be printed'),
        ...errors,
      },
    }),
    async (c) => {
      const brand = c.get('brand');
      const { shipmentId } = c.req.valid('param');
      const { format } = c.req.valid('query');
      const shipment = await findShipment(deps, brand.id, shipmentId!);
      const purchase = await findShipmentPurchase(deps.db, brand.id, shipment.id);
      if (!purchase) throw notFound(`a label for shipment ${shipment.id} (its tracking number was not bought through Waybill)`);
      if (purchase.state === 'voided') throw new AppError('conflict', `the label of shipment ${shipment.id} was voided at ${purchase.voided_at}; it must not be printed`);
      const document = await readLabelDocument(deps.db, purchase, format);
      if (!document) {
        const formats = await documentFormats(deps.db, purchase.id);
        throw new AppError('not_found', `the ${purchase.carrier} label of shipment ${shipment.id} was bought as ${formats.join(' and ')}; there is no ${format} version`);
      }
      return c.body(Buffer.from(document.body), 200, {
        'content-type': document.contentType,
        'content-disposition': `${format === 'pdf' ? 'inline' : 'attachment'}; filename="${document.filename}"`,
        'cache-control': 'private, no-store',
      }) as never;
    },
  );
}
