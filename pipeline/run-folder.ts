import { randomBytes } from 'node:crypto';
import { constants, rmSync } from 'node:fs';
import {
  copyFile,
  link,
  lstat,
  mkdir,
  open,
  readdir,
  readFile,
  realpath,
  rename,
  rm,
  stat,
} from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { OutputError, UsageError } from './errors.js';

/**
 * The output folder of a run, replaced as a whole and never destroyed.
 *
 * A run is built in a staging folder beside `--out` (`.NAME.padan-staging-PID-XXXX` in the same
 * parent, so on the same file system) and moved into place only when complete: the old folder is
 * renamed away (`.NAME.padan-old-...`), the staging folder renamed to `--out`, and the old one
 * removed. So `--out` holds either the last complete run or the new one, never a mix; a run that
 * fails, is interrupted or killed leaves the previous run untouched. Between the two renames there
 * is an instant when `--out` is absent and the previous run sits at `.NAME.padan-old-...`: the next
 * padan run on that folder puts it back (`recover`). A lock file beside the folder keeps two runs
 * from writing it at once.
 */

/** Names padan writes into a run folder (SPEC §2, `padan evaluate`, `padan diff`). */
const PADAN_NAMES = new Set([
  'manifest.json',
  'dtks_corrected.parquet',
  'dtks_corrected.csv',
  'deactivate.csv',
  'corrections.csv',
  'review.csv',
  'findings.parquet',
  'rejected.csv',
  'summary.json',
  'report.html',
  'regions',
  'padan.duckdb',
  'padan.duckdb.wal',
  'evaluation.json',
  'diff.csv',
  'diff.json',
  // The spill folder of padan versions that put it inside the output folder.
  '.tmp',
]);

/** Is this an entry padan writes (an output, or a temporary name of one)? */
export function isPadanName(name: string): boolean {
  return PADAN_NAMES.has(name) || /^\..+\.tmp$/.test(name);
}

/** A DuckDB database file carries `DUCK` at byte 8. */
export async function isDuckDbFile(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(12);
    const { bytesRead } = await handle.read(buf, 0, 12, 0);
    return bytesRead === 12 && buf.toString('latin1', 8, 12) === 'DUCK';
  } finally {
    await handle.close();
  }
}

export interface RunFolderOptions {
  /** `--out` as given. */
  out: string;
  /** `--db` as given; default `OUT/padan.duckdb`. */
  db?: string;
  /** Input files: never the database, never carried away with the old folder. */
  inputs: string[];
  /** Keep files padan did not write (they are carried into the new run folder). */
  force: boolean;
  /** `--plan`: only the database is written. */
  planOnly: boolean;
}

interface Entry {
  name: string;
  padan: boolean;
}

export class RunFolder {
  private committed = false;
  private constructor(
    /** The final output folder (resolved, symlinks followed). */
    readonly outDir: string,
    /** Where this run writes; becomes `outDir` on commit. */
    readonly stagingDir: string,
    /** The final database path. */
    readonly dbPath: string,
    /** Where the database is built (inside the staging folder, or a temporary name beside `--db`). */
    readonly stagingDbPath: string,
    private readonly lockPath: string,
    private readonly planOnly: boolean,
    private readonly dbInOut: boolean,
    private readonly foreign: string[],
  ) {}

