import { readFileSync } from 'node:fs';

// Summarizes a V8 .cpuprofile (`node --cpu-prof`) by self time: the top functions, and the same
// time grouped by where the code lives (our packages, a dependency, Node's internals).
// Usage: node bench/dist/http/profile-summary.js <file.cpuprofile> [top = 40]

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const [file = '', topArg = '40'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));

// A sample's time is the gap to the next sample (timeDeltas[i + 1]); the last one has none.
const selfMicros = new Map<number, number>();
profile.samples.forEach((id, i) => {
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
});

// (program) is native work outside JS (syscalls, the HTTP parser): busy, unlike (idle).
const IDLE = new Set(['(idle)']);
const functions = new Map<string, number>();
const places = new Map<string, number>();
let busy = 0;
for (const [id, micros] of selfMicros) {
  const frame = byId.get(id)?.callFrame;
  if (frame === undefined || IDLE.has(frame.functionName)) continue;
  busy += micros;
  const name = `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
  functions.set(name, (functions.get(name) ?? 0) + micros);
  const place = placeOf(frame.url, frame.functionName);
  places.set(place, (places.get(place) ?? 0) + micros);
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const dist = url.search(/(apps|packages)\/[^/]+\/dist\//);
  return dist >= 0 ? url.slice(dist) : url.replace(/^file:\/\//, '');
}

function placeOf(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[1] ?? url.slice(5)}`;
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules !== null) return modules[1] ?? url;
  const ours = /(apps|packages)\/([^/]+)\/dist\//.exec(url);
  return ours !== null ? `${ours[1]}/${ours[2]}` : url;
}

const rows = (map: Map<string, number>, top: number): string[] =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(
      ([name, micros]) =>
        `| ${name} | ${(micros / 1000).toFixed(0)} | ${((100 * micros) / busy).toFixed(1)} |`,
    );

process.stdout.write(
  [
    `busy (not idle) ${(busy / 1000).toFixed(0)} ms`,
    '',
    '| where | self ms | % of busy |',
    '| --- | ---: | ---: |',
    ...rows(places, 25),
    '',
    '| function | self ms | % of busy |',
    '| --- | ---: | ---: |',
    ...rows(functions, Number(topArg)),
    '',
  ].join('\n'),
);
