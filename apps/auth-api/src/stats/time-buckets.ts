/** One slot of a TimeBuckets series: when it starts (ms since the epoch) and its counts by key. */
export interface TimeSlot {
  readonly start: number;
  readonly counts: ReadonlyMap<string, number>;
}

const EMPTY: ReadonlyMap<string, number> = new Map();

/**
 * Counts by key over a sliding window of `slots` consecutive slots of `slotMs` each, the last being
 * the current one: a ring of `slots` maps, each slot reset when the ring comes round to it again, so
 * memory is bounded by slots × keys whatever the traffic. Callers use a small fixed set of keys.
 */
export class TimeBuckets {
  private readonly ring: { index: number; counts: Map<string, number> }[];

  constructor(
    readonly slots: number,
    readonly slotMs: number,
  ) {
    if (!Number.isInteger(slots) || slots < 1) throw new RangeError('slots must be a positive integer');
    if (!(slotMs > 0)) throw new RangeError('slotMs must be positive');
    this.ring = Array.from({ length: slots }, () => ({ index: -1, counts: new Map<string, number>() }));
  }

  add(key: string, now: number, n = 1): void {
    const index = Math.floor(now / this.slotMs);
    const slot = this.slotAt(index);
    if (slot.index !== index) {
      slot.index = index;
      slot.counts.clear();
    }
    slot.counts.set(key, (slot.counts.get(key) ?? 0) + n);
  }

  /** Every slot of the window, oldest first, the last one containing `now`; empty slots included. */
  series(now: number): TimeSlot[] {
    const current = Math.floor(now / this.slotMs);
    return Array.from({ length: this.slots }, (_, i) => {
      const index = current - this.slots + 1 + i;
      const slot = this.slotAt(index);
      return { start: index * this.slotMs, counts: slot.index === index ? slot.counts : EMPTY };
    });
  }

  /** The counts over the whole window, by key. */
  totals(now: number): Map<string, number> {
    const totals = new Map<string, number>();
    for (const { counts } of this.series(now)) {
      for (const [key, n] of counts) totals.set(key, (totals.get(key) ?? 0) + n);
    }
    return totals;
  }

  private slotAt(index: number): { index: number; counts: Map<string, number> } {
    const slot = this.ring[((index % this.slots) + this.slots) % this.slots];
    if (slot === undefined) throw new Error('unreachable: the ring has every slot');
    return slot;
  }
}
