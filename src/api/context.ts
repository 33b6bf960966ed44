// The Hono environment shared by every route: the request id and, on /v1, the caller's brand.
import type { BrandRow } from '../db/schema.js';

export type AppEnv = {
  Variables: {
    requestId: string;
    brand: BrandRow;
  };
};
