import { runCli } from './cli/index.js';

// Process entry: hands the arguments and environment to the CLI; no logic of its own.
process.exitCode = await runCli(process.argv.slice(2), process.env);
