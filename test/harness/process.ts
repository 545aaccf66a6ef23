import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/trove', import.meta.url));

export interface TroveProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Sends a signal and resolves when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs the real `bin/trove serve` (the compiled build; `npm test` builds it first) and resolves
 * once it prints the URL it listens on. For tests that need a separate process: kill -9,
 * graceful shutdown, the CLI. (A start took over 20 s on a CI machine at load average 14: the
 * default wait is generous, as a start that never comes still fails.)
 */
export async function spawnTrove(args: string[], env: Record<string, string> = {}, timeoutMs = 45_000): Promise<TroveProcess> {
  // BENCH_NODE_ARGS: node flags for the server process, e.g. `--cpu-prof` when profiling a benchmark.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, BIN, 'serve', '--port', '0', '--log-level', 'warn', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`trove did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (https?:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`trove exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * Runs a one-shot `bin/trove` command (backup, restore, credentials, demo, ...) to its end; never
 * throws for its exit code. `env` is laid over this process's environment (undefined removes a
 * variable). Asynchronous, so a server in the test's own process keeps serving meanwhile.
 */
export async function runTrove(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Resident set size of a process, in bytes (Linux /proc). */
export function rss(pid: number): number {
  return statusField(pid, 'VmRSS');
}

/** Peak resident set size since the last `resetPeak`, in bytes. */
export function peakRss(pid: number): number {
  return statusField(pid, 'VmHWM');
}

/** Resets the kernel's peak-RSS watermark of a process (writing 5 to clear_refs). */
export function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** Runs `fn` and measures the process's peak RSS above its RSS when `fn` started. */
export async function peakGrowthDuring<T>(pid: number, fn: () => Promise<T>): Promise<{ value: T; growth: number }> {
  const before = rss(pid);
  resetPeak(pid);
  const value = await fn();
  return { value, growth: peakRss(pid) - before };
}

function statusField(pid: number, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match![1]) * 1024;
}

/** A newcomer's shell: no AWS or Trove variables and no AWS config files, so `trove demo` falls back to test/test. */
export function newcomerEnv(): Record<string, string | undefined> {
  const unset = Object.keys(process.env).filter((name) => name.startsWith('AWS_') || name.startsWith('TROVE_'));
  return { ...Object.fromEntries(unset.map((name) => [name, undefined])), AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
}
