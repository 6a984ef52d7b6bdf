import { RecutError } from '../../shared/errors';
import type { Db } from './db';

export type ModelKind = 'reward' | 'policy';

export interface ModelVersion {
  id: number;
  kind: ModelKind;
  version: number;
  /** "reward-v3": how versions are named in the UI, the CLI and in preferences' provenance. */
  name: string;
  parentId: number | null;
  algorithm: string;
  checkpoint: string;
  checksum: string;
  backend: string;
  metrics: Record<string, unknown>;
  dataRange: Record<string, unknown>;
  createdAt: string;
  active: boolean;
}

interface Row {
  id: number;
  kind: ModelKind;
  version: number;
  parent_id: number | null;
  algorithm: string;
  checkpoint: string;
  checksum: string;
  backend: string;
  metrics: string;
  data_range: string;
  created_at: string;
}

export interface NewModelVersion {
  kind: ModelKind;
  parentId?: number | null;
  algorithm: string;
  checkpoint: string;
  checksum: string;
  backend: string;
  metrics?: Record<string, unknown>;
  dataRange?: Record<string, unknown>;
}

/** The registry of trained models: numbered versions per kind, and a log of which one is active. */
export class ModelStore {
  constructor(private readonly db: Db) {}

  /** Registers a version with the next number for its kind (numbering and insert in one transaction). */
  add(m: NewModelVersion, now = new Date().toISOString()): ModelVersion {
    const id = this.db.transaction(() => {
      const next = (this.db.prepare('SELECT coalesce(max(version), 0) + 1 AS v FROM model_versions WHERE kind = ?').get(m.kind) as { v: number }).v;
      return Number(
        this.db
          .prepare(
            `INSERT INTO model_versions (kind, version, parent_id, algorithm, checkpoint, checksum, backend, metrics, data_range, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(m.kind, next, m.parentId ?? null, m.algorithm, m.checkpoint, m.checksum, m.backend, JSON.stringify(m.metrics ?? {}), JSON.stringify(m.dataRange ?? {}), now)
          .lastInsertRowid,
      );
    })();
    return this.get(id)!;
  }

  get(id: number): ModelVersion | null {
    const r = this.db.prepare('SELECT * FROM model_versions WHERE id = ?').get(id) as Row | undefined;
    return r ? this.toVersion(r) : null;
  }

  /** "reward-v3", "v3" (with kind) or "3" (with kind). */
  find(kind: ModelKind, ref: string): ModelVersion | null {
    const m = /^(?:(reward|policy)-)?v?(\d+)$/.exec(ref.trim());
    if (!m || (m[1] && m[1] !== kind)) return null;
    const r = this.db.prepare('SELECT * FROM model_versions WHERE kind = ? AND version = ?').get(kind, Number(m[2])) as Row | undefined;
    return r ? this.toVersion(r) : null;
  }

  list(kind?: ModelKind): ModelVersion[] {
    const rows = (kind
      ? this.db.prepare('SELECT * FROM model_versions WHERE kind = ? ORDER BY version DESC').all(kind)
      : this.db.prepare('SELECT * FROM model_versions ORDER BY kind, version DESC').all()) as Row[];
    return rows.map((r) => this.toVersion(r));
  }

  active(kind: ModelKind): ModelVersion | null {
    const id = this.activeId(kind);
    return id === null ? null : this.get(id);
  }

  activate(kind: ModelKind, versionId: number, reason: string, now = new Date().toISOString()): ModelVersion {
    const v = this.get(versionId);
    if (!v || v.kind !== kind) throw new RecutError('not_found', `no ${kind} model with id ${versionId}`);
    this.db.prepare('INSERT INTO model_activations (kind, version_id, reason, at) VALUES (?, ?, ?, ?)').run(kind, versionId, reason, now);
    return this.get(versionId)!;
  }

  /** Re-activates the version that was active before the current one. */
  rollback(kind: ModelKind, now = new Date().toISOString()): ModelVersion {
    const log = this.db.prepare('SELECT version_id FROM model_activations WHERE kind = ? ORDER BY id DESC').all(kind) as { version_id: number }[];
    const current = log[0]?.version_id;
    const previous = log.find((l) => l.version_id !== current)?.version_id;
    if (current === undefined || previous === undefined) throw new RecutError('not_found', `no earlier ${kind} model to roll back to`);
    return this.activate(kind, previous, `rollback from ${kind}-v${this.get(current)?.version}`, now);
  }

  /** Records a training step's metrics; a value that is not a finite number (NaN: not measured this time) is left out. */
  addMetrics(jobId: string, kind: ModelKind, step: number, metrics: Record<string, number>, now = new Date().toISOString()): void {
    this.db.prepare('INSERT INTO training_metrics (job_id, kind, step, metrics, at) VALUES (?, ?, ?, ?, ?)').run(jobId, kind, step, JSON.stringify(finiteOnly(metrics)), now);
  }

  metrics(jobId: string): Array<{ step: number; metrics: Record<string, number> }> {
    // finiteOnly on read too: rows written before addMetrics filtered hold null where a NaN was.
    return (this.db.prepare('SELECT step, metrics FROM training_metrics WHERE job_id = ? ORDER BY step, id').all(jobId) as { step: number; metrics: string }[]).map((r) => ({
      step: r.step,
      metrics: finiteOnly(JSON.parse(r.metrics)),
    }));
  }

  private activeId(kind: ModelKind): number | null {
    const r = this.db.prepare('SELECT version_id FROM model_activations WHERE kind = ? ORDER BY id DESC LIMIT 1').get(kind) as { version_id: number } | undefined;
    return r?.version_id ?? null;
  }

  private toVersion(r: Row): ModelVersion {
    return {
      id: r.id,
      kind: r.kind,
      version: r.version,
      name: `${r.kind}-v${r.version}`,
      parentId: r.parent_id,
      algorithm: r.algorithm,
      checkpoint: r.checkpoint,
      checksum: r.checksum,
      backend: r.backend,
      metrics: JSON.parse(r.metrics),
      dataRange: JSON.parse(r.data_range),
      createdAt: r.created_at,
      active: this.activeId(r.kind) === r.id,
    };
  }
}

function finiteOnly(metrics: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(metrics ?? {})) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}
