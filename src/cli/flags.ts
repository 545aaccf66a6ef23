import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { ENV_ONLY_SETTINGS, SETTINGS } from '../config/schema.js';
import { closestMatch } from '../lib/closest-match.js';

/** A mistake in the command line itself (unknown option, missing value): exit code 2. */
export class UsageError extends Error {}

/** Parses `--flag value` / `--flag=value` for every configurable setting; unknown flags are errors. */
export function parseSettingFlags(args: string[]): Record<string, string | undefined> {
  const options = Object.fromEntries(SETTINGS.map((s) => [s.flag, { type: 'string' as const }]));
  const { values } = strictParse({ args, options, strict: true, allowPositionals: false });
  return values as Record<string, string | undefined>;
}

/**
 * Parses a command's own options together with the setting flags (e.g. `--data-dir`), plus
 * positionals. Unknown flags are errors.
 */
export function parseCommandArgs<O extends Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>>(args: string[], own: O) {
  const settings = Object.fromEntries(SETTINGS.map((s) => [s.flag, { type: 'string' as const }]));
  const { values, positionals } = strictParse({ args, options: { ...settings, ...own }, strict: true, allowPositionals: true });
  const all = values as Record<string, unknown>;
  const settingValues = Object.fromEntries(SETTINGS.map((s) => [s.flag, all[s.flag] as string | undefined]));
  return { settings: settingValues, values: values as { [K in keyof O]?: O[K]['multiple'] extends true ? (O[K]['type'] extends 'boolean' ? boolean[] : string[]) : (O[K]['type'] extends 'boolean' ? boolean : string) }, positionals };
}

/** node:util parseArgs, with its errors rephrased for people: an unknown option names the nearest known one. */
function strictParse<T extends ParseArgsConfig>(config: T) {
  try {
    return parseArgs(config);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const option = /'([^']+)'/.exec(message)?.[1] ?? message;
      const guess = closestMatch(option.replace(/^-+/, ''), Object.keys(config.options ?? {}));
      throw new UsageError(`unknown option ${option}${guess ? ` (did you mean --${guess}?)` : ''}; \`trove help\` lists them all`);
    }
    if (code?.startsWith('ERR_PARSE_ARGS_')) throw new UsageError(message);
    throw error;
  }
}

/** Rows of cells as lines with each column as wide as its widest cell, indented by two spaces. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => row[i].length))) ?? [];
  return rows.map((row) => `  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')}`).join('\n');
}

export function settingsHelp(): string {
  return table(SETTINGS.map((s) => [`--${s.flag}`, s.env, s.help]));
}

/** Every setting a command takes as a flag or from the environment: the end of `trove help` and of `trove serve --help`. */
export function settingsSection(): string {
  return [
    'Flags (each also settable by its environment variable):',
    settingsHelp(),
    '',
    'Environment only:',
    table(ENV_ONLY_SETTINGS.map((s) => [s.env, s.help])),
    '',
  ].join('\n');
}

/** `--help` or `-h` among the arguments of a command that takes only settings (serve, migrate). */
export function wantsHelp(args: readonly string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}
