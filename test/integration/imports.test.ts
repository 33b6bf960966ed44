import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Insertable, KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrand } from '../../src/brands/repo.js';
import type { OrderTable } from '../../src/db/schema.js';
import { jobHandlers } from '../../src/jobs/handlers.js';
import { createWorker, type Worker } from '../../src/jobs/worker.js';
import { newId } from '../../src/lib/ids.js';
import { runImportCommand } from '../../src/imports/cli.js';
import { IMPORT_JOB, runImportJob } from '../../src/imports/jobs.js';
import { withImportTables } from '../../src/imports/schema.js';
import { insertImport } from '../../src/imports/store.js';
import { ingestEvents, STATUS_CHANGED_JOB } from '../../src/shipments/ingest.js';
import { ROOT } from '../harness/process.js';
import { createTestContext, dialectUnderTest, orderBody, type TestContext } from '../harness/harness.js';

let t: TestContext;
let worker: Worker;
beforeAll(async () => {
  t = await createTestContext();
  // Like t.worker, but only the import job does its work; every other kind (a status change's
  // notifications, …) completes at once: those are other tests' business, and the thousands that
  // these imports queue would swamp the timings.
  const otherKinds = Object.keys(jobHandlers(t.deps)).map((kind) => [kind, async () => {}] as const);
  worker = createWorker({
    db: t.deps.db,
    dialect: t.deps.dialect,
    clock: t.clock,
    log: t.deps.log,
    handlers: { ...Object.fromEntries(otherKinds), [IMPORT_JOB]: (payload, job) => runImportJob(t.deps, payload, job) },
  });
});
afterAll(async () => t.close());

const importCsv = (csv: string, headers: Record<string, string> = {}) => t.request('POST', '/v1/shipments/import', csv, { 'content-type': 'text/csv', ...headers });

let upsSerial = 0;
/** A UPS 1Z number with a correct check digit (mod 10 over the 15 characters after 1Z). */
function upsNumber(serial = ++upsSerial): string {
  const body = `12345E${String(serial).padStart(9, '0')}`;
  const values = [...body].map((ch) => (/\d/.test(ch) ? Number(ch) : (ch.charCodeAt(0) - 3) % 10));
  const sum = values.reduce((acc, v, i) => acc + (i % 2 === 1 ? v * 2 : v), 0);
  return `1Z${body}${(10 - (sum % 10)) % 10}`;
}
const withWrongCheckDigit = (number: string) => number.slice(0, -1) + String((Number(number.at(-1)) + 1) % 10);

/** Orders through the API, as a brand creates them. Returns their ids by number. */
async function createOrders(...numbers: string[]): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const number of numbers) {
    const res = await t.request('POST', '/v1/orders', orderBody({ number }));
    expect(res.status).toBe(201);
    ids[number] = res.json.id;
  }
  return ids;
}

/** Many orders at once, straight into the database (the 100,000-row test would wait minutes on the API). */
async function insertOrders(numbers: string[], ctx: TestContext = t): Promise<void> {
  const at = ctx.clock.now().toISOString();
  const rows: Array<Insertable<OrderTable>> = numbers.map((number) => ({
    id: newId('order'),
    brand_id: ctx.brand.id,
    number,
    customer_email: 'bulk@example.com',
    customer_phone: null,
    customer_name: null,
    customer_locale: null,
    destination: JSON.stringify({ line1: '1 Main St', city: 'Austin', postalCode: '78701', country: 'US' }),
    items: JSON.stringify([{ sku: 'TEE-1', name: 'Tee', quantity: 1 }]),
    placed_at: at,
    ship_by: null,
    content_hash: number,
    created_at: at,
    updated_at: at,
  }));
  for (let i = 0; i < rows.length; i += 1000) await ctx.deps.db.insertInto('orders').values(rows.slice(i, i + 1000)).execute();
}

const shipmentByNumber = (trackingNumber: string) =>
  t.deps.db.selectFrom('shipments').selectAll().where('brand_id', '=', t.brand.id).where('tracking_number', '=', trackingNumber).executeTakeFirst();

