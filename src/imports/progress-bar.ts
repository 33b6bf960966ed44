// A one-line progress bar for the terminal: `\r[#########...........] 45% 45,000/100,000 rows`.
import { wholeNumber } from '../lib/words.js';

const WIDTH = 20;
const REDRAW_EVERY_MS = 100;

/** The bar's text for `done` of `total` rows. Pure. */
export function progressLine(done: number, total: number): string {
  const fraction = total === 0 ? 1 : Math.min(1, Math.max(0, done / total));
  const filled = Math.floor(fraction * WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${Math.floor(fraction * 100)}% ${wholeNumber(done)}/${wholeNumber(total)} rows`;
}

export type ProgressBar = { update(done: number): void; finish(): void };

/** Redraws in place (at most every 100 ms, and always at the end); finish() moves past the line. */
export function createProgressBar(stream: { write(text: string): unknown }, total: number, now: () => number = Date.now): ProgressBar {
  let lastDrawn = -Infinity;
  let lastDone = -1;
  const draw = (done: number) => {
    stream.write(`\r${progressLine(done, total)}`);
    lastDrawn = now();
    lastDone = done;
  };
  return {
    update(done) {
      if (done === lastDone) return;
      if (done >= total || now() - lastDrawn >= REDRAW_EVERY_MS) draw(done);
    },
    finish() {
      if (lastDone !== total) draw(total);
      stream.write('\n');
    },
  };
}
