/* Live processing state on the video pages: each [data-video-status] element that is
   uploading or processing polls GET /api/v1/videos/<id> (api.js's poller) and updates its
   <progress>; when the video is done it shows the outcome (or reloads the page, where the
   element says data-reload-when-done, so the player or the reason appears). */
import { poll } from './api.js';

const ACTIVE = ['uploading', 'processing'];

/** Show one answer; true once the video has reached its end state. */
function render(element, video) {
  const progress = element.querySelector('[data-progress]');
  const text = element.querySelector('[data-progress-text]');
  const label = element.querySelector('[data-status-label]');
  const error = element.querySelector('[data-error]');
  if (progress) { progress.value = video.progress; progress.textContent = `${video.progress}%`; }
  if (text) text.textContent = `${video.progress}%`;
  if (ACTIVE.includes(video.status)) return false;
  element.setAttribute('data-video-status', video.status);
  if (element.hasAttribute('data-reload-when-done')) {
    window.location.reload();
    return true;
  }
  if (label) {
    label.textContent = element.getAttribute(`data-label-${video.status}`) || video.status;
    label.className = `badge status-${video.status}`;
  }
  if (progress) progress.remove();
  if (text) text.remove();
  if (error && video.status === 'failed') error.textContent = video.error || '';
  return true;
}

for (const element of document.querySelectorAll('[data-video-status]')) {
  if (ACTIVE.includes(element.getAttribute('data-video-status'))) {
    poll(element.getAttribute('data-api'), { seen: (video) => render(element, video) });
  }
}
