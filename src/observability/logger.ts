import pino from 'pino';
import type { Logger } from 'pino';
import { prettyStream } from './pretty-stream.js';

export interface LoggerOptions {
  /** Short readable lines for a person at a terminal instead of JSON lines (see pretty-stream.ts). */
  readonly pretty?: { readonly colors: boolean };
  /** Where lines go (tests); default stdout. */
  readonly destination?: pino.DestinationStream;
}

/** The root logger: JSON lines on stdout, one field per fact; child loggers add request or job ids. */
export function createLogger(level: string, { pretty, destination }: LoggerOptions = {}): Logger {
  return pino(
    {
      level,
      base: { service: 'trove' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Secrets and payloads never reach the logs.
      redact: ['req.headers.authorization', 'headers.authorization'],
    },
    pretty ? prettyStream(destination ?? process.stdout, pretty.colors) : destination,
  );
}
