// The same 4×6 label in ZPL II for thermal printers (203 dpi: 812 × 1218 dots). The printer draws
// the Code 128 barcode itself (^BC), so it is as sharp as the printer allows. Pure.
import { addressLines, groupedTrackingNumber, type LabelSheet, weightText } from './sheet.js';

/** ^ and ~ start ZPL commands: they never reach a field as text. */
const field = (text: string) => text.replace(/[\^~]/g, ' ');

export function renderLabelZpl(sheet: LabelSheet): string {
  const lines: string[] = ['^XA', '^CI28', '^PW812', '^LL1218', '^LH0,0'];
  const text = (x: number, y: number, size: number, value: string) => lines.push(`^FO${x},${y}^A0N,${size},${size}^FD${field(value)}^FS`);
  const block = (x: number, y: number, size: number, width: number, rows: string[]) =>
    lines.push(`^FO${x},${y}^A0N,${size},${size}^FB${width},${rows.length},4,L^FD${rows.map(field).join('\\&')}^FS`);
  const rule = (y: number) => lines.push(`^FO30,${y}^GB752,3,3^FS`);

  text(30, 30, 34, sheet.carrierName.toUpperCase());
  text(30, 72, 22, `SHIP DATE ${sheet.shipDate}   WT ${weightText(sheet.weightOz)}`);
  lines.push('^FO592,26^GB190,84,3^FS');
  text(612, 38, 28, sheet.direction === 'return' ? 'RETURN' : 'SHIP');
  text(612, 74, 22, sheet.serviceName.toUpperCase());
  rule(130);
  text(30, 150, 20, 'FROM');
  block(110, 150, 24, 670, addressLines(sheet.from));
  rule(360);
  text(30, 380, 26, 'SHIP TO');
  block(60, 420, 38, 720, addressLines(sheet.to));
  rule(720);
  text(30, 740, 26, sheet.direction === 'return' ? 'RETURN TRACKING #' : 'TRACKING #');
  text(30, 776, 34, groupedTrackingNumber(sheet.trackingNumber));
  lines.push(`^FO60,830^BY3^BCN,220,N,N,N^FD${field(sheet.trackingNumber)}^FS`);
  rule(1080);
  text(30, 1100, 22, `ORDER ${sheet.orderNumber}`);
  if (sheet.notice) text(30, 1140, 22, sheet.notice.toUpperCase());
  lines.push('^XZ');
  return `${lines.join('\n')}\n`;
}
