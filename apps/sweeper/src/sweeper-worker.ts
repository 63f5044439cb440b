import { Worker } from 'bullmq';

/**
 * A BullMQ Worker whose lock renewal can be stopped on its own. Worker.close() stops it only after
 * the worker's main loop has ended; when close() is stuck (BullMQ #4656, see closeWorker in
 * sweeper.ts) the renewal timer would re-arm forever and keep the process alive after shutdown.
 */
export class SweeperWorker<Data, Result> extends Worker<Data, Result> {
  stopLockRenewal(): Promise<void> {
    return this.lockManager.close();
  }
}
