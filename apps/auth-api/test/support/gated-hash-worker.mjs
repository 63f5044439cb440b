// The real password-checking thread (dist/aaa/local/hash-worker.js) behind a gate the test opens
// and closes (HashGate in hash-gate.ts), so a test can keep a check running for as long as it needs
// and know, not guess, which checks wait in the queue meanwhile. Nothing else differs: the real
// worker sets its priority and checks the password once the gate lets its task through.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { BroadcastChannel, parentPort } from 'node:worker_threads';

const GATE_CHANNEL = 'sessiond-test-hash-gate';
const REAL_WORKER = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'dist',
  'aaa',
  'local',
  'hash-worker.js',
);

/** Closed until the test's HashGate answers: tasks wait meanwhile. */
let open = false;
/** @type {(() => void)[]} */
const held = [];
const channel = new BroadcastChannel(GATE_CHANNEL);
channel.onmessage = (/** @type {MessageEvent} */ { data }) => {
  if (data !== 'open' && data !== 'closed') return;
  open = data === 'open';
  if (open) for (const deliver of held.splice(0)) deliver();
};
channel.postMessage('state?');

// The real worker registers its task listener on parentPort; every task passes the gate first.
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
const on = port.on.bind(port);
port.on = (/** @type {string} */ event, /** @type {(value: unknown) => void} */ listener) =>
  on(
    event,
    event !== 'message' ? listener : (task) => (open ? listener(task) : held.push(() => listener(task))),
  );
await import(pathToFileURL(REAL_WORKER).href);
