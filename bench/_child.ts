/**
 * Runs one benchmark module in its own process (spawned by bench/run.ts) and sends its figures back
 * over IPC, so native libraries that print to stdout (Dawn's validation messages) cannot corrupt the
 * JSON that `npm run bench` prints, and each module starts with a fresh heap and tfjs backend.
 */
export {};

const file = process.argv[2];
try {
  const mod = (await import(file)) as { run: () => Promise<Record<string, unknown>> };
  const result = await mod.run();
  process.send!({ ok: true, result }, () => process.exit(0));
} catch (e) {
  process.send!({ ok: false, error: (e as Error).stack ?? String(e) }, () => process.exit(0));
}
