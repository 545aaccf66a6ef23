import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { LOCAL_CREDENTIAL } from '../../auth/authenticate.js';
import { isLoopbackHost } from '../../auth/loopback.js';
import { loadConfig } from '../../config/load.js';
import { DEMO_BUCKET, DEMO_PROJECT } from '../../demo/names.js';
import { isError } from '../../demo/wait.js';
import { folderStoreRoot } from '../../object-store/create-object-store.js';
import type { Command } from '../index.js';
import { CLIENT_OPTIONS, CLIENT_OPTIONS_HELP, resolveClientTarget } from '../client-target.js';
import { parseCommandArgs, table, UsageError } from '../flags.js';

// The AWS SDK clients and the picture generator are imported only when the demo runs, not with
// every command (they would slow down `trove serve`'s start).

const USAGE = `Usage: trove demo [--endpoint URL] [--region NAME] [--profile NAME] [--data-dir DIR | --bucket-dir DIR]

Loads sample data into a running Trove through the AWS APIs: the Rekognition project ${DEMO_PROJECT}
(TRAIN and TEST datasets of generated pictures with labels, boxes and a few deliberate errors)
and two AgentCore evaluation datasets (trove_demo_support, trove_demo_simulated) with two
published versions each. Running it again replaces exactly these; nothing else is touched.

${CLIENT_OPTIONS_HELP}
  --data-dir DIR, --bucket-dir DIR
                   where the local Trove reads s3:// objects (as given to \`trove serve\`): the
                   pictures are written to <bucket dir>/${DEMO_BUCKET}/ first. Only for an endpoint
                   on this machine; elsewhere the entries are loaded without pictures.
`;

const OPTIONS = { ...CLIENT_OPTIONS, help: { type: 'boolean' } } as const;

/** `trove demo`: sample data in a running Trove, through the public APIs only, in a few seconds. */
export const demoCommand: Command = {
  name: 'demo',
  async run(args, env) {
    const { settings, values, positionals } = parseCommandArgs(args, OPTIONS);
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected arguments: ${positionals.join(' ')}\n\n${USAGE}`);
    const { endpoint, region, credentials } = await resolveClientTarget(values, env);
    const local = isLoopbackHost(new URL(endpoint).hostname);
    const localPair = credentials.accessKeyId === LOCAL_CREDENTIAL.accessKeyId;
    const clientConfig = { endpoint, region, credentials, maxAttempts: 3 };
    const [{ BedrockAgentCoreControlClient }, { RekognitionClient }, { loadAgentCoreDemo }, { loadRekognitionDemo, rekognitionDemoData, TRAIN_ERRORS }] = await Promise.all([
      import('@aws-sdk/client-bedrock-agentcore-control'), import('@aws-sdk/client-rekognition'),
      import('../../demo/agentcore-demo.js'), import('../../demo/rekognition-demo.js'),
    ]);
    const rekognition = new RekognitionClient(clientConfig);
    const agentcore = new BedrockAgentCoreControlClient(clientConfig);
    const started = Date.now();
    try {
      const config = loadConfig({ env, flags: settings });
      const folder = local ? folderStoreRoot(config.objectStore, config.dataDir) : undefined;
      // The pictures go where Trove reads them before the entries are sent: Trove checks them on arrival.
      const prepare = () => {
        const data = rekognitionDemoData();
        for (const image of folder ? [...data.train.images, ...data.test.images] : []) {
          const file = join(folder!, DEMO_BUCKET, image.key);
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, image.bytes);
        }
        return data;
      };
      const [project, datasets] = await Promise.all([loadRekognitionDemo(rekognition, prepare), loadAgentCoreDemo(agentcore)]);
      const consoleUrl = `${endpoint}/_trove/console`;
      const rows: string[][] = [];
      for (const d of project.datasets) {
        const s = d.description.DatasetStats ?? {};
        rows.push([`Rekognition ${DEMO_PROJECT}`, `${d.type.padEnd(5)} ${s.TotalEntries} images, ${s.LabeledEntries} labeled, ${s.ErrorEntries} with errors, ${s.TotalLabels} labels`]);
      }
      rows.push(['', `${consoleUrl}/rekognition/project?name=${DEMO_PROJECT}`]);
      for (const d of datasets) rows.push([`AgentCore ${d.name}`, `versions 1 and 2: ${consoleUrl}/agentcore/diff?id=${encodeURIComponent(d.datasetId)}&from=1&to=2`]);
      rows.push(['Pictures', folder ? `${resolve(folder, DEMO_BUCKET)}/ (s3://${DEMO_BUCKET}/...)` : 'not written (the endpoint is not on this machine, or Trove reads S3): the console shows no pictures']);
      process.stdout.write([
        `Demo data loaded into ${endpoint} (region ${region}) in ${((Date.now() - started) / 1000).toFixed(1)} s:`,
        table(rows),
        '',
        `Open ${consoleUrl}/ and sign in${localPair ? ' with test / test' : ` with ${credentials.accessKeyId}`}. Run \`trove demo\` again any time: it replaces these and nothing else.`,
        '',
      ].join('\n'));
      const train = project.datasets.find((d) => d.type === 'TRAIN');
      // One of the TRAIN mistakes is found only by reading the picture: fewer errors mean Trove never saw them.
      if (folder && train?.description.DatasetStats?.ErrorEntries !== TRAIN_ERRORS) {
        process.stderr.write(`Warning: Trove did not find the pictures where they were written (${resolve(folder)}). If it runs with another --data-dir or --bucket-dir, pass the same to \`trove demo\`.\n`);
      }
      return 0;
    } catch (error) {
      throw explainDemoFailure(error, endpoint, localPair);
    } finally {
      rekognition.destroy();
      agentcore.destroy();
    }
  },
};

/** The failures a newcomer meets, said in words: nothing listening, a key Trove does not accept, a demo bucket without an owner. */
function explainDemoFailure(error: unknown, endpoint: string, localPair: boolean): unknown {
  const code = (error as NodeJS.ErrnoException).code ?? ((error as { cause?: NodeJS.ErrnoException }).cause?.code);
  if (code === 'ECONNREFUSED') {
    return new Error(`nothing answers at ${endpoint}. Start Trove first (\`npm start\` or \`bin/trove serve\`), or pass its URL with --endpoint.`);
  }
  if (isError(error, 'UnrecognizedClientException') || isError(error, 'InvalidSignatureException')) {
    return new Error(localPair
      ? 'Trove refused the local pair test/test: credentials have been created, so it no longer works. '
        + 'Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or --profile) to a key from `trove credentials create`.'
      : `Trove refused the access key from your AWS environment or profile (${(error as Error).message}). `
        + 'Use a key from `trove credentials create` (or, for a local Trove without credentials, AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test).');
  }
  if (isError(error, 'DemoDatasetFailed') && !localPair) {
    // Once credentials exist, a bucket without an owner is read by nobody: every picture then counts as missing.
    return new Error(`${(error as Error).message}\nOn a Trove with credentials, buckets have owners: give the key's account the demo's bucket `
      + `(\`trove buckets assign ${DEMO_BUCKET} --owner <account>\`, \`trove whoami\` shows the account; a running Trove sees it within 5 s), then run the demo again.`);
  }
  return error;
}
