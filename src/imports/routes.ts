// POST /v1/shipments/import (a CSV of tracking numbers) and GET /v1/imports/{importId}.
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../api/context.js';
import { parseJsonBody } from '../api/answers.js';
import { ErrorSchema } from '../api/schemas.js';
import type { Deps } from '../deps.js';
import { AppError } from '../lib/errors.js';
import { queueImport } from './jobs.js';
import { charsetOf, decodeCsvBytes, UNREADABLE_CHARSET_ANSWER } from './decode-csv.js';
import { parseImportCsv } from './parse-csv.js';
import { importRows } from './run-import.js';
import { IMPORT_STATES } from './schema.js';
import { findImport, importErrors, importJson } from './store.js';
import { checkRows } from './validate-row.js';

/** Files up to this many data rows are answered in the request; larger ones go to a job. */
export const SYNC_IMPORT_MAX_ROWS = 1000;

const RowErrorSchema = z
  .object({
    line: z.number().int().openapi({ description: 'Line in the file (the header is line 1)', example: 7 }),
    reason: z.string().openapi({ example: 'unknown order number 1042' }),
    value: z.string().optional().openapi({ description: 'The value at fault', example: '1042' }),
  })
  .openapi('ImportRowError');

const ImportReportSchema = z
  .object({
    rows: z.number().int().openapi({ description: 'Data rows in the file' }),
    created: z.number().int().openapi({ description: 'Rows that created a shipment' }),
    updated: z.number().int().openapi({ description: 'Rows that gave an existing shipment a new status' }),
    unchanged: z.number().int().openapi({ description: 'Rows already loaded (a re-upload, or a repeated row), or whose status the shipment already has from a carrier or the API' }),
    skipped: z.number().int().openapi({ description: 'Rows whose status was not applied: a CSV status has no date, so it never overrides a terminal status nor moves back a status a carrier or the API set' }),
    failed: z.number().int(),
    errors: z.array(RowErrorSchema),
    skippedRows: z.array(RowErrorSchema).openapi({ description: 'Each skipped row with the reason, e.g. "already delivered (carrier scan of …)"' }),
  })
  .openapi('ImportReport');

const ImportSchema = z
  .object({
    id: z.string().openapi({ example: 'imp_01jd0000000000000000000000' }),
    state: z.enum(IMPORT_STATES),
    progress: z.object({ processed: z.number().int(), total: z.number().int() }),
    report: ImportReportSchema.optional().openapi({ description: 'Once the state is done' }),
    error: z.string().optional().openapi({ description: 'Why it stopped, when the state is failed' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Import');

const ImportJsonBody = z.object({ csv: z.string().min(1) });

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const security = [{ apiKey: [] }];
const errors = {
  401: json(ErrorSchema, 'Missing or wrong API key'),
  415: json(ErrorSchema, UNREADABLE_CHARSET_ANSWER),
  422: json(ErrorSchema, 'The file was refused as a whole (no columns we can read, a missing column, broken quoting…): details say why'),
};

// Responses are built by serializers whose types are wider than the schemas' enums.
const reply = (c: Context, value: unknown, status: 200 | 202 = 200, headers?: Record<string, string>): never => c.json(value as never, status, headers) as never;

export function registerImportRoutes(api: OpenAPIHono<AppEnv>, deps: Deps): void {
  api.openapi(
    createRoute({
      method: 'post',
      path: '/shipments/import',
      tags: ['Shipments'],
      summary: `Import a CSV of tracking numbers (order number, tracking number, optional carrier and status). Up to ${SYNC_IMPORT_MAX_ROWS.toLocaleString('en-US')} rows are answered at once with a report; larger files are queued (202) and polled`,
      security,
      request: {
        body: {
          required: true,
          description: 'The CSV file as text/csv (in the encoding its BOM or `charset` parameter names; with neither, UTF-8, and a file that is not valid UTF-8 is read as windows-1252), or as JSON { "csv": "..." }',
          // Plain schemas, not zod: the route reads the body itself, as CSV or as JSON.
          content: {
            'text/csv': { schema: { type: 'string', example: 'order_number,tracking_number,carrier,status\n1001,1Z999AA10123456784,ups,in_transit\n' } },
            'application/json': { schema: { type: 'object', required: ['csv'], properties: { csv: { type: 'string', description: 'The CSV file' } } } },
          },
        },
      },
      responses: {
        200: json(ImportReportSchema, 'Processed: what each row did, and why bad rows failed (good rows load even when others fail)'),
        202: { ...json(ImportSchema, 'Queued: poll the Location'), headers: z.object({ Location: z.string().openapi({ example: '/v1/imports/imp_01jd0000000000000000000000' }) }) },
        ...errors,
      },
    }),
    async (c) => {
      const brand = c.get('brand');
      const csv = await csvOfRequest(c);
      // The file as a whole is judged now, at any size; its rows are checked where they are loaded.
      const parsed = parseImportCsv(csv);
      if (!parsed.ok) throw new AppError('validation_failed', `the CSV was refused: ${parsed.error.message}`, parsed.error.details);
      const { rows } = parsed.value;

      if (rows.length > SYNC_IMPORT_MAX_ROWS) {
        const stored = await queueImport(deps, { brandId: brand.id, csv, total: rows.length });
        deps.notifyJobsEnqueued();
        return reply(c, importJson(stored), 202, { Location: `/v1/imports/${stored.id}` });
      }
      const report = await importRows(deps, brand.id, checkRows(rows));
      if (report.created + report.updated > 0) deps.notifyJobsEnqueued(); // status changes queue their effects
      return reply(c, report);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/imports/{importId}',
      tags: ['Shipments'],
      summary: 'Poll a queued CSV import: its state, progress and, once done, its report',
      security,
      request: { params: z.object({ importId: z.string().max(64).openapi({ param: { name: 'importId', in: 'path' }, example: 'imp_01jd0000000000000000000000' }) }) },
      responses: { 200: json(ImportSchema, 'The import'), 404: json(ErrorSchema, 'Not found (or not yours)'), 401: errors[401] },
    }),
    async (c) => {
      const row = await findImport(deps.db, c.get('brand').id, c.req.valid('param').importId);
      return reply(c, importJson(row, row.state === 'done' ? await importErrors(deps.db, row.id) : undefined));
    },
  );
}

/** The CSV as text: a text/csv body (decoded from its bytes in its charset, so UTF-16 and Windows-1252 exports work), or JSON { csv }. */
async function csvOfRequest(c: Context<AppEnv>): Promise<string> {
  const contentType = c.req.header('content-type');
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'text/csv') return decodeCsvBytes(new Uint8Array(await c.req.arrayBuffer()), charsetOf(contentType)).text;
  const parsed = ImportJsonBody.safeParse(parseJsonBody(await c.req.text()));
  if (!parsed.success) {
    throw new AppError('validation_failed', 'send the CSV file as a text/csv body, or as JSON { "csv": "..." }', [{ field: 'csv', problem: 'must be a non-empty string holding the CSV file' }]);
  }
  return parsed.data.csv;
}
