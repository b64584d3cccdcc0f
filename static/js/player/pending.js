/* The lesson's figure as the trainee sees it: what the server has credited, and next to it
   what was played and sent, or is about to be, but not yet confirmed (待确认). Without the
   second part the credited figure trails the video by up to a heartbeat (00:20 played,
   已学 0:12) and the trainee thinks time is lost.

   Pending seconds are the played segments (queued heartbeats of the open session and what
   the tracker has not handed over yet) that fall outside what is known to be credited: the
   page's intervals and every segment the server has since confirmed. Replaying a part that
   is credited already adds nothing. */
import { clock, fill } from './format.js';
import { normalise } from './tracker.js';

const $ = (id) => document.getElementById(id);
// Below this, nothing worth showing is waiting (timer jitter, a heartbeat on its way).
const SHOWN_FROM = 0.5;

function length(segments) {
  return segments.reduce((sum, [a, b]) => sum + (b - a), 0);
}

export class PendingFigure {
  /**
   * @param {object} player session (id, duration_seconds), queue.entries(), tracker.peek()
   * @param {number[][]} covered the lesson's credited intervals when the page was made
   * @param {object} strings pending: "待确认 {time}"
   */
  constructor(player, covered, strings) {
    this.player = player;
    this.strings = strings;
    this.known = normalise(Array.isArray(covered) ? covered : [], Infinity);
    this.text = $('player-pending');
    this.bar = $('player-pending-bar');
    player.video.addEventListener('timeupdate', () => this.update());
    setInterval(() => this.update(), 1000);
  }

  /** The server took ``entry``'s segments: they are credited now, no longer pending. */
  confirmed(entry) {
    const segments = (entry.body && entry.body.segments) || [];
    this.known = normalise([...this.known, ...segments], Infinity);
    this.update();
  }

  /** Seconds played in this page and not yet confirmed, outside what is credited. */
  seconds() {
    const session = this.player.session;
    if (!session) return 0;
    const queued = this.player.queue.entries()
      .filter((entry) => entry.session === session.id)
      .flatMap((entry) => (entry.body && entry.body.segments) || []);
    const played = [...queued, ...this.player.tracker.peek()];
    const limit = session.duration_seconds;
    const known = normalise(this.known, limit);
    return Math.max(length(normalise([...known, ...played], limit)) - length(known), 0);
  }

  update() {
    const session = this.player.session;
    const waiting = this.seconds();
    const shown = waiting >= SHOWN_FROM;
    this.text.hidden = !shown;
    this.bar.hidden = !shown;
    this.player.root.dataset.pending = String(Math.round(waiting * 10) / 10);
    if (!shown) return;
    this.text.textContent = fill(this.strings.pending, { time: clock(Math.round(waiting)) });
    // The striped part of the bar starts where the credited part ends.
    const whole = session.duration_seconds > 0 ? session.duration_seconds : 1;
    const credited = Math.min(Math.max(session.covered_seconds || 0, 0), whole);
    this.bar.style.left = `${(100 * credited) / whole}%`;
    this.bar.style.width = `${(100 * Math.min(waiting, whole - credited)) / whole}%`;
  }
}
