// Where Redis Cluster puts a key, and how `redis-cli --cluster create` splits the slots over its
// masters (https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/, "Key
// distribution model"). The model needs it to say how evenly a user's bucket spreads the load; the
// cluster check compares it with CLUSTER KEYSLOT and CLUSTER SLOTS.

/** Hash slots of a Redis Cluster. */
export const CLUSTER_SLOTS = 16_384;

/** CRC16-CCITT (XMODEM: polynomial 0x1021, initial value 0), the checksum the spec names. */
function crc16(text: string): number {
  let crc = 0;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** A key's slot: only the part between the first `{` and the next `}` counts when it is not empty. */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  const hashed = close > open + 1 ? key.slice(open + 1, close) : key;
  return crc16(hashed) % CLUSTER_SLOTS;
}

/** The slot of a bucket: the store names every key of a bucket's users `<prefix>:{<bucket>}:…`. */
export function bucketSlot(bucket: number): number {
  return keySlot(`{${bucket}}`);
}

/** Slot ranges [first, last] per master, as `redis-cli --cluster create` assigns them (redis-cli.c). */
export function cliSlotRanges(masters: number): [number, number][] {
  const perMaster = CLUSTER_SLOTS / masters;
  const ranges: [number, number][] = [];
  let first = 0;
  for (let i = 0; i < masters; i += 1) {
    let last = i === masters - 1 ? CLUSTER_SLOTS - 1 : Math.round(i * perMaster + perMaster - 1);
    if (last < first) last = first;
    ranges.push([first, last]);
    first = last + 1;
  }
  return ranges;
}

/** How many of `buckets` buckets each master holds, masters given by their slot ranges. */
export function bucketsPerMaster(
  buckets: number,
  ranges: readonly (readonly [number, number][])[],
): number[] {
  const counts = ranges.map(() => 0);
  for (let bucket = 0; bucket < buckets; bucket += 1) {
    const slot = bucketSlot(bucket);
    const owner = ranges.findIndex((owned) => owned.some(([first, last]) => slot >= first && slot <= last));
    if (owner >= 0) counts[owner] = (counts[owner] ?? 0) + 1;
  }
  return counts;
}

/** The busiest master's share of all users (users spread evenly over buckets by an HMAC). */
export function largestShare(buckets: number, masters: number): number {
  const counts = bucketsPerMaster(
    buckets,
    cliSlotRanges(masters).map((range) => [range]),
  );
  return Math.max(...counts) / buckets;
}
