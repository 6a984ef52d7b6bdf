import type { ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandArgs {
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
  json: boolean;
}

export interface CommandIO {
  /** Human-readable output; suppressed under --json. */
  print(line: string): void;
}

/** One `recut` sub-command. `run` returns the data printed as JSON under --json, or nothing. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: OptionSpec;
  /** Positional arguments accepted: [min, max]. */
  positionals: [number, number];
  run(args: CommandArgs, io: CommandIO): Promise<unknown>;
}
