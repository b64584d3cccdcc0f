/* Checks during video study (issue 19): the server decides when one is due and says so in a
   heartbeat's answer (``reply.check``: a one-use nonce and a question without its answer);
   this overlay pauses the video, asks, posts the answer with the nonce and shows the server's
   verdict. A wrong or late answer sends the video back to where the uncredited stretch began
   (``rewind_to``). Nothing here decides anything: a script that closes the overlay earns
   nothing, since the server credits nothing past a check until it is passed.

   A face check (人脸抓拍) takes one camera frame instead of an answer (face_check.js).

   Sentences come from the page (translated by the server). */
import { errorMessage, postJson } from '../api.js';
import { FaceCheck } from './face_check.js';
import { clock, fill } from './format.js';

const $ = (id) => document.getElementById(id);

export class CheckOverlay {
  /**
   * @param {object} player video, session, strings, config.checksUrl, view; tracker.furthest
   */
  constructor(player) {
    this.player = player;
    this.strings = player.strings;
    this.dialog = $('player-check');
    this.title = $('player-check-title');
    this.stem = $('player-check-stem');
    this.options = $('player-check-options');
    this.note = $('player-check-note');
    this.timeLeft = $('player-check-time');
    this.error = $('player-check-error');
    this.submit = $('player-check-submit');
    this.back = $('player-check-rewind');
    this.check = null;
    this.submitText = this.submit.textContent;
    this.face = new FaceCheck(this);
    this.submit.addEventListener('click', () => (this.check && this.check.kind === 'face' ? this.face.human() : this.answer()));
    this.back.addEventListener('click', () => this.close());
    this.dialog.addEventListener('cancel', (event) => event.preventDefault());
  }

  /** A heartbeat's answer: a check that is due, or a check the server found missed. */
  delivered(reply) {
    if (reply.check_result) this.verdict(reply.check_result);
    else if (reply.check) this.ask(reply.check);
  }

  ask(check) {
    if (this.check && this.check.nonce === check.nonce && this.dialog.open) return;
    this.check = check;
    this.player.video.pause();
    this.error.textContent = '';
    if (check.kind === 'face') {
      this.countdown(check.state === 'judging' ? null : check.seconds_left);
      if (!this.dialog.open) this.dialog.showModal();
      this.dialog.dataset.state = 'asking';
      this.face.ask(check);
      return;
    }
    this.face.end();
    this.submit.textContent = this.submitText;
    const question = check.question || { kind: 'single', stem: '', options: [] };
    this.title.textContent = check.kind === 'idle' ? this.strings.checkIdleTitle : this.strings.checkTitle;
    this.stem.textContent = question.stem;
    this.options.replaceChildren(...question.options.map((text, index) => this.option(question.kind, index, text)));
    this.error.textContent = '';
    this.note.hidden = false;
    this.submit.hidden = false;
    this.submit.disabled = false;
    this.back.hidden = true;
    this.countdown(check.seconds_left);
    if (!this.dialog.open) this.dialog.showModal();
    this.dialog.dataset.state = 'asking';
  }

  option(kind, index, text) {
    const label = document.createElement('label');
    label.className = 'check-option';
    const input = document.createElement('input');
    input.type = kind === 'multiple' ? 'checkbox' : 'radio';
    input.name = 'player-check-choice';
    input.value = String(index);
    label.append(input, ' ', text);
    return label;
  }

  countdown(seconds) {
    clearInterval(this.timer);
    if (seconds === null || seconds === undefined) {
      this.timeLeft.textContent = '';
      return;
    }
    const ends = performance.now() + seconds * 1000;
    const show = () => {
      const left = Math.max(0, Math.round((ends - performance.now()) / 1000));
      this.timeLeft.textContent = fill(this.strings.checkTimeLeft, { seconds: left });
      if (!left) clearInterval(this.timer);
    };
    show();
    this.timer = setInterval(show, 1000);
  }

  chosen() {
    return [...this.options.querySelectorAll('input:checked')].map((input) => Number(input.value));
  }

  async answer() {
    const check = this.check;
    const session = this.player.session;
    if (!check || !session) return;
    const answer = this.chosen();
    if (!answer.length) {
      this.error.textContent = this.strings.checkChoose;
      return;
    }
    this.submit.disabled = true;
    const url = this.player.config.checksUrl.replace('__SESSION__', session.id);
    const body = { nonce: check.nonce, question_id: check.question ? check.question.id : null, answer };
    let response;
    try {
      response = await postJson(url, body);
    } catch (error) {
      this.submit.disabled = false;
      this.error.textContent = this.strings.checkNetwork;
      return;
    }
    if (response.ok) this.verdict(await response.json());
    else if (response.status === 410) this.verdict({ state: 'missed', message: await errorMessage(response), rewind_to: check.rewind_to });
    else {
      this.submit.disabled = false;
      this.error.textContent = (await errorMessage(response)) || this.strings.checkNetwork;
    }
  }

  /** The server's verdict: passed, play on; failed or missed, say so and go back. */
  verdict(result) {
    clearInterval(this.timer);
    this.face.end();
    const state = result.verdict || result.state;
    if (state === 'passed') {
      this.player.checkPassed(result);
      this.check = null;
      if (this.dialog.open) this.dialog.close();
      this.player.view.status('checkPassed');
      this.player.video.play().catch(() => {});
      return;
    }
    this.check = null;
    this.rewindTo = typeof result.rewind_to === 'number' ? result.rewind_to : null;
    this.stem.textContent = result.message || '';
    this.options.replaceChildren();
    this.title.textContent = this.strings.checkFailedTitle;
    this.note.hidden = true;
    this.error.textContent = '';
    this.timeLeft.textContent = '';
    this.submit.hidden = true;
    this.back.hidden = false;
    this.back.textContent = this.rewindTo === null ? this.strings.checkContinue
      : fill(this.strings.checkRewind, { position: clock(this.rewindTo) });
    this.player.video.pause();
    if (!this.dialog.open) this.dialog.showModal();
    this.dialog.dataset.state = state;
  }

  /** After a failed or missed check: back to where the uncredited stretch began. */
  close() {
    if (this.dialog.open) this.dialog.close();
    if (this.rewindTo !== null && this.rewindTo !== undefined) this.player.rewind(this.rewindTo);
    this.rewindTo = null;
  }

  /** The session ended (another window, signed out): the question goes with it. */
  stop() {
    clearInterval(this.timer);
    this.face.end();
    this.check = null;
    if (this.dialog.open) this.dialog.close();
  }
}
