import { readFileSync, readdirSync } from 'node:fs';
import { hashPassword } from '@sessiond/passwords';
import { waitFor } from '@sessiond/test-utils';
import {
  HashRefusedError,
  PasswordVerifier,
  type PasswordVerifierOptions,
} from '../src/aaa/local/password-verifier';
import { GATED_HASH_WORKER, HashGate } from './support/hash-gate';

/** Nice value and scheduling policy of every thread of this process (Linux /proc/self/task/<tid>/stat). */
function threads(): { nice: number; policy: number }[] {
  return readdirSync('/proc/self/task').flatMap((tid) => {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return [{ nice: Number(fields[16]), policy: Number(fields[38]) }];
    } catch {
      return []; // a thread that ended while listing
    }
  });
}
const SCHED_OTHER = 0;
const SCHED_IDLE = 5;

let encoded: string;
const verifiers: PasswordVerifier[] = [];
function verifier(options: PasswordVerifierOptions): PasswordVerifier {
  const created = new PasswordVerifier(options);
  verifiers.push(created);
  return created;
}

beforeAll(async () => {
  encoded = await hashPassword('correct horse', { ln: 10 });
});
afterEach(async () => {
  await Promise.all(verifiers.splice(0).map((v) => v.close()));
});

describe('PasswordVerifier', () => {
  it('checks passwords on worker threads, queueing what exceeds its size', async () => {
    const v = verifier({ size: 2 });
    const passwords = Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? 'correct horse' : `wrong ${i}`));
    const results = await Promise.all(passwords.map((p) => v.verify(p, encoded)));
    expect(results).toEqual(passwords.map((p) => p === 'correct horse'));
    expect(v.queued).toBe(0);
  });

  it('rejects a malformed hash without losing the thread', async () => {
    const v = verifier({ size: 2 });
    await expect(v.verify('x', 'not a hash')).rejects.toThrow(/scrypt/);
    await expect(v.verify('correct horse', encoded)).resolves.toBe(true);
  });

  it('refuses work once closed', async () => {
    const v = verifier({ size: 2 });
    await v.close();
    await expect(v.verify('correct horse', encoded)).rejects.toThrow('closed');
  });

  it('refuses bad options in the constructor', () => {
    expect(() => new PasswordVerifier({ size: 0 })).toThrow(RangeError);
    expect(() => new PasswordVerifier({ size: 1, queueMax: -1 })).toThrow(RangeError);
    expect(() => new PasswordVerifier({ size: 1, priority: 'high' as never })).toThrow(RangeError);
  });
});

// LOCAL_HASH_PRIORITY (issue 12): SCHED_IDLE starved logins while other processes kept the cores
// busy, so the default is nice 19 under the normal policy, which always progresses.
describe('hashing thread priority', () => {
  const policiesAfter = async (
    options: PasswordVerifierOptions,
  ): Promise<{ nice: number; policy: number }[]> => {
    const before = threads().length;
    const v = verifier(options);
    await v.verify('correct horse', encoded);
    expect(threads().length).toBeGreaterThan(before);
    return threads();
  };

  it('low (the default): nice 19, normal policy', async () => {
    const seen = await policiesAfter({ size: 1 });
    expect(seen).toContainEqual({ nice: 19, policy: SCHED_OTHER });
    expect(seen.some((t) => t.policy === SCHED_IDLE)).toBe(false);
  });

  it('idle: SCHED_IDLE at nice 19', async () => {
    expect(threads().some((t) => t.policy === SCHED_IDLE)).toBe(false);
    expect(await policiesAfter({ size: 1, priority: 'idle' })).toContainEqual({
      nice: 19,
      policy: SCHED_IDLE,
    });
  });

  it("normal: the process's own priority", async () => {
    const own = threads()[0]; // the main thread: /proc lists the thread group leader first
    const seen = await policiesAfter({ size: 1, priority: 'normal' });
    expect(seen.every((t) => t.nice === own?.nice && t.policy === SCHED_OTHER)).toBe(true);
  });
});

