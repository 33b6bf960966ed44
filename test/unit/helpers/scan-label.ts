// Reads a label the way a scanner would: the PDF rasterised by poppler (pdftoppm) and its barcodes
// decoded by zbar (zbarimg). Both are Debian packages (.ci/run installs poppler-utils and zbar-tools).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function scanPdfBarcodes(pdf: Uint8Array, dpi = 203): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waybill-label-'));
  try {
    const file = path.join(dir, 'label.pdf');
    fs.writeFileSync(file, pdf);
    execFileSync('pdftoppm', ['-r', String(dpi), '-gray', '-png', file, path.join(dir, 'page')]);
    const pages = fs.readdirSync(dir).filter((name) => name.startsWith('page') && name.endsWith('.png'));
    if (pages.length === 0) throw new Error('pdftoppm produced no page');
    // zbarimg complains on stderr about a missing D-Bus; only its stdout matters.
    const output = execFileSync('zbarimg', ['--quiet', '--raw', ...pages.map((page) => path.join(dir, page))], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return output.split('\n').map((line) => line.trim()).filter(Boolean);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The text of a PDF as poppler extracts it (pdftotext), to check what the label prints. */
export function pdfText(pdf: Uint8Array): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waybill-label-'));
  try {
    const file = path.join(dir, 'label.pdf');
    fs.writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Page size in points, from pdfinfo. */
export function pdfPageSize(pdf: Uint8Array): { width: number; height: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waybill-label-'));
  try {
    const file = path.join(dir, 'label.pdf');
    fs.writeFileSync(file, pdf);
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    const match = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info);
    if (!match) throw new Error(`pdfinfo gave no page size:\n${info}`);
    return { width: Number(match[1]), height: Number(match[2]) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
