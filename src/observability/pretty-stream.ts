import type { DestinationStream } from 'pino';

// Readable log lines for a person watching a terminal: one short line per event instead of a
// JSON object. Request lines read "POST / 200 3 ms ListDatasetEntries  key=test account=…";
// other events "message  field=value ..."; an error's stack follows on its own lines. JSON lines
// stay the format for anything that is not a terminal (log collectors parse them).

const LEVELS: Record<number, { name: string; color: string }> = {
  10: { name: 'TRACE', color: '90' },
  20: { name: 'DEBUG', color: '90' },
  30: { name: 'INFO ', color: '32' },
  40: { name: 'WARN ', color: '33' },
  50: { name: 'ERROR', color: '31' },
  60: { name: 'FATAL', color: '35' },
};

/** Fields every line has or that say nothing to a reader at a terminal. */
const HIDDEN = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname']);
/** The fields a request line shows in its own words. */
const REQUEST = new Set(['method', 'url', 'status', 'ms', 'operation']);

export function prettyStream(out: { write(text: string): unknown }, colors: boolean): DestinationStream {
  return { write: (line: string) => void out.write(prettyLine(line, colors)) };
}

/** One pino JSON line as a readable line (ending in a newline); anything that is not JSON as it is. */
export function prettyLine(line: string, colors: boolean): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const paint = (code: string, text: string) => (colors ? `\u001b[${code}m${text}\u001b[0m` : text);
  const level = LEVELS[record['level'] as number] ?? { name: String(record['level']).padEnd(5), color: '0' };
  const time = typeof record['time'] === 'string' || typeof record['time'] === 'number' ? clock(new Date(record['time'])) : '';
  const isRequest = typeof record['method'] === 'string' && typeof record['url'] === 'string' && record['status'] !== undefined;
  const head = isRequest
    ? `${record['method']} ${record['url']} ${record['status']} ${record['ms']} ms${record['operation'] ? ` ${record['operation']}` : ''}`
    : String(record['msg'] ?? '');
  const fields: string[] = [];
  let stack = '';
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined || HIDDEN.has(key) || (isRequest && REQUEST.has(key))) continue;
    if (key === 'err' && typeof value === 'object' && value !== null && typeof (value as { stack?: unknown }).stack === 'string') {
      stack = `\n${(value as { stack: string }).stack.replace(/^/gm, '    ')}`;
      fields.push(`err=${JSON.stringify((value as { message?: unknown }).message ?? '')}`);
      continue;
    }
    fields.push(`${key}=${typeof value === 'string' && /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value)}`);
  }
  const rest = fields.length > 0 ? `  ${paint('2', fields.join(' '))}` : '';
  return `${paint('2', time)} ${paint(level.color, level.name)} ${head}${rest}${stack}\n`;
}

/** Local wall-clock time with milliseconds: the date is the same all day at a terminal. */
function clock(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}
