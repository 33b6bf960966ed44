// An uploaded CSV's bytes → text, for both CSV imports (tracking numbers, the catalogue). The
// encoding is, in this order: a byte-order mark (UTF-8, or Excel's UTF-16 "Unicode text"); the
// charset the Content-Type names (any the WHATWG Encoding Standard knows: windows-1252,
// iso-8859-1, utf-16, shift_jis…); UTF-8. A file with neither a BOM nor a charset that is not valid
// UTF-8 is what Excel's "CSV" writes on Windows: it is read as Windows-1252, and the answer says so
// (never U+FFFD in place of "é").
import { AppError } from '../lib/errors.js';

export type DecodedCsv = {
  text: string;
  /** The encoding it was read as, by its WHATWG name ("utf-8", "utf-16le", "windows-1252"…). */
  encoding: string;
  /** Set when the file named no encoding and was not UTF-8: the first line that was not. */
  fellBackFromUtf8?: { line: number };
};

/** The bytes' encoding when there is no BOM and no charset, and they are not UTF-8. */
export const FALLBACK_ENCODING = 'windows-1252';

const BOMS: ReadonlyArray<{ bytes: readonly number[]; encoding: string }> = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf-8' },
  { bytes: [0xff, 0xfe], encoding: 'utf-16le' },
  { bytes: [0xfe, 0xff], encoding: 'utf-16be' },
];

/** The `charset` parameter of a Content-Type header (quotes removed, lower-cased), if any. */
export function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*("([^"]*)"|[^;\s]*)/i.exec(contentType ?? '');
  const value = match ? (match[2] ?? match[1]!).trim().toLowerCase() : '';
  return value || undefined;
}

/** How the imports' descriptions say the 415 of declaredDecoder below. */
export const UNREADABLE_CHARSET_ANSWER = 'The text/csv body’s `charset` is not one Waybill can read (`unsupported_media_type`, the message names it)';

/**
 * The text of a CSV file. A charset Waybill cannot read is refused with 415 naming it; bytes that
 * are not valid in the encoding the sender named (or its BOM says) are refused with 422 naming the line.
 */
export function decodeCsvBytes(bytes: Uint8Array, charset?: string): DecodedCsv {
  const bom = BOMS.find((b) => b.bytes.every((byte, i) => bytes[i] === byte));
  // A BOM says what the bytes are, whatever the header claims (as browsers decide too).
  if (bom) return decodeAsDeclared(bytes.subarray(bom.bytes.length), strictDecoder(bom.encoding), 'its byte-order mark says');
  if (charset !== undefined) return decodeAsDeclared(bytes, declaredDecoder(charset), `its Content-Type says (charset=${charset})`);
  try {
    return { text: strictDecoder('utf-8').decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: windows1252.decode(bytes), encoding: FALLBACK_ENCODING, fellBackFromUtf8: { line: firstUndecodableLine(bytes, 'utf-8') } };
  }
}

function decodeAsDeclared(bytes: Uint8Array, decoder: Decoder, declaredBy: string): DecodedCsv {
  try {
    return { text: decoder.decode(bytes), encoding: decoder.encoding };
  } catch {
    const line = firstUndecodableLine(bytes, decoder.encoding);
    throw new AppError('validation_failed', `the file is not valid ${decoder.encoding}, as ${declaredBy}: line ${line} is not; send it in that encoding, or name the one it is in`, [{ field: 'charset', problem: `line ${line} is not valid ${decoder.encoding}` }]);
  }
}

/** What the answer says when the file was not UTF-8 and was read as Windows-1252. */
export function fallbackNote(decoded: DecodedCsv): string | undefined {
  if (!decoded.fellBackFromUtf8) return undefined;
  return `the file is not UTF-8 (line ${decoded.fellBackFromUtf8.line} is not) and names no encoding, so it was read as Windows-1252, what Excel's "CSV" writes on Windows`;
}

type Decoder = { encoding: string; decode(bytes: Uint8Array): string };

/**
 * Windows-1252 as the WHATWG Encoding Standard defines it (also what it calls latin1, iso-8859-1
 * and ascii): Latin-1, but for 0x80–0x9F, which hold €, curly quotes, dashes, …, Š, Ž, Ÿ. Written
 * out here because Node's own TextDecoder reads those 32 bytes as Latin-1's control characters
 * (nodejs/node#60888, since 20.18.3 and 22.13.0). Every byte is a character: it never fails.
 */
const WINDOWS_1252_80_9F = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';
const windows1252: Decoder = {
  encoding: FALLBACK_ENCODING,
  decode: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1').replace(/[\u0080-\u009f]/g, (ch) => WINDOWS_1252_80_9F[ch.charCodeAt(0) - 0x80]!),
};

/** A decoder that refuses bytes its encoding cannot hold (throws), by the encoding's WHATWG name or label. */
function strictDecoder(label: string): Decoder {
  const decoder = new TextDecoder(label, { fatal: true });
  return decoder.encoding === FALLBACK_ENCODING ? windows1252 : decoder;
}

function declaredDecoder(charset: string): Decoder {
  try {
    return strictDecoder(charset);
  } catch {
    // An unknown label, or one the standard maps to "replacement" (ISO-2022-KR and the like).
    throw new AppError('unsupported_media_type', `the charset "${charset}" is not one Waybill can read: send the file as utf-8, utf-16, windows-1252, iso-8859-1 or another encoding of the WHATWG Encoding Standard`, [{ field: 'charset', problem: `"${charset}" is not a known encoding` }]);
  }
}

/** The first line (1-based) whose bytes are not valid in the encoding; lines end at LF. */
function firstUndecodableLine(bytes: Uint8Array, encoding: string): number {
  // UTF-16 has no byte-wise line ends: its lines are found in the leniently decoded text instead.
  if (encoding.startsWith('utf-16')) {
    const text = new TextDecoder(encoding).decode(bytes);
    const at = text.indexOf('\uFFFD');
    return at < 0 ? 1 : text.slice(0, at).split('\n').length;
  }
  const decoder = strictDecoder(encoding);
  let line = 1;
  for (let start = 0; start < bytes.length; line++) {
    const end = bytes.indexOf(0x0a, start);
    const stop = end < 0 ? bytes.length : end;
    try {
      decoder.decode(bytes.subarray(start, stop));
    } catch {
      return line;
    }
    start = stop + 1;
  }
  return line;
}
