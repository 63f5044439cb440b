/**
 * Runs `task` now and then `intervalMs` after each run ends (never two at once), while started.
 * The task reports its own errors; a failed run does not stop the polling.
 */
export class Poller {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #generation = 0;
  #running = false;

  constructor(
    private readonly intervalMs: number,
    private readonly task: () => Promise<void>,
  ) {}

  start(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#run(++this.#generation);
  }

  stop(): void {
    this.#running = false;
    this.#generation++;
    clearTimeout(this.#timer);
  }

  async #run(generation: number): Promise<void> {
    try {
      await this.task();
    } catch {
      // The task shows its own errors; keep polling.
    }
    if (this.#running && generation === this.#generation) {
      this.#timer = setTimeout(() => void this.#run(generation), this.intervalMs);
    }
  }
}
