import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess } from './common/processes';
import { machineLine } from './common/table';

// `npm run bench`: every benchmark in turn (each starts its own private servers), their tables
// gathered into bench/results/latest.md with the machine, the date and the commit.
const PARTS: readonly { readonly name: string; readonly script: string }[] = [
  { name: 'HTTP validation vs peers', script: 'http/run.js' },
  { name: 'logins', script: 'logins/run.js' },
  { name: 'abuse limits', script: 'abuse/run.js' },
  { name: 'session-store', script: 'session-store/run.js' },
  { name: 'TACACS+', script: 'tacacs/run.js' },
  { name: 'sweeper', script: 'sweeper/run.js' },
];

async function main(): Promise<void> {
  const started = Date.now();
  const sections: string[] = [];
  for (const part of PARTS) {
    process.stderr.write(`bench: ${part.name}…\n`);
    const out = await runProcess([join(__dirname, part.script)], { ...process.env } as Record<
      string,
      string
    >);
    process.stdout.write(out);
    sections.push(out.trim());
  }
  const commit = gitCommit();
  const header = [
    '# sessiond benchmark results',
    '',
    `Written by \`npm run bench\` on ${new Date().toISOString()}; ${machineLine()}; commit ${commit}; ${Math.round((Date.now() - started) / 1000)} s in all.`,
    'Figures move from run to run on a shared 2-core machine: targets are ratios to peers measured in the same run (../shared/spec/targets.md).',
    '',
  ].join('\n');
  const dir = join(__dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.md'), `${header}\n${sections.join('\n\n')}\n`);
  process.stderr.write(`bench: wrote ${join(dir, 'latest.md')}\n`);
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
