import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** The console workspace (React + Vite), built into console/dist, which the gateway serves at /console. */
export const CONSOLE_DIR = path.resolve(__dirname, '..', '..', '..', 'console');

/** The newest modification time of the console's sources (src/, index.html, vite.config.ts). */
function newestSource(dir = CONSOLE_DIR): number {
  const walk = (folder: string): number =>
    readdirSync(folder, { withFileTypes: true }).reduce((latest, entry) => {
      const full = path.join(folder, entry.name);
      return Math.max(latest, entry.isDirectory() ? walk(full) : statSync(full).mtimeMs);
    }, 0);
  return Math.max(walk(path.join(dir, 'src')), ...['index.html', 'vite.config.ts'].map((f) => statSync(path.join(dir, f)).mtimeMs));
}

/** True when console/dist is missing or older than the console's sources. */
export function consoleBuildNeeded(dir = CONSOLE_DIR): boolean {
  const index = path.join(dir, 'dist', 'index.html');
  return !existsSync(index) || statSync(index).mtimeMs < newestSource(dir);
}

/**
 * `vite build` of the console when console/dist is missing or stale: React's production build
 * whatever NODE_ENV the caller runs under (jest sets `test`). Rejects with vite's output when it fails.
 */
export async function ensureConsoleBuilt(dir = CONSOLE_DIR): Promise<'built' | 'fresh'> {
  if (!consoleBuildNeeded(dir)) return 'fresh';
  // The console workspace's own vite (npm may install it under console/node_modules).
  const vite = path.join(path.dirname(require.resolve('vite/package.json', { paths: [dir] })), 'bin', 'vite.js');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
      cwd: dir,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`vite build of the console failed (exit ${code}):\n${output}`))));
  });
  return 'built';
}