  /**
   * Check everything about the output folder and the database path before anything is written,
   * take the lock, tidy what killed runs left, and create the staging folder.
   */
  static async open(options: RunFolderOptions): Promise<RunFolder> {
    const outDir = await resolveOut(options.out);
    const parent = dirname(outDir);
    const name = basename(outDir);
    if (parent === outDir)
      throw new UsageError(`--out ${options.out}: a file system root cannot be a run folder`);
    const inputs = await Promise.all(options.inputs.map((p) => realpath(p).catch(() => resolve(p))));
    const dbPath = resolve(options.db ?? join(outDir, 'padan.duckdb'));
    const dbInOut = isInside(outDir, dbPath);
    await checkDbPath(options.db, dbPath, inputs);

    await mkdir(parent, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
      throw new OutputError(
        `--out ${options.out}: its parent folder cannot be created (${error.code ?? 'error'})`,
        outDir,
      );
    });
    const lockPath = join(parent, `.${name}.padan-lock`);
    await takeLock(lockPath, options.out);
    try {
      await recover(outDir);
      const entries = await listEntries(outDir);
      const foreign = entries.filter((e) => !e.padan).map((e) => e.name);
      if (foreign.length > 0 && !options.force) {
        const shown = foreign
          .slice(0, 3)
          .map((f) => `"${f}"`)
          .join(', ');
        const more = foreign.length > 3 ? ` and ${foreign.length - 3} more` : '';
        throw new UsageError(
          `--out ${options.out} holds files padan did not write (${shown}${more}); choose an empty or new ` +
            'folder, or pass --force to keep them beside the new run',
        );
      }
      for (const input of inputs) {
        if (isInside(outDir, input) && !options.force) {
          throw new UsageError(
            `--out ${options.out} holds the input ${input}; keep inputs outside the output folder`,
          );
        }
      }
      if (options.planOnly && dbInOut && entries.some((e) => e.name === 'manifest.json')) {
        throw new UsageError(
          `--plan: --out ${options.out} holds a complete run whose database the plan would replace; ` +
            'pass --db FILE for the plan, or another --out',
        );
      }
      const stagingDir = join(
        parent,
        `.${name}.padan-staging-${process.pid}-${randomBytes(3).toString('hex')}`,
      );
      await mkdir(stagingDir).catch((error: NodeJS.ErrnoException) => {
        throw new OutputError(
          `--out ${options.out}: cannot write in ${parent} (${error.code ?? 'error'})`,
          outDir,
        );
      });
      const stagingDbPath = dbInOut
        ? join(stagingDir, relative(outDir, dbPath))
        : `${dbPath}.padan-staging-${process.pid}`;
      await mkdir(dirname(stagingDbPath), { recursive: true });
      return new RunFolder(
        outDir,
        stagingDir,
        dbPath,
        stagingDbPath,
        lockPath,
        options.planOnly,
        dbInOut,
        foreign,
      );
    } catch (error) {
      await rm(lockPath, { force: true });
      throw error;
    }
  }

  /** A path inside the staging folder. */
  path(name: string): string {
    return join(this.stagingDir, name);
  }

  /**
   * Move the finished run into place. Files padan did not write (kept with --force) are linked into
   * the new folder first, so that replacing the folder loses none of them.
   */
  async commit(): Promise<void> {
    if (this.committed) return;
    if (!this.dbInOut) {
      await rename(this.stagingDbPath, this.dbPath);
      await rm(`${this.stagingDbPath}.wal`, { force: true });
    }
    if (this.planOnly && !this.dbInOut) {
      // The plan wrote only its database, outside the output folder: the folder is not touched.
      await rm(this.stagingDir, { recursive: true, force: true });
    } else {
      for (const name of this.foreign) await carry(join(this.outDir, name), join(this.stagingDir, name));
      if (await exists(this.outDir)) {
        const old = join(
          dirname(this.outDir),
          `.${basename(this.outDir)}.padan-old-${process.pid}-${randomBytes(3).toString('hex')}`,
        );
        await rename(this.outDir, old);
        await rename(this.stagingDir, this.outDir);
        await rm(old, { recursive: true, force: true });
      } else {
        await rename(this.stagingDir, this.outDir);
      }
    }
    this.committed = true;
    await rm(this.lockPath, { force: true });
  }

  /** Give up: remove what this run wrote; the previous run stays as it was. */
  async abort(): Promise<void> {
    if (this.committed) return;
    await rm(this.stagingDir, { recursive: true, force: true });
    if (!this.dbInOut) {
      await rm(this.stagingDbPath, { force: true });
      await rm(`${this.stagingDbPath}.wal`, { force: true });
    }
    await rm(this.lockPath, { force: true });
  }

  /** The same, synchronously enough for a signal handler: best effort, never throws. */
  abortSync(): void {
    if (this.committed) return;
    try {
      rmSync(this.stagingDir, { recursive: true, force: true });
      if (!this.dbInOut) {
        rmSync(this.stagingDbPath, { force: true });
        rmSync(`${this.stagingDbPath}.wal`, { force: true });
      }
      rmSync(this.lockPath, { force: true });
    } catch {
      // nothing more can be done in a signal handler
    }
  }
}

