'use strict';
// The local stack's trace viewer. Jaeger's query server serves this file (ui.assets_path in
// infra/local/jaeger/config.yaml) because its Go module has no UI assets. It reads Jaeger's HTTP
// query API with URLs relative to <base>, so it also works when Jaeger runs under a base_path.
// Plain DOM code, no build step: every value from a trace goes through textContent, never HTML.
//
// Addresses it understands (the demo prints the first one):
//   ?claim=<claim.id>[&service=<name>]   search by the claim.id tag (service: ingest by default)
//   ?trace=<traceId>[&span=<spanId>]     open one trace, with one span picked out
//   /search?service=..&tags={...}, /trace/<traceId>   the shapes Jaeger's own UI uses
(() => {
  /** A claim's journey starts in ingest, whose spans carry claim.id. */
  const DEFAULT_SERVICE = 'ingest';
  const DEFAULT_LIMIT = 20;
  const DEFAULT_LOOKBACK = '1h';
  const LOOKBACK_UNITS_US = { m: 60e6, h: 3600e6, d: 86400e6 };

  const byId = (id) => document.getElementById(id);
  const ui = {
    searchForm: byId('search-form'),
    service: byId('service'),
    claim: byId('claim'),
    limit: byId('limit'),
    lookback: byId('lookback'),
    traceForm: byId('trace-form'),
    traceId: byId('trace-id'),
    status: byId('status'),
    alert: byId('alert'),
    results: byId('results'),
    resultsBody: byId('results-body'),
    trace: byId('trace'),
    traceTitle: byId('trace-title'),
    traceSummary: byId('trace-summary'),
    waterfall: byId('waterfall'),
  };

  // ---- small helpers -------------------------------------------------------------------------

  /** An element with attributes and children; strings become text nodes, never markup. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs ?? {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'text') node.textContent = String(value);
      else if (name === 'className') node.className = value;
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child !== undefined && child !== null && child !== false)
        node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function say(message) {
    ui.alert.textContent = '';
    ui.status.textContent = message;
  }

  function warn(message) {
    ui.status.textContent = '';
    ui.alert.textContent = message;
  }

  const short = (id) => id.slice(0, 8);

  /** Microseconds as people read them: 850 µs, 1.32 ms, 2.41 s. */
  function formatDuration(us) {
    if (us < 1000) return `${Math.round(us)} µs`;
    if (us < 1e6) return `${(us / 1000).toFixed(us < 1e4 ? 2 : 1)} ms`;
    return `${(us / 1e6).toFixed(2)} s`;
  }

  /** Epoch microseconds as local time with milliseconds. */
  function formatTime(us) {
    const d = new Date(us / 1000);
    const p = (n, w = 2) => String(n).padStart(w, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
  }

  function formatValue(value) {
    return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  }

  /** Hues far apart; a trace's services take them in order of appearance (the name is always shown too). */
  const HUES = [210, 140, 30, 280, 0, 180, 60, 320];
  const hueOf = (model, service) => HUES[model.services.indexOf(service) % HUES.length];

  function lookbackMicros(lookback) {
    const match = /^(\d+)([mhd])$/.exec(lookback);
    return match ? Number(match[1]) * LOOKBACK_UNITS_US[match[2]] : LOOKBACK_UNITS_US.h;
  }

  // ---- Jaeger's query API --------------------------------------------------------------------

  class ApiError extends Error {
    constructor(message, status) {
      super(message);
      this.status = status;
    }
  }

  /** GET a relative API path; returns its `data`, throws ApiError with Jaeger's own message. */
  async function api(path) {
    let response;
    try {
      response = await fetch(path, { headers: { accept: 'application/json' } });
    } catch (error) {
      throw new ApiError(`Jaeger's query API did not answer (${error.message}). Is the stack up?`, 0);
    }
    let body = null;
    try {
      body = await response.json();
    } catch {
      // Not JSON: reported below through the status code.
    }
    const problem = body && Array.isArray(body.errors) && body.errors.length ? body.errors[0].msg : undefined;
    if (!response.ok || problem) {
      throw new ApiError(
        `Jaeger answered ${response.status} to ${path.split('?')[0]}: ${problem ?? response.statusText}`,
        response.status,
      );
    }
    return body ? body.data : undefined;
  }

  // ---- trace model ---------------------------------------------------------------------------

  /**
   * Spans with their service, their parent (a CHILD_OF reference to a span of this trace) and
   * their links (every other reference: FOLLOWS_FROM, or spans of other traces).
   */
  function traceModel(trace) {
    const spans = trace.spans.map((span) => {
      const process = trace.processes[span.processID] ?? {};
      return { ...span, service: process.serviceName ?? 'unknown', processTags: process.tags ?? [] };
    });
    const spansById = new Map(spans.map((span) => [span.spanID, span]));
    const children = new Map();
    const orderByStart = (a, b) =>
      a.startTime - b.startTime || a.operationName.localeCompare(b.operationName);
    for (const span of spans) {
      const references = span.references ?? [];
      const parent = references.find(
        (ref) =>
          ref.refType === 'CHILD_OF' &&
          ref.traceID === trace.traceID &&
          ref.spanID !== span.spanID &&
          spansById.has(ref.spanID),
      );
      span.parentID = parent ? parent.spanID : undefined;
      span.links = references.filter((ref) => ref !== parent);
      if (parent) {
        if (!children.has(parent.spanID)) children.set(parent.spanID, []);
        children.get(parent.spanID).push(span);
      }
    }
    for (const list of children.values()) list.sort(orderByStart);
    const byStart = [...spans].sort(orderByStart);
    const roots = byStart.filter((span) => span.parentID === undefined);
    const start = Math.min(...spans.map((s) => s.startTime));
    const end = Math.max(...spans.map((s) => s.startTime + s.duration));
    return {
      traceID: trace.traceID,
      spans,
      spansById,
      children,
      byStart,
      roots,
      root: roots[0] ?? byStart[0],
      services: [...new Set(byStart.map((s) => s.service))],
      start,
      duration: Math.max(end - start, 1),
    };
  }

  function isError(span) {
    return span.tags.some(
      (tag) =>
        (tag.key === 'error' && tag.value === true) ||
        (tag.key === 'otel.status_code' && tag.value === 'ERROR'),
    );
  }

  // ---- search and result list ----------------------------------------------------------------

  let generation = 0; // answers of an older request are dropped when a newer one was made

  async function loadServices(wanted) {
    let services = [];
    try {
      services = ((await api('api/services')) ?? []).slice().sort();
    } catch (error) {
      warn(error.message);
    }
    if (wanted && !services.includes(wanted)) services.unshift(wanted);
    const selected =
      wanted || ui.service.value || (services.includes(DEFAULT_SERVICE) ? DEFAULT_SERVICE : services[0]);
    ui.service.replaceChildren(
      ...services.map((name) => el('option', { value: name, selected: name === selected }, name)),
    );
    if (!services.length)
      say('Jaeger has no traces yet: send some claims (make demo), then reload this page.');
    return services;
  }

  async function search({ service, claim, limit, lookback }) {
    const mine = ++generation;
    const end = Date.now() * 1000;
    const query = new URLSearchParams({
      service,
      limit: String(limit),
      start: String(end - lookbackMicros(lookback)),
      end: String(end),
    });
    if (claim) query.set('tags', JSON.stringify({ 'claim.id': claim }));
    const what = claim ? `claim.id "${claim}" in service ${service}` : `service ${service}`;
    say(`Searching traces of ${what}…`);
    let traces;
    try {
      traces = (await api(`api/traces?${query}`)) ?? [];
    } catch (error) {
      if (mine === generation) warn(error.message);
      return;
    }
    if (mine !== generation) return;
    const models = traces.map(traceModel).sort((a, b) => b.start - a.start);
    ui.resultsBody.replaceChildren(...models.map(resultRow));
    ui.results.hidden = models.length === 0;
    const period = ui.lookback.selectedOptions[0]?.textContent ?? lookback;
    if (!models.length) {
      warn(
        `No trace of ${what} in the last ${period}. The claim may be older (choose a longer lookback), ` +
          'its spans may still be on their way (search again in a few seconds), or the claim.id may be mistyped.',
      );
      return;
    }
    const found = `${models.length} trace${models.length === 1 ? '' : 's'} of ${what} in the last ${period}`;
    say(`${found}.`);
    // One claim is one trace: open it straight away.
    if (claim && models.length === 1 && (await showTrace(models[0].traceID, undefined, { focus: false }))) {
      say(`${found}: trace ${short(models[0].traceID)} is open below (${models[0].spans.length} spans).`);
    }
  }

  function resultRow(model) {
    const root = model.root;
    return el(
      'tr',
      { 'data-trace-id': model.traceID },
      el(
        'td',
        {},
        el(
          'a',
          { href: `?trace=${model.traceID}`, 'data-nav': true, className: 'trace-link mono' },
          model.traceID,
        ),
      ),
      el('td', {}, `${root.service}: ${root.operationName}`),
      el('td', {}, model.services.join(', ')),
      el('td', { className: 'num' }, String(model.spans.length)),
      el('td', { className: 'num' }, formatDuration(model.duration)),
      el('td', {}, formatTime(model.start)),
    );
  }

  // ---- trace view ----------------------------------------------------------------------------

  /** Loads and draws one trace; false when it could not be shown (the reason is in #alert). */
  async function showTrace(traceId, spanId, { focus = true } = {}) {
    const mine = ++generation;
    say(`Loading trace ${traceId}…`);
    let data;
    try {
      data = await api(`api/traces/${encodeURIComponent(traceId)}`);
    } catch (error) {
      if (mine !== generation) return false;
      ui.trace.hidden = true;
      warn(
        error.status === 404
          ? `Trace ${traceId} is not in Jaeger: it may be older than the in-memory store keeps, or was never recorded.`
          : error.message,
      );
      return false;
    }
    if (mine !== generation) return false;
    if (!data || !data.length) {
      ui.trace.hidden = true;
      warn(`Trace ${traceId} is not in Jaeger.`);
      return false;
    }
    const model = traceModel(data[0]);
    ui.traceTitle.textContent = `Trace ${model.traceID}`;
    ui.trace.dataset.traceId = model.traceID;
    ui.traceSummary.replaceChildren(
      ...summaryItem('Root span', `${model.root.service}: ${model.root.operationName}`),
      ...summaryItem('Services', model.services.join(', ')),
      ...summaryItem('Spans', String(model.spans.length)),
      ...summaryItem('Duration', formatDuration(model.duration)),
      ...summaryItem('Started', formatTime(model.start)),
    );
    ui.waterfall.replaceChildren(timeAxis(model), spanTree(model));
    ui.trace.hidden = false;
    say(
      `Trace ${short(model.traceID)} loaded: ${model.spans.length} spans across ${model.services.length} service${model.services.length === 1 ? '' : 's'}.`,
    );

    const target = spanId ? byId(`span-${spanId}`) : null;
    if (spanId && !target) warn(`Span ${spanId} is not in trace ${model.traceID}.`);
    if (target) {
      target.classList.add('is-target');
      const toggle = target.querySelector('.span-toggle');
      toggle.scrollIntoView({ block: 'center' });
      toggle.focus({ preventScroll: true });
    } else if (focus) {
      ui.traceTitle.focus();
    }
    return true;
  }

  function summaryItem(term, description) {
    return [el('dt', {}, term), el('dd', {}, description)];
  }

  function timeAxis(model) {
    const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) =>
      el('span', { className: 'tick' }, formatDuration(f * model.duration)),
    );
    return el(
      'div',
      { className: 'axis', 'aria-hidden': 'true' },
      el('span', { className: 'axis-label' }, 'Service · operation · duration'),
      el('div', { className: 'axis-ticks' }, ticks),
    );
  }

  /** Nested lists in parent order: screen readers announce the nesting, the waterfall shows it. */
  function spanTree(model) {
    const seen = new Set();
    const list = (spans, depth) => {
      const ol = el('ol', { className: depth === 0 ? 'spans' : 'spans nested' });
      for (const span of spans) {
        if (seen.has(span.spanID)) continue;
        seen.add(span.spanID);
        const item = spanItem(model, span, depth);
        const kids = model.children.get(span.spanID);
        if (kids) item.append(list(kids, depth + 1));
        ol.append(item);
      }
      return ol;
    };
    const top = list(model.roots, 0);
    // Spans caught in a parent cycle are reachable from no root: show them at the top level too.
    const left = model.byStart.filter((span) => !seen.has(span.spanID));
    if (left.length) top.append(...list(left, 0).children);
    return top;
  }

  function spanItem(model, span, depth) {
    const detailId = `detail-${span.spanID}`;
    const failed = isError(span);
    const toggle = el(
      'button',
      { type: 'button', className: 'span-toggle', 'aria-expanded': 'false', 'aria-controls': detailId },
      el('span', { className: 'service' }, span.service),
      ' ',
      el('span', { className: 'operation' }, span.operationName),
      ' ',
      el('span', { className: 'duration' }, formatDuration(span.duration)),
      failed ? el('span', { className: 'error-mark' }, ' error') : null,
    );
    const bar = el('span', { className: 'bar' });
    bar.style.left = `${((span.startTime - model.start) / model.duration) * 100}%`;
    bar.style.width = `${Math.max((span.duration / model.duration) * 100, 0.3)}%`;
    const track = el('div', { className: 'track', 'aria-hidden': 'true' }, bar);

    const detail = el('div', { id: detailId, className: 'span-detail', hidden: true });
    toggle.addEventListener('click', () => {
      const open = toggle.getAttribute('aria-expanded') !== 'true';
      if (open && !detail.hasChildNodes()) detail.append(...spanDetail(model, span));
      toggle.setAttribute('aria-expanded', String(open));
      detail.hidden = !open;
    });

    const item = el(
      'li',
      {
        id: `span-${span.spanID}`,
        className: failed ? 'span failed' : 'span',
        'data-span-id': span.spanID,
        'data-service': span.service,
        'data-depth': String(depth),
      },
      el('div', { className: 'span-row' }, toggle, track),
      span.links.length ? spanLinks(model, span) : null,
      detail,
    );
    // Custom properties through CSSOM: allowed by the page's CSP, unlike style attributes.
    item.style.setProperty('--hue', String(hueOf(model, span.service)));
    item.style.setProperty('--depth', String(depth));
    return item;
  }

  function spanLinks(model, span) {
    return el(
      'p',
      { className: 'span-links' },
      'Links: ',
      span.links.map((ref, i) => [i ? ', ' : '', linkAnchor(model, ref)]),
    );
  }

  /** A link opens the span it points to: in this trace, or in the other trace (e.g. a Triton batch). */
  function linkAnchor(model, ref) {
    const kind = ref.refType === 'FOLLOWS_FROM' ? 'follows from' : 'child of';
    const local = ref.traceID === model.traceID ? model.spansById.get(ref.spanID) : undefined;
    const text = local
      ? `${kind} ${local.service}: ${local.operationName} (this trace)`
      : `${kind} span ${short(ref.spanID)} of trace ${short(ref.traceID)}`;
    return el(
      'a',
      {
        href: `?trace=${encodeURIComponent(ref.traceID)}&span=${encodeURIComponent(ref.spanID)}`,
        'data-nav': true,
        className: 'span-link',
        'data-trace-id': ref.traceID,
        'data-span-id': ref.spanID,
        title: `trace ${ref.traceID}, span ${ref.spanID}`,
      },
      text,
    );
  }

  function spanDetail(model, span) {
    const parts = [
      keyValueTable('Attributes', [
        ...span.tags.map((tag) => [tag.key, formatValue(tag.value)]),
        ['span.id', span.spanID],
        ['parent span.id', span.parentID ?? '(root)'],
        ['start', `+${formatDuration(span.startTime - model.start)} (${formatTime(span.startTime)})`],
      ]),
    ];
    if (span.processTags.length) {
      parts.push(
        keyValueTable(
          `Resource of ${span.service}`,
          span.processTags.map((tag) => [tag.key, formatValue(tag.value)]),
        ),
      );
    }
    const logs = span.logs ?? [];
    if (logs.length) {
      parts.push(
        keyValueTable(
          'Events',
          logs.map((log) => [
            `+${formatDuration(log.timestamp - span.startTime)}`,
            log.fields.map((f) => `${f.key}=${formatValue(f.value)}`).join(' '),
          ]),
        ),
      );
    }
    if (span.warnings && span.warnings.length) {
      parts.push(el('p', { className: 'span-warnings' }, `Jaeger's notes: ${span.warnings.join('; ')}`));
    }
    return parts;
  }

  function keyValueTable(caption, rows) {
    return el(
      'table',
      { className: 'kv' },
      el('caption', {}, caption),
      el(
        'tbody',
        {},
        rows.map(([key, value]) => el('tr', {}, el('th', { scope: 'row' }, key), el('td', {}, value))),
      ),
    );
  }

  // ---- addresses and navigation --------------------------------------------------------------

  /** The claim.id inside a `tags` parameter in the shape of Jaeger's own search page. */
  function claimFromTags(tags) {
    if (!tags) return null;
    try {
      const parsed = JSON.parse(tags);
      return typeof parsed['claim.id'] === 'string' ? parsed['claim.id'] : null;
    } catch {
      return null;
    }
  }

  function readAddress() {
    const query = new URLSearchParams(location.search);
    const pathTrace = /\/trace\/([0-9a-fA-F]{1,32})\/?$/.exec(location.pathname);
    const limit = Number.parseInt(query.get('limit') ?? '', 10);
    return {
      trace: query.get('trace') ?? (pathTrace ? pathTrace[1] : null),
      span: query.get('span'),
      service: query.get('service'),
      claim: query.get('claim') ?? claimFromTags(query.get('tags')),
      limit: limit > 0 ? limit : DEFAULT_LIMIT,
      lookback: /^\d+[mhd]$/.test(query.get('lookback') ?? '') ? query.get('lookback') : DEFAULT_LOOKBACK,
    };
  }

  function fillForm(address) {
    if (address.service) ui.service.value = address.service;
    if (address.claim !== null) ui.claim.value = address.claim;
    ui.limit.value = String(address.limit);
    if (![...ui.lookback.options].some((o) => o.value === address.lookback)) {
      ui.lookback.append(el('option', { value: address.lookback }, address.lookback));
    }
    ui.lookback.value = address.lookback;
    if (address.trace) ui.traceId.value = address.trace;
  }

  /** Shows what the address asks for; runs on load, on form submits and on back/forward. */
  async function route() {
    const address = readAddress();
    fillForm(address);
    if (address.trace) {
      await showTrace(address.trace, address.span);
      return;
    }
    ui.trace.hidden = true;
    if (address.claim !== null || address.service) {
      await search({
        service: ui.service.value,
        claim: address.claim ?? '',
        limit: address.limit,
        lookback: address.lookback,
      });
    } else {
      ui.results.hidden = true;
    }
  }

  function navigate(href) {
    history.pushState(null, '', href);
    void route();
  }

  ui.searchForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!ui.service.value) {
      warn('Choose a service: Jaeger searches the spans of one service.');
      ui.service.focus();
      return;
    }
    const query = new URLSearchParams({
      service: ui.service.value,
      limit: ui.limit.value || String(DEFAULT_LIMIT),
      lookback: ui.lookback.value,
    });
    const claim = ui.claim.value.trim();
    if (claim) query.set('claim', claim);
    navigate(`?${query}`);
  });

  ui.traceForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = ui.traceId.value.trim();
    if (!/^[0-9a-fA-F]{1,32}$/.test(id)) {
      warn('A trace ID is 1 to 32 hexadecimal digits.');
      ui.traceId.focus();
      return;
    }
    navigate(`?trace=${id.toLowerCase()}`);
  });

  // In-page links (results, span links) change the address without a reload; a modified click
  // (new tab, new window) keeps the browser's own behaviour.
  document.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a[data-nav]') : null;
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
      return;
    event.preventDefault();
    navigate(link.href);
  });

  window.addEventListener('popstate', () => void route());

  void (async () => {
    const address = readAddress();
    await loadServices(address.service);
    await route();
  })();
})();
