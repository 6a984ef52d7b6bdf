import type { EngineStatus, EventName, EventPayload } from '../shared/contract';
import { RecutError } from '../shared/errors';
import { parseEvent, ReplyMessage } from '../shared/wire';

/** A running engine process, whatever started it (Node child process or Electron utilityProcess). */
export interface EngineProcess {
  readonly pid: number | null;
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

export type SpawnEngine = () => EngineProcess;
export type EventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export interface EngineClientOptions {
  /** Restarts allowed within `restartWindowMs` before the client gives up (a crash loop). */
  maxRestarts?: number;
  restartWindowMs?: number;
}

/**
 * The UI side's handle on the engine process: forwards calls, routes replies and events, and
 * restarts the engine when it dies. Calls in flight when it dies fail with `engine_unavailable`
 * (the UI shows it and the user retries); the status goes `restarting` then `ready` with the restart
 * count, and every listener hears it, so the UI can say what happened.
 */
export class EngineClient {
  private proc: EngineProcess | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<EventListener>();
  private readonly recentRestarts: number[] = [];
  private stopped = false;
  private readyWaiters: Array<() => void> = [];
  status: EngineStatus = { state: 'starting', restarts: 0, pid: null, message: 'starting the engine' };

  constructor(
    private readonly spawn: SpawnEngine,
    private readonly options: EngineClientOptions = {},
  ) {}

  /** Starts the engine and resolves once it says it is ready. */
  start(): Promise<void> {
    this.launch();
    return this.whenReady();
  }

  whenReady(): Promise<void> {
    if (this.status.state === 'ready') return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  call(method: string, params: unknown): Promise<unknown> {
    const proc = this.proc;
    if (!proc || this.status.state !== 'ready') {
      return Promise.reject(new RecutError('engine_unavailable', `the engine is ${this.status.state}; try again in a moment`));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      proc.send({ type: 'call', id, method, params });
    });
  }

  /** The engine's pid, for tests that kill it on purpose. */
  get pid(): number | null {
    return this.proc?.pid ?? null;
  }

  stop(): void {
    this.stopped = true;
    this.proc?.kill();
    this.proc = null;
    this.failPending('the engine was stopped');
  }

  private launch(): void {
    const proc = this.spawn();
    this.proc = proc;
    proc.onMessage((m) => this.receive(proc, m));
    proc.onExit((code) => this.exited(proc, code));
  }

  private receive(proc: EngineProcess, m: unknown): void {
    if (proc !== this.proc || typeof m !== 'object' || m === null) return;
    const type = (m as { type?: unknown }).type;
    if (type === 'ready') {
      this.setStatus({ state: 'ready', restarts: this.status.restarts, pid: proc.pid, message: this.status.restarts ? `the engine restarted (${this.status.restarts}x)` : 'engine ready' });
      this.readyWaiters.splice(0).forEach((w) => w());
      return;
    }
    if (type === 'event') {
      const ev = parseEvent((m as { event?: unknown }).event, (m as { payload?: unknown }).payload);
      if (ev) this.listeners.forEach((l) => l(ev.event, ev.payload as never));
      return;
    }
    const reply = ReplyMessage.safeParse(m);
    if (!reply.success) return;
    const p = this.pending.get(reply.data.id);
    if (!p) return;
    this.pending.delete(reply.data.id);
    if (reply.data.ok) p.resolve(reply.data.value);
    else p.reject(RecutError.fromPayload(reply.data.error));
  }

  private exited(proc: EngineProcess, code: number | null): void {
    if (proc !== this.proc) return;
    this.proc = null;
    this.failPending(`the engine stopped (exit ${code ?? 'signal'}) while handling this call`);
    if (this.stopped) return;
    const now = Date.now();
    const window = this.options.restartWindowMs ?? 60_000;
    while (this.recentRestarts.length && now - this.recentRestarts[0] > window) this.recentRestarts.shift();
    if (this.recentRestarts.length >= (this.options.maxRestarts ?? 5)) {
      this.setStatus({ state: 'failed', restarts: this.status.restarts, pid: null, message: 'the engine keeps crashing; restart Recut' });
      return;
    }
    this.recentRestarts.push(now);
    this.setStatus({ state: 'restarting', restarts: this.status.restarts + 1, pid: null, message: 'the engine stopped unexpectedly; restarting it' });
    setTimeout(() => {
      if (!this.stopped) this.launch();
    }, 200 * this.recentRestarts.length);
  }

  private failPending(message: string): void {
    const err = new RecutError('engine_unavailable', message);
    this.pending.forEach((p) => p.reject(err));
    this.pending.clear();
  }

  private setStatus(status: EngineStatus): void {
    this.status = status;
    this.listeners.forEach((l) => l('engineStatus', status));
  }
}
