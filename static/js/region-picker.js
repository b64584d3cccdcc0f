/* The cascading 省 → 市 → 区县 picker (templates/_region_picker.html), refined: choosing a level
 * fills the next one from GET /api/v1/regions/<code>/children, without a round trip of the form.
 *
 * The page works without this script: each level is a plain <select name=…> that the server
 * renders, and the form's submit (or its 显示下一级 button) brings the next level. Here the
 * button is taken out while the API answers; if a call fails it comes back, so the person can go
 * on the server's way. The server still checks every choice (scope, real codes).
 */
import { request } from './api.js';

const answers = new Map();

/** The children of ``code`` ({parent, slot, children}); one call per code and page. */
function childrenOf(base, code) {
  if (!answers.has(code)) {
    answers.set(code, request(`${base}/${encodeURIComponent(code)}/children`).then((response) => {
      if (!response.ok) throw new Error(`regions ${code}: ${response.status}`);
      return response.json();
    }).catch((error) => {
      answers.delete(code);
      throw error;
    }));
  }
  return answers.get(code);
}

function nameOf(area) {
  return document.documentElement.lang === 'en' && area.name_en ? area.name_en : area.name;
}

function optionFor(area) {
  const option = document.createElement('option');
  option.value = area.code;
  option.textContent = nameOf(area);
  option.dataset.leaf = String(area.leaf);
  return option;
}

/** A new level (label and select) for ``reply``'s children, shaped as the server renders one. */
function levelFor(picker, reply) {
  const { slot } = reply;
  const id = `${picker.id}-${slot}`;
  const level = document.createElement('div');
  level.className = 'region-level';
  level.dataset.slot = slot;
  const label = document.createElement('label');
  label.htmlFor = id;
  label.textContent = picker.dataset[`label${slot[0].toUpperCase()}${slot.slice(1)}`];
  const select = document.createElement('select');
  select.id = id;
  select.name = picker.dataset.name;
  select.append(new Option(picker.dataset.empty, ''));
  // A province's 省直辖县级 units come among its cities, grouped after them.
  const direct = slot === 'city' ? reply.children.filter((area) => area.kind === 'county') : [];
  reply.children.filter((area) => !direct.includes(area)).forEach((area) => select.append(optionFor(area)));
  if (direct.length) {
    const group = document.createElement('optgroup');
    group.label = picker.dataset.direct;
    direct.forEach((area) => group.append(optionFor(area)));
    select.append(group);
  }
  level.append(label, select);
  return level;
}

async function chose(picker, select, restoreStep) {
  const level = select.closest('.region-level');
  while (level.nextElementSibling) level.nextElementSibling.remove();
  const code = select.value;
  const option = select.selectedOptions[0];
  if (!code || (option && option.dataset.leaf === 'true')) return;
  try {
    const reply = await childrenOf(picker.dataset.api, code);
    if (select.value !== code || !reply.slot || !reply.children.length) return;
    level.after(levelFor(picker, reply));
  } catch (error) {
    restoreStep(); // the server's way still works
  }
}

function setUp(picker) {
  if (picker.dataset.ready) return;
  picker.dataset.ready = 'true';
  // The 显示下一级 button leaves the form while this script fills the levels: hidden is not
  // enough, as Enter in a text field would still press the form's first submit button.
  const step = picker.querySelector('.region-step');
  const spot = document.createComment('region-step');
  if (step) step.replaceWith(spot);
  const restoreStep = () => { if (step && !step.isConnected) spot.replaceWith(step); };
  picker.addEventListener('change', (event) => {
    if (event.target instanceof HTMLSelectElement) chose(picker, event.target, restoreStep);
  });
}

document.querySelectorAll('[data-region-picker]').forEach(setUp);
