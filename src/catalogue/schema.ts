// A product of a brand's catalogue, as the API and the CSV take it. `id` is the brand's SKU, the
// same the items of its orders carry: that is how "bought together" and attribution find it.
import { z } from '@hono/zod-openapi';
import { webUrl } from '../api/request-fields.js';

const imageUrl = z.union([
  webUrl,
  z
    .string()
    .max(12_000, { message: 'an inline image must be at most 8 KB; link a larger one by URL' })
    .regex(/^data:image\/(png|jpeg|webp|gif|svg\+xml);base64,[A-Za-z0-9+/]+=*$/, { message: 'must be an http(s) URL or a base64 data URI of an image' }),
]);

export const ProductSchema = z
  .object({
    id: z.string().trim().min(1, { message: 'must not be empty' }).max(100).openapi({ description: 'Your SKU, as your orders’ items carry it', example: 'NW-CAP-05' }),
    title: z.string().trim().min(1, { message: 'must not be empty' }).max(200),
    imageUrl: imageUrl.optional(),
    price: z.number().min(0).max(10_000_000).optional(),
    currency: z.string().regex(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code such as USD' }).default('USD'),
    url: webUrl.openapi({ description: 'The product page in your shop' }),
    tags: z.array(z.string().trim().toLowerCase().min(1).max(40)).max(20).default([]),
    active: z.boolean().default(true).openapi({ description: 'Inactive products are never recommended' }),
  })
  .openapi('Product');
export type Product = z.infer<typeof ProductSchema>;
export type ProductInput = z.input<typeof ProductSchema>;
