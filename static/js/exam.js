/* The course test page (templates/exam/page.html): starts or resumes the trainee's attempt
   through the v1 calls, saves each answer as it is chosen, shows the time left on the
   server's clock and "x / y answered", submits, and shows the result (and the review when
   the server sends it). A reload resumes the same attempt with its answers and its clock. */
import { errorMessage, postJson, request } from './api.js';

const config = JSON.parse(document.getElementById('exam-config').textContent);
const S = config.strings;
const $ = (id) => document.getElementById(id);
const LETTERS = 'ABCDEFGH';
const RETRY_MS = 3000;

let attempt = null;
let answers = {};
let offset = 0; // server clock − this clock, in ms
let timer = null;
let pending = {}; // answers chosen and not yet saved
let saving = null;
let retry = null;
let finishing = false;

const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_m, key) => String(values[key]));
const status = (text) => { $('exam-status').textContent = text; };
const fail = (text) => { $('exam-error').textContent = text || ''; };
const attemptUrl = (id, tail = '') => `${config.attemptUrl}${id}${tail}`;

function learnClock(response) {
  // Date has whole seconds: only a clock off by more than that is corrected.
  const date = Date.parse(response.headers.get('Date') || '');
  if (!Number.isNaN(date)) offset = Math.abs(date - Date.now()) > 2000 ? date - Date.now() : 0;
}

async function reply(response) {
  learnClock(response);
  if (response.ok) return { ok: true, body: await response.json() };
  let body = null;
  try { body = await response.clone().json(); } catch (error) { body = null; }
  return { ok: false, status: response.status, body, message: await errorMessage(response) };
}

async function start() {
  fail('');
  $('exam-start-row').hidden = true;
  $('exam-result').hidden = true;
  const answer = await reply(await postJson(config.startUrl, {}));
  if (answer.ok) return show(answer.body);
  const error = answer.body && answer.body.error;
  if (error && error.code === 'attempt_open' && error.attempt_id) return load(error.attempt_id);
  fail(answer.message || S.failedToLoad);
  $('exam-start-row').hidden = false;
  return null;
}

async function load(id) {
  try {
    const answer = await reply(await request(attemptUrl(id)));
    if (!answer.ok) throw new Error(answer.message);
    show(answer.body);
  } catch (error) {
    fail(error.message || S.failedToLoad);
    $('exam-start-row').hidden = false;
  }
}

function show(body) {
  attempt = body;
  answers = { ...(body.answers || {}) };
  pending = {};
  if (body.submitted) return showResult(body.result);
  renderPaper();
  $('exam-submit').disabled = false;
  $('exam-result').hidden = true;
  $('exam-paper').hidden = false;
  $('exam-bar').hidden = false;
  $('exam').dataset.state = 'running';
  $('exam').dataset.attemptId = String(body.id);
  tick();
  timer = setInterval(tick, 1000);
  return null;
}

function renderPaper() {
  const list = $('exam-questions');
  list.replaceChildren(...attempt.questions.map((question, n) => renderQuestion(question, n)));
  countAnswered();
}

function renderQuestion(question, n) {
  const item = document.createElement('li');
  const set = document.createElement('fieldset');
  set.className = 'exam-question';
  set.dataset.questionId = String(question.id);
  const legend = document.createElement('legend');
  legend.textContent = `${n + 1}. [${S.kinds[question.kind]}] ${question.stem}`;
  set.append(legend);
  const chosen = answers[String(question.id)] || [];
  question.options.forEach((text, index) => {
    const label = document.createElement('label');
    label.className = 'exam-option';
    const input = document.createElement('input');
    input.type = question.kind === 'multiple' ? 'checkbox' : 'radio';
    input.name = `q-${question.id}`;
    input.value = String(index);
    input.checked = chosen.includes(index);
    input.addEventListener('change', () => choose(question, set));
    label.append(input, ` ${LETTERS[index]}. ${text}`);
    const row = document.createElement('div'); // one option a line
    row.append(label);
    set.append(row);
  });
  item.append(set);
  return item;
}

function choose(question, set) {
  const chosen = [...set.querySelectorAll('input:checked')].map((input) => Number(input.value));
  answers[String(question.id)] = chosen;
  pending[String(question.id)] = chosen;
  countAnswered();
  save();
}

