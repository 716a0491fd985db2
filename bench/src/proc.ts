import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Linux /proc readings for a process we started: resident memory, its peak since a reset, and CPU
 * time; and the CPU time of all PostgreSQL server processes. Every function returns null where
 * /proc is not available, and the report says "n/a" there.
 */

const CLOCK_TICKS_PER_SECOND = 100;

/** A statement that appends to the access log (the issue-16 target: at most one per request). */
export const LOG_WRITE = /INSERT\s+INTO\s+"?audit"?\."?entries"?/i;

export function memoryOf(pid: number): { rssBytes: number; peakBytes: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rssBytes: kb('VmRSS'), peakBytes: kb('VmHWM') };
  } catch {
    return null;
  }
}

/** Resets the process's peak RSS (VmHWM) to its current RSS, so that a peak can be taken per cell. */
export function resetPeakMemory(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

function statOf(pid: number | string): { comm: string; cpuMs: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after "pid (comm) ".
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { comm, cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

export function cpuMsOf(pid: number): number | null {
  return statOf(pid)?.cpuMs ?? null;
}

/** CPU time per PostgreSQL server process (postmaster, backends, background workers). */
export function postgresCpu(): Map<string, number> | null {
  try {
    const result = new Map<string, number>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = statOf(entry);
      if (stat && (stat.comm === 'postgres' || stat.comm.startsWith('postgres:'))) result.set(entry, stat.cpuMs);
    }
    return result;
  } catch {
    return null;
  }
}

/** CPU the PostgreSQL processes used between two readings (processes that appeared count in full). */
export function postgresCpuDelta(before: Map<string, number> | null, after: Map<string, number> | null): number | null {
  if (!before || !after) return null;
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}
