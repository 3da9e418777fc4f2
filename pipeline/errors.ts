/**
 * Errors that end a run with a known exit code. The message is one line, names the file (and line
 * and column where there is one) and says what to do. It never carries a NIK, a name or a birth
 * date: those belong in rejected.csv only.
 */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  unreadableInput: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class PadanError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'PadanError';
  }
}

/** Bad command-line options or an invalid config file (exit 2). */
export class UsageError extends PadanError {
  constructor(message: string) {
    super(message, ExitCode.usage);
    this.name = 'UsageError';
  }
}

/** An input file that cannot be read at all, or lacks a required column (exit 3). */
export class InputError extends PadanError {
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(message, ExitCode.unreadableInput);
    this.name = 'InputError';
  }
}
