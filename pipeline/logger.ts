import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * The run's logger: JSON lines on stderr, readable when stderr is a terminal. Log only counts, ids,
 * file names and line numbers: NIKs, names and birth dates never go into a log (UU PDP).
 */
export function createLogger(options: { level?: string; pretty?: boolean } = {}): Logger {
  const level = options.level ?? process.env.PADAN_LOG_LEVEL ?? 'info';
  const pretty = options.pretty ?? process.stderr.isTTY === true;
  if (pretty) {
    return pino({
      level,
      transport: {
        target: 'pino-pretty',
        options: { destination: 2, colorize: true, translateTime: 'SYS:HH:MM:ss' },
      },
    });
  }
  return pino({ level, base: { app: 'padan' } }, pino.destination(2));
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
