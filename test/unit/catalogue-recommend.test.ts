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

describe('the catalogue CSV', () => {
  it('loads good rows and reports each bad one by line, whatever the header spelling', () => {
    const csv = [
      'SKU;Product Name;Image URL;Price;Link;Tags',
      'A-1;Canvas cap;https://cdn.example.com/a.png;22.50;https://shop.example.com/a;hats|summer',
      ';No id;;;https://shop.example.com/x;',
      'A-2;Bad link;;;javascript:alert(1);',
      'A-3;Bad price;;twelve;https://shop.example.com/c;',
      'A-1;Twice;;;https://shop.example.com/a2;',
      'A-4;"Quoted; with <b>tags</b>";;€9,99;https://shop.example.com/d;',
    ].join('\r\n');
    const parsed = parseCatalogueCsv(csv);
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

  it('refuses a file without the columns it needs, naming them', () => {
    const parsed = parseCatalogueCsv('name,price\nCap,3\n');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain('no id, url column');
  });
});
