/* After a lecture: its tick in 课程目录 as soon as the server says it is complete, and, once
   the video has ended, "本讲已完成" with what comes next: the next lecture after a countdown
   the trainee can cancel (PLAYER_NEXT_SECONDS; 0 only offers it), or after the last one the
   course's state and its next step (the test, when it still stands between the lectures and
   the 学时; the lectures still to watch; or back to the 学习中心).

   Auto-advance leaves a note in sessionStorage, so the next page starts playing once its
   watch session is open (a reload or a link does not). Sentences come from the page. */
import { fill } from './format.js';

const $ = (id) => document.getElementById(id);
const AUTOPLAY = 'zhixin.player.autoplay';

function note(key, value) {
  try {
    if (value === undefined) {
      const found = window.sessionStorage.getItem(key);
      window.sessionStorage.removeItem(key);
      return found;
    }
    window.sessionStorage.setItem(key, value);
  } catch (error) {
    // storage refused (private mode): the next lecture opens without playing on its own
  }
  return null;
}

export class NextLecture {
  /**
   * @param {HTMLElement} root the player (its data-state says when the session is open)
   * @param {HTMLVideoElement} video
   * @param {object} config the page's: lessonId, next {id, title, url} or null, nextSeconds,
   *   examUrl (null without a test), centreUrl, strings
   */
  constructor(root, video, config) {
    this.root = root;
    this.video = video;
    this.config = config;
    this.strings = config.strings;
    this.box = $('player-next');
    this.title = $('player-next-title');
    this.text = $('player-next-text');
    this.countdownText = $('player-next-countdown');
    this.go = $('player-next-go');
    this.cancelButton = $('player-next-cancel');
    this.done = false;
    this.ended = false;
    this.course = null;
    this.timer = null;
    video.addEventListener('ended', () => { this.ended = true; this.offer(); });
    video.addEventListener('play', () => { this.ended = false; this.withdraw(); });
    this.cancelButton.addEventListener('click', () => this.cancel());
    this.go.addEventListener('click', () => this.leaving());
    if (note(AUTOPLAY) === String(config.lessonId)) this.playWhenOpen();
  }

  /** The server's word on this lecture and its course (the session opened, a heartbeat answered). */
  lessonState(completed, course) {
    if (course) this.course = course;
    if (!completed) return;
    if (!this.done) {
      this.done = true;
      this.tick(this.config.lessonId);
    }
    if (this.ended && this.box.hidden) this.offer();
  }

  /** The lecture's entry in 课程目录 gets the page's tick (the server renders the others). */
  tick(lessonId) {
    const entry = document.querySelector(`.lesson-list li[data-lesson-id="${lessonId}"]`);
    const tick = $('lesson-tick');
    if (!entry || !tick || entry.classList.contains('done')) return;
    entry.classList.add('done');
    const state = entry.querySelector('.lesson-state') || entry;
    state.prepend(tick.content.cloneNode(true));
  }

  /** The video ended on a finished lecture: say so, and what is next. */
  offer() {
    if (!this.done || !this.ended) return;
    this.title.textContent = this.strings.nextDone;
    this.countdownText.textContent = '';
    this.cancelButton.hidden = true;
    const next = this.config.next;
    if (next) {
      this.show(fill(this.strings.nextLecture, { title: next.title }), next.url, this.strings.nextGo);
      this.startCountdown(next);
    } else {
      this.afterTheLast();
    }
  }

  /** The last lecture: the course's next step, never a countdown. */
  afterTheLast() {
    const course = this.course || {};
    const left = [...document.querySelectorAll('.lesson-list li[data-lesson-id]:not(.done)')];
    const hours = Number(course.credited_hours || 0);
    if (left.length) {
      const link = left[0].querySelector('a');
      this.show(fill(this.strings.nextRemaining, { count: left.length, title: link.textContent.trim() }),
        link.href, this.strings.nextRemainingGo);
    } else if (course.exam_pending && this.config.examUrl) {
      this.title.textContent = this.strings.courseAllWatched;
      this.show(fill(this.strings.nextTest, { hours: this.strings.courseHours }), this.config.examUrl,
        this.strings.nextTestGo);
    } else {
      const text = course.completed && hours > 0
        ? fill(this.strings.courseDone, { hours: hours.toFixed(1) }) : this.strings.courseComplete;
      this.show(text, this.config.centreUrl, this.strings.nextCentre);
    }
  }

  show(text, url, label) {
    this.text.textContent = text;
    this.go.href = url;
    this.go.textContent = label;
    this.go.hidden = false;
    this.box.hidden = false;
    this.root.classList.add('has-next');
  }

  startCountdown(next) {
    let left = Math.floor(Number(this.config.nextSeconds) || 0);
    if (left <= 0) return;
    const step = () => {
      if (left <= 0) {
        this.stopCountdown();
        this.leaving();
        window.location.assign(next.url);
        return;
      }
      this.countdownText.textContent = fill(this.strings.nextCountdown, { seconds: left });
      left -= 1;
    };
    this.cancelButton.hidden = false;
    step();
    this.timer = setInterval(step, 1000);
  }

  stopCountdown() {
    clearInterval(this.timer);
    this.timer = null;
  }

  /** "取消自动播放": the next lecture stays offered, nothing happens on its own. */
  cancel() {
    this.stopCountdown();
    this.countdownText.textContent = '';
    this.cancelButton.hidden = true;
    this.go.focus();
  }

  /** Playing again (the trainee replays the lecture): the prompt goes away. */
  withdraw() {
    this.stopCountdown();
    this.box.hidden = true;
    this.root.classList.remove('has-next');
  }

  /** Off to the next lecture, by the countdown or the link: it starts playing there. */
  leaving() {
    const next = this.config.next;
    if (next && this.go.href.endsWith(next.url)) note(AUTOPLAY, String(next.id));
  }

  /** Arrived by auto-advance: play once the watch session is open (and has resumed). */
  playWhenOpen() {
    const play = () => {
      if (this.video.readyState >= 1) this.video.play().catch(() => {});
      else this.video.addEventListener('loadedmetadata', () => this.video.play().catch(() => {}), { once: true });
    };
    if (this.root.dataset.state === 'active') {
      play();
      return;
    }
    const watch = new MutationObserver(() => {
      if (this.root.dataset.state !== 'active') return;
      watch.disconnect();
      play();
    });
    watch.observe(this.root, { attributes: true, attributeFilter: ['data-state'] });
  }
}
