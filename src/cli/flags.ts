import { parseArgs } from 'node:util';
import { SETTINGS } from '../config/schema.js';

/** Parses `--flag value` / `--flag=value` for every configurable setting; unknown flags are errors. */
export function parseSettingFlags(args: string[]): Record<string, string | undefined> {
  const options = Object.fromEntries(SETTINGS.map((s) => [s.flag, { type: 'string' as const }]));
  const { values } = parseArgs({ args, options, strict: true, allowPositionals: false });
  return values as Record<string, string | undefined>;
}

export function settingsHelp(): string {
  return SETTINGS.map((s) => `  --${s.flag.padEnd(20)} ${s.env.padEnd(26)} ${s.help}`).join('\n');
}
