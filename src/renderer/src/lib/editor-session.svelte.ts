import type { AnalysisSummary, Candidate, SongSummary, Suggestions } from '../../../shared/contract';
import { planPieces } from '../../../shared/edit-plan';
import type { RecutClient } from './api';
import { assignSides, auditionWindow, differingJoins, samePlan, type AuditionPoint } from './audition';
import { EditPlayer } from './audio/edit-player';
import { outputToSource } from './timeline-model';

/** Fresh suggestion requests after the last pair is judged, before telling the user there are no new pairs. */
const FRESH_SUGGESTION_TRIES = 4;

export type Side = 'A' | 'B';
export type Playing = { what: 'original' } | { what: 'candidate'; id: string } | null;

/**
 * One song open in the editor: its analysis, the suggestions, the A/B pair under audition, playback
 * and the verdicts given. A class with runes so the components stay thin and the keyboard handler
 * and the buttons call the same methods.
 */
export class EditorSession {
  analysis = $state<AnalysisSummary | null>(null);
  peaks = $state<{ min: number[]; max: number[] } | null>(null);
  suggestions = $state<Suggestions | null>(null);
  selectedId = $state<string | null>(null);
  mode = $state<'ab' | 'single'>('ab');
  pair = $state<{ A: Candidate; B: Candidate } | null>(null);
  points = $state<AuditionPoint[]>([]);
  pointIndex = $state(0);
  listening = $state<Side>('A');
  strength = $state<1 | 2 | 3>(2);
  playing = $state<Playing>(null);
  playhead = $state<number | null>(null);
  status = $state('');
  error = $state<string | null>(null);
  busy = $state(false);
  savedCount = $state(0);
  /** Ids of verdicts given in this session, newest last (backspace undoes them in turn). */
  private undoStack: number[] = [];
  private judged = new Set<string>();
  private pairQueue: Array<[Candidate, Candidate]> = [];
  private readonly player = new EditPlayer();
  private readonly buffers = new Map<string, AudioBuffer>();
  private raf = 0;

  constructor(
    readonly song: SongSummary,
    private readonly api: RecutClient,
  ) {
    this.player.onEnded = () => this.stopped();
  }

  selected = $derived(this.suggestions?.candidates.find((c) => c.id === this.selectedId) ?? null);
  currentPoint = $derived(this.points[this.pointIndex] ?? null);

  async open(): Promise<void> {
    this.status = 'Analysing…';
    try {
      const [analysis, peaks] = await Promise.all([this.api.analyzeSong({ songId: this.song.id }), this.api.getPeaks({ songId: this.song.id, buckets: 3000 })]);
      this.analysis = analysis;
      this.peaks = peaks;
      this.status = `${analysis.beats.length} beats, ${Math.round(analysis.tempo)} BPM`;
    } catch (e) {
      this.fail(e);
    }
  }

  private lastRequest: { targetSeconds: number; count: number } | null = null;

  async suggest(targetSeconds: number, count: number): Promise<void> {
    this.lastRequest = { targetSeconds, count };
    this.busy = true;
    this.error = null;
    this.status = 'Generating suggestions…';
    try {
      const seed = Math.floor(Math.random() * 2 ** 31);
      this.suggestions = await this.api.suggest({ songId: this.song.id, targetSeconds, count, seed });
      this.buffers.clear();
      this.selectedId = this.suggestions.candidates[0]?.id ?? null;
      this.pairQueue = [];
      const c = this.suggestions.candidates;
      for (let i = 0; i < c.length; i++) for (let j = i + 1; j < c.length; j++) if (!samePlan(c[i], c[j])) this.pairQueue.push([c[i], c[j]]);
      this.nextPair();
      this.status = `${c.length} suggestion(s) for ${targetSeconds} s`;
    } catch (e) {
      this.fail(e);
    } finally {
      this.busy = false;
    }
  }

