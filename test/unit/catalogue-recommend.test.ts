import { describe, expect, it } from 'vitest';
import { parseCatalogueCsv } from '../../src/catalogue/csv.js';
import { type BoughtTogether, recommend } from '../../src/catalogue/recommend.js';
import type { CatalogueProduct } from '../../src/catalogue/repo.js';

const product = (id: string, tags: string[] = [], active = true): CatalogueProduct => ({ id, title: id, imageUrl: null, price: 10, currency: 'USD', url: `https://shop.example.com/${id}`, tags, active });

/** Counts from a list of baskets, as the order job would. */
function togetherOf(baskets: string[][]): BoughtTogether {
  const orders = new Map<string, number>();
  const pairs = new Map<string, Map<string, number>>();
  for (const basket of baskets) {
    for (const sku of basket) {
      orders.set(sku, (orders.get(sku) ?? 0) + 1);
      for (const other of basket) {
        if (other === sku) continue;
        const list = pairs.get(sku) ?? new Map<string, number>();
        list.set(other, (list.get(other) ?? 0) + 1);
        pairs.set(sku, list);
      }
    }
  }
  return { orders, pairs };
}

const repeat = (n: number, basket: string[]) => Array.from({ length: n }, () => basket);

describe('recommend', () => {
  const catalogue = ['TENT', 'STAKES', 'TEE', 'MUG', 'SOCKS', 'RETIRED'].map((id) => product(id, id === 'MUG' || id === 'TENT' ? ['camping'] : [], id !== 'RETIRED'));

  it('puts the complement first, not the best seller that happens to be in many baskets', () => {
    // The tee sits in 150 orders, 20 of them with the tent; the stakes sit in 16, 14 with the tent.
    // By raw co-count the tee (20) beats the stakes (14); by what goes *with* a tent, stakes win.
    const together = togetherOf([...repeat(14, ['TENT', 'STAKES']), ...repeat(2, ['STAKES']), ...repeat(16, ['TENT', 'TEE']), ...repeat(4, ['TENT', 'TEE', 'MUG']), ...repeat(130, ['TEE'])]);
    const ranked = recommend({ bought: ['TENT'], catalogue, together, fallback: [], limit: 3 }).map((p) => p.id);
    expect(ranked[0]).toBe('STAKES');
    expect(ranked).not.toContain('TENT');
  });

  it('never shows what was bought or an inactive product, ignores pairs seen once, then uses the fallback list', () => {
    const together = togetherOf([['TENT', 'RETIRED'], ['TENT', 'RETIRED'], ['TENT', 'SOCKS']]);
    const ranked = recommend({ bought: ['TENT', 'TEE'], catalogue, together, fallback: ['TEE', 'MUG', 'NOT-IN-CATALOGUE'], limit: 2 }).map((p) => p.id);
    expect(ranked).toEqual(['MUG', 'SOCKS']); // SOCKS: one shared order is noise, so it only fills in after the fallback
    expect(recommend({ bought: ['TENT'], catalogue, together: togetherOf([]), fallback: [], limit: 10 }).map((p) => p.id)).toEqual(['MUG', 'SOCKS', 'STAKES', 'TEE']);
  });
});

describe('recommend over a large catalogue', () => {
  it('keeps only the few it shows, in the same order a full sort of the catalogue gives', () => {
    // Tags, popularity and ids drawn from a fixed sequence (a failure must repeat).
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const catalogue = Array.from({ length: 600 }, (_, i) => product(`P${String(Math.floor(next() * 400)).padStart(3, '0')}-${i % 7}`, ['a', 'b', 'c'].filter(() => next() < 0.2), next() < 0.9));
    const orders = new Map(catalogue.filter(() => next() < 0.5).map((p) => [p.id, Math.floor(next() * 4)]));
    for (const limit of [1, 4, 8]) {
      const bought = catalogue.slice(0, 3).map((p) => p.id);
      const fallback = [catalogue[10]!.id, catalogue[20]!.id];
      // The rule written out plainly: fallback, then everything else sorted by (shares a tag, popularity, id).
      const boughtTags = new Set(catalogue.filter((p) => bought.includes(p.id)).flatMap((p) => p.tags));
      const rest = [...new Map(catalogue.filter((p) => p.active && !bought.includes(p.id)).map((p) => [p.id, p])).values()];
      const key = (p: CatalogueProduct) => [Number(p.tags.some((t) => boughtTags.has(t))), orders.get(p.id) ?? 0] as const;
      rest.sort((a, b) => key(b)[0] - key(a)[0] || key(b)[1] - key(a)[1] || (a.id < b.id ? -1 : 1));
      const expected = [...new Set([...fallback.map((id) => rest.find((p) => p.id === id)!).filter(Boolean), ...rest])].slice(0, limit);
      expect(recommend({ bought, catalogue, together: { orders, pairs: new Map() }, fallback, limit })).toEqual(expected);
    }
  });
});

