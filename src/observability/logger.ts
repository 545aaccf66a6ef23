import pino from 'pino';
import type { Logger } from 'pino';

/** The root logger: JSON lines on stdout, one field per fact; child loggers add request or job ids. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'trove' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Secrets and payloads never reach the logs.
      redact: ['req.headers.authorization', 'headers.authorization'],
    },
    destination,
  );
}
