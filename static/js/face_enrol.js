// Face enrolment (/me/face/enrol): the browser camera when there is one, the file field always.
// A frame taken with 拍照 becomes the form's file (camera.jpg), so the same form posts it; the
// server alone judges it (exactly one clear face). Without a camera the page says so and the
// trainee uploads a photo instead.
const script = document.querySelector("script[data-no-camera]");
const section = document.getElementById("face-camera");
const video = document.getElementById("face-video");
const canvas = document.getElementById("face-canvas");
const preview = document.getElementById("face-preview");
const status = document.getElementById("face-camera-status");
const input = document.querySelector("#face-form input[type=file]");

async function start() {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) throw new Error("no camera API");
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480, facingMode: "user" } });
  video.srcObject = stream;
  section.hidden = false;
}

function shoot() {
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext("2d").drawImage(video, 0, 0);
  canvas.toBlob((blob) => {
    if (!blob) return;
    const files = new DataTransfer();
    files.items.add(new File([blob], "camera.jpg", { type: "image/jpeg" }));
    input.files = files.files;
    preview.src = URL.createObjectURL(blob);
    preview.hidden = false;
    status.textContent = script.dataset.taken;
  }, "image/jpeg", 0.92);
}

if (section && input) {
  document.getElementById("face-shoot").addEventListener("click", shoot);
  start().catch(() => { status.textContent = script.dataset.noCamera; });
}
