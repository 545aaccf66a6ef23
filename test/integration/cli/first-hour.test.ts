import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateProjectCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterAll, describe, expect, it } from 'vitest';
import { newcomerEnv, runTrove, spawnTrove } from '../../harness/process.js';
import { eventually, TEST_CREDENTIALS } from '../../harness/server.js';

// A newcomer's first commands, through the real bin/trove: what they print, and how they fail.

const BIN = fileURLToPath(new URL('../../../bin/trove', import.meta.url));
const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** util-linux `script` runs a command on a pseudo-terminal: how a test sees what a person at a terminal sees. */
const SCRIPT = spawnSync('script', ['--version']).status === 0;
if (!SCRIPT) console.warn('[bin/trove for a newcomer] util-linux `script` is missing: the terminal log test is skipped');

/** bin/trove to its end. */
const trove = (...args: string[]) => runTrove(args);

async function holdPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

describe('bin/trove for a newcomer', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'trove-first-hour-')));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('prints a banner: console URL, the local pair while it works, data directory, bucket folder', async () => {
    const dataDir = tempDir();
    const server = await spawnTrove(['--data-dir', dataDir]);
    try {
      const banner = server.output();
      expect(banner).toContain(`Trove is listening on ${server.url}\n`);
      expect(banner).toMatch(new RegExp(`\\n {2}Console +${server.url}/_trove/console/\\n`));
      expect(banner).toMatch(/\n {2}Sign in +test \/ test \(account 000000000000, any AWS region\)/);
      expect(banner).toMatch(new RegExp(`\\n {2}Data +SQLite in ${dataDir}\\n`));
      expect(banner).toContain(`s3://<bucket>/<key> is the file ${dataDir}/buckets/<bucket>/<key>`);
      expect(banner).toMatch(/npm run demo/);
    } finally {
      await server.stop();
    }
    // Once a credential exists the local pair is gone, and the banner says how to sign in instead.
    expect((await trove('credentials', 'create', '--account', '000000000000', '--data-dir', dataDir)).code).toBe(0);
    const again = await spawnTrove(['--data-dir', dataDir]);
    try {
      expect(again.output()).toMatch(/\n {2}Sign in +with a key from `trove credentials create`\n/);
      expect(again.output()).not.toContain('test / test');
    } finally {
      await again.stop();
    }
  });

  it('sends a browser asking for / to the console, and leaves API clients as they were', async () => {
    const server = await spawnTrove(['--data-dir', tempDir()]);
    try {
      const browser = await fetch(`${server.url}/`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }, redirect: 'manual' });
      expect(browser.status).toBe(302);
      expect(browser.headers.get('location')).toBe('/_trove/console/');
      const api = await fetch(`${server.url}/`, { headers: { accept: 'application/json' } });
      expect(api.status).toBe(404);
      expect(await api.json()).toMatchObject({ message: 'Route GET:/ not found' });
      expect((await fetch(`${server.url}/`)).status).toBe(404);
      const client = new RekognitionClient({ endpoint: server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
      expect((await client.send(new CreateProjectCommand({ ProjectName: 'still-works' }))).ProjectArn).toMatch(/project\/still-works\//);
      client.destroy();
    } finally {
      await server.stop();
    }
  });

  it.skipIf(!SCRIPT)('logs readable, coloured lines on a terminal by default', async () => {
    // Its own process group, so the test can end script, the shell and Trove together.
    const child = spawn('script', ['-qec', `'${process.execPath}' '${BIN}' serve --port 0 --data-dir '${tempDir()}'`, '/dev/null'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const url = await eventually(async () => /listening on (http:\/\/[\d.:]+)/.exec(output)?.[1], 20_000, 'the banner');
      await fetch(`${url}/_trove/health`);
      await expect.poll(() => output, { timeout: 10_000 }).toMatch(/\u001b\[32mINFO \u001b\[0m GET \/_trove\/health 200 \d+ ms/);
      expect(output).not.toContain('{"level"');
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
    }
  });

  it('logs readable lines when asked, console files only at debug', async () => {
    const pretty = await spawnTrove(['--data-dir', tempDir(), '--log-format', 'pretty', '--log-level', 'info']);
    try {
      await fetch(`${pretty.url}/_trove/health`);
      await fetch(`${pretty.url}/_trove/console/`);
      await expect.poll(() => pretty.output()).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}GET \/_trove\/health 200 \d+ ms +reqId=\S+$/m);
      expect(pretty.output()).not.toMatch(/^\{"level"/m);
      expect(pretty.output()).not.toContain('/_trove/console/ ');
    } finally {
      await pretty.stop();
    }
    const debug = await spawnTrove(['--data-dir', tempDir(), '--log-format', 'pretty', '--log-level', 'debug']);
    try {
      await fetch(`${debug.url}/_trove/console/`);
      await expect.poll(() => debug.output()).toMatch(/ DEBUG GET \/_trove\/console\/ \d{3} \d+ ms/);
    } finally {
      await debug.stop();
    }
  }, 120_000);

  it('logs JSON lines when not on a terminal (a pipe, here), as log collectors expect', async () => {
    const json = await spawnTrove(['--data-dir', tempDir(), '--log-level', 'info']);
    try {
      await fetch(`${json.url}/_trove/health`);
      await expect.poll(() => json.output()).toMatch(/^\{"level":30,.*"url":"\/_trove\/health".*"msg":"request"\}$/m);
    } finally {
      await json.stop();
    }
  });

  it('says in one line that the port is taken, with no stack, and exits 1', async () => {
    const { server, port } = await holdPort();
    try {
      const ran = await trove('serve', '--port', String(port), '--data-dir', tempDir());
      expect(ran.code).toBe(1);
      expect(ran.stderr).toBe(`trove serve: port ${port} on 127.0.0.1 is already in use (another Trove, or another program). `
        + `Stop it, or choose another port with --port (e.g. --port ${port + 1}; --port 0 takes any free port).\n`);
      expect(ran.stdout).not.toMatch(/"level":50|database connection/);
    } finally {
      server.close();
    }
  });

  it('names the running Trove\'s pid when a second one starts on the same data directory', async () => {
    const dataDir = tempDir();
    const first = await spawnTrove(['--data-dir', dataDir]);
    try {
      const ran = await trove('serve', '--port', '0', '--data-dir', dataDir);
      expect(ran.code).toBe(1);
      expect(ran.stderr).toBe(`trove serve: another Trove (pid ${first.child.pid}) is already using the data directory ${dataDir}. `
        + `Stop it first (Ctrl-C where it runs, or kill ${first.child.pid}), or give this one its own directory with --data-dir.\n`);
    } finally {
      await first.stop();
    }
  });

  it('answers --version, -v and version', async () => {
    for (const spelling of ['--version', '-v', 'version']) {
      expect(await trove(spelling)).toEqual({ code: 0, stdout: `trove ${VERSION} (Node.js ${process.version})\n`, stderr: '' });
    }
  });

  it('suggests the option or command that was meant', async () => {
    const prot = await trove('serve', '--prot', '8080');
    expect(prot.code).toBe(2);
    expect(prot.stderr).toBe('trove serve: unknown option --prot (did you mean --port?); `trove help` lists them all\n');
    expect((await trove('credentials', 'create', '--acount', '123456789012')).stderr).toMatch(/unknown option --acount \(did you mean --account\?\)/);
    expect((await trove('demo', '--endpiont', 'http://x')).stderr).toMatch(/unknown option --endpiont \(did you mean --endpoint\?\)/);
    // Nothing near: no guess.
    expect((await trove('serve', '--frobnicate')).stderr).toBe('trove serve: unknown option --frobnicate; `trove help` lists them all\n');
    const serv = await trove('serv');
    expect(serv.code).toBe(2);
    expect(serv.stderr).toMatch(/^trove: unknown command "serv" \(did you mean `trove serve`\?\)\n/);
  });

  it('answers serve --help and migrate --help with their flags, without starting anything', async () => {
    for (const [command, flag] of [['serve', '--help'], ['serve', '-h'], ['migrate', '--help']]) {
      const help = await trove(command, flag, '--data-dir', '/nonexistent/never-created');
      expect(help.code).toBe(0);
      expect(help.stderr).toBe('');
      expect(help.stdout).toMatch(new RegExp(`^Usage: trove ${command}`));
      expect(help.stdout).toMatch(/\n {2}--port +TROVE_PORT +port to listen on/);
      expect(help.stdout).toMatch(/\n {2}TROVE_MASTER_KEY +/);
      if (command === 'serve') expect(help.stdout).toMatch(/SIGHUP \(kill -HUP <pid>\) does not stop the server: it\nre-reads/);
    }
  });

  it('prints the usage of a command with actions: exit 0 when asked (help, --help), 2 without an action', async () => {
    for (const command of ['credentials', 'buckets', 'jobs', 'datasets']) {
      const [asked, flagged, none] = await Promise.all([trove(command, 'help'), trove(command, '--help'), trove(command)]);
      expect(asked).toMatchObject({ code: 0, stderr: '', stdout: expect.stringMatching(new RegExp(`^Usage:\\s+trove ${command} `)) });
      expect(flagged).toEqual(asked);
      expect(none).toEqual({ ...asked, code: 2 });
    }
  });

  it('aligns the help table, however long a flag', async () => {
    const { stdout } = await trove('help');
    const flags = stdout.split('\n').filter((line) => line.startsWith('  --'));
    expect(flags.length).toBeGreaterThan(20);
    const envColumn = new Set(flags.map((line) => line.indexOf(' TROVE_') + 1));
    const helpColumn = new Set(flags.map((line) => line.search(/TROVE_\S+ +\S/) + (/TROVE_\S+ +/.exec(line)?.[0].length ?? 0)));
    expect(envColumn.size).toBe(1);
    expect(helpColumn.size).toBe(1);
    expect(stdout).toMatch(/\n {2}--image-check-concurrency +TROVE_IMAGE_CHECK_CONCURRENCY +/);
  });

  it('warns that the first credential turns test/test off, and how to keep account 000000000000', async () => {
    const dataDir = tempDir();
    const first = await trove('credentials', 'create', '--account', '123456789012', '--json', '--data-dir', dataDir);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ account: '123456789012' });
    expect(first.stderr).toContain('this is the first credential, so the local pair test/test no longer works');
    expect(first.stderr).toContain('Everything created with test/test is in account 000000000000, which account 123456789012 cannot see.');
    expect(first.stderr).toContain('trove credentials create --account 000000000000');
    // Only the first one changes anything.
    expect((await trove('credentials', 'create', '--account', '000000000000', '--data-dir', dataDir)).stderr).toBe('');

    const local = await trove('credentials', 'create', '--account', '000000000000', '--data-dir', tempDir());
    expect(local.stderr).toContain('This key is in account 000000000000, so it reaches everything created with test/test.');
  });

  it('says why the demo cannot run: nothing listening, or test/test switched off by a credential', async () => {
    const { server: held, port } = await holdPort();
    held.close();
    const nothing = await runTrove(['demo', '--endpoint', `http://127.0.0.1:${port}`], newcomerEnv());
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain(`trove demo: nothing answers at http://127.0.0.1:${port}. Start Trove first`);

    const dataDir = tempDir();
    expect((await trove('credentials', 'create', '--account', '123456789012', '--data-dir', dataDir)).code).toBe(0);
    const server = await spawnTrove(['--data-dir', dataDir]);
    try {
      const refused = await runTrove(['demo', '--endpoint', server.url, '--data-dir', dataDir], newcomerEnv());
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('trove demo: Trove refused the local pair test/test: credentials have been created');
    } finally {
      await server.stop();
    }
  }, 120_000);
});
