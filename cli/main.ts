/** @module The `netpol-edge` command: dispatches to a subcommand and maps failures to exit codes. */
import { EXIT, UsageError } from './usage.js';
import { FlowError } from '../src/model/errors.js';

type Command = (argv: readonly string[]) => Promise<number>;

/** Loaded on use, so that `--help` and each command start without the others' code (cold start). */
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  check: async () => (await import('./check.js')).runCheck,
  diff: async () => (await import('./diff.js')).runDiff,
  eval: async () => (await import('./eval.js')).runEval,
  exposure: async () => (await import('./exposure.js')).runExposure,
  lint: async () => (await import('./lint.js')).runLint,
  list: async () => (await import('./list.js')).runList,
  replay: async () => (await import('./replay.js')).runReplay,
  serve: async () => (await import('./serve.js')).runServe,
  validate: async () => (await import('./validate.js')).runValidate,
};

export const MAIN_HELP = `netpol-edge: may this flow pass? Kubernetes NetworkPolicy decisions.

Usage:
  netpol-edge check --from EP --to EP --port N [--protocol P] MANIFEST...   one flow: yes or no
  netpol-edge eval --flows FILE|- MANIFEST...                              NDJSON flows -> verdicts
  netpol-edge validate MANIFEST...                                         errors and warnings
  netpol-edge replay --bundle MANIFEST LOG...                              flow logs -> impact report
  netpol-edge replay --bundle NEW --baseline OLD LOG...                    a staged change on real traffic
  netpol-edge lint MANIFEST...                                             shadowed rules and warnings
  netpol-edge serve [--port N] [--bundle NAME=PATH]... [--watch]           the HTTP API locally
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
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!load) {
    process.stderr.write(`netpol-edge: unknown command ${JSON.stringify(command)}\n\n${MAIN_HELP}\n`);
    return EXIT.error;
  }
  try {
    return await (await load())(rest);
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
