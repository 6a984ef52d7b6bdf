/**
 * Typed error kinds shared by the engine, the CLI, both transports and the UI.
 * An error crosses a process or network boundary as `{ kind, message, details? }`, never as a bare string,
 * so callers branch on `kind` and show `message` to the user.
 */
export const ERROR_KINDS = [
  'invalid_argument', // a payload or CLI argument that fails its schema
  'not_found', // a song, job, model version or file that does not exist
  'unsupported_format', // audio we do not decode (AAC/M4A, video, ...)
  'corrupt_audio', // truncated, lying or undecodable audio
  'audio_too_long', // beyond the analysis limit (documented in the audio engine)
  'invalid_plan', // an EditPlan that does not fit its analysis
  'invalid_checkpoint', // a model file that fails validation
  'invalid_import', // a preference import that is malformed or carries no edit
  'unauthorized', // wrong sender, token or origin
  'io', // the file system refused
  'cancelled', // a job the user cancelled
  'engine_unavailable', // the engine process died or is restarting
  'internal', // a bug: logged with its stack
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface ErrorPayload {
  kind: ErrorKind;
  message: string;
  details?: Record<string, unknown>;
}

export class RecutError extends Error {
  readonly kind: ErrorKind;
  readonly details?: Record<string, unknown>;

  constructor(kind: ErrorKind, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'RecutError';
    this.kind = kind;
    this.details = details;
  }

  toPayload(): ErrorPayload {
    return this.details ? { kind: this.kind, message: this.message, details: this.details } : { kind: this.kind, message: this.message };
  }

  static fromPayload(p: ErrorPayload): RecutError {
    return new RecutError(p.kind, p.message, p.details);
  }
}

export function isRecutError(e: unknown): e is RecutError {
  return e instanceof RecutError;
}

/** Any thrown value as a payload; unknown errors become `internal` with their message. */
export function toErrorPayload(e: unknown): ErrorPayload {
  if (e instanceof RecutError) return e.toPayload();
  const message = e instanceof Error ? e.message : String(e);
  return { kind: 'internal', message };
}
