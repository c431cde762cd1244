// Side-by-side timing for bench/train.js: the contenders take turns, one round each, so that whatever else the
// machine is doing slows them alike; each reports the median of its rounds' rates.

/** Calls fn until `seconds` have passed (at least once); returns calls per second. */
function round(fn, seconds) {
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  let n = 0;
  let now = start;
  do {
    fn();
    n++;
    now = process.hrtime.bigint();
  } while (now < end);
  return n / (Number(now - start) / 1e9);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Up to `calls` calls, stopping early after `seconds`: slow contenders (seconds per call) get a short warm-up. */
function warmUp(fn, calls, seconds) {
  const end = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  for (let i = 0; i < calls && process.hrtime.bigint() < end; i++) fn();
}

/** contenders: { name: fn }. Warms each up (`warmup` calls, at most one round's time), then `rounds` interleaved
 * rounds; returns each one's median rate and its rounds' rates. A round lasts at least one call, so when one call
 * takes seconds (TF.js's wide MinAtar update) the rounds stop at 3 once twice their planned time has passed. */
export function interleavedRates(contenders, { rounds, roundSeconds, warmup }) {
  const names = Object.keys(contenders);
  for (const name of names) warmUp(contenders[name], warmup, roundSeconds);
  const rates = Object.fromEntries(names.map((name) => [name, []]));
  const budget = 2 * rounds * roundSeconds * names.length;
  const start = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) {
    if (r >= 3 && Number(process.hrtime.bigint() - start) / 1e9 > budget) break;
    for (const name of names) rates[name].push(round(contenders[name], roundSeconds));
  }
  return Object.fromEntries(names.map((name) => [name, { median: median(rates[name]), rounds: rates[name] }]));
}
