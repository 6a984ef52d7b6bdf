import { randomUUID } from 'node:crypto';
import type { JobInfo } from '../../shared/contract';
import { RecutError } from '../../shared/errors';
import type { JobStore } from '../store/jobs';

export interface JobContext {
  /** The job's id (training runs key their metrics history by it). */
  readonly jobId: string;
  /** Reports progress in [0, 1]; values below the last one are ignored, so progress never goes backwards. */
  progress(fraction: number, message?: string): void;
  readonly signal: AbortSignal;
  /** Throws `cancelled` when the user cancelled; call it between steps of long work. */
  throwIfCancelled(): void;
}

export type JobFn<T> = (ctx: JobContext) => Promise<T>;

interface Running {
  info: JobInfo;
  controller: AbortController;
  promise: Promise<unknown>;
}

/**
 * Runs long work in the engine with persisted, monotonic progress and cancellation. At most one job
 * per `lane` runs at a time (e.g. one training job per model); the rest wait their turn in order.
 */
export class JobRunner {
  private readonly running = new Map<string, Running>();
  private readonly lanes = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: JobStore,
    private readonly publish: (job: JobInfo) => void,
  ) {}

  start<T>(kind: string, title: string, fn: JobFn<T>, opts: { lane?: string; params?: Record<string, unknown>; songId?: string } = {}): { job: JobInfo; done: Promise<T> } {
    const info: JobInfo = {
      id: randomUUID(),
      kind,
      title,
      state: 'queued',
      progress: 0,
      message: 'waiting',
      startedAt: new Date().toISOString(),
      endedAt: null,
      error: null,
      songId: opts.songId ?? null,
    };
    this.store.insert(info, { ...opts.params, ...(opts.songId ? { songId: opts.songId } : {}) });
    this.publish({ ...info });
    const controller = new AbortController();
    const lane = opts.lane ?? kind;
    const previous = this.lanes.get(lane) ?? Promise.resolve();
    const promise = previous.catch(() => undefined).then(() => this.execute(info, controller, fn));
    this.lanes.set(lane, promise.catch(() => undefined));
    this.running.set(info.id, { info, controller, promise });
    return { job: { ...info }, done: promise };
  }

  cancel(id: string): boolean {
    const r = this.running.get(id);
    if (!r) return false;
    r.controller.abort();
    return true;
  }

  get(id: string): JobInfo | null {
    return this.running.get(id)?.info ?? this.store.get(id);
  }

  list(): JobInfo[] {
    return this.store.list();
  }

  /** Resolves when every started job has settled (tests and orderly shutdown). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.running.values()].map((r) => r.promise));
  }

  private async execute<T>(info: JobInfo, controller: AbortController, fn: JobFn<T>): Promise<T> {
    const update = (patch: Partial<JobInfo>) => {
      Object.assign(info, patch);
      this.store.update(info);
      this.publish({ ...info });
    };
    const ctx: JobContext = {
      jobId: info.id,
      signal: controller.signal,
      progress: (fraction, message) => {
        const p = Math.min(1, Math.max(info.progress, Number.isFinite(fraction) ? fraction : 0));
        if (p === info.progress && (message === undefined || message === info.message)) return;
        update({ progress: p, message: message ?? info.message });
      },
      throwIfCancelled: () => {
        if (controller.signal.aborted) throw new RecutError('cancelled', `${info.title} was cancelled`);
      },
    };
    try {
      ctx.throwIfCancelled();
      update({ state: 'running', message: 'started' });
      const value = await fn(ctx);
      ctx.throwIfCancelled();
      update({ state: 'done', progress: 1, message: 'done', endedAt: new Date().toISOString() });
      return value;
    } catch (e) {
      const cancelled = controller.signal.aborted || (e instanceof RecutError && e.kind === 'cancelled');
      update({
        state: cancelled ? 'cancelled' : 'failed',
        message: cancelled ? 'cancelled' : 'failed',
        endedAt: new Date().toISOString(),
        error: cancelled ? null : e instanceof Error ? e.message : String(e),
      });
      throw e;
    } finally {
      this.running.delete(info.id);
    }
  }
}
