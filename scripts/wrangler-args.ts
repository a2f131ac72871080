/**
 * @module `npm start`'s wrangler arguments: its defaults (`--ip 127.0.0.1 --port 8787`) unless the
 * caller gave the same flag (`--ip 0.0.0.0` or `--ip=0.0.0.0`), so a flag is never passed twice.
 */

export const START_DEFAULTS: Readonly<Record<string, string>> = { '--ip': '127.0.0.1', '--port': '8787' };

/** The value the caller gave for a flag, in either form, or undefined. */
export function flagValue(args: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === flag) return args[i + 1];
    if (arg.startsWith(`${flag}=`)) return arg.slice(flag.length + 1);
  }
  return undefined;
}

export function wranglerDevArgs(args: readonly string[], defaults = START_DEFAULTS): string[] {
  const kept = Object.entries(defaults).filter(([flag]) => !args.some((a) => a === flag || a.startsWith(`${flag}=`)));
  return ['dev', ...kept.flat(), ...args];
}
