/* How the player writes times and fills the server's sentences. */

/** ``template`` with each {name} replaced by ``values[name]``. */
export function fill(template, values) {
  return String(template).replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));
}

/** 75.4 and 75.9 → "1:15" (rounded down, as the browser's own controls show it); 3723 → "1:02:03". */
export function clock(seconds) {
  const total = Math.max(0, Math.floor(seconds || 0));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
