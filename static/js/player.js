/* The lesson player: opens a watch session, resumes where the trainee stopped, and reports
   what was really played in heartbeats (every heartbeat_seconds, and on pause, end and page
   hide). The server alone decides what counts; this page only measures honestly, keeps what
   it could not send, and shows the server's answers.

   Configuration and sentences come from #player-config (JSON, translated by the server). */
import { errorMessage, postJson } from './api.js';
import { CheckOverlay } from './player/checks.js';
import { installControls } from './player/controls.js';
import { clock } from './player/format.js';
import { NextLecture } from './player/next.js';
import { PendingFigure } from './player/pending.js';
import { HeartbeatQueue } from './player/queue.js';
import { Store } from './player/store.js';
import { PlayTracker } from './player/tracker.js';
import { PlayerView } from './player/view.js';

const OPEN_RETRY_MS = [1000, 2000, 4000, 8000, 15000, 30000];
// Segments per heartbeat until the session says how many the server takes (max_segments).
const DEFAULT_MAX_SEGMENTS = 20;

class Player {
  constructor(root, video, config) {
    this.root = root;
    this.video = video;
    this.config = config;
    this.strings = config.strings;
    this.view = new PlayerView(root, config.strings);
    this.checks = new CheckOverlay(this);
    this.store = new Store(`zhixin.player.${config.userId}.`);
    this.tracker = new PlayTracker(video, config.maxRate);
    this.session = null;   // the open watch session, as the server described it
    this.status = 'opening';
    this.timer = null;
    this.openFailures = 0;
    this.lastPosition = -1;
    this.lastBeatAt = 0;
    this.queue = new HeartbeatQueue(this.store, {
      // The session's watch token authenticates a heartbeat (the cookie is not looked at).
      send: (entry) => postJson(entry.url, entry.body, { keepalive: true, headers: { 'X-Watch-Token': entry.token } }),
      delivered: (entry, reply) => this.delivered(entry, reply),
      stopped: (entry, status, reply) => this.stopped(entry, status, reply),
      held: () => this.held(),
      changed: () => this.queueChanged(),
    });
    this.pending = new PendingFigure(this, config.covered, config.strings);
    this.next = new NextLecture(root, video, config);
  }

  async start() {
    this.setStatus('opening');
    this.view.coverage(0, this.config.duration, false);
    this.view.course(null);
    this.queueChanged();
    this.listen();
    installControls(this.video, this);
    window.addEventListener('online', () => { if (this.status === 'opening') this.connect(); });
    await this.connect();
  }

  /** Heartbeats left by an earlier page go first: opening a session closes the older ones. */
  async connect() {
    await this.queue.pump();
    await this.open();
  }

  setStatus(name) {
    this.status = name;
    this.view.state(name);
  }

  /** The rules in force: the session's, or the page's until the session is open. */
  rules() {
    const s = this.session;
    return {
      seekLock: s ? s.seek_lock : this.config.seekLock,
      maxRate: s ? s.max_playback_rate : this.config.maxRate,
      pauseWhenHidden: s ? s.pause_when_hidden : this.config.pauseWhenHidden,
      completed: Boolean(s && s.completed),
    };
  }

  /** The most segments one heartbeat may carry: the server's limit once the session is open. */
  maxSegments() {
    const limit = this.session && Number(this.session.max_segments);
    return limit >= 1 ? Math.floor(limit) : DEFAULT_MAX_SEGMENTS;
  }

  /** The furthest point the trainee may seek to: watched before (server) or played here. */
  furthest() {
    return Math.max(this.session ? this.session.furthest_position : 0, this.tracker.furthest);
  }

  async open() {
    if (this.opening) return;
    this.opening = true;
    try {
      const response = await postJson(this.config.sessionsUrl, {});
      if (response.status === 201) this.opened(await response.json());
      else if (response.status === 429) await this.paced(response);
      else if (response.status >= 500) this.retryOpen();
      else if (response.status === 400 || response.status === 401 || response.status === 403) this.held();
      else this.unavailable((await errorMessage(response)) || this.strings.unavailable);
    } catch (error) {
      this.retryOpen();
    } finally {
      this.opening = false;
    }
  }

  retryOpen() {
    this.view.status('connecting', {}, 'network');
    this.openLater();
  }

