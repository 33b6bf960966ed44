import { it, expect } from 'vitest';
import { planJourney } from '../../src/carriers/simulated/journey.js';
import { pickCity } from '../../src/carriers/simulated/cities.js';
import { createRandom } from '../../src/carriers/simulated/random.js';
import { SCENARIOS } from '../../src/carriers/simulated/scenarios.js';
const END: Record<string, string[]> = { happy: ['delivered'], delayed: ['delivered'], stalled: ['delivered'], failed_attempt: ['delivered'], exception: ['exception'], return_to_sender: ['returned'], customs_hold: ['delivered'] };
it('stress', () => {
  const r = createRandom('stress');
  let n = 0; const problems: string[] = []; let maxDays = 0; let maxEvents = 0;
  const t0 = performance.now();
  for (let i = 0; i < 20000; i++) {
    const origin = pickCity(r, { minPopulation: 1000 });
    const international = r.chance(0.3);
    const scenario = r.chance(0.5) ? SCENARIOS[r.int(0, SCENARIOS.length - 1)] : undefined;
    if (scenario === 'customs_hold' && !international) continue;
    let j;
    try {
      j = planJourney({ seed: i, trackingNumber: 'X' + i, origin, international, scenario, labelCreatedAt: new Date(Date.UTC(2026, 0, 1) + r.int(0, 365 * 24) * 3600e3).toISOString() });
    } catch (e) { problems.push(`${origin.name},${origin.country}: ${(e as Error).message}`); continue; }
    n++;
    const t = j.events.map((e) => Date.parse(e.occurredAt));
    for (let k = 1; k < t.length; k++) if (!(t[k] > t[k - 1])) problems.push('order ' + i);
    if (!END[j.scenario].includes(j.finalStatus)) problems.push(`end ${j.scenario} ${j.finalStatus} ${i}`);
    if (['delayed', 'stalled', 'customs_hold'].includes(j.scenario) && !(j.endsAt > j.expectedDeliveryAt)) problems.push(`not late ${j.scenario} ${i}`);
    if (j.scenario === 'happy' && j.endsAt !== j.expectedDeliveryAt) problems.push(`happy off ${i}`);
    const days = (t[t.length - 1] - t[0]) / 864e5; if (days > maxDays) { maxDays = days; console.log('long', days.toFixed(1), j.scenario, j.origin.name, j.origin.country, '->', j.destination.name, j.destination.country, j.route.map((s) => s.city.name).join('>')); }
    maxEvents = Math.max(maxEvents, j.events.length);
  }
  console.log('journeys', n, 'ms each', ((performance.now() - t0) / n).toFixed(3), 'maxDays', maxDays.toFixed(1), 'maxEvents', maxEvents);
  console.log(problems.slice(0, 20), problems.length);
  expect(problems).toEqual([]);
});
