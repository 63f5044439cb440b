import { existsSync, readFileSync } from 'node:fs';

/** Redis commands per hot-token validation with the direct-mode cache, and where the figure is from. */
export interface CacheFigure {
  readonly commands: number;
  readonly measured: boolean;
  readonly source: string;
}

/**
 * The figure `npm run bench:store` writes into bench/results/latest.md ("Redis commands per
 * validation", on a hot token); the target, labelled an assumption, while there is none.
 * The last matching line wins; the doc quotes it, so a reader can check what was taken.
 */
export function cacheFigure(resultsFile: string, target: number): CacheFigure {
  const assumed = {
    commands: target,
    measured: false,
    source: `**assumption**: issue 15's target (≤ ${target}); bench/results/latest.md has no "Redis commands per validation" figure yet`,
  };
  if (!existsSync(resultsFile)) return assumed;
  const lines = readFileSync(resultsFile, 'utf8')
    .split('\n')
    .filter((line) => /commands per (hot[- ]token )?validation/i.test(line));
  // A line about the cache or hot tokens, if any, over one about validation in general.
  const line = lines.filter((l) => /hot|cache/i.test(l)).at(-1) ?? lines.at(-1);
  if (line === undefined) return assumed;
  const value = measurement(line);
  if (value === undefined) return assumed;
  return {
    commands: value,
    measured: true,
    source: `measured by \`npm run bench:store\` (bench/results/latest.md: “${line.trim().replaceAll('|', '\\|')}”)`,
  };
}

/**
 * The measurement in a result line: from the last cell (table cells, or `;`-separated parts) back,
 * the first number of at most 1 that is not a bound (a target written "≤ 0.01" is skipped).
 */
function measurement(line: string): number | undefined {
  const cells = line
    .split(/[|;]/)
    .map((cell) => cell.trim())
    .filter((cell) => cell !== '');
  for (const cell of cells.reverse()) {
    for (const m of cell.replaceAll(',', '').matchAll(/(≤|<=|<|≥|>=|>)?\s*(\d+(?:\.\d+)?)/g)) {
      const value = Number(m[2]);
      if (m[1] === undefined && value <= 1) return value;
    }
  }
  return undefined;
}
