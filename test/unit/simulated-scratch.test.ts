import { it } from 'vitest';
import { planJourney } from '../../src/carriers/simulated/journey.js';
import { greatCircleKm } from '../../src/carriers/simulated/geo.js';
it('scratch', () => {
  const ratios: Array<[number, string]> = [];
  for (let seed = 0; seed < 3000; seed++) {
    const origin = [{ city: 'Columbus', region: 'OH', country: 'US' }, { city: 'Berlin', country: 'DE' }, { city: 'Toronto', country: 'CA' }, { city: 'Bangor', region: 'ME', country: 'US' }][seed % 4];
    const j = planJourney({ seed, trackingNumber: 'T' + seed, origin, labelCreatedAt: '2026-03-02T12:00:00Z', international: seed % 3 === 0 });
    const pts = [j.origin, ...j.route.map((s) => s.city), j.destination];
    let len = 0; for (let i = 1; i < pts.length; i++) len += greatCircleKm(pts[i - 1], pts[i]);
    if (j.distanceKm > 300) ratios.push([len / j.distanceKm, `${j.origin.name}->${j.destination.name},${j.destination.country} ${Math.round(j.distanceKm)} via ${j.route.map((s) => s.city.name).join('>')}`]);
  }
  ratios.sort((a, b) => b[0] - a[0]);
  console.log(ratios.slice(0, 15).map((r) => r[0].toFixed(2) + ' ' + r[1]).join('\n'));
  const q = (p: number) => ratios[Math.floor(ratios.length * p)][0].toFixed(2);
  console.log('p1', q(0.01), 'p5', q(0.05), 'p50', q(0.5));
});