async function databaseTotals() {
  const count = async (table: 'shipments' | 'tracking_events') =>
    Number((await t.deps.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const jobs = await t.deps.db.selectFrom('jobs').select((eb) => eb.fn.countAll().as('n')).where('kind', '=', STATUS_CHANGED_JOB).executeTakeFirstOrThrow();
  return { shipments: await count('shipments'), events: await count('tracking_events'), statusJobs: Number(jobs.n) };
}

/** Makes a parcel's stored fold state unreadable, as a bug or a hand edit might; returns how to mend it. */
async function damageParcel(trackingNumber: string): Promise<() => Promise<void>> {
  const { id, fold_state: foldState } = await t.deps.db.selectFrom('shipments').select(['id', 'fold_state']).where('tracking_number', '=', trackingNumber).executeTakeFirstOrThrow();
  await t.deps.db.updateTable('shipments').set({ fold_state: '{ damaged' }).where('id', '=', id).execute();
  return async () => void (await t.deps.db.updateTable('shipments').set({ fold_state: foldState }).where('id', '=', id).execute());
}

describe('POST /v1/shipments/import (small files, answered at once)', () => {
  it('loads the good rows and reports each bad row by line with the reason', async () => {
    const orders = await createOrders('M-1', 'M-2');
    const [n1, n2, n3, n4, n5] = [upsNumber(), upsNumber(), upsNumber(), upsNumber(), upsNumber()];
    const bad = withWrongCheckDigit(upsNumber());
    const csv = [
      'order_number,tracking_number,carrier,status',
      `M-1,${n1},ups,in_transit`,
      `M-2,${n2},,Out for delivery`,
      `M-404,${n3},ups,`,
      `M-1,${bad},,`,
      `M-2,${n4},pigeon post,`,
      `M-2,${n5},ups,teleported`,
      'M-1,HELLO123,,',
      // A value past the last column (an unquoted comma in "Smith, J."?) shifts the row: refused, not cut short.
      `M-1,${n3},ups,in_transit,Smith, J.`,
      // Empty cells past the end, as spreadsheets leave them, are no values.
      `M-2,${n4},ups,,,`,
    ].join('\n');
    const res = await importCsv(csv);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      rows: 9,
      created: 3,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      skippedRows: [],
      failed: 6,
      errors: [
        { line: 4, reason: 'unknown order number M-404', value: 'M-404' },
        { line: 5, reason: `tracking number ${bad} looks like a UPS number but its check digit is wrong; check it, or name its carrier in the carrier column`, value: bad },
        {
          line: 6,
          reason: 'unknown carrier "pigeon post"; use one of simulated, ups, fedex, usps, dhl, amazon, canada_post, canpar, dpd, gofo, landmark, lasership, old_dominion, ontrac, purolator, s10, speedee, yodel, yunexpress, or leave it empty to detect it from the tracking number',
          value: 'pigeon post',
        },
        {
          line: 7,
          reason:
            'unknown status "teleported"; use one of pending, info_received, in_transit, out_for_delivery, available_for_pickup, delivered, attempt_failed, exception, returning_to_sender, returned, cancelled, expired (plain words such as "In transit" work too), or leave it empty',
          value: 'teleported',
        },
        { line: 8, reason: 'tracking number HELLO123 fits no known carrier format; check it, or name its carrier in the carrier column', value: 'HELLO123' },
        { line: 9, reason: 'the row has 6 values but the header names 4 columns; put a value that holds a comma in double quotes' },
      ],
    });

    const first = await shipmentByNumber(n1);
    expect(first).toMatchObject({ order_id: orders['M-1'], carrier: 'ups', status: 'in_transit' });
    const detail = await t.request('GET', `/v1/shipments/${first!.id}`);
    expect(detail.json.events).toEqual([expect.objectContaining({ status: 'in_transit', source: 'csv', occurredAt: '2026-03-02T15:00:00.000Z', carrierCode: 'waybill:csv' })]);
    expect(await shipmentByNumber(n2)).toMatchObject({ order_id: orders['M-2'], carrier: 'ups', status: 'out_for_delivery' }); // carrier detected
    for (const missing of [n3, bad, n5]) expect(await shipmentByNumber(missing)).toBeUndefined();
    expect(await shipmentByNumber(n4)).toMatchObject({ order_id: orders['M-2'], carrier: 'ups' });
  });

  it('reads a BOM, CRLF, quoted fields, blank lines, trailing whitespace, and lower-case numbers with spaces', async () => {
    await createOrders('P-1', 'P-2', 'P-3');
    const [n1, n2, n3, n4] = [upsNumber(), upsNumber(), upsNumber(), upsNumber()];
    const spaced = (n: string) => `${n.slice(0, 6)} ${n.slice(6, 12)} ${n.slice(12)}`.toLowerCase();
    const csv = [
      '\uFEFF"Order Number","Tracking Number","Carrier","Status"',
      '',
      `"P-1"  ,  "${spaced(n1)}" , UPS ,In transit   `,
      '   ',
      ',,,',
      `P-2,"${n2}",,"Out for delivery"`,
      `"P-404",${n4.toLowerCase()},ups,`,
      `P-3,${spaced(n3)},,delivered`,
      '',
    ].join('\r\n');
    const res = await importCsv(csv);
    expect(res.json).toEqual({
      rows: 4,
      created: 3,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      skippedRows: [],
      failed: 1,
      errors: [{ line: 7, reason: 'unknown order number P-404', value: 'P-404' }],
    });
    expect(await shipmentByNumber(n1)).toMatchObject({ carrier: 'ups', status: 'in_transit' });
    expect(await shipmentByNumber(n2)).toMatchObject({ carrier: 'ups', status: 'out_for_delivery' });
    expect(await shipmentByNumber(n3)).toMatchObject({ carrier: 'ups', status: 'delivered' });
  });

  it('fails a row whose values hold a control character (PostgreSQL cannot store a NUL), reporting it escaped, and loads the others; the catalogue import too', async () => {
    await createOrders('NUL-1');
    const [good, bad] = [upsNumber(), upsNumber()];
    const res = await importCsv(`order,tracking\nNUL-1,${good}\nNUL-1\u0000,${bad}\n`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ rows: 2, created: 1, failed: 1, errors: [{ line: 3, reason: 'the order number contains control characters', value: 'NUL-1\\u0000' }] });
    expect(await shipmentByNumber(bad)).toBeUndefined();

    const catalogue = await t.request('POST', '/v1/catalogue/import', 'id,title,url\nNUL-A,Cap,https://shop.example.com/a\nNUL-B,Mug\u0000,https://shop.example.com/b\n', { 'content-type': 'text/csv' });
    expect(catalogue.status).toBe(200);
    expect(catalogue.json).toMatchObject({ rows: 2, loaded: 1, failed: 1, errors: [{ line: 3, reason: 'title contains control characters', value: 'Mug\\u0000' }] });
  });

  it("reads Excel's UTF-16 \"Unicode text\" export (tab-separated), with a stray quote in an ignored column", async () => {
    await createOrders('U-1');
    const number = upsNumber();
    const text = `Order Number\tTracking Number\tNotes\r\nU-1\t${number}\t12" box, fragile\r\n`;
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const res = await t.app.request('/v1/shipments/import', { method: 'POST', body: bytes, headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': 'text/csv' } });
    expect(await res.json()).toEqual({ rows: 1, created: 1, updated: 0, unchanged: 0, skipped: 0, failed: 0, errors: [], skippedRows: [] });
    expect(await shipmentByNumber(number)).toMatchObject({ carrier: 'ups', status: 'pending' });
  });

  it('reads a Windows-1252 export (an accented order number included) and honours a charset, refusing one it does not know', async () => {
    await createOrders('CAFÉ-1', 'CRÈME-2');
    const [n1, n2] = [upsNumber(), upsNumber()];
    const upload = (text: string, contentType: string) =>
      t.app.request('/v1/shipments/import', { method: 'POST', body: new Uint8Array(Buffer.from(text, 'latin1')), headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': contentType } });
    const guessed = await upload(`order,tracking,notes\nCAF\xc9-1,${n1},d\xe9j\xe0 pay\xe9 \x80\n`, 'text/csv');
    expect(await guessed.json()).toEqual({ rows: 1, created: 1, updated: 0, unchanged: 0, failed: 0, skipped: 0, errors: [], skippedRows: [] });
    const named = await upload(`order,tracking\nCR\xc8ME-2,${n2}\n`, 'text/csv; charset=iso-8859-1');
    expect(await named.json()).toMatchObject({ rows: 1, created: 1, failed: 0 });
    const unknown = await upload(`order,tracking\nCR\xc8ME-2,${n2}\n`, 'text/csv; charset=ebcdic-klingon');
    expect(unknown.status).toBe(415);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain('"ebcdic-klingon"');
  });

  it('takes the same bytes under the same Idempotency-Key with another charset as another request (422), and another label of the same encoding as the same', async () => {
    await createOrders('NOËL-1');
    const bytes = new Uint8Array(Buffer.from(`order,tracking\nNO\xcbL-1,${upsNumber()}\n`, 'latin1'));
    const upload = (contentType: string) =>
      t.app.request('/v1/shipments/import', { method: 'POST', body: bytes, headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': contentType, 'idempotency-key': 'k-charset' } });
    const first = await upload('text/csv; charset=windows-1252');
    expect(await first.json()).toMatchObject({ rows: 1, created: 1, failed: 0 });

    const sameEncoding = await upload('text/csv; charset=ISO-8859-1'); // the WHATWG label of windows-1252
    expect(sameEncoding.status).toBe(200);
    expect(sameEncoding.headers.get('idempotent-replayed')).toBe('true');
    for (const [contentType, named] of [
      ['text/csv; charset=utf-8', 'text/csv; charset=utf-8'],
      ['text/csv', 'text/csv'],
    ] as const) {
      const other = await upload(contentType);
      expect(other.status, contentType).toBe(422);
      expect(((await other.json()) as { error: { code: string; message: string } }).error).toEqual(
        expect.objectContaining({
          code: 'idempotency_key_reused',
          message: `Idempotency-Key "k-charset" was first used for POST /v1/shipments/import with Content-Type "text/csv; charset=windows-1252", not Content-Type "${named}"; send the body as it was first sent to get its answer, or use a new key`,
        }),
      );
    }
  });

  it('detects semicolon and tab separators, and refuses another separator by name', async () => {
    await createOrders('S-1', 'S-2');
    const [n1, n2] = [upsNumber(), upsNumber()];
    const semicolon = await importCsv(`Order;Tracking;Status\nS-1;${n1};in transit\n`);
    expect(semicolon.json).toMatchObject({ rows: 1, created: 1, failed: 0 });
    const tab = await importCsv(`order_number\ttracking_number\tcarrier\nS-2\t${n2}\tups\n`);
    expect(tab.json).toMatchObject({ rows: 1, created: 1, failed: 0 });
    expect(await shipmentByNumber(n1)).toMatchObject({ status: 'in_transit' });

    const pipe = await importCsv(`order_number|tracking_number\nS-1|${upsNumber()}\n`);
    expect(pipe.status).toBe(422);
    expect(pipe.json.error).toMatchObject({
      code: 'validation_failed',
      message:
        'the CSV was refused: the file separates its columns with "|"; Waybill reads columns separated by commas, semicolons or tabs: export the sheet as CSV (comma-separated) and upload it again',
      details: { delimiter: '|', supported: ['comma', 'semicolon', 'tab'] },
    });
  });

  it('refuses a file without an order number or tracking number column, naming what is missing and what it found', async () => {
    const res = await importCsv(`Order,Tracking Nr,Carrier\nM-1,${upsNumber()},ups\n`);
    expect(res.status).toBe(422);
    expect(res.json.error).toMatchObject({
      code: 'validation_failed',
      message:
        'the CSV was refused: the CSV has no tracking number column (headers found: "Order", "Tracking Nr", "Carrier"); the first line must name the columns, e.g. order_number,tracking_number,carrier,status',
      details: { missing: ['tracking number'], found: ['Order', 'Tracking Nr', 'Carrier'] },
    });
    const neither = await importCsv('name,email\nAda,ada@example.com\n');
    expect(neither.json.error.details).toEqual({ missing: ['order number', 'tracking number'], found: ['name', 'email'] });
    expect(neither.json.error.message).toContain('the CSV has no order number and no tracking number column');

    const twice = await importCsv('order,tracking,tracking number\n');
    expect(twice.status).toBe(422);
    expect(twice.json.error.message).toBe('the CSV was refused: two columns hold the tracking number: "tracking" and "tracking number"; keep one of them');
    const empty = await importCsv('\r\n\r\n');
    expect(empty.json.error.message).toBe('the CSV was refused: the CSV is empty: it needs a header line and one line per tracking number');
    const unclosed = await importCsv(`order,tracking\nM-1,"${upsNumber()}\n`);
    expect(unclosed.json.error.message).toMatch(/a quoted value is never closed/);
  });

  it('matches headers leniently: order, Order Number, order_number, tracking, Tracking Number, Carrier, Status', async () => {
    await createOrders('H-1', 'H-2');
    for (const [index, header] of ['order,tracking', 'Order Number,Tracking Number,Carrier,Status', 'order_number,TRACKING_NO,carrier_code,shipment status', 'Order #,AWB'].entries()) {
      const res = await importCsv(`${header}\nH-${(index % 2) + 1},${upsNumber()}\n`);
      expect(res.json, header).toMatchObject({ rows: 1, created: 1, failed: 0 });
    }
  });

  it('accepts statuses in Waybill form and in plain words, case-insensitively', async () => {
    await createOrders('W-1');
    const statuses = { 'In transit': 'in_transit', delivered: 'delivered', 'Out for delivery': 'out_for_delivery', OUT_FOR_DELIVERY: 'out_for_delivery', 'attempt-failed': 'attempt_failed', Canceled: 'cancelled' };
    const numbers = Object.keys(statuses).map(() => upsNumber());
    const csv = ['order,tracking,status', ...Object.keys(statuses).map((status, i) => `W-1,${numbers[i]},${status}`)].join('\n');
    expect((await importCsv(csv)).json).toMatchObject({ rows: 6, created: 6, failed: 0 });
    for (const [i, expected] of Object.values(statuses).entries()) expect((await shipmentByNumber(numbers[i]!))!.status).toBe(expected);
  });

  it('treats a repeated row as unchanged, and refuses rows that contradict an earlier row of the file', async () => {
    await createOrders('D-1', 'D-2');
    const [n1, n2] = [upsNumber(), upsNumber()];
    const csv = ['order,tracking,status', `D-1,${n1},in_transit`, `D-1,${n1},in_transit`, `D-2,${n1},in_transit`, `D-1,${n1},delivered`, `D-1,${n2},`, `D-1,${n2},delivered`].join('\n');
    const res = await importCsv(csv);
    expect(res.json).toEqual({
      rows: 6,
      created: 2,
      updated: 1,
      unchanged: 1,
      skipped: 0,
      skippedRows: [],
      failed: 2,
      errors: [
        { line: 4, reason: `tracking number ${n1} is already on line 2, for order D-1`, value: n1 },
        { line: 5, reason: `tracking number ${n1} already has status in_transit on line 2; give each tracking number one status per file`, value: 'delivered' },
      ],
    });
    const first = await shipmentByNumber(n1);
    expect(first).toMatchObject({ status: 'in_transit', event_count: 1 });
    expect(await shipmentByNumber(n2)).toMatchObject({ status: 'delivered', event_count: 1 });
  });

  it('changes nothing when the same file is uploaded again, and takes a new status from a later file', async () => {
    await createOrders('R-1', 'R-2');
    const [n1, n2, n3] = [upsNumber(), upsNumber(), upsNumber()];
    const csv = ['order,tracking,carrier,status', `R-1,${n1},ups,in_transit`, `R-1,${n2},,out_for_delivery`, `R-2,${n3},ups,`].join('\n');
    expect((await importCsv(csv)).json).toEqual({ rows: 3, created: 3, updated: 0, unchanged: 0, skipped: 0, failed: 0, errors: [], skippedRows: [] });
    const before = await databaseTotals();

    t.clock.advance(3_600_000);
    expect((await importCsv(csv)).json).toEqual({ rows: 3, created: 0, updated: 0, unchanged: 3, skipped: 0, failed: 0, errors: [], skippedRows: [] });
    expect(await databaseTotals()).toEqual(before); // no new shipments, events or status-change jobs
    const detail = await t.request('GET', `/v1/shipments/${(await shipmentByNumber(n1))!.id}`);
    expect(detail.json.events.map((e: { occurredAt: string }) => e.occurredAt)).toEqual(['2026-03-02T15:00:00.000Z']); // the first import's time

    const later = ['order,tracking,status', `R-1,${n1},delivered`, `R-2,${n3},in_transit`].join('\n');
    expect((await importCsv(later)).json).toMatchObject({ rows: 2, created: 0, updated: 2, unchanged: 0, failed: 0 });
    expect(await shipmentByNumber(n1)).toMatchObject({ status: 'delivered' });
    expect(await shipmentByNumber(n3)).toMatchObject({ status: 'in_transit' });
    // The first file once more: its statuses were seen before, so the parcels keep their newer ones.
    expect((await importCsv(csv)).json).toMatchObject({ unchanged: 3, updated: 0 });
    expect(await shipmentByNumber(n1)).toMatchObject({ status: 'delivered' });
    t.clock.set('2026-03-02T15:00:00Z');
  });

  it('never lets an undated CSV status override a terminal status or move back what a carrier or the API said: the row is skipped with the reason', async () => {
    await createOrders('CS-1', 'CS-2', 'CS-3', 'CS-4');
    const [delivered, outForDelivery, moving, csvOnly] = [upsNumber(), upsNumber(), upsNumber(), upsNumber()];
    const created = await importCsv(['order,tracking,carrier,status', `CS-1,${delivered},ups,`, `CS-2,${outForDelivery},ups,`, `CS-3,${moving},ups,`, `CS-4,${csvOnly},ups,in_transit`].join('\n'));
    expect(created.json.created).toBe(4);
    const deliveredId = (await shipmentByNumber(delivered))!.id;
    await t.deps.db.transaction().execute(async (trx) => {
      const shipment = await trx.selectFrom('shipments').selectAll().where('id', '=', deliveredId).executeTakeFirstOrThrow();
      await ingestEvents(trx, t.clock.now(), [{ shipment, source: 'carrier_poll', events: [{ status: 'delivered', occurredAt: '2026-03-02T14:00:00Z', carrierCode: 'D' }] }]);
    });
    for (const [number, status] of [
      [outForDelivery, 'out_for_delivery'],
      [moving, 'in_transit'],
    ] as const) {
      const posted = await t.request('POST', `/v1/shipments/${(await shipmentByNumber(number))!.id}/events`, { events: [{ status, occurredAt: '2026-03-02T09:00:00Z' }] });
      expect(posted.json.stored).toBe(1);
    }

    t.clock.advance(3_600_000);
    const stale = ['order,tracking,status', `CS-1,${delivered},In transit`, `CS-2,${outForDelivery},in_transit`, `CS-3,${moving},in_transit`, `CS-4,${csvOnly},delivered`].join('\n');
    const report = (await importCsv(stale)).json;
    expect(report).toMatchObject({ rows: 4, created: 0, updated: 1, unchanged: 1, skipped: 2, failed: 0, errors: [] });
    expect(report.skippedRows).toEqual([
      { line: 2, reason: 'already delivered (carrier scan of 2026-03-02T14:00:00.000Z); a CSV status without a date does not override it', value: 'in_transit' },
      { line: 3, reason: 'already out_for_delivery (brand’s update of 2026-03-02T09:00:00.000Z); a CSV status without a date does not move a parcel back', value: 'in_transit' },
    ]);
    expect(await shipmentByNumber(delivered)).toMatchObject({ status: 'delivered', correction: 0, event_count: 1 });
    expect(await shipmentByNumber(outForDelivery)).toMatchObject({ status: 'out_for_delivery', event_count: 1 });
    expect(await shipmentByNumber(moving)).toMatchObject({ status: 'in_transit', event_count: 1 }); // the same status: unchanged, nothing stored
    expect(await shipmentByNumber(csvOnly)).toMatchObject({ status: 'delivered' }); // set by a CSV before: a later file moves it on

    // A large file goes through the job: its skipped rows are kept with the import and reported the same way.
    const queued = await insertImport(t.deps.db, t.clock.now(), { brandId: t.brand.id, csv: stale, total: 4 });
    await runImportJob(t.deps, { importId: queued.id });
    const polled = (await t.request('GET', `/v1/imports/${queued.id}`)).json.report;
    expect(polled).toMatchObject({ skipped: 2, failed: 0, errors: [] });
    expect(polled.skippedRows).toEqual(report.skippedRows);

    // Further along than the carrier's word, a CSV status still applies.
    const ahead = (await importCsv(`order,tracking,status\nCS-3,${moving},delivered\n`)).json;
    expect(ahead).toMatchObject({ updated: 1, skipped: 0, skippedRows: [] });
    expect(await shipmentByNumber(moving)).toMatchObject({ status: 'delivered' });
    t.clock.set('2026-03-02T15:00:00Z');
  });

  it('fails only the rows of a parcel that cannot be stored (its cause logged), loads the others, and takes those rows once mended', async () => {
    await createOrders('DM-1', 'DM-2');
    const [n1, n2, n3] = [upsNumber(), upsNumber(), upsNumber()];
    expect((await importCsv(['order,tracking', `DM-1,${n1}`, `DM-1,${n2}`, `DM-2,${n3}`].join('\n'))).json).toMatchObject({ created: 3, failed: 0 });
    const mend = await damageParcel(n2);

    const csv = ['order,tracking,status', `DM-1,${n1},in_transit`, `DM-1,${n2},in_transit`, `DM-2,${n3},delivered`, `DM-1,${n2},in_transit`, `DM-9,${upsNumber()},in_transit`].join('\n');
    const res = await importCsv(csv);
    expect(res.status).toBe(200);
    const notStored = 'could not be stored (a server error, logged); import this row again later';
    expect(res.json).toEqual({
      rows: 5,
      created: 0,
      updated: 2,
      unchanged: 0,
      skipped: 0,
      skippedRows: [],
      failed: 3,
      errors: [
        { line: 3, reason: notStored, value: n2 },
        { line: 5, reason: notStored, value: n2 },
        { line: 6, reason: 'unknown order number DM-9', value: 'DM-9' },
      ],
    });
    expect(await shipmentByNumber(n1)).toMatchObject({ status: 'in_transit' });
    expect(await shipmentByNumber(n3)).toMatchObject({ status: 'delivered' });

    await mend();
    expect((await importCsv(csv)).json).toMatchObject({ updated: 1, unchanged: 3, failed: 1 });
    expect(await shipmentByNumber(n2)).toMatchObject({ status: 'in_transit' });
  });

  it('answers 500 and stores nothing when every parcel of the file fails alone too', async () => {
    await createOrders('DA-1');
    const [n1, n2] = [upsNumber(), upsNumber()];
    await importCsv(['order,tracking', `DA-1,${n1}`, `DA-1,${n2}`].join('\n'));
    const mends = [await damageParcel(n1), await damageParcel(n2)];
    const before = await databaseTotals();
    const res = await importCsv(['order,tracking,status', `DA-1,${n1},in_transit`, `DA-1,${n2},delivered`].join('\n'));
    expect(res.status).toBe(500);
    expect(await databaseTotals()).toEqual(before);
    for (const mend of mends) await mend();
  });

  it('reuses a shipment already on the same order, and refuses one that belongs to another order', async () => {
    const orders = await createOrders('E-1', 'E-2');
    const [number, other] = [upsNumber(), upsNumber()];
    const existing = await t.request('POST', `/v1/orders/${orders['E-1']}/shipments`, { carrier: 'ups', trackingNumber: number });
    expect(existing.status).toBe(201);
    expect((await t.request('POST', `/v1/orders/${orders['E-1']}/shipments`, { trackingNumber: other })).status).toBe(201);
    const res = await importCsv(`order,tracking,status\nE-1,${number},in_transit\nE-2,${other},\n`);
    expect(res.json).toEqual({
      rows: 2,
      created: 0,
      updated: 1,
      unchanged: 0,
      skipped: 0,
      skippedRows: [],
      failed: 1,
      errors: [{ line: 3, reason: `ups tracking number ${other} already belongs to order E-1`, value: other }],
    });
    expect(await shipmentByNumber(number)).toMatchObject({ id: existing.json.id, status: 'in_transit' });
  });

  it('takes the CSV as JSON { "csv": "..." } too', async () => {
    await createOrders('J-1');
    const number = upsNumber();
    const res = await t.request('POST', '/v1/shipments/import', { csv: `order,tracking\nJ-1,${number}\n` });
    expect(res.json).toMatchObject({ rows: 1, created: 1 });
    const wrong = await t.request('POST', '/v1/shipments/import', { file: 'x' });
    expect(wrong.status).toBe(422);
    expect(wrong.json.error.details).toEqual([{ field: 'csv', problem: 'must be a non-empty string holding the CSV file' }]);
    const other = await t.request('POST', '/v1/shipments/import', 'order,tracking', { 'content-type': 'text/plain' });
    expect(other.status).toBe(415);
  });

  it('loads the template of docs/csv-import.md as documented', async () => {
    const template = fs.readFileSync(path.join(ROOT, 'test/fixtures/imports/template.csv'), 'utf8');
    expect(fs.readFileSync(path.join(ROOT, 'docs/csv-import.md'), 'utf8')).toContain(template.trim());
    const { brand, apiKey } = await createBrand(t.deps.db, t.clock.now(), { name: 'Template Brand' });
    const auth = { authorization: `Bearer ${apiKey}` };
    for (const number of ['1001', '1002', '1003']) expect((await t.request('POST', '/v1/orders', orderBody({ number }), auth)).status).toBe(201);
    const res = await importCsv(template, auth);
    expect(res.json).toEqual({ rows: 3, created: 3, updated: 0, unchanged: 0, skipped: 0, failed: 0, errors: [], skippedRows: [] });
    const carriers = await t.deps.db.selectFrom('shipments').select(['tracking_number', 'carrier', 'status']).where('brand_id', '=', brand.id).orderBy('tracking_number').execute();
    expect(carriers).toEqual([
      { tracking_number: '1Z999AA10123456784', carrier: 'ups', status: 'in_transit' },
      { tracking_number: '449044304137821', carrier: 'fedex', status: 'out_for_delivery' },
      { tracking_number: 'RB123456785GB', carrier: 's10', status: 'pending' },
    ]);
  });

  it('is described in /openapi.json', async () => {
    const doc = (await t.app.request('/openapi.json')).json() as Promise<{ paths: Record<string, Record<string, unknown>> }>;
    const { paths } = await doc;
    expect(Object.keys(paths['/shipments/import']!)).toEqual(['post']);
    expect(Object.keys(paths['/imports/{importId}']!)).toEqual(['get']);
  });
});

describe('large files: queued, processed by a job, polled', () => {
  it('answers 202 with a Location, then reports progress and the result; another brand gets 404', async () => {
    const numbers = Array.from({ length: 1200 }, (_, i) => `L-${i + 1}`);
    await insertOrders(numbers.filter((n) => !['L-7', 'L-700', 'L-1200'].includes(n)));
    const csv = ['order,tracking,status', ...numbers.map((n) => `${n},${upsNumber()},in_transit`)].join('\n');

    const res = await importCsv(csv);
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`/v1/imports/${res.json.id}`);
    expect(res.json).toMatchObject({ id: expect.stringMatching(/^imp_[0-9a-z]{26}$/), state: 'queued', progress: { processed: 0, total: 1200 } });
    expect(res.json.report).toBeUndefined();

    await worker.drain();
    const done = await t.request('GET', res.headers.get('location')!);
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({ id: res.json.id, state: 'done', progress: { processed: 1200, total: 1200 } });
    expect(done.json.report).toEqual({
      rows: 1200,
      created: 1197,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      skippedRows: [],
      failed: 3,
      errors: [
        { line: 8, reason: 'unknown order number L-7', value: 'L-7' },
        { line: 701, reason: 'unknown order number L-700', value: 'L-700' },
        { line: 1201, reason: 'unknown order number L-1200', value: 'L-1200' },
      ],
    });

    const again = await importCsv(csv);
    await worker.drain();
    expect((await t.request('GET', again.headers.get('location')!)).json.report).toMatchObject({ created: 0, unchanged: 1197, failed: 3 });

    const { apiKey } = await createBrand(t.deps.db, t.clock.now(), { name: 'Intruder' });
    const foreign = await t.request('GET', `/v1/imports/${res.json.id}`, undefined, { authorization: `Bearer ${apiKey}` });
    expect(foreign.status).toBe(404);
    expect(foreign.json.error.code).toBe('not_found');
    expect((await t.request('GET', '/v1/imports/imp_01jd0000000000000000000000')).status).toBe(404);
  });

  it('replays a queued import under the same Idempotency-Key with its Location, and not the first answer’s request id', async () => {
    const numbers = Array.from({ length: 1001 }, (_, i) => `IK-${i + 1}`);
    await insertOrders(numbers);
    const csv = ['order,tracking', ...numbers.map((n) => `${n},${upsNumber()}`)].join('\n');
    const first = await importCsv(csv, { 'idempotency-key': 'k-queued-import', 'x-request-id': 'first-request' });
    expect(first.status).toBe(202);
    const location = `/v1/imports/${first.json.id}`;
    expect(first.headers.get('location')).toBe(location);

    const replay = await importCsv(csv, { 'idempotency-key': 'k-queued-import', 'x-request-id': 'the-retry' });
    expect(replay.status).toBe(202);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.headers.get('location')).toBe(location);
    expect(replay.headers.get('content-type')).toBe(first.headers.get('content-type'));
    expect(replay.headers.get('x-request-id')).toBe('the-retry');
    expect(replay.json).toEqual(first.json);
    await worker.drain();
    expect((await t.request('GET', location)).json).toMatchObject({ state: 'done', report: { created: 1001 } });
  });

  it('is run by the application worker (the job kind is registered in jobHandlers)', async () => {
    const numbers = Array.from({ length: 1001 }, (_, i) => `A-${i + 1}`);
    await insertOrders(numbers);
    const res = await importCsv(['order,tracking', ...numbers.map((n) => `${n},${upsNumber()}`)].join('\n'));
    expect(res.status).toBe(202);
    await t.worker.drain();
    const done = await t.request('GET', `/v1/imports/${res.json.id}`);
    expect(done.json).toMatchObject({ state: 'done', progress: { processed: 1001, total: 1001 }, report: { rows: 1001, created: 1001, failed: 0 } });
  });

  it('finishes a large import when one parcel cannot be stored, failing only its row', async () => {
    const numbers = Array.from({ length: 1200 }, (_, i) => `DL-${i + 1}`);
    await insertOrders(numbers);
    const parcels = numbers.map(() => upsNumber());
    const damaged = parcels[800]!; // in the second chunk
    expect((await importCsv(['order,tracking', `DL-801,${damaged}`].join('\n'))).json).toMatchObject({ created: 1 });
    const mend = await damageParcel(damaged);

    const res = await importCsv(['order,tracking,status', ...numbers.map((n, i) => `${n},${parcels[i]},in_transit`)].join('\n'));
    expect(res.status).toBe(202);
    await worker.drain();
    const done = await t.request('GET', `/v1/imports/${res.json.id}`);
    expect(done.json).toMatchObject({ state: 'done', progress: { processed: 1200, total: 1200 } });
    expect(done.json.report).toMatchObject({ rows: 1200, created: 1199, failed: 1, errors: [{ line: 802, reason: expect.stringMatching(/^could not be stored/), value: damaged }] });
    expect(await shipmentByNumber(parcels[801]!)).toMatchObject({ status: 'in_transit' });
    await mend();
  });

  it('resumes after a crash at the first unfinished chunk, counting nothing twice', async () => {
    const numbers = Array.from({ length: 1200 }, (_, i) => `C-${i + 1}`);
    await insertOrders(numbers);
    const csv = ['order,tracking,status', ...numbers.map((n) => `${n},${upsNumber()},delivered`)].join('\n');
    const res = await importCsv(csv);
    expect(res.status).toBe(202);
    const before = await databaseTotals();

    // The process "dies" while saving the second chunk's progress: that chunk's transaction rolls back.
    let progressUpdates = 0;
    const crashOnSecondChunk: KyselyPlugin = {
      transformQuery({ node }) {
        const setsProgress = node.kind === 'UpdateQueryNode' && JSON.stringify(node.updates ?? []).includes('"processed"');
        if (setsProgress && ++progressUpdates === 2) throw new Error('simulated crash');
        return node;
      },
      transformResult: async ({ result }) => result,
    };
    const crashing = { db: t.deps.db.withPlugin(crashOnSecondChunk), dialect: t.deps.dialect, clock: t.clock, log: t.deps.log };
    await expect(runImportJob(crashing, { importId: res.json.id })).rejects.toThrow('simulated crash');
    const halfway = await withImportTables(t.deps.db).selectFrom('imports').selectAll().where('id', '=', res.json.id).executeTakeFirstOrThrow();
    expect(halfway).toMatchObject({ state: 'running', processed: 500 });
    expect((await databaseTotals()).shipments - before.shipments).toBe(500);

    await worker.drain(); // the queued job runs again and carries on from row 501
    const done = await t.request('GET', `/v1/imports/${res.json.id}`);
    expect(done.json).toMatchObject({ state: 'done', progress: { processed: 1200, total: 1200 } });
    expect(done.json.report).toEqual({ rows: 1200, created: 1200, updated: 0, unchanged: 0, skipped: 0, failed: 0, errors: [], skippedRows: [] });
    const after = await databaseTotals();
    expect(after.shipments - before.shipments).toBe(1200);
    expect(after.events - before.events).toBe(1200);
    expect(after.statusJobs - before.statusJobs).toBe(1200);
  });

  it('imports 100,000 rows', { timeout: 180_000 }, async () => {
    // A database of its own: the 75,000 status changes queue as many jobs, which the other tests'
    // drains would then run. The import job is run here as the worker runs it (continuations included).
    const own = await createTestContext();
    try {
      const rows = 100_000;
      const numbers = Array.from({ length: rows }, (_, i) => `B${i + 1}`);
      await insertOrders(numbers, own);
      const statuses = ['in_transit', 'Out for delivery', 'delivered', ''];
      const csv = ['order,tracking,carrier,status', ...numbers.map((n, i) => `${n},${upsNumber(5_000_000 + i)},${i % 2 ? 'ups' : ''},${statuses[i % 4]}`)].join('\n');

      const started = performance.now();
      const res = await own.request('POST', '/v1/shipments/import', csv, { 'content-type': 'text/csv' });
      expect(res.status).toBe(202);
      let runs = 0;
      for (let state = res.json.state; state !== 'done'; runs++) {
        expect(runs).toBeLessThan(20);
        await runImportJob(own.deps, { importId: res.json.id });
        state = (await own.request('GET', `/v1/imports/${res.json.id}`)).json.state;
      }
      const seconds = (performance.now() - started) / 1000;
      const done = await own.request('GET', `/v1/imports/${res.json.id}`);
      expect(done.json).toMatchObject({ state: 'done', progress: { processed: rows, total: rows } });
      expect(done.json.report).toEqual({ rows, created: rows, updated: 0, unchanged: 0, skipped: 0, failed: 0, errors: [], skippedRows: [] });
      const events = await own.deps.db.selectFrom('tracking_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      expect(Number(events.n)).toBe(75_000);
      console.info(
        `[imports] ${dialectUnderTest()}: ${rows.toLocaleString('en-US')} rows in ${seconds.toFixed(1)} s = ${Math.round(rows / seconds).toLocaleString('en-US')} rows/s ` +
          `(upload, parse, ${runs} job run(s), 100,000 shipments, 75,000 status events)`,
      );
    } finally {
      await own.close();
    }
  });
});

describe('waybill import (CLI)', () => {
  const capture = () => {
    const out = { stdout: '', stderr: '' };
    const io = { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s), isTTY: false } };
    return { out, io };
  };
  const env = () => ({ DATABASE_URL: t.databaseUrl, LOG_LEVEL: 'silent' });
  const writeCsv = (text: string) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'waybill-import-')), 'tracking.csv');
    fs.writeFileSync(file, text);
    return file;
  };

  it('imports a file for a brand, prints the report, exits 1 when rows failed and 0 when none did', async () => {
    await createOrders('K-1', 'K-2');
    const [n1, n2] = [upsNumber(), upsNumber()];
    const file = writeCsv(`order,tracking,status\nK-1,${n1},in_transit\nK-404,${n2},\n`);
    const text = capture();
    expect(await runImportCommand([file, '--brand', t.brand.id], env(), text.io)).toBe(1);
    expect(text.out.stdout).toBe(
      [
        `Imported ${file} for Test Brand: 2 rows`,
        '  created            1',
        '  updated            0',
        '  unchanged          0',
        '  skipped            0',
        '  failed             1',
        '',
        'Rows that failed:',
        '  line 3: unknown order number K-404',
        '',
      ].join('\n'),
    );
    expect(text.out.stderr).toBe('');
    expect(await shipmentByNumber(n1)).toMatchObject({ status: 'in_transit' });

    const good = writeCsv(`order,tracking,status\nK-1,${n1},in_transit\nK-2,${n2},delivered\n`);
    const json = capture();
    expect(await runImportCommand([good, '--brand', t.brand.id, '--json'], env(), json.io)).toBe(0);
    expect(JSON.parse(json.out.stdout)).toEqual({ rows: 2, created: 1, updated: 0, unchanged: 1, skipped: 0, failed: 0, errors: [], skippedRows: [] });
  });

  it('reads a file that is not UTF-8 as Windows-1252, and says so on stderr', async () => {
    await createOrders('SOUVENIR-Ü');
    const number = upsNumber();
    const file = writeCsv('');
    fs.writeFileSync(file, Buffer.from(`order,tracking\nSOUVENIR-\xdc,${number}\n`, 'latin1'));
    const run = capture();
    expect(await runImportCommand([file, '--brand', t.brand.id, '--json'], env(), run.io)).toBe(0);
    expect(JSON.parse(run.out.stdout)).toMatchObject({ rows: 1, created: 1, failed: 0 });
    expect(run.out.stderr).toContain('waybill: note: the file is not UTF-8 (line 2 is not) and names no encoding, so it was read as Windows-1252');
  });

  it('draws a progress bar on stderr with --progress', async () => {
    const numbers = Array.from({ length: 1500 }, (_, i) => `G-${i + 1}`);
    await insertOrders(numbers);
    const file = writeCsv(['order,tracking', ...numbers.map((n) => `${n},${upsNumber()}`)].join('\n'));
    const run = capture();
    expect(await runImportCommand([file, '--brand', t.brand.id, '--progress', '--json'], env(), run.io)).toBe(0);
    expect(run.out.stderr.endsWith('\r[####################] 100% 1,500/1,500 rows\n')).toBe(true);
    expect(JSON.parse(run.out.stdout)).toMatchObject({ rows: 1500, created: 1500 });
    const quiet = capture(); // not a terminal, no --progress: no bar
    expect(await runImportCommand([file, '--brand', t.brand.id, '--json'], env(), quiet.io)).toBe(0);
    expect(quiet.out.stderr).toBe('');
  });

  it('explains itself with --help and exits 2 on refused files and bad arguments', async () => {
    const help = capture();
    expect(await runImportCommand(['--help'], env(), help.io)).toBe(0);
    expect(help.out.stdout).toMatch(/^Usage: waybill import FILE\.csv --brand BRAND_ID/);

    const cases: Array<[string[], string]> = [
      [[writeCsv('a,b\n')], 'waybill: --brand is required'],
      [['--brand', t.brand.id], 'waybill: name one CSV file (got 0)'],
      [['/nowhere/tracking.csv', '--brand', t.brand.id], 'waybill: cannot read /nowhere/tracking.csv: no such file'],
      [[writeCsv('order|tracking\n1|2\n'), '--brand', t.brand.id], 'was refused: the file separates its columns with "|"'],
      [[writeCsv('order,carrier\n1,ups\n'), '--brand', t.brand.id], 'was refused: the CSV has no tracking number column'],
      [[writeCsv('order,tracking\n'), '--brand', 'brd_nobody'], 'waybill: there is no brand brd_nobody in the database'],
      [['--brnad', 'x'], "waybill: Unknown option '--brnad'"],
    ];
    for (const [args, message] of cases) {
      const run = capture();
      expect(await runImportCommand(args, env(), run.io), args.join(' ')).toBe(2);
      expect(run.out.stderr).toContain(message);
    }
  });
});
