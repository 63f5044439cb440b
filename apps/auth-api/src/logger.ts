import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Structured JSON logs. The code never passes a password, token or secret to the logger; the redact
 * list is a second line of defence should a header or body ever be logged by mistake.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  // A log line per request is the hot path's largest cost when each is a blocking write: stdout is
  // written asynchronously (lines that arrive while a write is in flight go out together), and
  // main.ts waits for the flush before exiting.
  const out = destination ?? pino.destination({ dest: 1, sync: false });
  return pino(
    {
      level,
      base: { service: 'sessiond-auth-api' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'password',
          'token',
          'secret',
          '*.password',
          '*.token',
          '*.secret',
          'headers.authorization',
          'headers["x-auth-token"]',
          'req.headers.authorization',
          'req.headers["x-auth-token"]',
        ],
        censor: '[redacted]',
      },
    },
    out,
  );
}

export type { Logger };
