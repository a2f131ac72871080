/** @module The `netpol-edge` command: dispatches to a subcommand and maps failures to exit codes. */
import { runCheck } from './check.js';
import { runDiff } from './diff.js';
import { runEval } from './eval.js';
import { runExposure } from './exposure.js';
import { runList } from './list.js';
import { runReplay } from './replay.js';
import { EXIT, UsageError } from './usage.js';
import { runValidate } from './validate.js';
import { FlowError } from '../src/model/errors.js';

const COMMANDS: Readonly<Record<string, (argv: readonly string[]) => Promise<number>>> = {
  check: runCheck,
  diff: runDiff,
  eval: runEval,
  exposure: runExposure,
  list: runList,
  replay: runReplay,
  validate: runValidate,
};

export const MAIN_HELP = `netpol-edge: may this flow pass? Kubernetes NetworkPolicy decisions.

Usage:
  netpol-edge check --from EP --to EP --port N [--protocol P] MANIFEST...   one flow: yes or no
  netpol-edge eval --flows FILE|- MANIFEST...                              NDJSON flows -> verdicts
  netpol-edge validate MANIFEST...                                         errors and warnings
  netpol-edge replay --bundle MANIFEST LOG...                              flow logs -> impact report
  netpol-edge list [--output FORMAT] [--focus NS/NAME] MANIFEST...         every allowed connection
  netpol-edge diff OLD NEW                                                 connectivity changes
  netpol-edge exposure MANIFEST...                                         open to everyone

MANIFEST is a YAML or JSON file (multi-document, List), a directory (read recursively), or - for
stdin. Run "netpol-edge COMMAND --help" for a command's options and examples.`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${MAIN_HELP}\n`);
    return command === undefined ? EXIT.error : EXIT.ok;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) {
    process.stderr.write(`netpol-edge: unknown command ${JSON.stringify(command)}\n\n${MAIN_HELP}\n`);
    return EXIT.error;
  }
  try {
    return await run(rest);
  } catch (error) {
    process.stderr.write(`netpol-edge ${command}: ${describeFailure(error)}\n`);
    return EXIT.error;
  }
}

function describeFailure(error: unknown): string {
  if (error instanceof UsageError || error instanceof FlowError) return error.message;
  // parseArgs reports unknown or malformed options with these codes.
  const code = (error as { code?: string }).code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) return (error as Error).message;
  return `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}
