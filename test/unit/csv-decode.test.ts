// An uploaded CSV's bytes → text: BOM, the Content-Type's charset, UTF-8, and Windows-1252 for
// the files Excel writes on Windows, said so rather than turned into U+FFFD.
import { describe, expect, it } from 'vitest';
import { charsetOf, decodeCsvBytes, fallbackNote } from '../../src/imports/decode-csv.js';
import { AppError } from '../../src/lib/errors.js';

const latin1 = (text: string) => Uint8Array.from([...text].map((ch) => ch.charCodeAt(0)));
const refusal = (run: () => unknown): AppError => {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('charsetOf', () => {
  it('reads the parameter in any case, quoted or not, among others', () => {
    expect(charsetOf('text/csv; charset=windows-1252')).toBe('windows-1252');
    expect(charsetOf('text/csv;Charset="ISO-8859-1"; header=present')).toBe('iso-8859-1');
    expect(charsetOf('text/csv; header=present')).toBeUndefined();
    expect(charsetOf('text/csv; charset=')).toBeUndefined();
    expect(charsetOf(undefined)).toBeUndefined();
  });
});

describe('decodeCsvBytes', () => {
  it('reads UTF-8, with or without its BOM, and UTF-16 by its BOM', () => {
    expect(decodeCsvBytes(new TextEncoder().encode('id,title\n1,Café mug\n'))).toEqual({ text: 'id,title\n1,Café mug\n', encoding: 'utf-8' });
    expect(decodeCsvBytes(Uint8Array.from([0xef, 0xbb, 0xbf, 0x61]))).toEqual({ text: 'a', encoding: 'utf-8' });
    expect(decodeCsvBytes(Uint8Array.from([0xff, 0xfe, ...Buffer.from('é', 'utf16le')]))).toEqual({ text: 'é', encoding: 'utf-16le' });
  });

  it('reads a file that is not UTF-8 and names no charset as Windows-1252, and says which line was not', () => {
    const decoded = decodeCsvBytes(latin1('id,title,price\n1,Plain,1\n2,Caf\xe9 mug \x80,12\n'));
    expect(decoded).toEqual({ text: 'id,title,price\n1,Plain,1\n2,Café mug €,12\n', encoding: 'windows-1252', fellBackFromUtf8: { line: 3 } });
    expect(fallbackNote(decoded)).toContain('line 3 is not');
    expect(fallbackNote(decodeCsvBytes(latin1('plain')))).toBeUndefined();
  });

  it('honours the charset named, its WHATWG labels included', () => {
    expect(decodeCsvBytes(latin1('Caf\xe9'), 'windows-1252')).toEqual({ text: 'Café', encoding: 'windows-1252' });
    expect(decodeCsvBytes(latin1('Caf\xe9'), 'iso-8859-1').text).toBe('Café');
    expect(decodeCsvBytes(Uint8Array.from(Buffer.from('Café', 'utf16le')), 'utf-16')).toEqual({ text: 'Café', encoding: 'utf-16le' });
    expect(decodeCsvBytes(Uint8Array.from([0xc3, 0xa9]), 'windows-1252').text).toBe('Ã©'); // as told
  });

  it('refuses a charset it does not know (415), and bytes the named charset cannot be (422), naming them', () => {
    const unknown = refusal(() => decodeCsvBytes(latin1('a'), 'klingon-8'));
    expect(unknown.status).toBe(415);
    expect(unknown.message).toContain('"klingon-8"');
    expect(refusal(() => decodeCsvBytes(latin1('a'), 'iso-2022-kr')).status).toBe(415); // the standard's "replacement"
    const wrong = refusal(() => decodeCsvBytes(latin1('id\nok\nCaf\xe9\n'), 'utf-8'));
    expect(wrong.status).toBe(422);
    expect(wrong.message).toContain('line 3 is not');
  });
});
