// Live processing state on the video pages: each [data-video-status] element that is
// uploading or processing asks GET /api/v1/videos/<id> every 2 s and updates its
// <progress>; when the video is done it shows the outcome (or reloads the page, where
// the element says data-reload-when-done, so the player or the reason appears).
(function () {
  "use strict";

  var INTERVAL = 2000;
  var ACTIVE = ["uploading", "processing"];

  function render(element, video) {
    var progress = element.querySelector("[data-progress]");
    var text = element.querySelector("[data-progress-text]");
    var label = element.querySelector("[data-status-label]");
    var error = element.querySelector("[data-error]");
    if (progress) { progress.value = video.progress; progress.textContent = video.progress + "%"; }
    if (text) { text.textContent = video.progress + "%"; }
    if (ACTIVE.indexOf(video.status) >= 0) { return; }
    element.setAttribute("data-video-status", video.status);
    if (element.hasAttribute("data-reload-when-done")) { window.location.reload(); return; }
    if (label) {
      label.textContent = element.getAttribute("data-label-" + video.status) || video.status;
      label.className = "badge status-" + video.status;
    }
    if (progress) { progress.remove(); }
    if (text) { text.remove(); }
    if (error && video.status === "failed") { error.textContent = video.error || ""; }
  }

  function follow(element) {
    var url = element.getAttribute("data-api");
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (response.status >= 400 && response.status < 500) { return null; }  // gone or signed out: stop
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (video) {
          if (video === null) { return; }
          render(element, video);
          if (ACTIVE.indexOf(video.status) >= 0) { window.setTimeout(poll, INTERVAL); }
        })
        .catch(function () { window.setTimeout(poll, INTERVAL * 3); });  // network trouble: try again later
    }
    window.setTimeout(poll, INTERVAL);
  }

  document.querySelectorAll("[data-video-status]").forEach(function (element) {
    if (ACTIVE.indexOf(element.getAttribute("data-video-status")) >= 0) { follow(element); }
  });
}());
