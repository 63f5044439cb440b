import { requestIdSource } from '../src/http/request-id';

describe('request ids', () => {
  it('are unique within a process and between processes, and pass our own X-Request-Id check', () => {
    const one = requestIdSource();
    const other = requestIdSource(); // another process draws another prefix
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i += 1) {
      seen.add(one());
      seen.add(other());
    }
    expect(seen.size).toBe(200_000);
    for (const id of [...seen].slice(-10)) expect(id).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
  });
});
