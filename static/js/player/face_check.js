/* The face check (人脸抓拍, issue 19) inside the check overlay: when the server makes one due
   (``check.kind === 'face'``), ask for the camera with getUserMedia, show the live preview,
   take one frame on the trainee's click (canvas → JPEG), post it with the nonce, then ask
   again with the nonce until the server has its verdict (正在核验). The server judges the face
   and credits the held stretch; nothing here decides anything.

   ``check.face.route`` says what the server expects: ``camera`` (a frame), ``human`` (the unit
   administrator confirmed the trainee in person: 继续 asks the server to take that as the
   check), ``enrol`` (no reference photo yet: only what to do). No camera, or the camera
   refused: the human route's text; the stretch stays uncredited. */
import { errorMessage, postJson } from '../api.js';

const $ = (id) => document.getElementById(id);
const POLL_MS = 1500;

export class FaceCheck {
  /** @param {object} overlay the CheckOverlay (player, strings, dialog parts, verdict()) */
  constructor(overlay) {
    this.overlay = overlay;
    this.strings = overlay.strings;
    this.camera = $('player-check-camera');
    this.shoot = $('player-check-capture');
    this.stream = null;
    this.check = null;
    this.shoot.addEventListener('click', () => this.capture());
  }

  /** Show a due (or already judging) face check. */
  ask(check) {
    const overlay = this.overlay;
    this.check = check;
    overlay.title.textContent = this.strings.faceTitle;
    overlay.stem.textContent = check.face.message;
    overlay.options.replaceChildren();
    overlay.note.hidden = true;
    overlay.submit.hidden = check.face.route !== 'human';
    overlay.submit.textContent = this.strings.checkContinue;
    overlay.submit.disabled = false;
    overlay.back.hidden = check.face.route !== 'enrol';
    overlay.back.textContent = this.strings.checkContinue;
    this.shoot.hidden = true;
    if (check.state === 'judging') this.judging();
    else if (check.face.route === 'camera') this.start();
  }

  async start() {
    const media = navigator.mediaDevices;
    try {
      if (!media || !media.getUserMedia) throw new Error('no camera');
      this.stream = await media.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
    } catch (error) {
      this.noCamera();
      return;
    }
    if (!this.check) return this.stop();
    this.camera.srcObject = this.stream;
    this.camera.hidden = false;
    this.camera.play().catch(() => {});
    this.shoot.hidden = false;
    this.shoot.disabled = false;
  }

  /** No camera or no permission: the human route, nothing credited past the check. */
  noCamera() {
    this.overlay.stem.textContent = this.strings.faceNoCamera;
    this.overlay.back.hidden = false;
  }

  /** One frame of the preview as a JPEG data URL. */
  frame() {
    const canvas = document.createElement('canvas');
    canvas.width = this.camera.videoWidth || 640;
    canvas.height = this.camera.videoHeight || 480;
    canvas.getContext('2d').drawImage(this.camera, 0, 0, canvas.width, canvas.height);
    return canvas.toDataURL('image/jpeg', 0.9);
  }

  async capture() {
    if (!this.check || !this.camera.videoWidth) return;
    this.shoot.disabled = true;
    const image = this.frame();
    const response = await this.post({ nonce: this.check.nonce, image });
    if (!response) {
      this.shoot.disabled = false;
      return;
    }
    this.stop();
    this.handle(response);
  }

  /** The human route's 继续: the server passes it once the unit confirmed the trainee. */
  async human() {
    if (!this.check) return;
    this.overlay.submit.disabled = true;
    const response = await this.post({ nonce: this.check.nonce, route: 'human' });
    this.overlay.submit.disabled = false;
    if (response) this.handle(response);
  }

  /** POST to the checks call; the parsed answer, or null with the error shown. */
  async post(body) {
    const session = this.overlay.player.session;
    if (!session) return null;
    const url = this.overlay.player.config.checksUrl.replace('__SESSION__', session.id);
    let response;
    try {
      response = await postJson(url, body);
    } catch (error) {
      this.overlay.error.textContent = this.strings.checkNetwork;
      return null;
    }
    if (response.ok) {
      this.overlay.error.textContent = '';
      return response.json();
    }
    const message = await errorMessage(response);
    if (response.status === 410) return { state: 'missed', message, rewind_to: this.check && this.check.rewind_to };
    this.overlay.error.textContent = message || this.strings.checkNetwork;
    return null;
  }

  handle(result) {
    if (result.verdict === 'pending') return this.judging();
    const state = result.verdict || result.state;
    this.check = null;
    this.overlay.verdict(result);
    if (state === 'passed') this.overlay.player.view.status('facePassed');
    if (state === 'review') {
      this.overlay.title.textContent = this.strings.faceReviewTitle;
      this.overlay.dialog.dataset.state = 'review';
    }
  }

  /** 正在核验: ask the server again until the model's verdict is in. */
  judging() {
    const overlay = this.overlay;
    overlay.stem.textContent = this.strings.faceJudging;
    overlay.submit.hidden = true;
    overlay.back.hidden = true;
    this.shoot.hidden = true;
    overlay.dialog.dataset.state = 'judging';
    clearTimeout(this.timer);
    this.timer = setTimeout(async () => {
      if (!this.check) return;
      const result = await this.post({ nonce: this.check.nonce });
      if (result) this.handle(result);
      else if (this.check) this.judging();
    }, POLL_MS);
  }

  /** Let the camera go (the check is answered, or the session ended). */
  stop() {
    if (this.stream) this.stream.getTracks().forEach((track) => track.stop());
    this.stream = null;
    this.camera.srcObject = null;
    this.camera.hidden = true;
    this.shoot.hidden = true;
  }

  end() {
    clearTimeout(this.timer);
    this.check = null;
    this.stop();
  }
}
