/** Per-server statistics (RFC 9950 keeps similar counters per server). */
export interface TacacsServerStats {
  readonly server: string;
  /** Sessions started against this server (retries included). */
  readonly attempts: number;
  readonly timeouts: number;
  /** Failures other than timeouts: refused/reset, ERROR status, key mismatch, protocol errors. */
  readonly errors: number;
  readonly passes: number;
  readonly fails: number;
  readonly connectionsOpened: number;
  /** Latency of attempts that got an answer (PASS or FAIL), in ms. */
  readonly latency: {
    readonly count: number;
    readonly totalMs: number;
    readonly avgMs: number;
    readonly lastMs: number;
  };
  /** Epoch ms until which the server is skipped, or undefined. */
  readonly heldDownUntil: number | undefined;
}

/** Mutable counters behind `TacacsServerStats`. */
export class ServerCounters {
  attempts = 0;
  timeouts = 0;
  errors = 0;
  passes = 0;
  fails = 0;
  connectionsOpened = 0;
  latencyCount = 0;
  latencyTotalMs = 0;
  latencyLastMs = 0;

  constructor(readonly server: string) {}

  answered(outcome: 'pass' | 'fail', latencyMs: number): void {
    if (outcome === 'pass') this.passes += 1;
    else this.fails += 1;
    this.latencyCount += 1;
    this.latencyTotalMs += latencyMs;
    this.latencyLastMs = latencyMs;
  }

  snapshot(heldDownUntil: number | undefined): TacacsServerStats {
    return {
      server: this.server,
      attempts: this.attempts,
      timeouts: this.timeouts,
      errors: this.errors,
      passes: this.passes,
      fails: this.fails,
      connectionsOpened: this.connectionsOpened,
      latency: {
        count: this.latencyCount,
        totalMs: this.latencyTotalMs,
        avgMs: this.latencyCount === 0 ? 0 : this.latencyTotalMs / this.latencyCount,
        lastMs: this.latencyLastMs,
      },
      heldDownUntil,
    };
  }
}
