import { readFileSync, readdirSync } from 'node:fs';
import { hashPassword } from '@sessiond/passwords';
import { PasswordVerifier } from '../src/aaa/local/password-verifier';

/** Nice value and scheduling policy of every thread of this process (Linux /proc/self/task/<tid>/stat). */
function threads(): { nice: number; policy: number }[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { nice: Number(fields[16]), policy: Number(fields[38]) };
  });
}
const SCHED_IDLE = 5;

describe('PasswordVerifier', () => {
  let verifier: PasswordVerifier;
  let encoded: string;

  beforeAll(async () => {
    encoded = await hashPassword('correct horse', { ln: 10 });
  });
  beforeEach(() => {
    verifier = new PasswordVerifier(2);
  });
  afterEach(async () => {
    await verifier.close();
  });

  it('checks passwords on worker threads, queueing what exceeds its size', async () => {
    const passwords = Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? 'correct horse' : `wrong ${i}`));
    const results = await Promise.all(passwords.map((p) => verifier.verify(p, encoded)));
    expect(results).toEqual(passwords.map((p) => p === 'correct horse'));
    expect(verifier.queued).toBe(0);
  });

  it('runs its threads under SCHED_IDLE at nice 19, so validations keep the CPU', async () => {
    expect(threads().some((t) => t.policy === SCHED_IDLE)).toBe(false);
    await verifier.verify('correct horse', encoded);
    expect(threads()).toContainEqual({ nice: 19, policy: SCHED_IDLE });
  });

  it('rejects a malformed hash without losing the thread', async () => {
    await expect(verifier.verify('x', 'not a hash')).rejects.toThrow(/scrypt/);
    await expect(verifier.verify('correct horse', encoded)).resolves.toBe(true);
  });

  it('refuses work once closed', async () => {
    await verifier.close();
    await expect(verifier.verify('correct horse', encoded)).rejects.toThrow('closed');
  });
});