function countAnswered() {
  const done = attempt.questions.filter((q) => (answers[String(q.id)] || []).length).length;
  $('exam-answered').textContent = fill(S.answered, { done, total: attempt.questions.length });
}

/** Send what is pending; one request at a time, and what was chosen meanwhile goes next. */
async function save() {
  if (saving || !Object.keys(pending).length) return saving;
  clearTimeout(retry);
  const sent = pending;
  pending = {};
  status(S.saving);
  saving = (async () => {
    let answer;
    try {
      answer = await reply(await request(attemptUrl(attempt.id, '/answers'), {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ answers: sent }),
      }));
    } catch (error) {
      answer = { ok: false, status: 0 };
    }
    saving = null;
    if (answer.ok) {
      status(S.saved);
      return save();
    }
    if (answer.status === 409) return finish(); // past the deadline or closed: the server grades
    if (answer.status === 422 || answer.status === 404) {
      fail(answer.message);
      return null;
    }
    pending = { ...sent, ...pending };
    status(S.saveFailed);
    retry = setTimeout(save, RETRY_MS);
    return null;
  })();
  return saving;
}

function tick() {
  const left = Math.max(Date.parse(attempt.deadline) - (Date.now() + offset), 0);
  const seconds = Math.ceil(left / 1000);
  $('exam-timer').textContent = `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
  if (left <= 0) {
    status(S.timeUp);
    finish();
  }
}

async function finish() {
  if (finishing) return;
  finishing = true;
  clearInterval(timer);
  clearTimeout(retry);
  status(S.submitting);
  $('exam-submit').disabled = true;
  try {
    if (saving) await saving;
    if (Object.keys(pending).length && Date.parse(attempt.deadline) > Date.now() + offset) await save();
    const answer = await reply(await postJson(attemptUrl(attempt.id, '/submit'), {}));
    if (!answer.ok) throw new Error(answer.message);
    showResult(answer.body);
  } catch (error) {
    fail(error.message || S.failedToLoad);
    $('exam-submit').disabled = false;
  } finally {
    finishing = false;
  }
}

function showResult(result) {
  clearInterval(timer);
  status('');
  $('exam-paper').hidden = true;
  $('exam-questions').replaceChildren();
  $('exam-bar').hidden = true;
  $('exam').dataset.state = result.passed ? 'passed' : 'failed';
  $('exam-verdict').textContent = result.passed ? S.passed : S.failed;
  $('exam-score').textContent = fill(S.score, { score: result.score, pass: result.pass_score, best: result.best_score });
  $('exam-left').textContent = fill(S.left, { left: result.attempts_left });
  $('exam-attempts-left').textContent = String(result.attempts_left);
  $('exam-again-wrap').hidden = result.passed || result.attempts_left <= 0;
  $('exam-record-wrap').hidden = !result.passed;
  $('exam-no-review').hidden = Boolean(result.review);
  $('exam-review').replaceChildren(...(result.review || []).map(renderReviewed));
  $('exam-result').hidden = false;
}

function renderReviewed(question, n) {
  const item = document.createElement('li');
  item.className = question.correct ? 'exam-right' : 'exam-wrong';
  const letters = (indices) => (indices.length ? indices.map((i) => LETTERS[i]).join('') : S.none);
  const lines = [
    `${n + 1}. [${S.kinds[question.kind]}] ${question.stem} — ${question.correct ? S.right : S.wrong}`,
    question.options.map((text, i) => `${LETTERS[i]}. ${text}`).join('　'),
    fill(S.yourAnswer, { answer: letters(question.chosen) }),
    fill(S.rightAnswer, { answer: letters(question.answer) }),
  ];
  if (question.explanation) lines.push(fill(S.explanation, { text: question.explanation }));
  lines.forEach((line) => {
    const p = document.createElement('p');
    p.textContent = line;
    item.append(p);
  });
  return item;
}

$('exam-paper').addEventListener('submit', (event) => {
  event.preventDefault();
  finish();
});
const startButton = $('exam-start');
if (startButton) startButton.addEventListener('click', start);
$('exam-again').addEventListener('click', start);
window.addEventListener('pagehide', () => {
  if (Object.keys(pending).length && attempt) {
    request(attemptUrl(attempt.id, '/answers'), {
      method: 'PUT', keepalive: true, headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ answers: pending }),
    });
  }
});
if (config.openAttempt) load(config.openAttempt);
