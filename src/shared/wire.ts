/**
 * The wire format shared by the engine's process channel and the `recut serve` WebSocket:
 * a request carries an id, a method and its params; a reply carries the same id and either a value
 * or a typed error; events carry a name and a payload. Everything is validated on arrival.
 */
import { z } from 'zod';
import { ERROR_KINDS, RecutError, type ErrorPayload } from './errors';
import { events, isEventName, isMethodName, methods, type EventName, type MethodName } from './contract';

export const ErrorPayloadSchema = z.object({
  kind: z.enum(ERROR_KINDS),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export const RequestMessage = z.object({
  type: z.literal('call'),
  id: z.number().int().nonnegative(),
  method: z.string().max(64),
  params: z.unknown(),
});
export type RequestMessage = z.infer<typeof RequestMessage>;

export const ReplyMessage = z.discriminatedUnion('ok', [
  z.object({ type: z.literal('reply'), id: z.number().int(), ok: z.literal(true), value: z.unknown() }),
  z.object({ type: z.literal('reply'), id: z.number().int(), ok: z.literal(false), error: ErrorPayloadSchema }),
]);
export type ReplyMessage = z.infer<typeof ReplyMessage>;

export const EventMessage = z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() });
export type EventMessage = z.infer<typeof EventMessage>;

/** Checks a request's method name and params against the contract; throws `invalid_argument`. */
export function parseCall(method: unknown, params: unknown): { method: MethodName; params: unknown } {
  if (!isMethodName(method)) {
    // String(x) throws on objects without a prototype: name only what is safe to print.
    const name = typeof method === 'string' ? JSON.stringify(method.slice(0, 64)) : `(a ${method === null ? 'null' : typeof method}, not a method name)`;
    throw new RecutError('invalid_argument', `unknown method ${name}`);
  }
  const parsed = methods[method].input.safeParse(params ?? {});
  if (!parsed.success) {
    throw new RecutError('invalid_argument', `bad params for ${method}: ${summariseIssues(parsed.error)}`);
  }
  return { method, params: parsed.data };
}

/** Validates what the engine returns, so a bug cannot leak an off-contract value to the UI. */
export function parseResult(method: MethodName, value: unknown): unknown {
  const parsed = methods[method].output.safeParse(value);
  if (!parsed.success) {
    throw new RecutError('internal', `engine returned an off-contract value for ${method}: ${summariseIssues(parsed.error)}`);
  }
  return parsed.data;
}

export function parseEvent(event: unknown, payload: unknown): { event: EventName; payload: unknown } | null {
  if (!isEventName(event)) return null;
  const parsed = events[event].safeParse(payload);
  return parsed.success ? { event, payload: parsed.data } : null;
}

export function errorReply(id: number, error: ErrorPayload): ReplyMessage {
  return { type: 'reply', id, ok: false, error };
}

function summariseIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