  /** Next A/B pair not yet judged, sides randomised; none left: ask for fresh suggestions. */
  nextPair(): void {
    this.stop();
    while (this.pairQueue.length) {
      const [x, y] = this.pairQueue.shift()!;
      if (this.judged.has(`${x.id}|${y.id}`)) continue;
      const { A, B } = assignSides(x, y);
      this.pair = { A, B };
      this.points = differingJoins(A, B);
      this.pointIndex = 0;
      this.listening = 'A';
      return;
    }
    this.pair = null;
    this.points = [];
  }

  // ---- playback ----

  private async buffer(c: Candidate | null): Promise<AudioBuffer> {
    const key = c?.id ?? 'original';
    let buf = this.buffers.get(key);
    if (!buf) {
      await this.player.loadSong(this.song.id, this.api.mediaUrl(this.song.id), this.song.sampleRate);
      buf = this.player.render(c?.plan ?? null, this.analysis?.beats ?? []);
      this.buffers.set(key, buf);
    }
    return buf;
  }

  async playOriginal(from = 0): Promise<void> {
    await this.start(null, { from });
  }

  async playCandidate(c: Candidate, opts: { from?: number; loop?: [number, number] } = {}): Promise<void> {
    this.selectedId = c.id;
    await this.start(c, opts);
  }

  /** In A/B: plays one side, looping a window around the current differing join. */
  async audition(side: Side): Promise<void> {
    if (!this.pair) return;
    this.listening = side;
    const c = this.pair[side];
    const p = this.currentPoint;
    if (!p) return this.start(c, {});
    // The other side has no join here: loop the same stretch of source as it sounds in that edit.
    const at = p.side === side ? p.outSeconds : this.outputTimeOf(c, p.fromSeconds) ?? p.outSeconds;
    await this.start(c, { loop: auditionWindow(at, c.durationSeconds) });
  }

  async togglePlay(): Promise<void> {
    if (this.player.playing) return this.stop();
    if (this.mode === 'ab' && this.pair) return this.audition(this.listening);
    if (this.selected) return this.playCandidate(this.selected);
    return this.playOriginal();
  }

  stop(): void {
    this.player.stop();
    this.stopped();
  }

  moveJoin(delta: 1 | -1): void {
    if (this.mode === 'ab') {
      if (!this.points.length) return;
      this.pointIndex = (this.pointIndex + delta + this.points.length) % this.points.length;
      if (this.player.playing) void this.audition(this.listening);
      return;
    }
    const c = this.selected;
    if (!c || !c.joins.length) return;
    const now = this.player.playing ? this.player.position : 0;
    const sorted = c.joins.map((j) => j.outSeconds);
    const next = delta > 0 ? sorted.find((t) => t > now + 0.5) ?? sorted[0] : [...sorted].reverse().find((t) => t < now - 3.5) ?? sorted[sorted.length - 1];
    void this.playCandidate(c, { from: Math.max(0, next - 3) });
  }

  private async start(c: Candidate | null, opts: { from?: number; loop?: [number, number] }): Promise<void> {
    try {
      const buf = await this.buffer(c);
      await this.player.play(buf, opts);
      this.playing = c ? { what: 'candidate', id: c.id } : { what: 'original' };
      const pieces = c && this.analysis ? planPieces(c.plan, this.analysis.beats, this.song.sampleRate, Math.round(this.analysis.durationSeconds * this.song.sampleRate)) : null;
      cancelAnimationFrame(this.raf);
      const tick = () => {
        const pos = this.player.position;
        this.playhead = pieces ? outputToSource(pieces, this.song.sampleRate, pos) : pos;
        if (this.player.playing) this.raf = requestAnimationFrame(tick);
      };
      tick();
    } catch (e) {
      this.fail(e);
    }
  }

  private stopped(): void {
    cancelAnimationFrame(this.raf);
    this.playing = null;
  }

  private outputTimeOf(c: Candidate, sourceSeconds: number): number | null {
    if (!this.analysis) return null;
    const sr = this.song.sampleRate;
    const s = Math.round(sourceSeconds * sr);
    const piece = planPieces(c.plan, this.analysis.beats, sr, Math.round(this.analysis.durationSeconds * sr)).find((p) => s >= p.srcStart && s < p.srcEnd);
    return piece ? (piece.outStart + (s - piece.srcStart)) / sr : null;
  }

