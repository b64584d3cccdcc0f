/* The dynamic watermark over the video (issue 19): the trainee's masked name and phone tail,
   drifting to a random place every few seconds, so a recorded lesson can be traced to the
   account that played it. It only marks; it decides nothing. */
const MOVE_MS = 8000;

const mark = document.getElementById('player-watermark');
if (mark) {
  const move = () => {
    mark.style.left = `${(4 + Math.random() * 60).toFixed(1)}%`;
    mark.style.top = `${(4 + Math.random() * 80).toFixed(1)}%`;
  };
  move();
  setInterval(move, MOVE_MS);
}
