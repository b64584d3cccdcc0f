/* What the trainee sees around the video: the lesson's coverage, the course's 学时, messages,
   and the captions button (checks: player/checks.js). Sentences come from the page (translated
   by the server); this file holds no text of its own. */
import { clock, fill } from './format.js';

const $ = (id) => document.getElementById(id);

export class PlayerView {
  constructor(root, strings) {
    this.root = root;
    this.strings = strings;
    this.coverageBar = $('player-coverage');
    this.coverageText = $('player-coverage-text');
    this.courseText = $('player-course');
    this.statusText = $('player-status');
    this.alertBox = $('player-alert');
    this.alertText = $('player-alert-text');
    this.resumeButton = $('player-resume-here');
    this.captionsButton = $('player-captions');
    this.statusKind = '';
  }

  state(name) {
    this.root.dataset.state = name;
  }

  /** The lesson's coverage: covered seconds of its duration, and whether it is complete. */
  coverage(covered, duration, completed) {
    const whole = duration > 0 ? duration : 1;
    const part = Math.min(Math.max(covered, 0), whole);
    this.coverageBar.max = whole;
    this.coverageBar.value = part;
    const percent = Math.floor((100 * part) / whole);
    const shown = fill(this.strings.coverage, { percent, covered: clock(part), duration: clock(whole) });
    this.coverageText.textContent = completed ? `${shown} · ${this.strings.lessonDone}` : shown;
    this.coverageBar.textContent = `${percent}%`;
    this.root.classList.toggle('is-complete', Boolean(completed));
  }

  /** The course's state from a heartbeat reply: completed with its credited 学时, or not yet. */
  course(course) {
    const done = Boolean(course && course.completed);
    const credited = done ? Number(course.credited_hours || 0) : 0;
    const worth = Number(this.strings.courseHours);
    let text = '';
    if (done && course.exam_pending) text = fill(this.strings.courseExam, { hours: this.strings.courseHours });
    else if (done) text = credited > 0 ? fill(this.strings.courseDone, { hours: credited.toFixed(1) }) : this.strings.courseComplete;
    else if (worth > 0) text = fill(this.strings.coursePending, { hours: this.strings.courseHours });
    this.courseText.textContent = text;
    this.courseText.classList.toggle('is-done', done);
  }

  /** A passing remark (role=status); ``kind`` lets a later call clear only its own remark. */
  status(key, values = {}, kind = key) {
    this.statusText.textContent = fill(this.strings[key], values);
    this.statusKind = kind;
  }

  /** Why the server credits nothing now, in its own words (a locked year, a window closed, the
      day's cap reached: ``reply.closed``), or, once it credits again, nothing. */
  closed(closed) {
    if (closed && closed.message) {
      this.statusText.textContent = closed.message;
      this.statusKind = 'closed';
      this.root.dataset.closed = closed.code || '';
    } else {
      this.clearStatus('closed');
      delete this.root.dataset.closed;
    }
  }

  clearStatus(kind) {
    if (kind && this.statusKind !== kind) return;
    this.statusText.textContent = '';
    this.statusKind = '';
  }

  /** A stop the trainee must know about (role=alert), with the "continue here" button or not. */
  alert(text, offerResume) {
    this.alertText.textContent = text;
    this.resumeButton.hidden = !offerResume;
    this.alertBox.hidden = false;
  }

  clearAlert() {
    this.alertBox.hidden = true;
    this.alertText.textContent = '';
  }

  /** Show the captions button when the video has a text track; keep its pressed state true. */
  captions(track) {
    if (!this.captionsButton) return;
    this.captionsButton.hidden = !track;
    if (track) this.captionsButton.setAttribute('aria-pressed', String(track.mode === 'showing'));
  }
}
