import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { acquireDataDirLock, DataDirLockedError, LOCK_FILE_NAME, removeStale } from './data-dir-lock';

describe('the embedded database lock', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'vartija-lock-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const deadPid = () => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());

  it('creates the data directory, writes the holder pid inside it and removes it on release', () => {
    const lock = acquireDataDirLock(path.join(dir, 'pglite'));
    expect(lock.file).toBe(path.join(dir, 'pglite', LOCK_FILE_NAME));
    expect(JSON.parse(readFileSync(lock.file, 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
    expect(existsSync(lock.file)).toBe(false);
  });

  it('refuses while a live process holds it, naming the pid and what to do', () => {
    const lock = acquireDataDirLock(path.join(dir, 'pglite'));
    try {
      expect(() => acquireDataDirLock(path.join(dir, 'pglite'))).toThrow(DataDirLockedError);
      expect(() => acquireDataDirLock(path.join(dir, 'pglite/'))).toThrow(new RegExp(`in use by process ${process.pid}.*stop that process first`));
      expect(() => acquireDataDirLock(path.join(dir, 'x', '..', 'pglite'))).toThrow(DataDirLockedError);
    } finally {
      lock.release();
    }
  });

  it('names the lock after the real path: a symlink to the directory reaches the same lock', () => {
    mkdirSync(path.join(dir, 'pglite'));
    symlinkSync(path.join(dir, 'pglite'), path.join(dir, 'alias'));
    const lock = acquireDataDirLock(path.join(dir, 'alias'));
    try {
      expect(lock.file).toBe(path.join(dir, 'pglite', LOCK_FILE_NAME));
      expect(() => acquireDataDirLock(path.join(dir, 'pglite'))).toThrow(DataDirLockedError);
    } finally {
      lock.release();
    }
  });

  it('takes over a stale lock whose process is gone, leaving nothing else behind', () => {
    mkdirSync(path.join(dir, 'pglite'));
    writeFileSync(path.join(dir, 'pglite', LOCK_FILE_NAME), JSON.stringify({ pid: deadPid(), since: 'earlier', command: 'npm start' }));
    const lock = acquireDataDirLock(path.join(dir, 'pglite'));
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).pid).toBe(process.pid);
    expect(readdirSync(path.join(dir, 'pglite'))).toEqual([LOCK_FILE_NAME]);
    lock.release();
  });

  it('takes over an empty lock file only once it has aged (a fresh one may still be being written)', () => {
    mkdirSync(path.join(dir, 'pglite'));
    const file = path.join(dir, 'pglite', LOCK_FILE_NAME);
    writeFileSync(file, '');
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);
    const lock = acquireDataDirLock(path.join(dir, 'pglite'));
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('a takeover removes only the stale lock it judged: one taken by another process meanwhile is put back', () => {
    mkdirSync(path.join(dir, 'pglite'));
    const file = path.join(dir, 'pglite', LOCK_FILE_NAME);
    const stale = JSON.stringify({ pid: deadPid(), nonce: 'a' });
    const fresh = JSON.stringify({ pid: process.pid, nonce: 'b' });
    writeFileSync(file, fresh); // another process took it over between our reading `stale` and removing it
    expect(removeStale(file, stale)).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe(fresh);
    writeFileSync(file, stale);
    expect(removeStale(file, stale)).toBe(true);
    expect(readdirSync(path.join(dir, 'pglite'))).toEqual([]);
  });

  it('does not remove a lock another process has taken since', () => {
    const lock = acquireDataDirLock(path.join(dir, 'pglite'));
    writeFileSync(lock.file, JSON.stringify({ pid: 1 }));
    lock.release();
    expect(existsSync(lock.file)).toBe(true);
  });
});