  /** 429: the server paces how often a trainee opens sessions. The network is fine, so say
      why in the server's own words (nothing counts until a session opens, which opened()
      clears away) and ask again when it says (Retry-After, in seconds): sooner would only
      be refused again. Without the header, the usual back-off. */
  async paced(response) {
    const wait = response.headers.get('Retry-After');
    this.view.clearStatus('network');
    this.view.alert((await errorMessage(response)) || this.strings.connecting, false);
    this.openLater(/^\d+$/.test(wait || '') ? Number(wait) * 1000 : undefined);
  }

  /** Ask for a session again after ``delay`` ms, or after a back-off growing with each failure. */
  openLater(delay) {
    this.openFailures += 1;
    const wait = delay ?? OPEN_RETRY_MS[Math.min(this.openFailures, OPEN_RETRY_MS.length) - 1];
    clearTimeout(this.openTimer);
    this.openTimer = setTimeout(() => this.connect(), wait);
  }

  opened(session) {
    this.session = session;
    this.openFailures = 0;
    this.tracker.maxRate = session.max_playback_rate;
    this.forgetOldSessions();
    this.tracker.discard();  // what played before the session opened is not claimed
    this.lastBeatAt = performance.now();
    this.lastPosition = this.video.currentTime;
    this.view.clearStatus('network');
    this.view.clearAlert();
    this.view.coverage(session.covered_seconds, session.duration_seconds, session.completed);
    this.view.course(session.course);
    this.next.lessonState(session.completed, session.course);
    this.setStatus('active');
    this.resume(session.resume_position);
    clearInterval(this.timer);
    this.timer = setInterval(() => this.tick(), 1000);
    if (this.video.playbackRate > session.max_playback_rate) this.video.playbackRate = session.max_playback_rate;
  }

  /** Start where the trainee stopped last time, unless playback here has begun already. */
  resume(position) {
    if (!(position > 0) || this.video.currentTime > 0 || !this.video.paused) return;
    const seek = () => {
      if (this.video.currentTime > 0 || !this.video.paused) return;
      const end = Number.isFinite(this.video.duration) ? this.video.duration : this.session.duration_seconds;
      if (position >= end - 1) return;
      this.video.currentTime = position;
      this.lastPosition = position;
      this.view.status('resumed', { position: clock(position) });
    };
    if (this.video.readyState >= 1) seek();
    else this.video.addEventListener('loadedmetadata', seek, { once: true });
  }

  /** Seq numbers of sessions with nothing left in the queue are no longer needed. */
  forgetOldSessions() {
    const queued = new Set(this.queue.entries().map((entry) => entry.session));
    for (const name of this.store.names('seq.')) {
      const id = name.slice(4);
      if (id !== this.session.id && !queued.has(id)) this.store.remove(name);
    }
  }

  listen() {
    const v = this.video;
    const t = this.tracker;
    v.addEventListener('play', () => this.refuseIfStopped());
    v.addEventListener('playing', () => { if (!this.refuseIfStopped()) t.advance(); });
    v.addEventListener('timeupdate', () => {
      if (v.seeking) return;
      t.advance();
      this.tick();  // timers of background tabs are throttled: playback keeps heartbeats coming
    });
    v.addEventListener('seeking', () => {
      t.close();
      if (t.closed.length >= this.maxSegments()) this.beat();  // say it before the list grows long
    });
    v.addEventListener('seeked', () => t.begin());
    v.addEventListener('pause', () => { t.stop(); this.beat(); });
    v.addEventListener('ended', () => { t.stop(); this.beat(); });
    this.view.resumeButton.addEventListener('click', () => this.continueHere());
  }

  /** Every second: a heartbeat is due when heartbeat_seconds have passed since the last one. */
  tick() {
    if (!this.session || performance.now() - this.lastBeatAt < this.session.heartbeat_seconds * 1000) return;
    if (!this.video.paused || this.tracker.closed.length) this.beat();
  }

