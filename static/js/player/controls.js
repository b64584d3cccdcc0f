/* The player's house rules on the <video>: no seeking past the furthest point watched until
   the lesson is complete, no rate above the top one, a pause when the page is hidden, the
   space bar, the captions button. They help an honest trainee; the server trusts none of it. */

const CONTROLS = 'a, button, input, select, textarea, summary, video, audio, dialog, [contenteditable], [role="button"]';
// Seeking this little past the furthest point is playback jitter, not a jump ahead.
const SEEK_SLACK = 0.5;

/**
 * @param {HTMLVideoElement} video
 * @param {object} player rules(): {seekLock, maxRate, pauseWhenHidden, completed}; furthest();
 *   view; hidden() called when the page is hidden or left.
 */
export function installControls(video, player) {
  guardSeeking(video, player);
  capRate(video, player);
  pauseWhenHidden(video, player);
  spaceToggles(video);
  captionsToggle(video, player.view);
}

function guardSeeking(video, player) {
  video.addEventListener('seeking', () => {
    const rules = player.rules();
    if (!rules.seekLock || rules.completed) return;
    const furthest = player.furthest();
    if (video.currentTime > furthest + SEEK_SLACK) {
      video.currentTime = furthest;
      player.view.status('seekLocked');
    }
  });
}

function capRate(video, player) {
  const cap = () => {
    const top = player.rules().maxRate;
    if (video.defaultPlaybackRate > top) video.defaultPlaybackRate = top;
    if (video.playbackRate > top) {
      video.playbackRate = top;
      player.view.status('rateCapped', { rate: top });
    }
  };
  video.addEventListener('ratechange', cap);
  video.addEventListener('loadedmetadata', cap);
  cap();
}

function pauseWhenHidden(video, player) {
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'hidden') return;
    if (player.rules().pauseWhenHidden && !video.paused) {
      video.pause();
      player.view.status('pausedHidden');
    }
    player.hidden();
  });
  window.addEventListener('pagehide', () => player.hidden());
}

function spaceToggles(video) {
  document.addEventListener('keydown', (event) => {
    if (event.key !== ' ' || event.repeat || event.ctrlKey || event.altKey || event.metaKey) return;
    const target = event.target instanceof Element ? event.target : null;
    if (target && target.closest(CONTROLS)) return;
    event.preventDefault();
    if (video.paused) video.play().catch(() => {});
    else video.pause();
  });
}

function captionsToggle(video, view) {
  const button = view.captionsButton;
  if (!button) return;
  const track = () => video.textTracks[0] || null;
  view.captions(track());
  video.textTracks.addEventListener('addtrack', () => view.captions(track()));
  video.textTracks.addEventListener('change', () => view.captions(track()));
  button.addEventListener('click', () => {
    const current = track();
    if (!current) return;
    current.mode = current.mode === 'showing' ? 'hidden' : 'showing';
    view.captions(current);
  });
}
