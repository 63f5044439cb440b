import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import type { ChartDataset } from 'chart.js';
import type { RefusalsAnswer } from './api-types';
import { causeColor, causeLabel } from './causes';
import { clockMinute } from './format';

// Only what a stacked bar chart with category labels needs, so the bundle stays small. Chart.js
// draws on the canvas and sets sizes through the CSSOM, which the CSP allows (no <style>, no
// style attribute in markup).
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

type Dataset = ChartDataset<'bar', number[]>;

/** "Refused logins per minute over the last hour, by cause": a stacked bar chart updated in place. */
export class RefusalsChart {
  readonly #chart: Chart<'bar', number[], string>;
  #causes: readonly string[] = [];

  constructor(canvas: HTMLCanvasElement) {
    this.#chart = new Chart(canvas, {
      type: 'bar',
      data: { labels: [], datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { stacked: true, grid: { display: false }, ticks: { autoSkip: true, maxRotation: 0 } },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
        },
        plugins: {
          // Only the causes seen this hour: eleven empty entries would bury the ones that matter.
          legend: {
            position: 'bottom',
            labels: { filter: (item, data) => sum(data.datasets[item.datasetIndex ?? -1]?.data) > 0 },
          },
          tooltip: { filter: (item) => (item.parsed.y ?? 0) > 0 },
        },
      },
    });
  }

  /** Shows `answer` without animation; datasets are rebuilt only when the list of causes changes. */
  update(answer: RefusalsAnswer): void {
    const data = this.#chart.data;
    data.labels = answer.series.map((bucket) => clockMinute(bucket.start));
    if (!sameList(this.#causes, answer.causes)) {
      this.#causes = answer.causes;
      data.datasets = answer.causes.map((cause): Dataset => {
        const color = causeColor(cause);
        return { label: causeLabel(cause), data: [], backgroundColor: color, borderColor: color };
      });
    }
    answer.causes.forEach((cause, index) => {
      const dataset = data.datasets[index];
      if (dataset !== undefined) dataset.data = answer.series.map((bucket) => bucket.counts[cause] ?? 0);
    });
    this.#chart.update('none');
  }

  destroy(): void {
    this.#chart.destroy();
  }
}

function sum(values: readonly unknown[] | undefined): number {
  return (values ?? []).reduce<number>((total, value) => total + (typeof value === 'number' ? value : 0), 0);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}
