// A 4×6 inch shipping label as a PDF: sender, recipient, service, and the tracking number as a
// Code 128 barcode drawn in vector (bars from bwip-js, drawn by pdfkit) so it scans at any print
// resolution. Used for the simulated carrier's labels and for placing a carrier's image on a page.
import type BwipJs from 'bwip-js';
import type PDFKit from 'pdfkit';
import { lazyModule } from '../../lib/lazy.js';
import { addressLines, groupedTrackingNumber, type LabelSheet, weightText } from './sheet.js';

// ~34 MB and ~0.2 s to load: paid by the first label drawn, not by every process at start-up.
const pdfDocument = lazyModule<typeof PDFKit>('pdfkit');
const bwipjs = lazyModule<typeof BwipJs>('bwip-js');

const PAGE = { width: 288, height: 432 }; // 4 × 6 in at 72 pt per inch
const MARGIN = 14;
const INNER = PAGE.width - 2 * MARGIN;

export async function renderLabelPdf(sheet: LabelSheet): Promise<Uint8Array> {
  return drawPdf(`Shipping label ${sheet.trackingNumber}`, (doc) => {
    doc.lineWidth(1.2);
    // Header: carrier and service, the service in a box as carriers print it.
    doc.font('Helvetica-Bold').fontSize(11).text(sheet.carrierName.toUpperCase(), MARGIN, MARGIN, { width: INNER - 70 });
    doc.font('Helvetica').fontSize(7).text(`SHIP DATE ${sheet.shipDate}   WT ${weightText(sheet.weightOz)}`, MARGIN, MARGIN + 16, { width: INNER - 70 });
    doc.rect(PAGE.width - MARGIN - 64, MARGIN, 64, 30).stroke();
    doc.font('Helvetica-Bold').fontSize(sheet.direction === 'return' ? 9 : 10).text(sheet.direction === 'return' ? 'RETURN' : 'SHIP', PAGE.width - MARGIN - 64, MARGIN + 5, { width: 64, align: 'center' });
    doc.fontSize(7).text(sheet.serviceName.toUpperCase(), PAGE.width - MARGIN - 64, MARGIN + 18, { width: 64, align: 'center' });
    rule(doc, 50);

    doc.font('Helvetica').fontSize(7).text('FROM', MARGIN, 56);
    doc.fontSize(8).text(addressLines(sheet.from).join('\n'), MARGIN + 30, 56, { width: INNER - 30, lineGap: 0.5 });
    rule(doc, 128);

    doc.font('Helvetica-Bold').fontSize(8).text('SHIP TO', MARGIN, 136);
    doc.fontSize(12).text(addressLines(sheet.to).join('\n'), MARGIN + 10, 150, { width: INNER - 10, lineGap: 1 });
    rule(doc, 250);

    doc.font('Helvetica-Bold').fontSize(9).text(sheet.direction === 'return' ? 'RETURN TRACKING #' : 'TRACKING #', MARGIN, 258);
    doc.fontSize(11).text(groupedTrackingNumber(sheet.trackingNumber), MARGIN, 270, { width: INNER, align: 'center' });
    drawCode128(doc, sheet.trackingNumber, { x: MARGIN, y: 288, width: INNER, height: 80 });
    rule(doc, 382);

    doc.font('Helvetica').fontSize(7).text(`ORDER ${sheet.orderNumber}`, MARGIN, 388, { width: INNER });
    if (sheet.notice) doc.font('Helvetica-Bold').fontSize(7).text(sheet.notice.toUpperCase(), MARGIN, 402, { width: INNER, align: 'center' });
  });
}

/** A carrier's label image (PNG) fitted on a 4×6 page, for carriers that sell images, not PDFs. */
export async function imageOnLabelPage(png: Uint8Array, title: string): Promise<Uint8Array> {
  return drawPdf(title, (doc) => {
    doc.image(Buffer.from(png), 0, 0, { fit: [PAGE.width, PAGE.height], align: 'center', valign: 'center' });
  });
}

type Doc = InstanceType<typeof PDFKit>;

function drawPdf(title: string, draw: (doc: Doc) => void): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    // A fixed creation date keeps the same label byte-for-byte the same.
    const PDFDocument = pdfDocument();
    const doc = new PDFDocument({ size: [PAGE.width, PAGE.height], margin: 0, autoFirstPage: true, info: { Title: title, Producer: 'Waybill', Creator: 'Waybill', CreationDate: new Date(0) } });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
    try {
      draw(doc);
      doc.end();
    } catch (error) {
      reject(error);
    }
  });
}

const rule = (doc: Doc, y: number) => doc.moveTo(MARGIN, y).lineTo(PAGE.width - MARGIN, y).stroke();

/** Code 128 bars, centred in the box, with ten modules of quiet zone on each side. */
function drawCode128(doc: Doc, text: string, box: { x: number; y: number; width: number; height: number }): void {
  const [symbol] = bwipjs().raw('code128', text, {}) as unknown as Array<{ sbs: number[] }>;
  if (!symbol) throw new Error(`bwip-js drew no barcode for ${text}`);
  const modules = symbol.sbs.reduce((sum, width) => sum + width, 0);
  const moduleWidth = Math.min(2, box.width / (modules + 20));
  let x = box.x + (box.width - modules * moduleWidth) / 2;
  symbol.sbs.forEach((width, index) => {
    if (index % 2 === 0) doc.rect(x, box.y, width * moduleWidth, box.height).fill('black');
    x += width * moduleWidth;
  });
}
