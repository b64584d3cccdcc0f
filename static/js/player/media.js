/* Fresh media links for every <video data-media-url data-media-expires-in="…"> of the page.

   With MEDIA_LINK_SECRET the page's poster, rendition and caption links are signed for the
   viewer and expire (courses/media/links.py): nginx then answers 410, which the element
   reports as an error. This asks data-media-url (GET /api/v1/lessons/<id>/media, or the
   video call on a studio page) for fresh links when that happens, or while paused shortly
   before the expiry, swaps them in and carries on where playback was, playing if it was.
   Without the secret data-media-expires-in is empty: the links never expire, nothing to do. */
import { request } from '../api.js';

// While paused, renew this long before the links expire (playing, a renewal would stall it).
const EARLY_MS = 60000;
// After an error, no second renewal this soon: a file that is really missing stays missing.
const MIN_GAP_MS = 15000;

export class MediaLinks {
  constructor(video) {
    this.video = video;
    this.url = video.dataset.mediaUrl;
    this.expiresAt = Date.now() + Number(video.dataset.mediaExpiresIn) * 1000;
    this.renewedAt = 0;
    this.busy = false;
    // Where playback was and whether it was wanted, kept across a failed load that empties
    // the element (currentTime back to 0, paused without a pause event).
    this.position = 0;
    this.wanted = false;
    const seen = () => { if (video.readyState > 0) this.position = video.currentTime; };
    video.addEventListener('timeupdate', seen);
    video.addEventListener('seeked', seen);
    video.addEventListener('play', () => { this.wanted = true; });
    video.addEventListener('ended', () => { this.wanted = false; });
    // A failing <source> fires its error on itself, not on the video: listen while it passes.
    video.addEventListener('error', (event) => { if (event.target.tagName !== 'TRACK') this.failed(); }, true);
    video.addEventListener('pause', () => {
      if (video.readyState > 0) this.wanted = false;  // the trainee's pause, not a failed load
      if (this.due()) this.renew();
    });
    this.schedule();
  }

  due() {
    return Date.now() >= this.expiresAt - EARLY_MS;
  }

  schedule() {
    clearTimeout(this.timer);
    const wait = Math.max(this.expiresAt - EARLY_MS - Date.now(), 1000);
    this.timer = setTimeout(() => { if (this.video.paused) this.renew(); }, wait);
  }

  failed() {
    if (Date.now() - this.renewedAt < MIN_GAP_MS) return;
    this.renew();
  }

  async renew() {
    if (this.busy) return;
    this.busy = true;
    this.renewedAt = Date.now();
    try {
      const response = await request(this.url);
      if (response.ok) this.apply(await response.json());
    } catch (error) {
      // offline: the next error or pause asks again
    } finally {
      this.busy = false;
    }
  }

  /** Swap in ``links`` ({renditions: [{height, url}], poster, captions, expires_in}). */
  apply(links) {
    const video = this.video;
    const byHeight = new Map((links.renditions || []).map((r) => [String(r.height), r.url]));
    for (const source of video.querySelectorAll('source')) {
      const url = byHeight.get(source.dataset.height);
      if (url) source.src = url;
    }
    if (links.poster) video.poster = links.poster;
    const track = video.querySelector('track');
    if (track && links.captions && track.readyState !== 2) track.src = links.captions;  // 2: loaded
    if (links.expires_in != null) {
      this.expiresAt = Date.now() + links.expires_in * 1000;
      this.schedule();
    }
    this.reload();
  }

  /** Load the new sources and come back to where playback was, playing if it was. */
  reload() {
    const video = this.video;
    const at = video.readyState > 0 ? video.currentTime : this.position;
    const playing = this.wanted;
    video.load();
    video.addEventListener('loadedmetadata', () => {
      if (at > 0) video.currentTime = at;
      if (playing) video.play().catch(() => {});
    }, { once: true });
  }
}

for (const video of document.querySelectorAll('video[data-media-url]')) {
  if (video.dataset.mediaExpiresIn) new MediaLinks(video);
}
