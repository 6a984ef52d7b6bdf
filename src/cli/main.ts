import { parseArgs } from 'node:util';
import { RecutError, toErrorPayload } from '../shared/errors';
import { APP_VERSION } from '../engine/version';
import type { Command, CommandArgs } from './command';
import { analyzeCommand } from './commands/analyze';
import { infoCommand } from './commands/info';
import { backendsCommand, modelInfoCommand } from './commands/models-info';
import { prefsCommand } from './commands/prefs';
import { renderCommand } from './commands/render';
import { scoreCommand, suggestCommand } from './commands/suggest';
import { serveCommand } from './commands/serve';
import { importCommand, songsCommand } from './commands/songs';
import { evalCommand } from './commands/eval';
import { modelsCommand } from './commands/models';
import { trainPolicyCommand } from './commands/train-policy';
import { trainRewardCommand } from './commands/train-reward';

export const COMMANDS: Command[] = [serveCommand, infoCommand, songsCommand, importCommand, analyzeCommand, renderCommand, suggestCommand, scoreCommand, prefsCommand, backendsCommand, modelInfoCommand, trainRewardCommand, trainPolicyCommand, evalCommand, modelsCommand];

function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `recut ${APP_VERSION}: a desktop audio editor that learns how you cut music`,
    '',
    'Usage: recut <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options for every command:',
    '  --json       machine-readable output on stdout',
    '  --help       help for the command',
    '',
    'Global: recut --version, recut --help. Data folder: $RECUT_HOME (default: your user data folder).',
  ].join('\n');
}

/** Runs the CLI; returns the exit code. Bad arguments: one-line error on stderr and exit 2. */
export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(helpText() + '\n');
    return first === undefined ? 2 : 0;
  }
  if (first === '--version' || first === '-v') {
    process.stdout.write(rest.includes('--json') ? JSON.stringify({ version: APP_VERSION }) + '\n' : `${APP_VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (!command) return fail(new RecutError('invalid_argument', `unknown command "${first}" (see recut --help)`), rest.includes('--json'));

  let args: CommandArgs;
  try {
    const parsed = parseArgs({
      args: rest,
      options: { ...command.options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if (parsed.values.help) {
      process.stdout.write(`${command.summary}\n\nUsage: ${command.usage}\n`);
      return 0;
    }
    const [min, max] = command.positionals;
    if (parsed.positionals.length < min || parsed.positionals.length > max) {
      throw new RecutError('invalid_argument', `usage: ${command.usage}`);
    }
    args = { positionals: parsed.positionals, values: parsed.values, json: parsed.values.json === true };
  } catch (e) {
    const err = e instanceof RecutError ? e : new RecutError('invalid_argument', `${(e as Error).message.split('\n')[0]} (usage: ${command.usage})`);
    return fail(err, rest.includes('--json'));
  }

  const io = { print: (line: string) => !args.json && process.stdout.write(line + '\n') };
  try {
    const result = await command.run(args, io);
    if (args.json && result !== undefined) process.stdout.write(JSON.stringify(result) + '\n');
    return 0;
  } catch (e) {
    return fail(e, args.json);
  }
}

function fail(e: unknown, json: boolean): number {
  const p = toErrorPayload(e);
  if (p.kind === 'internal') console.error(e);
  if (json) process.stdout.write(JSON.stringify({ error: p }) + '\n');
  process.stderr.write(`recut: ${p.message}\n`);
  return p.kind === 'invalid_argument' ? 2 : 1;
}
