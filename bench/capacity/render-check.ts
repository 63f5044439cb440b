import { markdownTable } from '../common/table';
import { CHECK_CALLERS, validationCalls, type CaseCheck, type ClusterCheck } from './cluster-check';
import { count, fix, pct } from './format';

const MB = 1e6;

/** The per-master comparison of one case: measured against the model's share, and the model's bytes. */
export function checkTable(c: CaseCheck, bytesPerSession: number): string {
  const keys = c.nodes.reduce((sum, n) => sum + n.created.keys, 0);
  const memory = c.nodes.reduce((sum, n) => sum + n.created.usedMemory, 0);
  const validations = c.nodes.reduce((sum, n) => sum + validationCalls(n.validated), 0);
  const ratio = (measured: number, predicted: number): string => fix(measured / predicted, 2);
  return markdownTable(
    [
      'master',
      'slots',
      'buckets: model share',
      'keys Δ (÷ keys × share)',
      'used_memory Δ MB (÷ total × share)',
      'model MB: N × share × B_session (measured ÷ model)',
      'validations: HMGET, plain or in the script (÷ total × share)',
      'Redis CPU µs per validation',
    ],
    c.nodes.map((n) => {
      const validationsHere = validationCalls(n.validated);
      const model = c.sessions * n.share * bytesPerSession;
      return [
        n.node,
        n.slots,
        `${n.buckets}: ${pct(n.share, 1)}`,
        `${count(n.created.keys)} (${ratio(n.created.keys, keys * n.share)})`,
        `${fix(n.created.usedMemory / MB, 2)} (${ratio(n.created.usedMemory, memory * n.share)})`,
        `${fix(model / MB, 2)} (${ratio(n.created.usedMemory, model)})`,
        `${count(validationsHere)} (${ratio(validationsHere, validations * n.share)})`,
        fix(n.validated.cpuUs / Math.max(1, validationsHere), 2),
      ];
    }),
  );
}

/** What was checked once for the whole cluster. */
export function checkHeader(check: ClusterCheck): string {
  return `Slot function (bench/capacity/slots.ts) checked against CLUSTER KEYSLOT for ${check.slotsAgreed} buckets: all agree. Slot ranges as the model assumes (redis-cli's split): ${check.rangesAsModelled ? 'yes' : 'no'}.`;
}

/** The line above a case's table: what was done, and the bytes per session over the whole cluster. */
export function checkSummary(c: CaseCheck, bytesPerSession: number): string {
  const memory = c.nodes.reduce((sum, n) => sum + n.created.usedMemory, 0);
  return [
    `${count(c.sessions)} sessions (one per user, shaped as in table 3) created through the SessionStore on the cluster client, SESSION_STORE_BUCKETS=${c.buckets}, SESSION_STORE_INDEX_SHARDS=${c.indexShards} (${fix(c.sessions / (c.buckets * c.indexShards), 1)} users per index shard), then ${count(c.validations)} validations from ${CHECK_CALLERS} concurrent callers (compare the CPU column with table 2's batched read).`,
    `Bytes per session over the whole cluster: ${fix(memory / c.sessions, 0)} (B_session, measured on one node: ${fix(bytesPerSession, 0)}).`,
  ].join(' ');
}
