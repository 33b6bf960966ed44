// Tracking-number detection: throughput and accuracy of waybill's detector against ts-tracking-number,
// on every test number (valid and invalid) in data/tracking_number_data.
//
//   npm run build && node bench/tracking-numbers.js [--json]
//
// Both libraries get the same raw inputs (with their spaces). Each runs a warm-up, then a fixed number
// of passes over the inputs; throughput is inputs per second. ts-tracking-number is much slower, so it
// gets fewer passes (both counts are printed and can be changed with TN_ROUNDS_OURS / TN_ROUNDS_TS).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import tsTrackingNumber from 'ts-tracking-number';
import { detectTrackingNumber } from '../dist/carriers/tracking-numbers/index.js';

const DATA_DIRECTORY = fileURLToPath(new URL('../data/tracking_number_data/', import.meta.url));
const ROUNDS_OURS = Number(process.env.TN_ROUNDS_OURS ?? 5000);
const ROUNDS_TS = Number(process.env.TN_ROUNDS_TS ?? 100);
const WARMUP_ROUNDS = 20;
const asJson = process.argv.includes('--json');

/** Every test number in the data, with the courier and format it belongs to. */
function loadTestNumbers() {
  const cases = [];
  const files = readdirSync(DATA_DIRECTORY)
    .filter((file) => file.endsWith('.json') && file !== 'glossary.json')
    .sort();
  for (const file of files) {
    const courier = JSON.parse(readFileSync(join(DATA_DIRECTORY, file), 'utf8'));
    for (const format of courier.tracking_numbers) {
      for (const number of format.test_numbers?.valid ?? []) {
        cases.push({ number, courier: courier.courier_code, format: format.name, expectValid: true });
      }
      for (const number of format.test_numbers?.invalid ?? []) {
        cases.push({ number, courier: courier.courier_code, format: format.name, expectValid: false });
      }
    }
  }
  return cases;
}

/** Runs `detect` over all inputs `rounds` times; returns inputs per second. */
function throughput(detect, inputs, rounds) {
  let sink = 0; // keeps the results observable so the calls cannot be optimised away
  for (let round = 0; round < WARMUP_ROUNDS; round++) {
    for (const input of inputs) sink += detect(input) ? 1 : 0;
  }
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    for (const input of inputs) sink += detect(input) ? 1 : 0;
  }
  const seconds = (performance.now() - started) / 1000;
  if (sink < 0) console.log(sink);
  return { perSecond: (inputs.length * rounds) / seconds, seconds, calls: inputs.length * rounds };
}

const ours = (input) => detectTrackingNumber(input).candidates.length;
const theirs = (input) => tsTrackingNumber.getTracking(input);

/**
 * Ours: a valid number needs a valid candidate of its courier and format; an invalid one must have none.
 * Also counts how often the top-ranked candidate is the right courier.
 */
function accuracyOfOurs(cases) {
  const result = { validRight: 0, invalidRight: 0, topCourierRight: 0, misses: [] };
  for (const testCase of cases) {
    const { candidates } = detectTrackingNumber(testCase.number);
    const hit = candidates.some((c) => c.courier === testCase.courier && c.format === testCase.format && c.valid);
    if (testCase.expectValid) {
      if (hit) result.validRight++;
      else result.misses.push(testCase);
      if (candidates[0]?.valid && candidates[0].courier === testCase.courier) result.topCourierRight++;
    } else if (!hit) result.invalidRight++;
    else result.misses.push(testCase);
  }
  return result;
}

/**
 * ts-tracking-number returns one answer with v1.x format names, so it is judged by courier code: a valid
 * number must come back as its courier; an invalid one must not.
 */
function accuracyOfTheirs(cases) {
  const supported = new Set(tsTrackingNumber.allCouriers.map((courier) => courier.courier_code));
  const result = { validRight: 0, invalidRight: 0, validMisses: 0, invalidMisses: 0, missesUnsupportedCourier: 0 };
  for (const testCase of cases) {
    const answer = tsTrackingNumber.getTracking(testCase.number);
    const sameCourier = answer?.courier.code === testCase.courier;
    if (testCase.expectValid) {
      if (sameCourier) result.validRight++;
      else {
        result.validMisses++;
        if (!supported.has(testCase.courier)) result.missesUnsupportedCourier++;
      }
    } else if (!sameCourier) result.invalidRight++;
    else result.invalidMisses++;
  }
  return { ...result, supportedCouriers: [...supported].sort() };
}

const cases = loadTestNumbers();
const inputs = cases.map((testCase) => testCase.number);
const validCount = cases.filter((testCase) => testCase.expectValid).length;
const invalidCount = cases.length - validCount;

const oursSpeed = throughput(ours, inputs, ROUNDS_OURS);
const theirsSpeed = throughput(theirs, inputs, ROUNDS_TS);
const ratio = oursSpeed.perSecond / theirsSpeed.perSecond;
const oursAccuracy = accuracyOfOurs(cases);
const theirsAccuracy = accuracyOfTheirs(cases);

if (asJson) {
  console.log(
    JSON.stringify({
      inputs: inputs.length,
      valid: validCount,
      invalid: invalidCount,
      waybill: { ...oursSpeed, ...oursAccuracy, misses: oursAccuracy.misses.length },
      tsTrackingNumber: { ...theirsSpeed, ...theirsAccuracy },
      ratio,
    }),
  );
} else {
  const rate = (value) => Math.round(value).toLocaleString('en-US');
  console.log(`Tracking-number detection: ${inputs.length} test numbers (${validCount} valid, ${invalidCount} invalid)`);
  console.log('');
  console.log('Throughput (after warm-up):');
  console.log(`  waybill             ${rate(oursSpeed.perSecond).padStart(12)} numbers/s  (${rate(oursSpeed.calls)} calls in ${oursSpeed.seconds.toFixed(2)} s)`);
  console.log(`  ts-tracking-number  ${rate(theirsSpeed.perSecond).padStart(12)} numbers/s  (${rate(theirsSpeed.calls)} calls in ${theirsSpeed.seconds.toFixed(2)} s)`);
  console.log(`  ratio               ${ratio.toFixed(1)}x`);
  console.log('');
  console.log('Accuracy on the data\'s test numbers:');
  console.log(`  waybill             valid ${oursAccuracy.validRight}/${validCount} (format + courier), invalid rejected ${oursAccuracy.invalidRight}/${invalidCount}; top candidate is the right courier for ${oursAccuracy.topCourierRight}/${validCount} valid numbers`);
  for (const miss of oursAccuracy.misses) console.log(`    miss: ${miss.courier} / ${miss.format}: ${JSON.stringify(miss.number)}`);
  console.log(`  ts-tracking-number  valid ${theirsAccuracy.validRight}/${validCount} (courier only), invalid rejected ${theirsAccuracy.invalidRight}/${invalidCount}`);
  console.log(`    misses: ${theirsAccuracy.validMisses} valid numbers (${theirsAccuracy.missesUnsupportedCourier} of a courier it does not know), ${theirsAccuracy.invalidMisses} invalid numbers accepted`);
  console.log(`    couriers it knows: ${theirsAccuracy.supportedCouriers.join(', ')}`);
}
