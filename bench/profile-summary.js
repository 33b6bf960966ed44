// Summarises a V8 CPU profile (.cpuprofile, from `node --cpu-prof`): where the time goes, by
// function (self time) and by package or source folder. Used to explain benchmark figures, e.g.
//
//   BENCH_SERVER_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/waybill-prof" node bench/ingest-single.js --sqlite-only
//   node bench/profile-summary.js /tmp/waybill-prof/*.cpuprofile [--top 25] [--inclusive]
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const topIndex = args.indexOf('--top');
const top = topIndex >= 0 ? Number(args[topIndex + 1]) : 25;
const showInclusive = args.includes('--inclusive');
const files = args.filter((arg, i) => !arg.startsWith('--') && (topIndex < 0 || i !== topIndex + 1));
if (files.length === 0) {
  console.error('usage: node bench/profile-summary.js FILE.cpuprofile [--top N]');
  process.exit(2);
}

/** Where a frame's code lives: a package name, a dist/ folder, node internals, or (idle)/(gc). */
function areaOf(frame) {
  const url = frame.url || '';
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const dist = /\/dist\/(.+)\/[^/]+$/.exec(url);
  if (dist) return `waybill ${dist[1]}/`;
  if (/\/dist\/[^/]+$/.test(url)) return 'waybill (top level)';
  if (url.startsWith('node:')) return 'node internals';
  return url.replace(/^file:\/\//, '');
}

function summarize(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  // samples[i] was taken timeDeltas[i] microseconds after the previous one
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map();
  const byArea = new Map();
  for (const [id, micros] of self) {
    const frame = byId.get(id).callFrame;
    const where = frame.url ? `${frame.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${frame.lineNumber + 1}` : '';
    const fn = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + micros);
    const area = areaOf(frame);
    byArea.set(area, (byArea.get(area) ?? 0) + micros);
  }
  // Inclusive time: a sample counts for every distinct function on its stack.
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const inclusive = new Map();
  for (const [id, micros] of self) {
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur).callFrame;
      if (!frame.url) continue;
      const fn = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${frame.lineNumber + 1}`;
      if (seen.has(fn)) continue;
      seen.add(fn);
      inclusive.set(fn, (inclusive.get(fn) ?? 0) + micros);
    }
  }
  const idle = byArea.get('(idle)') ?? 0;
  const busy = total - idle;
  const line = (label, micros) => `  ${((micros / busy) * 100).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${label}`;
  console.log(`\n${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (${((busy / total) * 100).toFixed(0)}%); shares below are of busy time`);
  console.log('by area (self time):');
  for (const [area, micros] of [...byArea].filter(([a]) => a !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(line(area, micros));
  console.log('by function (self time):');
  for (const [fn, micros] of [...byFunction].filter(([f]) => !f.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(line(fn, micros));
  if (showInclusive) {
    console.log('by function (inclusive time, JavaScript frames only):');
    for (const [fn, micros] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(line(fn, micros));
  }
}

for (const file of files) summarize(file);
