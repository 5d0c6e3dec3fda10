// The reviewer page: signs in with an API key (kept in sessionStorage), lists the inbox,
// shows one task, claims it and records the verdict, all through the service's REST API.
// Every text from the server goes in through textContent, never as HTML.
'use strict';

(() => {
  const KEY_STORAGE = 'claims-review.api-key';
  const PAGE_SIZE = 25;
  const $ = (id) => document.getElementById(id);

  const state = {
    key: sessionStorage.getItem(KEY_STORAGE),
    cursor: null,
    task: null,
    drafts: new Map(),
    leaseTimer: undefined,
  };

  class ApiError extends Error {
    constructor(status, body) {
      super(body.message || `HTTP ${status}`);
      this.status = status;
      this.body = body;
    }
  }

  async function api(path, { method = 'GET', body } = {}) {
    const headers = { 'x-api-key': state.key };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed = {};
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { message: text };
    }
    if (!res.ok) throw new ApiError(res.status, parsed);
    return { status: res.status, body: parsed };
  }

  // ---- messages (both regions are aria-live) ----

  function announce(region, other, text) {
    $(other).textContent = '';
    // Emptying first makes a screen reader announce a repeated message again.
    $(region).textContent = '';
    requestAnimationFrame(() => ($(region).textContent = text));
  }
  const say = (text) => announce('notice', 'alert', text);
  const warn = (text) => announce('alert', 'notice', text);

  function explain(error) {
    if (!(error instanceof ApiError)) return `The review service could not be reached (${error.message}). Check the connection and try again.`;
    const { status, body } = error;
    const message = sentence(humanTimes(body.message || ''));
    if (status === 401) return `Your API key was not accepted: ${message} Enter a valid reviewer key.`;
    if (status === 403) return `Your API key may not do this: ${message}`;
    if (status === 400 && Array.isArray(body.fields)) {
      return `Please correct: ${body.fields.map((f) => f.problem).join('; ')}.`;
    }
    if (status === 404 || status === 409) return message;
    return `The service answered ${status}: ${message || 'unexpected error.'}`;
  }

  function sentence(text) {
    if (!text) return '';
    const capital = text[0].toUpperCase() + text.slice(1);
    return /[.!?]$/.test(capital) ? capital : `${capital}.`;
  }

  // ---- formatting ----

  const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const clock = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

  function humanTimes(text) {
    return text.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, (iso) => dateTime.format(new Date(iso)));
  }

  function relative(iso) {
    const minutes = Math.round((Date.parse(iso) - Date.now()) / 60000);
    const size = Math.abs(minutes);
    const span = size < 60 ? `${size} min` : size < 48 * 60 ? `${Math.floor(size / 60)} h ${size % 60} min` : `${Math.round(size / 1440)} days`;
    if (size === 0) return 'now';
    return minutes > 0 ? `in ${span}` : `${span} ago`;
  }

  function money(amountMinor, currency) {
    try {
      const format = new Intl.NumberFormat(undefined, { style: 'currency', currency });
      return format.format(amountMinor / 10 ** format.resolvedOptions().maximumFractionDigits);
    } catch {
      return `${amountMinor} ${currency} (minor units)`;
    }
  }

  const percent = (p) => `${Math.round(p * 100)}%`;
  const shortId = (id) => id.slice(0, 8);
  const outcomeWord = (outcome) => (outcome === 'APPROVE' ? 'Approved' : 'Rejected');

  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props)) {
      if (name === 'className') node.className = value;
      else if (name === 'dataset') Object.assign(node.dataset, value);
      else node.setAttribute(name, value);
    }
    node.append(...children.filter((c) => c !== null && c !== undefined));
    return node;
  }

  function badge(text, kind) {
    return el('span', { className: `badge ${kind}` }, text);
  }

  function holderOf(task) {
    return task.lease.yours ? 'you' : task.lease.holder;
  }

  function statusBadge(task) {
    if (task.status === 'claimed') return badge(`Claimed by ${holderOf(task)}`, 'claimed');
    return badge(task.status === 'open' ? 'Open' : 'Completed', task.status);
  }

  /** The inbox's narrow status cell: the holder goes on a line of its own. */
  function statusCell(task) {
    if (task.status !== 'claimed') return statusBadge(task);
    return el('span', {}, badge('Claimed', 'claimed'), el('span', { className: 'row-reasons' }, `by ${holderOf(task)}`));
  }

  function priorityBadge(priority) {
    const level = priority >= 70 ? 'high' : priority >= 40 ? 'medium' : 'low';
    return badge(`${priority} ${level}`, `priority ${level}`);
  }

  function due(task) {
    const when = el('time', { datetime: task.dueAt, title: dateTime.format(new Date(task.dueAt)) }, relative(task.dueAt));
    return el('span', { className: 'due' }, when, task.overdue ? badge('Overdue', 'overdue') : null);
  }

  // ---- sign in ----

  function showSignIn(message) {
    $('key-panel').hidden = false;
    $('workspace').hidden = true;
    $('key-state').hidden = true;
    if (message) warn(message);
    $('api-key').focus();
  }

  async function signIn(key) {
    state.key = key;
    sessionStorage.setItem(KEY_STORAGE, key);
    $('key-panel').hidden = true;
    $('workspace').hidden = false;
    $('key-state').hidden = false;
    return loadInbox();
  }

  function forgetKey(message) {
    sessionStorage.removeItem(KEY_STORAGE);
    state.key = null;
    state.task = null;
    $('api-key').value = '';
    showSignIn(message);
  }

  /** Runs an API action; a refused key sends the reviewer back to sign in, any other error is said in words. */
  async function attempt(action) {
    try {
      return await action();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) forgetKey(explain(error));
      else warn(explain(error));
      return undefined;
    }
  }

  // ---- inbox ----

  function filters() {
    const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if ($('filter-status').value) params.set('status', $('filter-status').value);
    if ($('filter-overdue').checked) params.set('overdue', 'true');
    return params;
  }

  async function loadInbox({ append = false } = {}) {
    const params = filters();
    if (append && state.cursor) params.set('cursor', state.cursor);
    const result = await attempt(() => api(`/v1/tasks?${params}`));
    if (!result) return false;
    const page = result.body;
    if (!append) $('task-rows').replaceChildren();
    $('task-rows').append(...page.tasks.map(taskRow));
    state.cursor = page.nextCursor;
    $('more').hidden = !page.nextCursor;
    $('inbox-empty').hidden = $('task-rows').children.length > 0;
    $('inbox-counts').textContent = `${page.counts.todo} to do · ${page.counts.overdue} overdue`;
    $('inbox-counts').classList.toggle('has-overdue', page.counts.overdue > 0);
    return true;
  }

  function taskRow(task) {
    const open = el(
      'button',
      { type: 'button', className: 'open-task', dataset: { taskId: task.taskId }, 'aria-label': `Open ${task.claim.product} claim ${shortId(task.claimId)}, priority ${task.priority}${task.overdue ? ', overdue' : ''}` },
      el('span', { className: 'product' }, task.claim.product),
      el('span', { className: 'claim-id' }, shortId(task.claimId)),
    );
    if (state.task && state.task.taskId === task.taskId) open.setAttribute('aria-current', 'true');
    const reasons = el('span', { className: 'row-reasons' }, task.decision.reasonCodes.join(', '));
    return el(
      'tr',
      { className: task.overdue ? 'overdue' : '', dataset: { taskId: task.taskId } },
      el('td', {}, open, reasons),
      el('td', {}, priorityBadge(task.priority)),
      el('td', { className: 'num' }, percent(task.model.fraudProbability)),
      el('td', { className: 'num' }, money(task.claim.amountMinor, task.claim.currency)),
      el('td', {}, due(task)),
      el('td', {}, statusCell(task)),
    );
  }

  function markCurrentRow() {
    for (const button of document.querySelectorAll('.open-task')) {
      if (state.task && button.dataset.taskId === state.task.taskId) button.setAttribute('aria-current', 'true');
      else button.removeAttribute('aria-current');
    }
  }

  // ---- one task ----

  async function openTask(taskId) {
    const result = await attempt(() => api(`/v1/tasks/${encodeURIComponent(taskId)}`));
    if (!result) return;
    showTask(result.body);
    $('task-title').focus();
  }

  function showTask(task) {
    if (state.task && state.task.taskId !== task.taskId) saveDraft();
    state.task = task;
    markCurrentRow();
    $('task-placeholder').hidden = true;
    $('task-body').hidden = false;
    $('task-title').textContent = `Claim ${shortId(task.claimId)} · ${task.claim.product}`;

    const dueLine = task.status === 'completed' ? [] : [el('span', {}, 'Due ', due(task))];
    $('task-status').replaceChildren(statusBadge(task), priorityBadge(task.priority), ...dueLine);

    const c = task.claim;
    // Personal data is null once the customer was erased.
    const personal = (value) => (value === null ? 'erased' : value);
    fill($('claim-fields'), [
      ['Claim id', task.claimId],
      ['Customer', personal(c.customerId)],
      ['Email', c.customerEmail || '—'],
      ['Policy', `${personal(c.policyId)} (since ${c.policyStartDate})`],
      ['Product', c.product],
      ['Amount', money(c.amountMinor, c.currency)],
      ['Channel', c.channel],
      ['Region', c.region],
      ['Serial number', personal(c.serialNumber)],
      ['Photos/documents', String(c.mediaCount)],
      ['Submitted', dateTime.format(new Date(c.submittedAt))],
      ['Description', personal(c.description), 'wide'],
    ]);

    const m = task.model;
    const meter = el('meter', { min: '0', max: '1', low: '0.3', high: '0.5', optimum: '0', value: String(m.fraudProbability), 'aria-hidden': 'true' });
    fill($('model-fields'), [
      ['Fraud probability', el('span', { className: 'score' }, el('strong', {}, percent(m.fraudProbability)), meter)],
      ['Confidence', percent(m.confidence)],
      ['Model', `${m.name} v${m.version}`],
      ['Route', m.route],
      ['Shard', m.shard],
      ['Model would', m.recommendation === 'REJECT' ? 'Reject' : 'Approve'],
    ]);

    $('reasons').replaceChildren(...task.decision.reasonCodes.map((code) => el('li', {}, el('code', {}, code))));
    const decided = task.decision.decidedAt ? `, decided ${dateTime.format(new Date(task.decision.decidedAt))}` : '';
    $('rule-set').textContent = `Rule set ${task.decision.ruleSetVersion}${decided}.`;

    showReviewPart(task);
  }

  function fill(list, rows) {
    list.replaceChildren(
      ...rows.map(([term, value, wide]) => el('div', { className: wide ? 'field wide' : 'field' }, el('dt', {}, term), el('dd', {}, value))),
    );
  }

  function showReviewPart(task) {
    clearInterval(state.leaseTimer);
    const mine = task.status === 'claimed' && task.lease && task.lease.yours;
    $('review-done').hidden = task.status !== 'completed';
    $('review-start').hidden = task.status === 'completed' || mine;
    $('review-form').hidden = !mine;

    if (task.status === 'completed') {
      const r = task.review;
      $('review-done').replaceChildren(
        el('p', {}, badge(outcomeWord(r.outcome), r.outcome === 'APPROVE' ? 'approve' : 'reject'), ` by ${r.reviewerId}, ${dateTime.format(new Date(r.completedAt))}.`),
        el('p', { className: 'note' }, r.note),
        el('p', { className: 'hint' }, r.published ? `Verdict published (event ${r.eventId}).` : 'Verdict recorded; it will be published as soon as Kafka acknowledges it.'),
      );
      return;
    }
    if (!mine) {
      $('lease-other').textContent =
        task.status === 'claimed' ? `${task.lease.holder} is reviewing this task until ${clock.format(new Date(task.lease.expiresAt))}.` : 'Start the review to hold this task while you decide; nobody else can complete it meanwhile.';
      return;
    }
    $('note').value = state.drafts.get(task.taskId) || '';
    const tick = () => {
      const left = Math.round((Date.parse(task.lease.expiresAt) - Date.now()) / 1000);
      $('lease-mine').textContent =
        left > 0
          ? `You hold this task until ${clock.format(new Date(task.lease.expiresAt))} (${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')} left).`
          : 'Your lease has expired: extend it before you approve or reject.';
      $('lease-mine').classList.toggle('expired', left <= 0);
    };
    tick();
    state.leaseTimer = setInterval(tick, 1000);
  }

  function saveDraft() {
    if (state.task && $('note').value) state.drafts.set(state.task.taskId, $('note').value);
    $('note').value = '';
  }

  async function claimTask() {
    const task = state.task;
    const result = await attempt(() => api(`/v1/tasks/${encodeURIComponent(task.taskId)}/claim`, { method: 'POST' }));
    if (!result) return refreshAfterRefusal();
    showTask(result.body);
    say(`You hold this task until ${clock.format(new Date(result.body.lease.expiresAt))}. Write a note, then approve or reject.`);
    $('note').focus();
    await loadInbox();
  }

  async function completeTask(outcome) {
    const task = state.task;
    const note = $('note').value.trim();
    if (!note) {
      warn('Write a note before you approve or reject: say what you checked and why.');
      $('note').focus();
      return;
    }
    state.drafts.set(task.taskId, $('note').value);
    let result;
    try {
      result = await api(`/v1/tasks/${encodeURIComponent(task.taskId)}/complete`, { method: 'POST', body: { outcome, note } });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return forgetKey(explain(error));
      warn(explain(error));
      if (error instanceof ApiError && error.body.task) showTask(error.body.task);
      keepFocusVisible();
      return loadInbox();
    }
    state.drafts.delete(task.taskId);
    $('note').value = '';
    showTask(result.body);
    const published = result.status === 200 ? `The verdict was published (event ${result.body.review.eventId}).` : 'The verdict is recorded and will be published as soon as Kafka acknowledges it.';
    say(`${outcomeWord(outcome)} claim ${shortId(task.claimId)}. ${published}`);
    $('task-title').focus();
    await loadInbox();
  }

  async function refreshAfterRefusal() {
    const result = await api(`/v1/tasks/${encodeURIComponent(state.task.taskId)}`).catch(() => undefined);
    if (result) showTask(result.body);
    keepFocusVisible();
    await loadInbox();
  }

  /** After a re-render hid the focused control, focus goes to the task heading instead of the page body. */
  function keepFocusVisible() {
    const focused = document.activeElement;
    if (!focused || focused === document.body || focused.closest('[hidden]')) $('task-title').focus();
  }

  // ---- wiring ----

  $('key-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = $('api-key').value.trim();
    if (!key) return warn('Enter your reviewer API key.');
    if (await signIn(key)) {
      say('Signed in. The inbox lists the most urgent tasks first.');
      const first = document.querySelector('.open-task');
      (first || $('filter-status')).focus();
    }
  });
  $('forget-key').addEventListener('click', () => forgetKey());
  $('filters').addEventListener('submit', (event) => {
    event.preventDefault();
    void loadInbox();
  });
  $('filter-status').addEventListener('change', () => void loadInbox());
  $('filter-overdue').addEventListener('change', () => void loadInbox());
  $('more').addEventListener('click', () => void loadInbox({ append: true }));
  $('task-rows').addEventListener('click', (event) => {
    const button = event.target.closest('.open-task');
    if (button) void openTask(button.dataset.taskId);
  });
  $('claim').addEventListener('click', () => void claimTask());
  $('renew').addEventListener('click', () => void claimTask());
  $('approve').addEventListener('click', () => void completeTask('APPROVE'));
  $('reject').addEventListener('click', () => void completeTask('REJECT'));
  $('note').addEventListener('input', () => state.task && state.drafts.set(state.task.taskId, $('note').value));

  if (state.key) void signIn(state.key);
  else showSignIn();
})();
