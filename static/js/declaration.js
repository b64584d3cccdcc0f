// 学时登记 form: fill in the 学时 the dates give (每半天 data-half-day, at most data-max-day a day)
// while the trainee has not typed their own. The 计算 button does the same on the server.
const form = document.getElementById("declaration-form");

function days(start, end) {
  const a = Date.parse(start.value), b = Date.parse(end.value);
  if (Number.isNaN(a) || Number.isNaN(b) || b < a) return 0;
  return Math.round((b - a) / 86400000) + 1;
}

if (form) {
  const start = form.querySelector("#start_date");
  const end = form.querySelector("#end_date");
  const hours = form.querySelector("#hours");
  const halfDay = Number(form.dataset.halfDay);
  const maxDay = Number(form.dataset.maxDay);
  let filled = hours.value === "" ? "" : null;  // what this script last wrote; null: the trainee's own

  const update = () => {
    const n = days(start, end);
    if (!n || (filled === null && hours.value !== "")) return;
    const value = String(Math.round(Math.min(n * 2 * halfDay, n * maxDay) * 10) / 10);
    hours.value = value;
    filled = value;
  };

  hours.addEventListener("input", () => { filled = hours.value === "" ? "" : null; });
  start.addEventListener("change", update);
  end.addEventListener("change", update);
}
