import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Thrown when another live process holds the embedded database. */
export class DataDirLockedError extends Error {
  constructor(
    readonly lockFile: string,
    readonly holderPid: number,
  ) {
    super(
      `The embedded database in ${path.dirname(lockFile)} is in use by process ${holderPid} (a running \`npm start\` or another command). ` +
        'Only one process may open it at a time, or the other one\'s writes are lost: stop that process first and run this again ' +
        '(or use PostgreSQL through DATABASE_URL, which any number of processes share). ' +
        `If process ${holderPid} is not a Vartija process, delete ${lockFile}.`,
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  readonly file: string;
  release(): void;
}

interface LockContent {
  pid: number;
  since: string;
  command: string;
  /** Tells this lock from any other, even one of the same pid: a takeover checks it removed the lock it judged stale. */
  nonce: string;
}

/** The lock file's name inside the data directory (PGlite leaves other files there alone). */
export const LOCK_FILE_NAME = '.vartija.lock';
/** A lock file still being written (created, not yet filled) is someone's, not stale, for this long. */
const FRESH_MS = 2_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const read = (file: string): string | null => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
};

function pidIn(text: string | null): number | null {
  try {
    const pid = (JSON.parse(text ?? '') as Partial<LockContent>).pid;
    return typeof pid === 'number' && Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Removes the lock file if it still holds exactly `judged` (the content found stale): it is renamed
 * away (atomic), then compared. A lock another process took in the meantime is put back (link: only
 * if none has appeared since) and left alone. True when the stale lock was removed.
 */
export function removeStale(file: string, judged: string): boolean {
  const aside = `${file}.stale-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    renameSync(file, aside);
  } catch {
    return false; // gone already: someone else removed it
  }
  const moved = read(aside);
  if (moved === judged) {
    rmSync(aside, { force: true });
    return true;
  }
  try {
    linkSync(aside, file);
  } catch {
    // A third process created a lock meanwhile: it holds the directory now.
  }
  rmSync(aside, { force: true });
  return false;
}

/**
 * A lock file with the holder's pid inside a PGlite data directory (`<dir>/.vartija.lock`), named after
 * the directory's real path (a symlink or `..` reaches the same file), taken atomically (`wx`) before
 * the database is opened and removed when it is closed or the process exits. A lock whose process is
 * gone (killed, crashed) is stale and taken over, never one another process has just taken; one held
 * by a live process, this one included, refuses.
 */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(realpathSync(dataDir), LOCK_FILE_NAME);
  const content: LockContent = {
    pid: process.pid,
    since: new Date().toISOString(),
    command: process.argv.slice(1).join(' ').slice(0, 300),
    nonce: randomBytes(12).toString('hex'),
  };
  const mine = JSON.stringify(content);
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, mine, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const found = read(file);
    if (found === null) continue; // removed since: try again
    const holder = pidIn(found);
    if (holder !== null && alive(holder)) throw new DataDirLockedError(file, holder);
    if (attempt >= 80) throw new DataDirLockedError(file, holder ?? 0);
    if (holder === null) {
      // Empty or half-written: maybe created this instant and being filled. Stale only once it has aged.
      const age = Date.now() - (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if (age < FRESH_MS) {
        sleep(50);
        continue;
      }
    }
    removeStale(file, found);
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.removeListener('exit', release);
    if (read(file) === mine) rmSync(file, { force: true });
  };
  process.on('exit', release);
  return { file, release };
}