  // ---- verdicts ----

  async pick(choice: 'a' | 'b' | 'tie'): Promise<void> {
    const pair = this.pair;
    const s = this.suggestions;
    if (!pair || !s || this.busy) return;
    await this.save(async () => {
      const saved = await this.api.addPreference({
        kind: 'pair',
        songId: this.song.id,
        a: pair.A.plan,
        b: pair.B.plan,
        choice,
        strength: choice === 'tie' ? 1 : this.strength,
        targetSeconds: s.targetSeconds,
        policyVersion: s.policyVersion,
        rewardVersion: s.rewardVersion,
        seed: s.seed,
      });
      this.judged.add(`${pair.A.id}|${pair.B.id}`).add(`${pair.B.id}|${pair.A.id}`);
      return [saved.id];
    }, choice === 'tie' ? 'tie' : `${choice.toUpperCase()} is better`);
    await this.advance();
  }

  /**
   * After a verdict: the next pair, or, when every pair is judged, fresh suggestions for the same
   * target. Candidates are named by their plan, so a policy that has grown sure of itself (after
   * fine-tuning) can offer only pairs already judged: ask again with new seeds a few times, then say
   * so rather than leave the A/B pane empty.
   */
  private async advance(): Promise<void> {
    this.nextPair();
    if (this.pair || !this.lastRequest) return;
    const status = this.status;
    for (let tries = 0; tries < FRESH_SUGGESTION_TRIES && !this.pair && !this.error; tries++) {
      await this.suggest(this.lastRequest.targetSeconds, this.lastRequest.count);
    }
    if (this.pair) this.status = status;
    else if (!this.error) this.status = 'Every pair of suggestions for this length has a verdict: suggest for another length to compare new ones';
  }

  /** Single verdict on the selected candidate (or, in A/B, "neither": both rejected). */
  async verdict(verdict: 'accept' | 'reject'): Promise<void> {
    const s = this.suggestions;
    if (!s || this.busy) return;
    const targets = this.mode === 'ab' && this.pair ? (verdict === 'reject' ? [this.pair.A, this.pair.B] : [this.pair.A]) : this.selected ? [this.selected] : [];
    if (!targets.length) return;
    await this.save(async () => {
      const ids: number[] = [];
      for (const c of targets) {
        const saved = await this.api.addPreference({ kind: 'single', songId: this.song.id, plan: c.plan, verdict, strength: this.strength, targetSeconds: s.targetSeconds, policyVersion: s.policyVersion, rewardVersion: s.rewardVersion, seed: s.seed });
        ids.push(saved.id);
      }
      return ids;
    }, verdict === 'accept' ? 'accepted' : targets.length > 1 ? 'both rejected' : 'rejected');
    if (this.mode === 'ab') await this.advance();
  }

  async undo(): Promise<void> {
    const id = this.undoStack.pop();
    if (id === undefined) {
      this.status = 'Nothing to undo';
      return;
    }
    try {
      await this.api.undoPreference({ id });
      this.savedCount = Math.max(0, this.savedCount - 1);
      this.status = 'Undone: that verdict is out of training';
    } catch (e) {
      this.fail(e);
    }
  }

  /** Shows "saved" only once the engine has committed the verdict to disk. */
  private async save(write: () => Promise<number[]>, what: string): Promise<void> {
    this.busy = true;
    this.status = 'Saving…';
    try {
      const ids = await write();
      this.undoStack.push(...ids);
      this.savedCount += ids.length;
      this.status = `Saved: ${what}`;
    } catch (e) {
      this.fail(e);
    } finally {
      this.busy = false;
    }
  }

  private fail(e: unknown): void {
    this.error = e instanceof Error ? e.message : String(e);
    this.status = '';
  }

  dispose(): void {
    this.stop();
  }
}