describe('the catalogue CSV', () => {
  it('loads good rows and reports each bad one by line, whatever the header spelling', async () => {
    const csv = [
      'SKU;Product Name;Image URL;Price;Link;Tags',
      'A-1;Canvas cap;https://cdn.example.com/a.png;22.50;https://shop.example.com/a;hats|summer',
      ';No id;;;https://shop.example.com/x;',
      'A-2;Bad link;;;javascript:alert(1);',
      'A-3;Bad price;;twelve;https://shop.example.com/c;',
      'A-1;Twice;;;https://shop.example.com/a2;',
      'A-4;"Quoted; with <b>tags</b>";;€9,99;https://shop.example.com/d;',
    ].join('\r\n');
    const parsed = await parseCatalogueCsv(csv);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.products.map((p) => [p.id, p.price])).toEqual([
      ['A-1', 22.5],
      ['A-4', 9.99],
    ]);
    expect(parsed.products[0]!.tags).toEqual(['hats', 'summer']);
    expect(parsed.errors).toEqual([
      { line: 3, reason: 'id must not be empty', value: '' },
      { line: 4, reason: 'url must be an http(s) URL', value: 'javascript:alert(1)' },
      { line: 5, reason: 'price is not a number', value: 'twelve' },
      { line: 6, reason: 'id A-1 is already on line 2', value: 'A-1' },
    ]);
  });

  it('takes a price only as a plain decimal, and reports any other on its line, never guessing', async () => {
    const rows = [
      ['P-1', '12.50'],
      ['P-2', '12,50'],
      ['P-3', '1299'],
      ['P-4', '$ 22'],
      ['P-5', '1,299'], // a thousands separator, or three decimals?
      ['P-6', '1.299'],
      ['P-7', '1,299.00'],
      ['P-8', '0x10'],
      ['P-9', '1e6'],
      ['P-10', '-5'],
      ['P-11', '12.'],
      ['P-12', 'Infinity'],
      ['P-13', '1.299', 'KWD'], // dinars are counted in thousandths
    ];
    const csv = ['id,title,price,url,currency', ...rows.map(([id, price, currency = '']) => `${id},T,"${price}",https://shop.example.com/${id},${currency}`)].join('\n');
    const parsed = await parseCatalogueCsv(csv);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.products.map((p) => [p.id, p.price])).toEqual([
      ['P-1', 12.5],
      ['P-2', 12.5],
      ['P-3', 1299],
      ['P-4', 22],
      ['P-13', 1.299],
    ]);
    const plain = 'price must be a plain decimal such as 1299, 12.50 or 12,50: one point or comma, no thousands separator, sign or exponent';
    expect(parsed.errors).toEqual([
      { line: 6, reason: "price has 3 digits after its comma, more than a USD price's 2 decimals: if it separates thousands, leave it out (1299)", value: '1,299' },
      { line: 7, reason: "price has 3 digits after its point, more than a USD price's 2 decimals: if it separates thousands, leave it out (1299)", value: '1.299' },
      { line: 8, reason: plain, value: '1,299.00' },
      { line: 9, reason: plain, value: '0x10' },
      { line: 10, reason: plain, value: '1e6' },
      { line: 11, reason: plain, value: '-5' },
      { line: 12, reason: plain, value: '12.' },
      { line: 13, reason: 'price is not a number', value: 'Infinity' },
    ]);
  });

  it('lets other work run while a big file is read, and keeps characters whole across its slices', async () => {
    const rows = Array.from({ length: 6_000 }, (_, i) => `P-${i},Mug ${i} ☕ 🍵,,9.99,https://shop.example.com/${i},\n`);
    // Rows up to just short of the first 64 KB slice, then one whose emoji (two UTF-16 units) straddles it.
    let head = 'id,title,image,price,url,tags\n';
    let next = 0;
    while (head.length + rows[next]!.length < 65_536 - 150) head += rows[next++]!;
    const straddling = `Z-1,${'y'.repeat(65_535 - head.length - 'Z-1,'.length)}🍵,,1,https://shop.example.com/z,\n`;
    expect((head + straddling).charCodeAt(65_535)).toBe('🍵'.charCodeAt(0));
    const order: string[] = [];
    setImmediate(() => order.push('another request'));
    const parsed = await parseCatalogueCsv(head + straddling + rows.slice(next).join('')).then((result) => {
      order.push('file read');
      return result;
    });
    expect(order).toEqual(['another request', 'file read']);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.errors).toEqual([]);
    expect(parsed.products).toHaveLength(6_001);
    expect(parsed.products.find((p) => p.id === 'Z-1')!.title.endsWith('y🍵')).toBe(true);
    expect(parsed.products.at(-1)!.title).toBe('Mug 5999 ☕ 🍵');
  });

  it('skips lines of empty cells as blank lines, as spreadsheets export them, and reports a row by the line it starts on', async () => {
    // Lines 1, 5 and 9 are empty cells; the rows on lines 3 and 6 each hold a quoted line break.
    const csv = ';;;;\nid;title;price;url\nA-1;"Canvas cap,\ntwo lines";12;https://shop.example.com/a\n;;;\nA-2;"Bottle,\nalso two lines";twelve;https://shop.example.com/b\nA-3;Mug;3;https://shop.example.com/c\n;;;\n'.replaceAll('\n', '\r\n');
    const parsed = await parseCatalogueCsv(csv);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.rows).toBe(3);
    expect(parsed.products.map((p) => [p.id, p.line])).toEqual([
      ['A-1', 3],
      ['A-3', 8],
    ]);
    expect(parsed.errors).toEqual([{ line: 6, reason: 'price is not a number', value: 'twelve' }]);
  });

  it('refuses a file without the columns it needs, naming them', async () => {
    const parsed = await parseCatalogueCsv('name,price\nCap,3\n');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain('no id, url column');
  });
});
