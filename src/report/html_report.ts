// One self-contained HTML page: the final-IQM table, every figure inlined as SVG, and how the numbers were
// made. No scripts, no external files, so it can be mailed or attached to an issue as it is.
import type { Figure } from './figures.js';
import type { Interval } from './bootstrap.js';
import type { ReportData } from './report_data.js';
import { escapeXml } from './svg_plot.js';

export function formatInterval(i: Interval, digits = 3): string {
  return `${i.point.toFixed(digits)} [${i.lower.toFixed(digits)}, ${i.upper.toFixed(digits)}]`;
}

/** The final-IQM table as Markdown (also printed by the CLI), then pruned-vs-dense probabilities of improvement. */
export function markdownTable(data: ReportData): string {
  const ci = `${Math.round(data.options.confidence * 100)}% CI`;
  const lines = [
    `| configuration | runs | tasks | IQM [${ci}] | mean [${ci}] | median [${ci}] |`,
    '|---|---|---|---|---|---|',
    ...data.table.map((r) => `| ${r.label} | ${r.runs} | ${r.tasks} | ${formatInterval(r.iqm)} | ${formatInterval(r.mean)} | ${formatInterval(r.median)} |`),
  ];
  if (data.improvements.length) {
    lines.push('', `| pruned | vs dense | tasks | P(pruned > dense) [${ci}] |`, '|---|---|---|---|');
    for (const i of data.improvements) lines.push(`| ${i.label} | ${i.baselineLabel} | ${i.tasks.length} | ${formatInterval(i.probability)} |`);
  }
  if (data.offline) lines.push('', ...offlineTable(data, data.offline));
  return lines.join('\n');
}

/** Offline runs in the returns' own units: the mean final return per task against the dataset's behaviour return. */
function offlineTable(data: ReportData, offline: NonNullable<ReportData['offline']>): string[] {
  const lines = ['| configuration | task | mean final return | behaviour return | mean / behaviour |', '|---|---|---|---|---|'];
  for (const r of data.table) {
    for (const task of data.tasks) {
      const mean = r.finalReturn[task], behaviour = offline.datasets[task]!.behaviourReturn;
      if (mean !== undefined) lines.push(`| ${r.label} | ${task} | ${mean.toFixed(1)} | ${behaviour.toFixed(1)} | ${(100 * mean / behaviour).toFixed(0)}% |`);
    }
  }
  if (offline.leftOut.length) lines.push('', `left out: ${offline.leftOut.join(', ')}`);
  return lines;
}

export function htmlReport(data: ReportData, figures: Figure[]): string {
  const ci = `${Math.round(data.options.confidence * 100)}%`;
  const rows = data.table
    .map((r) => `<tr><td>${escapeXml(r.label)}</td><td>${r.runs}</td><td>${r.tasks}</td><td>${formatInterval(r.iqm)}</td><td>${formatInterval(r.mean)}</td>` +
      `<td>${formatInterval(r.median)}</td><td>${formatInterval(r.optimalityGap)}</td></tr>`)
    .join('\n');
  const returns = data.table
    .map((r) => `<tr><td>${escapeXml(r.label)}</td>${data.tasks.map((t) => `<td>${r.finalReturn[t]?.toFixed(2) ?? '–'}</td>`).join('')}</tr>`)
    .join('\n');
  const improvements = data.improvements
    .map((i) => `<tr><td>${escapeXml(i.label)}</td><td>${escapeXml(i.baselineLabel)}</td><td>${i.tasks.length}</td><td>${formatInterval(i.probability)}</td></tr>`)
    .join('\n');
  const sections = figures
    .map((f) => `<figure id="${f.name}">${f.svg.replace(/^<\?xml[^>]*>/, '')}<figcaption>${escapeXml(f.caption)}</figcaption></figure>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>prunerl report: ${escapeXml(data.name)}</title>
<style>
body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }
table { border-collapse: collapse; margin: 1em 0; } td, th { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
td:first-child, th:first-child { text-align: left; } figure { display: inline-block; margin: 1em 0; } figcaption { max-width: 640px; color: #555; }
</style></head><body>
<h1>Sweep ${escapeXml(data.name)}</h1>
<p>${data.table.reduce((s, r) => s + r.runs, 0)} finished runs on ${data.tasks.length} task(s): ${data.tasks.map(escapeXml).join(', ')}.
${data.unfinished.length ? `${data.unfinished.length} unfinished run(s) are left out: ${data.unfinished.map(escapeXml).join(', ')}.` : ''}
${data.offline ? `Offline runs: a task is an env with the dataset trained from; scores are greedy evaluation returns, 1 = the dataset's mean episode return (${Object.entries(data.offline.datasets).map(([t, d]) => `${escapeXml(t)}: ${d.behaviourReturn.toFixed(1)} over ${d.episodes} episodes`).join('; ')}).${data.offline.leftOut.length ? ` Left out: ${data.offline.leftOut.map(escapeXml).join(', ')}.` : ''}` : ''}</p>
<h2>Final scores (${escapeXml(data.normalization.unit)})</h2>
<table><tr><th>configuration</th><th>runs</th><th>tasks</th><th>IQM [${ci} CI]</th><th>mean</th><th>median</th><th>optimality gap</th></tr>
${rows}
</table>
<p>IQM is the mean of the middle 50% of all run × task final scores; mean and median are over the per-task means.
Intervals are ${ci} percentile intervals of a stratified bootstrap (runs resampled within each task) with
${data.options.reps} replicates (${data.options.curveReps} for curves and profiles), seed ${data.options.seed}, as in rliable
(Agarwal et al., 2021). Normalisation: ${escapeXml(data.normalization.kind)}.</p>
${improvements ? `<h3>Probability of improvement</h3>
<table><tr><th>pruned</th><th>vs dense</th><th>tasks</th><th>P(pruned &gt; dense) [${ci} CI]</th></tr>
${improvements}
</table>
<p>The chance that a pruned run beats a dense run with the same other settings on the same task (ties count ½),
averaged over the tasks both ran: 0.5 is no difference, and an interval above 0.5 favours pruning. The interval
resamples each side's runs independently within each task (rliable's probability of improvement).</p>` : ''}
<h3>Mean final return per task</h3>
<table><tr><th>configuration</th>${data.tasks.map((t) => `<th>${escapeXml(t)}</th>`).join('')}</tr>
${returns}
</table>
<h2>Figures</h2>
${sections}
</body></html>
`;
}
