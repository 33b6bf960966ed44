import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO_RATES } from '../../src/carriers/simulated/scenarios.js';
import { SIMULATED_CODES } from '../../src/carriers/simulated/status-codes.js';

const readme = readFileSync(new URL('../../src/carriers/simulated/README.md', import.meta.url), 'utf8');

describe('the simulated carrier README', () => {
  it('documents every event code with its status and text, and no others', () => {
    const rows = [...readme.matchAll(/^\| `(SIM-[A-Z]{2})` \| `([a-z_]+)` \|[^|]*\| (.+) \|$/gm)].map(([, code, status, text]) => ({ code, status, text }));
    expect(rows.map((row) => row.code).sort()).toEqual(Object.keys(SIMULATED_CODES).sort());
    for (const row of rows) {
      const entry = SIMULATED_CODES[row.code as keyof typeof SIMULATED_CODES];
      expect({ code: row.code, status: row.status, text: row.text }).toEqual({ code: row.code, status: entry.status, text: entry.text });
    }
  });

  it('states the default rates the code uses', () => {
    const percent = (name: string) => Number(new RegExp(`^\\| \`${name}\` \\| (\\d+)% \\|`, 'm').exec(readme)?.[1]) / 100;
    for (const [name, rate] of Object.entries(DEFAULT_SCENARIO_RATES)) expect(percent(name)).toBe(rate);
  });
});
