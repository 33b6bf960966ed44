// Heavy packages stay out of a process until something needs them (lib/lazy.ts): the modules a
// `waybill serve` process imports at start-up load none of them. Runs the compiled package
// (`npm run build` first, as `npm test` does) in a fresh Node process.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const HEAVY = ['mjml', 'zipcodes', 'date-holidays', 'libphonenumber-js'];

function run(script: string): { before: string[]; after: string[]; answer: unknown } {
  const source = `
    import { createRequire } from 'node:module';
    const loaded = () => Object.keys(createRequire(import.meta.url).cache).flatMap((file) => ${JSON.stringify(HEAVY)}.filter((name) => file.includes('/node_modules/' + name + '/'))).filter((v, i, all) => all.indexOf(v) === i).sort();
    for (const module of ['main.js', 'app.js', 'deps.js', 'jobs/handlers.js']) await import(${JSON.stringify(DIST)} + module);
    const before = loaded();
    const answer = await (${script})(${JSON.stringify(DIST)});
    console.log(JSON.stringify({ before, after: loaded(), answer }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', source], { encoding: 'utf8' }));
}

describe('lazy loading', () => {
  it('loads none of the heavy packages with the server modules, and each on first use', () => {
    const zone = run(`async (dist) => (await import(dist + 'notifications/policy/recipient-zone.js')).recipientTimeZone({ country: 'US', postalCode: '46204' })`);
    expect(zone.before).toEqual([]);
    expect(zone.answer).toBe('America/Indiana/Indianapolis');
    expect(zone.after).toEqual(['zipcodes']);

    const holiday = run(`async (dist) => (await import(dist + 'estimates/calendar.js')).isPublicHoliday('2026-12-25', { country: 'US' })`);
    expect(holiday.answer).toBe(true);
    expect(holiday.after).toEqual(['date-holidays']);
  });
});
