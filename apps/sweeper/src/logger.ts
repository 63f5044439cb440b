import pino, { type DestinationStream, type Logger } from 'pino';

const BASE = { service: 'sessiond-sweeper' } as const;

/**
 * Structured JSON logs to stdout, written synchronously (a line is out before the next statement
 * runs). The code never logs a token, password or secret; the redact list is a second line of defence.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: BASE,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ['password', 'token', 'secret', 'key', '*.password', '*.token', '*.secret', '*.key'],
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** The `session.expired` events of a sweep step: buffered, then written in one go by `flush()`. */
export interface EventLog {
  readonly logger: Logger;
  /** Writes everything buffered, synchronously. */
  flush(): void;
}

/**
 * The expiry events' own logger on stdout. A sweep step reports up to SWEEP_BATCH expiries; their
 * lines are buffered and written with one synchronous write per step (not one per line), before the
 * sweeper awaits anything else, so they cost little and are out before a crash could lose them.
 * Their fields are fixed and come from the store, which holds no secret, so no redaction pass.
 */
export function createEventLog(level: string, destination?: DestinationStream): EventLog {
  const stream =
    destination ?? pino.destination({ dest: 1, sync: true, minLength: 32 * 1024, maxWrite: 64 * 1024 });
  const logger = pino({ level, base: BASE, timestamp: pino.stdTimeFunctions.isoTime }, stream);
  const flushable = stream as DestinationStream & { flushSync?: () => void };
  return { logger, flush: () => flushable.flushSync?.() };
}

export type { Logger };
