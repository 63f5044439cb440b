import { join } from 'node:path';
import { BroadcastChannel } from 'node:worker_threads';

/** The password worker behind the gate (PasswordVerifierOptions.file). */
export const GATED_HASH_WORKER = join(__dirname, 'gated-hash-worker.mjs');

const GATE_CHANNEL = 'sessiond-test-hash-gate';

/**
 * Opens and closes the gate of every gated password worker in this process: while closed, a task a
 * worker receives waits there (the verifier counts it as running) and later ones wait in the
 * verifier's queue. Open by default; only one HashGate at a time.
 */
export class HashGate {
  private readonly channel = new BroadcastChannel(GATE_CHANNEL);
  private open = true;

  constructor() {
    this.channel.onmessage = (event: unknown) => {
      if ((event as { data?: unknown }).data === 'state?') this.announce();
    };
  }

  /** Tasks that reach a worker from now on wait there until release(). */
  hold(): void {
    this.open = false;
    this.announce();
  }

  /** Held tasks run, and later ones run at once. */
  release(): void {
    this.open = true;
    this.announce();
  }

  close(): void {
    this.channel.close();
  }

  private announce(): void {
    this.channel.postMessage(this.open ? 'open' : 'closed');
  }
}
