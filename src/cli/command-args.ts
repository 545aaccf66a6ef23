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

/**
 * For a command with actions (`trove credentials create`, `trove jobs list`): prints `usage` and
 * answers the exit code when there is no action to run, 0 when it was asked for (--help, `help`)
 * and 2 when none was given (a usage error); undefined when `action` is to run.
 */
export function actionUsage(action: string | undefined, help: boolean | undefined, usage: string): 0 | 2 | undefined {
  if (!help && action !== undefined && action !== 'help') return undefined;
  process.stdout.write(usage);
  return action === undefined && !help ? 2 : 0;
}
