import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/** The V8 sampling profiler of this process over a window (start-up and warm-up left out). */
export class CpuProfiler {
  private session: Session | null = null;

  async start(): Promise<void> {
    this.session = new Session();
    this.session.connect();
    await this.session.post('Profiler.enable');
    await this.session.post('Profiler.setSamplingInterval', { interval: 500 });
    await this.session.post('Profiler.start');
  }

  /** Writes the .cpuprofile (the format of node --cpu-prof) to `file`. */
  async stop(file: string): Promise<void> {
    if (!this.session) return;
    const { profile } = await this.session.post('Profiler.stop');
    this.session.disconnect();
    this.session = null;
    writeFileSync(file, JSON.stringify(profile));
  }
}