  /** Queue what was played since the last heartbeat (nothing to say: no heartbeat), in as many
      heartbeats of at most max_segments segments as it takes, with consecutive seq numbers. */
  beat() {
    const s = this.session;
    if (!s || (this.status !== 'active' && this.status !== 'held')) return;
    const segments = this.tracker.take(s.duration_seconds);
    const position = Math.min(this.video.currentTime, s.duration_seconds);
    if (!segments.length && Math.abs(position - this.lastPosition) < 0.5) return;
    this.lastPosition = position;
    this.lastBeatAt = performance.now();
    const size = this.maxSegments();
    const parts = [];
    for (let i = 0; i < segments.length; i += size) parts.push(segments.slice(i, i + size));
    if (!parts.length) parts.push([]);  // no playback, but the position moved (a seek back)
    for (const part of parts) {
      const seq = this.store.get(`seq.${s.id}`, 0) + 1;
      this.store.set(`seq.${s.id}`, seq);
      const body = { seq, segments: part, position, rate: this.video.playbackRate };
      const url = this.config.heartbeatUrl.replace('__SESSION__', s.id);
      this.queue.push({ session: s.id, seq, url, body, token: s.watch_token });
    }
  }

  /** The page is hidden or left: say what was played now, with requests that outlive the page. */
  hidden() {
    if (!this.session) return;
    this.beat();
    this.queue.flushOnExit();
  }

  delivered(entry, reply) {
    if (!this.session || entry.session !== this.session.id || !reply.lesson) return;
    const lesson = reply.lesson;
    this.session.covered_seconds = lesson.covered_seconds;
    this.session.completed = this.session.completed || lesson.completed;
    this.view.coverage(lesson.covered_seconds, lesson.duration_seconds, lesson.completed);
    this.view.course(reply.course);
    this.view.closed(reply.closed);
    this.pending.confirmed(entry);
    this.next.lessonState(lesson.completed, reply.course);
    this.checks.delivered(reply);
  }

  /** A check passed (learning.check_api): the stretch it held is credited now. */
  checkPassed(result) {
    if (!this.session || !result.lesson) return;
    this.session.covered_seconds = result.lesson.covered_seconds;
    this.session.completed = this.session.completed || result.lesson.completed;
    this.view.coverage(result.lesson.covered_seconds, result.lesson.duration_seconds, result.lesson.completed);
    this.view.course(result.course);
    this.next.lessonState(result.lesson.completed, result.course);
  }

  /** A check failed or missed: play again from ``position``, where the uncredited stretch began,
      and keep seeking within what is credited until it is watched again. */
  rewind(position) {
    this.tracker.close();
    if (this.session && !this.session.completed) {
      this.session.furthest_position = Math.min(this.session.furthest_position, position);
      this.tracker.furthest = Math.min(this.tracker.furthest, position);
    }
    this.video.currentTime = position;
    this.video.play().catch(() => {});
  }

  stopped(entry, status, reply) {
    if (!this.session || entry.session !== this.session.id) return;  // an older page's session
    if (status === 409) this.stopHere(this.strings.elsewhere, true);
    else this.unavailable((reply && reply.error && reply.error.message) || this.strings.unavailable);
  }

  stopHere(text, offerResume) {
    this.setStatus(offerResume ? 'stopped' : 'unavailable');
    clearInterval(this.timer);
    this.tracker.discard();
    this.video.pause();
    this.checks.stop();
    this.view.alert(text, offerResume);
  }

  unavailable(text) {
    this.stopHere(text, false);
  }

  /** A stopped window plays nothing: it says why instead. Returns true when it refused. */
  refuseIfStopped() {
    if (this.status !== 'stopped' && this.status !== 'unavailable') return false;
    this.video.pause();
    this.tracker.discard();
    this.view.alertBox.hidden = false;
    return true;
  }

  /** "Continue here": open a new session, which stops the other window in turn. */
  continueHere() {
    this.tracker.discard();
    this.view.clearAlert();
    this.session = null;
    this.setStatus('opening');
    this.connect();
  }

  held() {
    this.setStatus('held');
    this.view.alert(this.strings.signedOut, false);
  }

  queueChanged() {
    const size = this.queue.size;
    this.root.dataset.queued = String(size);
    this.pending.update();
    if (this.queue.failing && size) this.view.status('offline', { count: size }, 'network');
    else this.view.clearStatus('network');
  }
}

const root = document.getElementById('player');
const video = document.getElementById('lesson-video');
const configBlock = document.getElementById('player-config');
if (root && video && configBlock) {
  new Player(root, video, JSON.parse(configBlock.textContent)).start();
}
