// The report's figures, from its numbers: what each plot shows and how it is labelled.
import type { Curve, ReportData } from './report_data.js';
import { linePlot, type Series } from './svg_plot.js';

export interface Figure {
  /** File stem: <name>.svg and <name>.png. */
  name: string;
  title: string;
  caption: string;
  svg: string;
}

function curveSeries(curves: Curve[], withBand: boolean): Series[] {
  return curves.map((c) => ({
    label: c.label,
    dashed: c.label.includes('dense'),
    points: c.points.map((p) => ({ x: p.frames, y: p.value.point, ...(withBand ? { lower: p.value.lower, upper: p.value.upper } : {}) })),
  }));
}

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase();
}

export function reportFigures(data: ReportData): Figure[] {
  const ci = `${Math.round(data.options.confidence * 100)}%`;
  const unit = data.normalization.unit;
  const figures: Figure[] = [
    {
      name: 'learning_curves',
      title: 'Learning curves',
      caption: `IQM of the ${unit} (${data.score.label}) over all tasks and seeds at each evaluation; bands are ${ci} stratified bootstrap confidence intervals.`,
      svg: linePlot({ title: 'Learning curves (IQM)', xLabel: 'frames', yLabel: `IQM ${unit}`, series: curveSeries(data.curves, true) }),
    },
  ];
  if (data.width) {
    const widths = [...new Set(data.width.flatMap((g) => g.points.map((p) => p.width)))].sort((a, b) => a - b);
    figures.push({
      name: 'iqm_vs_width',
      title: 'Final IQM against network width',
      caption: `Final IQM (${unit}) of dense and pruned networks as the width multiplier grows, as in the paper's first figure; bands are ${ci} CIs.`,
      svg: linePlot({
        title: 'Final IQM vs width', xLabel: 'width multiplier', yLabel: `IQM ${unit}`, xTicks: widths,
        series: data.width.map((g) => ({
          label: g.label, dashed: g.sparsity === 0,
          points: g.points.map((p) => ({ x: p.width, y: p.iqm.point, lower: p.iqm.lower, upper: p.iqm.upper })),
        })),
      }),
    });
  }
  if (data.improvements.length) {
    // One point and interval per pruned-vs-dense pair, placed at its width when every pair has one.
    const widths = data.improvements.map((i) => data.table.find((r) => r.key === i.key)?.values.width);
    const atWidth = widths.every((w) => typeof w === 'number');
    const xOf = (k: number) => (atWidth ? (widths[k] as number) : k + 1);
    figures.push({
      name: 'probability_of_improvement',
      title: 'Probability of improvement',
      caption: `P(a pruned run beats a dense run of the same configuration on the same task), averaged over tasks; bars are ${ci} CIs and 0.5 means no difference.`,
      svg: linePlot({
        title: 'P(pruned > dense)', xLabel: atWidth ? 'width multiplier' : 'comparison', yLabel: 'probability of improvement', yInclude: [0, 1], yRule: 0.5, xPadding: 0.25,
        xTicks: [...new Set(data.improvements.map((_, k) => xOf(k)))].sort((a, b) => a - b),
        series: data.improvements.map((i, k) => ({
          label: `${i.label} vs ${i.baselineLabel}`,
          points: [{ x: xOf(k), y: i.probability.point, lower: i.probability.lower, upper: i.probability.upper }],
        })),
      }),
    });
  }
  figures.push(
    {
      name: 'performance_profile',
      title: 'Performance profiles',
      caption: `Fraction of runs (all tasks × seeds) whose final ${unit} exceeds τ; bands are ${ci} CIs.`,
      svg: linePlot({
        title: 'Performance profile', xLabel: `τ (${unit})`, yLabel: 'fraction of runs with score > τ', yInclude: [0, 1],
        series: data.profiles.map((p) => ({
          label: p.label, dashed: p.label.includes('dense'),
          points: p.taus.map((tau, k) => ({ x: tau, y: p.values[k]!.point, lower: p.values[k]!.lower, upper: p.values[k]!.upper })),
        })),
      }),
    },
    {
      name: 'sparsity_schedule',
      title: 'Sparsity schedule',
      caption: 'Network sparsity reached during training (mean over runs; the band spans the runs).',
      svg: linePlot({ title: 'Sparsity during training', xLabel: 'frames', yLabel: 'sparsity', yInclude: [0, 1], series: curveSeries(data.sparsity, true) }),
    },
    {
      name: 'dormant_neurons',
      title: 'Dormant neurons',
      caption: 'Fraction of τ-dormant neurons (τ = 0.1; conv channels and dense units of the hidden ReLU layers) during training, on 2048 replay states (mean over runs; the band spans the runs).',
      svg: linePlot({ title: 'Dormant-neuron fraction', xLabel: 'frames', yLabel: 'dormant fraction', yInclude: [0], series: curveSeries(data.dormant, true) }),
    },
    {
      name: 'srank',
      title: 'srank',
      caption: 'srank (δ = 0.01) of the penultimate features during training, on at least 2048 replay states (mean over runs; the band spans the runs).',
      svg: linePlot({ title: 'Feature rank (srank)', xLabel: 'frames', yLabel: 'srank', yInclude: [0], series: curveSeries(data.srank ?? [], true) }),
    },
  );
  for (const { task, curves } of data.taskCurves) {
    figures.push({
      name: `task_${slug(task)}`,
      title: task,
      caption: `${data.score.kind === 'train' ? 'Training' : 'Evaluation'} return on ${task}, mean over seeds; bands are ${ci} bootstrap CIs of the mean.`,
      svg: linePlot({ title: task, xLabel: 'frames', yLabel: `${data.score.kind === 'train' ? 'training' : 'evaluation'} return`, series: curveSeries(curves, true) }),
    });
  }
  return figures;
}
