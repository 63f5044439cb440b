// Number formats of the capacity doc (en-US grouping, so figures read the same everywhere).

export function fix(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function pct(value: number, digits = 0): string {
  return `${fix(value * 100, digits)} %`;
}

export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
