/* The producer's upload page: Uppy's Dashboard sends videos over tus (resumable: the upload
   URLs are kept in localStorage, so choosing the same file again after a reload or a lost
   connection continues where it stopped), then each finished upload's processing status is
   polled until the video is ready or failed.
   Settings come from #uppy-dashboard's data- attributes, sentences from #upload-strings. */
(function () {
  'use strict';

  var root = document.getElementById('uppy-dashboard');
  if (!root || !window.Uppy) return;
  var settings = root.dataset;
  var strings = JSON.parse(document.getElementById('upload-strings').textContent);
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var results = document.getElementById('upload-results');
  var empty = document.getElementById('upload-results-empty');
  var pollMs = Number(settings.pollMs) || 2000;
  var MAX_POLL_MS = 30000;

  function makeUppy() {
    var lib = window.Uppy;
    var options = {
      id: 'zhixin-upload',
      autoProceed: false,
      restrictions: {
        maxFileSize: Number(settings.maxBytes),
        allowedFileTypes: ['video/*'].concat(settings.extensions.split(','))
      }
    };
    // Without a language pack Uppy keeps its built-in English.
    if (lib.locales[settings.uppyLocale]) options.locale = lib.locales[settings.uppyLocale];
    var uppy = new lib.Uppy(options);
    uppy.use(lib.Dashboard, {
      inline: true,
      target: root,
      width: '100%',
      height: 420,
      note: strings.note,
      showProgressDetails: true,
      proudlyDisplayPoweredByUppy: false
    });
    uppy.use(lib.Tus, {
      endpoint: settings.endpoint,
      headers: { 'X-CSRFToken': csrfMeta ? csrfMeta.content : '' },
      chunkSize: Number(settings.chunkBytes),
      // A dropped network is retried for about a minute; longer outages pause until the
      // browser is back online (Uppy listens for that), or wait for "retry".
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
      // A finished upload is forgotten, so the same file chosen again makes a new video.
      removeFingerprintOnSuccess: true,
      allowedMetaFields: ['name', 'type'],
      limit: 2
    });
    return uppy;
  }

  /* The server's own (translated) reason from a JSON error body, if it sent one. */
  function serverMessage(response) {
    var xhr = response && response.body && response.body.xhr;
    if (!xhr || !xhr.responseText) return '';
    try {
      var body = JSON.parse(xhr.responseText);
      return (body && body.error && body.error.message) || '';
    } catch (error) {
      return '';
    }
  }

  /* The last path segment of the upload's URL: the id of the video it became. */
  function videoIdOf(uploadURL) {
    if (!uploadURL) return '';
    var parts = new URL(uploadURL, window.location.href).pathname.split('/').filter(Boolean);
    return parts.length ? decodeURIComponent(parts[parts.length - 1]) : '';
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function addRow(filename) {
    var row = element('li', 'upload-result');
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

  /* Show one GET /api/v1/videos/<id> answer; true once the video has reached its end state. */
  function show(row, videoId, video) {
    var progress = Math.max(0, Math.min(100, Number(video.progress) || 0));
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
    if (video.status === 'uploading') {
      row.status.textContent = strings.uploading;
    } else {
      row.status.textContent = progress > 0 ? strings.processing + ' ' + progress + '%' : strings.waiting;
    }
    return false;
  }

  /* Poll the video's status every pollMs until it is ready or failed; back off while failing. */
  function watch(row, videoId) {
    var delay = pollMs;
    function tick() {
      fetch(settings.videoApi + encodeURIComponent(videoId), {
        headers: { Accept: 'application/json' },
        credentials: 'same-origin'
      }).then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      }).then(function (video) {
        delay = pollMs;
        if (!show(row, videoId, video)) window.setTimeout(tick, delay);
      }).catch(function () {
        row.message.textContent = strings.retrying;
        delay = Math.min(delay * 2, MAX_POLL_MS);
        window.setTimeout(tick, delay);
      });
    }
    tick();
  }

  /* Uploads tus left in localStorage that the server still holds unfinished: their file names.
     Entries the server no longer knows (expired, removed, someone else's) are forgotten. */
  function unfinishedUploads() {
    var base = new URL(settings.endpoint, window.location.href).href;
    var entries = [];
    for (var i = 0; i < window.localStorage.length; i++) {
      var key = window.localStorage.key(i);
      if (!key || key.indexOf('tus::') !== 0) continue;
      var entry = null;
      try { entry = JSON.parse(window.localStorage.getItem(key)); } catch (error) { continue; }
      if (!entry || typeof entry.uploadUrl !== 'string') continue;
      // Only this site's own tus endpoint is asked about.
      if (new URL(entry.uploadUrl, window.location.href).href.indexOf(base + '/') !== 0) continue;
      entries.push({ key: key, url: entry.uploadUrl, name: (entry.metadata && entry.metadata.filename) || '' });
    }
    return Promise.all(entries.map(function (entry) {
      return fetch(entry.url, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' }, credentials: 'same-origin' })
        .then(function (response) {
          var finished = response.ok && response.headers.get('Upload-Offset') === response.headers.get('Upload-Length');
          if (response.status === 404 || response.status === 410 || finished) window.localStorage.removeItem(entry.key);
          return response.ok && !finished ? entry.name : '';
        })
        .catch(function () { return ''; });
    })).then(function (names) { return names.filter(Boolean); });
  }

  function showUnfinished() {
    var box = document.getElementById('upload-unfinished');
    var found;
    if (!box) return;
    try {
      found = unfinishedUploads();
    } catch (error) {  // storage refused (private mode): tus cannot resume across reloads either
      return;
    }
    found.then(function (names) {
      box.textContent = names.length ? strings.unfinished.replace('{files}', names.join(strings.listSeparator)) : '';
      box.hidden = names.length === 0;
    });
  }

  var uppy = makeUppy();
  showUnfinished();
  uppy.on('complete', showUnfinished);

  uppy.on('upload-success', function (file, response) {
    var row = addRow(file.name);
    var videoId = videoIdOf(response && response.uploadURL);
    if (!videoId) {
      row.message.textContent = strings.noVideo;
      return;
    }
    row.dataset.videoId = videoId;
    row.status.textContent = strings.waiting;
    watch(row, videoId);
  });

  uppy.on('upload-error', function (file, error, response) {
    var message = serverMessage(response);
    if (!message || !file) return;
    uppy.setFileState(file.id, { error: message });
    uppy.info(message, 'error', 8000);
  });
})();
