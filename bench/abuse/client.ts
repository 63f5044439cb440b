import { request } from 'node:http';

/** One auth-api as the abuse benchmark sees it: its public and management ports. */
export interface Target {
  readonly port: number;
  readonly managementPort: number;
}

export interface Answer {
  readonly status: number;
  readonly code: string | undefined;
  readonly ms: number;
}

export const LOGIN_PATH = '/api/v1/auth/token-services';
export const INTROSPECT_PATH = '/api/v1/auth/introspect';

export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** A request to the public port, answered or not; `abandonAfterMs` destroys it first (the client goes away). */
export function send(
  target: Target,
  path: string,
  authorization: string,
  { body, abandonAfterMs }: { body?: string; abandonAfterMs?: number } = {},
): Promise<Answer | undefined> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: target.port,
        method: 'POST',
        path,
        agent: false,
        headers: {
          Authorization: authorization,
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          clearTimeout(timer);
          let code: string | undefined;
          try {
            code = (JSON.parse(text) as { code?: string }).code;
          } catch {
            code = undefined;
          }
          resolve({ status: res.statusCode ?? 0, code, ms: performance.now() - started });
        });
      },
    );
    const timer =
      abandonAfterMs === undefined
        ? undefined
        : setTimeout(() => {
            req.destroy();
            resolve(undefined);
          }, abandonAfterMs);
    req.on('error', () => resolve(undefined));
    req.end(body);
  });
}

/** The management listener's /metrics, as text. */
export async function metricsText(target: Target): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${target.managementPort}/metrics`);
  return res.text();
}

/** A sample's value (`name{labels}` exactly as Prometheus prints it); undefined when absent. */
export function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** The sum of every sample of `name` whose labels contain `labelText`. */
export function sumOf(text: string, name: string, labelText = ''): number {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) && l.includes(labelText))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}
