import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Structured JSON logs to stdout. Written synchronously: an expiry is logged the moment its sweep
 * step returns, so a crash right afterwards cannot lose lines still buffered in the process. The
 * code never logs a token, password or secret; the redact list is a second line of defence.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'sessiond-sweeper' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ['password', 'token', 'secret', 'key', '*.password', '*.token', '*.secret', '*.key'],
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

export type { Logger };
