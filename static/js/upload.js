/* The producer's upload page: Uppy's Dashboard sends videos over tus (resumable: the upload
   URLs are kept in localStorage, so choosing the same file again after a reload or a lost
   connection continues where it stopped), then each finished upload's processing status is
   polled (api.js's poller) until the video is ready or failed.
   Uppy is the vendored bundle (static/vendor/uppy, built from frontend/), a classic script
   the page loads before this module, which finds it as window.Uppy.
   Settings come from #uppy-dashboard's data- attributes, sentences from #upload-strings. */
import { csrfToken, messageOf, poll, POLL_MS, request } from './api.js';

const root = document.getElementById('uppy-dashboard');
const settings = root ? root.dataset : {};
const strings = root ? JSON.parse(document.getElementById('upload-strings').textContent) : {};
const results = document.getElementById('upload-results');
const empty = document.getElementById('upload-results-empty');

function makeUppy() {
  const lib = window.Uppy;
  const options = {
    id: 'zhixin-upload',
    autoProceed: false,
    restrictions: {
      maxFileSize: Number(settings.maxBytes),
      allowedFileTypes: ['video/*'].concat(settings.extensions.split(',')),
    },
  };
  // Without a language pack Uppy keeps its built-in English.
  if (lib.locales[settings.uppyLocale]) options.locale = lib.locales[settings.uppyLocale];
  const uppy = new lib.Uppy(options);
  uppy.use(lib.Dashboard, {
    inline: true,
    target: root,
    width: '100%',
    height: 420,
    note: strings.note,
    showProgressDetails: true,
    proudlyDisplayPoweredByUppy: false,
  });
  uppy.use(lib.Tus, {
    endpoint: settings.endpoint,
    headers: { 'X-CSRFToken': csrfToken() },
    chunkSize: Number(settings.chunkBytes),
    // A dropped network is retried for about a minute; longer outages pause until the
    // browser is back online (Uppy listens for that), or wait for "retry".
    retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
    // A finished upload is forgotten, so the same file chosen again makes a new video.
    removeFingerprintOnSuccess: true,
    allowedMetaFields: ['name', 'type'],
    limit: 2,
  });
  return uppy;
}

/** The server's own (translated) reason from the JSON error body tus received, if any. */
function serverMessage(response) {
  const xhr = response && response.body && response.body.xhr;
  if (!xhr || !xhr.responseText) return '';
  try {
    return messageOf(JSON.parse(xhr.responseText));
  } catch (error) {
    return '';
  }
}

/** The last path segment of the upload's URL: the id of the video it became. */
function videoIdOf(uploadURL) {
  if (!uploadURL) return '';
  const parts = new URL(uploadURL, window.location.href).pathname.split('/').filter(Boolean);
  return parts.length ? decodeURIComponent(parts[parts.length - 1]) : '';
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

function addRow(filename) {
  const row = element('li', 'upload-result');
  row.appendChild(element('span', 'upload-name', filename));
  row.status = row.appendChild(element('span', 'badge upload-status', strings.uploading));
  row.bar = row.appendChild(element('progress', 'upload-progress'));
  row.bar.max = 100;
  row.bar.value = 0;
  row.message = row.appendChild(element('span', 'upload-message'));
  row.link = row.appendChild(element('a', 'upload-link'));
  row.link.hidden = true;
  results.appendChild(row);
  if (empty) empty.hidden = true;
  return row;
}

function showLink(row, videoId, text) {
  row.link.href = settings.videoPage + encodeURIComponent(videoId);
  row.link.textContent = text;
  row.link.hidden = false;
}

/** Show one GET /api/v1/videos/<id> answer; true once the video has reached its end state. */
function show(row, videoId, video) {
  const progress = Math.max(0, Math.min(100, Number(video.progress) || 0));
  row.dataset.status = video.status;
  row.message.textContent = '';
  row.bar.value = video.status === 'ready' ? 100 : progress;
  row.bar.hidden = video.status === 'failed';
  if (video.status === 'ready') {
    row.status.textContent = strings.ready;
    row.status.className = 'badge ok upload-status';
    showLink(row, videoId, strings.view);
    return true;
  }
  if (video.status === 'failed') {
    row.status.textContent = strings.failed;
    row.status.className = 'badge failed upload-status';
    row.message.textContent = video.error || '';
    showLink(row, videoId, strings.details);
    return true;
  }
  if (video.status === 'uploading') row.status.textContent = strings.uploading;
  else row.status.textContent = progress > 0 ? `${strings.processing} ${progress}%` : strings.waiting;
  return false;
}

/** Follow the video's processing until it is ready or failed. */
function watch(row, videoId) {
  poll(settings.videoApi + encodeURIComponent(videoId), {
    every: Number(settings.pollMs) || POLL_MS,
    start: 0,
    seen: (video) => show(row, videoId, video),
    trouble: () => { row.message.textContent = strings.retrying; },
    stopped: (message) => { row.message.textContent = message; },
  });
}

/** Is this tus entry's upload still unfinished on the server? Entries the server no longer
    knows (expired, removed, someone else's) or has whole are forgotten. */
async function stillUnfinished(entry) {
  try {
    const response = await request(entry.url, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } });
    const finished = response.ok && response.headers.get('Upload-Offset') === response.headers.get('Upload-Length');
    if (response.status === 404 || response.status === 410 || finished) window.localStorage.removeItem(entry.key);
    return response.ok && !finished;
  } catch (error) {
    return false;
  }
}

/** Uploads tus left in localStorage (this site's own endpoint only): key, URL, file name. */
function storedUploads() {
  const base = new URL(settings.endpoint, window.location.href).href;
  const entries = [];
  for (let i = 0; i < window.localStorage.length; i++) {
    const key = window.localStorage.key(i);
    if (!key || !key.startsWith('tus::')) continue;
    let entry = null;
    try { entry = JSON.parse(window.localStorage.getItem(key)); } catch (error) { continue; }
    if (!entry || typeof entry.uploadUrl !== 'string') continue;
    if (!new URL(entry.uploadUrl, window.location.href).href.startsWith(`${base}/`)) continue;
    entries.push({ key, url: entry.uploadUrl, name: (entry.metadata && entry.metadata.filename) || '' });
  }
  return entries;
}

/** The file names of uploads the server still holds unfinished. */
async function unfinishedUploads(entries) {
  const open = await Promise.all(entries.map(stillUnfinished));
  return entries.filter((entry, i) => open[i]).map((entry) => entry.name).filter(Boolean);
}

async function showUnfinished() {
  const box = document.getElementById('upload-unfinished');
  if (!box) return;
  let entries;
  try {
    entries = storedUploads();
  } catch (error) {  // storage refused (private mode): tus cannot resume across reloads either
    return;
  }
  const names = await unfinishedUploads(entries);
  box.textContent = names.length ? strings.unfinished.replace('{files}', names.join(strings.listSeparator)) : '';
  box.hidden = names.length === 0;
}

function start() {
  const uppy = makeUppy();
  showUnfinished();
  uppy.on('complete', showUnfinished);

  uppy.on('upload-success', (file, response) => {
    const row = addRow(file.name);
    const videoId = videoIdOf(response && response.uploadURL);
    if (!videoId) {
      row.message.textContent = strings.noVideo;
      return;
    }
    row.dataset.videoId = videoId;
    row.status.textContent = strings.waiting;
    watch(row, videoId);
  });

  uppy.on('upload-error', (file, error, response) => {
    const message = serverMessage(response);
    if (!message || !file) return;
    uppy.setFileState(file.id, { error: message });
    uppy.info(message, 'error', 8000);
  });
}

if (root && window.Uppy) start();
