/**
 * The benchmark's processes: each server runs compiled with the Node flags of `npm start`, pinned to a core
 * (taskset) where the machine allows, and says `READY <url>` (or the gateway's own start line) when it listens.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** The Node flags of `npm start` (package.json), read from there so the two cannot drift apart. */
export const NODE_FLAGS = (() => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
  return /node((?: --[\w-]+(?:=\S+)?)*) dist\/main\.js/.exec(pkg.scripts['start'] ?? '')?.[1]?.trim().split(' ').filter(Boolean) ?? [];
})();
export const HAS_TASKSET = (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return os.cpus().length >= 2;
  } catch {
    return false;
  }
})();
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

export interface Proc {
  url: string;
  child: ChildProcess;
}

/** Starts a process on `core` and waits for its `READY <url>` line. */
export function start(name: string, core: number, command: string[], env: Record<string, string>): Promise<Proc> {
  const [file, ...args] = HAS_TASKSET ? ['taskset', '-c', String(core), ...command] : command;
  const child = spawn(file!, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const ready = /READY (\S+)|GraphQL gateway on (\S+)\/graphql/.exec(out);
      if (ready) {
        clearTimeout(timer);
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        resolve({ url: (ready[1] ?? ready[2])!, child });
      }
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
}

/** CPU time (user + system) of a process, in µs. */
export function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
}

/** Peak resident memory of a process, in MB. */
export function peakRssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) / 1024;
}

/** Resident memory of a process now, in MB. */
export function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) / 1024;
}

/** One line describing the machine a benchmark ran on. */
export function machine(): string {
  return `Machine: ${os.cpus()[0]?.model ?? 'unknown'} × ${os.cpus().length}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}
