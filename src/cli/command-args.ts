import { parseCommandArgs } from './flags.js';

/**
 * A command's flags, parsed: with `--help` its usage is printed and the answer is undefined (the
 * command exits 0); positional arguments are refused, as the commands take flags only.
 */
export function commandFlags<O extends Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>>(args: string[], options: O, usage: string) {
  const { values, positionals } = parseCommandArgs(args, { ...options, help: { type: 'boolean' } });
  if (values.help) {
    process.stdout.write(usage);
    return undefined;
  }
  if (positionals.length > 0) throw new Error(`unexpected arguments: ${positionals.join(' ')}`);
  return values;
}
