// The simulated carrier's label: a real 4×6 PDF whose barcode a scanner reads back to the tracking
// number (rasterised with pdftoppm, decoded with zbarimg), and the same label in ZPL.
import { describe, expect, it } from 'vitest';
import { renderLabelPdf } from '../../src/labels/render/pdf.js';
import type { LabelSheet } from '../../src/labels/render/sheet.js';
import { renderLabelZpl } from '../../src/labels/render/zpl.js';
import { pdfPageSize, pdfText, scanPdfBarcodes } from './helpers/scan-label.js';

const sheet: LabelSheet = {
  carrierName: 'Waybill Simulated Carrier',
  serviceName: 'Ground',
  direction: 'outbound',
  trackingNumber: 'SIM7762104222383',
  from: { name: 'Northwind Outfitters', line1: '500 W Broad St', city: 'Columbus', region: 'OH', postalCode: '43215', country: 'US', phone: '+16145550100' },
  to: { name: 'Ada Lovelace', line1: '1 Infinite Loop', line2: 'Apt 4', city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' },
  weightOz: 36,
  orderNumber: 'NW-10001',
  shipDate: '2026-03-02',
  notice: 'Simulated label: no carrier will move this parcel',
};

describe('simulated label PDF', () => {
  it('is one 4×6 inch page', async () => {
    expect(pdfPageSize(await renderLabelPdf(sheet))).toEqual({ width: 288, height: 432 });
  });

  it('carries a Code 128 barcode that scans back to the tracking number', async () => {
    const pdf = await renderLabelPdf(sheet);
    expect(Buffer.from(pdf.slice(0, 5)).toString()).toBe('%PDF-');
    expect(scanPdfBarcodes(pdf)).toEqual(['SIM7762104222383']);
  });

  it('scans for tracking numbers of every carrier shape (UPS, FedEx, USPS)', async () => {
    for (const trackingNumber of ['1Z12345E0205271686', '794953555571', '9205590109769900012613']) {
      expect(scanPdfBarcodes(await renderLabelPdf({ ...sheet, trackingNumber }))).toEqual([trackingNumber]);
    }
  });

  it('prints both addresses, the service, the weight and the order', async () => {
    const text = pdfText(await renderLabelPdf(sheet));
    for (const expected of ['NORTHWIND OUTFITTERS', '500 W BROAD ST', 'COLUMBUS, OH 43215', 'ADA LOVELACE', '1 INFINITE LOOP', 'APT 4', 'AUSTIN, TX 78701', 'GROUND', '2 LB 4 OZ', 'NW-10001', 'SIM7 7621 0422 2383']) {
      expect(text).toContain(expected);
    }
  });

  it('says RETURN on a return label', async () => {
    const text = pdfText(await renderLabelPdf({ ...sheet, direction: 'return', from: sheet.to, to: sheet.from }));
    expect(text).toContain('RETURN');
    expect(text.indexOf('ADA LOVELACE')).toBeLessThan(text.indexOf('NORTHWIND OUTFITTERS'));
  });

  it('is the same bytes for the same label', async () => {
    expect(Buffer.from(await renderLabelPdf(sheet)).equals(Buffer.from(await renderLabelPdf(sheet)))).toBe(true);
  });
});

describe('simulated label ZPL', () => {
  const zpl = renderLabelZpl(sheet);

  it('is one 4×6 label at 203 dpi with a Code 128 of the tracking number', () => {
    expect(zpl.startsWith('^XA')).toBe(true);
    expect(zpl.trimEnd().endsWith('^XZ')).toBe(true);
    expect(zpl).toContain('^PW812');
    expect(zpl).toContain('^LL1218');
    expect(zpl).toMatch(/\^BCN,\d+,N,N,N\^FDSIM7762104222383\^FS/);
  });

  it('prints the addresses and the service, and keeps ZPL command characters out of the text', () => {
    expect(zpl).toContain('ADA LOVELACE');
    expect(zpl).toContain('AUSTIN, TX 78701');
    expect(zpl).toContain('GROUND');
    const tricky = renderLabelZpl({ ...sheet, to: { ...sheet.to, name: 'Evil ^XZ ~JR Name' } });
    expect(tricky).toContain('EVIL  XZ  JR NAME');
    expect(tricky.match(/\^XZ/g)).toHaveLength(1);
  });
});
