/* What was really played, measured from the media clock and checked against the wall clock.

   A "run" is a stretch of uninterrupted playback: it starts where playback (re)starts and
   grows with every observation of currentTime. A seek, a pause, the end, or a jump the wall
   clock cannot explain (the media moved further than the elapsed time at the top rate
   allows) closes it. Time the media clock skipped over is never claimed. */

// Timer and event jitter between two observations, in seconds.
const JITTER = 0.35;

/** Sorted, merged copies of [start, end] pairs, clamped to [0, limit], empty ones dropped. */
export function normalise(segments, limit) {
  const clamped = segments
    .map(([a, b]) => [Math.max(0, a), Math.min(limit, b)])
    .filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b) && b - a > 0.001)
    .sort((x, y) => x[0] - y[0]);
  const merged = [];
  for (const [a, b] of clamped) {
    const last = merged[merged.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return merged;
}

export class PlayTracker {
  /**
   * @param {HTMLVideoElement} video
   * @param {number} maxRate the fastest rate whose playback counts
   * @param {() => number} clock wall-clock milliseconds (performance.now)
   */
  constructor(video, maxRate, clock = () => performance.now()) {
    this.video = video;
    this.maxRate = maxRate;
    this.clock = clock;
    this.closed = [];   // runs closed since the last take()
    this.run = null;    // the open run: {start, end, wall}
    this.furthest = 0;  // the furthest media time reached by counted playback
  }

  get playing() {
    const v = this.video;
    return !v.paused && !v.seeking && !v.ended;
  }

  /** Start a run at the current position (playback started or resumed after a seek). */
  begin() {
    this.close();
    if (this.playing) this.run = { start: this.video.currentTime, end: this.video.currentTime, wall: this.clock() };
  }

  /** Grow the open run to currentTime when the wall clock allows it; otherwise restart it there. */
  advance() {
    const run = this.run;
    if (!run) {
      if (this.playing) this.begin();
      return;
    }
    const now = this.clock();
    const at = this.video.currentTime;
    const moved = at - run.end;
    const allowed = ((now - run.wall) / 1000) * this.maxRate + JITTER;
    if (moved < 0 || moved > allowed || this.video.playbackRate > this.maxRate + 1e-9) {
      this.close();
      this.run = this.playing ? { start: at, end: at, wall: now } : null;
      return;
    }
    run.end = at;
    run.wall = now;
    this.furthest = Math.max(this.furthest, at);
  }

  /** Close the open run where it was last seen (a seek has already moved currentTime). */
  close() {
    if (this.run && this.run.end > this.run.start) this.closed.push([this.run.start, this.run.end]);
    this.run = null;
  }

  /** Playback stopped here (pause, end): count up to currentTime, then close. */
  stop() {
    this.advance();
    this.close();
  }

  /** The segments played since the last take(), merged and clamped to [0, limit]. The open
      run carries on from where it was cut, so nothing is counted twice. */
  take(limit) {
    this.advance();
    const taken = this.closed;
    this.closed = [];
    if (this.run && this.run.end > this.run.start) {
      taken.push([this.run.start, this.run.end]);
      this.run.start = this.run.end;
    }
    return normalise(taken, limit);
  }

  /** The segments played and not yet taken, left where they are (what take() would send). */
  peek() {
    const open = this.run && this.run.end > this.run.start ? [[this.run.start, this.run.end]] : [];
    return [...this.closed, ...open];
  }

  /** Forget what has not been taken yet (a stopped window counts nothing). */
  discard() {
    this.closed = [];
    if (this.run) this.run.start = this.run.end;
  }
}