/** `--out` resolved, following a symlink to the folder it names, so that the real folder is replaced. */
async function resolveOut(out: string): Promise<string> {
  const path = resolve(out);
  let info: Awaited<ReturnType<typeof lstat>>;
  try {
    info = await lstat(path);
  } catch {
    return path; // does not exist yet
  }
  if (info.isSymbolicLink()) {
    const target = await realpath(path).catch(() => null);
    if (target === null) throw new OutputError(`--out ${out}: a symbolic link to nothing`, path);
    return resolveOut(target);
  }
  if (!info.isDirectory())
    throw new OutputError(`--out ${out}: is a file, not a folder; choose a folder`, path);
  return path;
}

/** Is `path` inside `dir` (or `dir` itself)? */
function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** `--db` may name a new file or an existing DuckDB database, never an input or another kind of file. */
async function checkDbPath(given: string | undefined, dbPath: string, inputs: string[]): Promise<void> {
  const real = await realpath(dbPath).catch(() => dbPath);
  if (inputs.includes(real) || inputs.includes(dbPath)) {
    throw new UsageError(
      `--db ${given ?? dbPath}: is one of the inputs; the working database needs a path of its own`,
    );
  }
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(dbPath);
  } catch {
    return;
  }
  if (!info.isFile()) throw new UsageError(`--db ${given ?? dbPath}: is not a file`);
  if (info.size > 0 && !(await isDuckDbFile(dbPath))) {
    throw new UsageError(
      `--db ${given ?? dbPath}: exists and is not a DuckDB database; padan replaces only its own databases`,
    );
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

async function listEntries(dir: string): Promise<Entry[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    throw new OutputError(`--out ${dir}: cannot be read (${code ?? 'error'})`, dir);
  }
  return names.sort().map((name) => ({ name, padan: isPadanName(name) }));
}

/** The lock file: created exclusively, holding the pid and host; a lock of a dead process on this host is stale. */
async function takeLock(lockPath: string, out: string): Promise<void> {
  const me = `${process.pid} ${hostname()}\n`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY);
      await handle.writeFile(me);
      await handle.close();
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        throw new OutputError(`--out ${out}: cannot write in ${dirname(lockPath)} (${code ?? 'error'})`, out);
      }
    }
    const [pid, host] = (await readFile(lockPath, 'utf8').catch(() => '')).trim().split(' ');
    if (host === hostname() && pid && !isAlive(Number(pid))) {
      await rm(lockPath, { force: true });
      continue;
    }
    throw new UsageError(
      `--out ${out}: another padan run (pid ${pid ?? '?'} on ${host ?? '?'}) is writing this folder; ` +
        `wait for it, or remove ${lockPath} if it is gone`,
    );
  }
  throw new UsageError(`--out ${out}: could not take the lock ${lockPath}`);
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Tidy what runs that were killed left beside the folder (called with the lock held): staging
 * folders of dead processes go; an old folder is put back when the folder itself is missing (a
 * kill between the two renames of a commit), else removed.
 */
export async function recover(outDir: string): Promise<void> {
  const parent = dirname(outDir);
  const name = basename(outDir);
  let siblings: string[];
  try {
    siblings = (await readdir(parent)).sort();
  } catch {
    return;
  }
  for (const s of siblings) {
    const staging = new RegExp(`^\\.${escapeRegExp(name)}\\.padan-staging-(\\d+)-`).exec(s);
    if (staging && !isAlive(Number(staging[1]))) await rm(join(parent, s), { recursive: true, force: true });
  }
  for (const s of siblings) {
    if (!s.startsWith(`.${name}.padan-old-`)) continue;
    if (await exists(outDir)) await rm(join(parent, s), { recursive: true, force: true });
    else await rename(join(parent, s), outDir);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Put a file (or folder) of the old run folder into the new one without copying data where possible. */
async function carry(from: string, to: string): Promise<void> {
  const info = await lstat(from);
  if (info.isDirectory()) {
    await mkdir(to, { recursive: true });
    for (const name of await readdir(from)) await carry(join(from, name), join(to, name));
    return;
  }
  try {
    await link(from, to);
  } catch {
    await copyFile(from, to);
  }
}
