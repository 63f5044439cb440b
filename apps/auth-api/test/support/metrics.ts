import type { Harness } from './harness';

/**
 * One sample of the management listener's /metrics: `name` with its exact label set as Prometheus
 * prints it (`{result="abandoned"}`, or '' for none); 0 when the series has not appeared yet.
 */
export async function metricValue(h: Harness, name: string, labels = ''): Promise<number> {
  const res = await h.management().get('/metrics');
  const line = res.text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** Every sample of `name` (any labels), as `{labels} value` lines. */
export async function metricLines(h: Harness, name: string): Promise<string[]> {
  const res = await h.management().get('/metrics');
  return res.text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
}