describe('bounded work', () => {
  let gate: HashGate;
  let started: number;
  let depths: number[];
  const gated = (options: Partial<PasswordVerifierOptions> = {}): PasswordVerifier =>
    verifier({
      size: 1,
      file: GATED_HASH_WORKER,
      onStart: () => (started += 1),
      onQueueChange: (queued) => depths.push(queued),
      ...options,
    });
  /** A check that a thread holds (the gate is closed), so later ones queue; its verdict comes later. */
  const occupy = async (v: PasswordVerifier): Promise<{ verdict: Promise<boolean> }> => {
    const verdict = v.verify('correct horse', encoded);
    await waitFor(() => v.running === 1, { message: 'the first check to start' });
    return { verdict };
  };

  beforeEach(() => {
    gate = new HashGate();
    gate.hold();
    started = 0;
    depths = [];
  });
  afterEach(() => {
    gate.release();
    gate.close();
  });

  it('refuses at once beyond queueMax, and runs the rest', async () => {
    const v = gated({ queueMax: 2 });
    const first = (await occupy(v)).verdict;
    const queued = [v.verify('correct horse', encoded), v.verify('wrong', encoded)];
    expect(v.queued).toBe(2);
    const refused = await v.verify('correct horse', encoded).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HashRefusedError);
    expect(refused).toMatchObject({ reason: 'queue-full', started: false });
    expect((refused as HashRefusedError).retryAfterMs).toBeGreaterThan(0);
    expect(started).toBe(1);
    gate.release();
    await expect(Promise.all([first, ...queued])).resolves.toEqual([true, true, false]);
    expect(started).toBe(3);
    expect(depths.at(-1)).toBe(0);
  });

  it('queueMax 0: a check runs only when a thread is free', async () => {
    const v = gated({ queueMax: 0 });
    const first = (await occupy(v)).verdict;
    await expect(v.verify('correct horse', encoded)).rejects.toMatchObject({ reason: 'queue-full' });
    gate.release();
    await expect(first).resolves.toBe(true);
    await expect(v.verify('correct horse', encoded)).resolves.toBe(true);
  });

  it('a check whose signal fires while it waits leaves the queue and is never hashed', async () => {
    const v = gated();
    const first = (await occupy(v)).verdict;
    const controllers = Array.from({ length: 5 }, () => new AbortController());
    const waiting = controllers.map((c) =>
      v.verify('correct horse', encoded, [c.signal]).catch((e: unknown) => e),
    );
    expect(v.queued).toBe(5);
    for (const c of controllers) c.abort();
    for (const refusal of await Promise.all(waiting)) {
      expect(refusal).toMatchObject({ reason: 'aborted', started: false });
    }
    expect(v.queued).toBe(0);
    expect(depths.at(-1)).toBe(0);
    gate.release();
    await expect(first).resolves.toBe(true);
    await expect(v.verify('correct horse', encoded)).resolves.toBe(true);
    expect(started).toBe(2); // the first check and the last: none of the five
  });

  it('a signal that already fired: refused without queueing', async () => {
    const v = gated();
    await expect(v.verify('correct horse', encoded, [AbortSignal.abort()])).rejects.toMatchObject({
      reason: 'aborted',
      started: false,
    });
    expect(started).toBe(0);
  });

  it('a signal firing while its check runs drops the verdict; the thread goes on', async () => {
    const v = gated();
    const controller = new AbortController();
    const running = v.verify('correct horse', encoded, [controller.signal]);
    await waitFor(() => v.running === 1, { message: 'the check to start' });
    controller.abort();
    await expect(running).rejects.toMatchObject({ reason: 'aborted', started: true });
    gate.release();
    await waitFor(() => v.running === 0, { message: 'the thread to finish' });
    await expect(v.verify('correct horse', encoded)).resolves.toBe(true);
  });
});
