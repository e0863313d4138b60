/*
 * What every Orderly page shares, as window.Orderly:
 *
 *  - language: Korean first, English second; the choice is kept in localStorage. Every visible
 *    string comes from the dictionary in i18n.js through data-i18n attributes, so switching the
 *    language re-translates the whole document, dynamic parts included (their arguments ride
 *    along in data-i18n-args).
 *  - dates and times in Asia/Seoul, whatever zone the device is set to. A LocalDate from the API
 *    ("2021-07-26") is a Seoul calendar day and is shown as that day.
 *  - api(): fetch with the browser's cookies, a timeout, and RFC 9457 problem bodies turned into
 *    values ({status, ok, data, problem}); only a network failure throws (NetworkError).
 *  - h(): a small DOM builder; pages never use innerHTML, and never style="" (the CSP forbids it).
 *
 * Loaded with defer after i18n.js and before the page's own script. Files under /assets/ are
 * served with a one-year cache and the pages are not: when you change an asset, bump the ?v= of
 * its links in every page (grep -l 'name.js?v=' *.html), so browsers and CDNs fetch the new one.
 */
(function () {
  'use strict';

  const ZONE = 'Asia/Seoul';
  const LANG_KEY = 'orderly.lang';
  const LANGS = ['ko', 'en'];
  const LOCALES = { ko: 'ko-KR', en: 'en-US' };
  const I18N_ATTRS = ['aria-label', 'placeholder', 'title', 'alt', 'content'];
  const messages = window.OrderlyMessages;

  // ---------------------------------------------------------------- storage

  function storageOf(kind) {
    return {
      get(key) {
        try {
          const v = window[kind].getItem(key);
          return v === null ? null : JSON.parse(v);
        } catch (e) {
          return null;
        }
      },
      set(key, value) {
        try {
          window[kind].setItem(key, JSON.stringify(value));
        } catch (e) {
          // Storage may be off (private mode, quota): the pages still work, a reload just forgets.
        }
      },
      remove(key) {
        try {
          window[kind].removeItem(key);
        } catch (e) {
          // as above
        }
      }
    };
  }

  const session = storageOf('sessionStorage');
  const local = storageOf('localStorage');

  // ---------------------------------------------------------------- language

  // A first visit follows the browser's languages (the first of them we have); a choice made on the page sticks.
  let lang = (function () {
    const saved = local.get(LANG_KEY);
    if (LANGS.includes(saved)) {
      return saved;
    }
    const wanted = (navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ''])
      .map(l => String(l).toLowerCase().split('-')[0]);
    return wanted.find(l => LANGS.includes(l)) || 'ko';
  })();
  const languageListeners = [];

  function locale() {
    return LOCALES[lang];
  }

  function lookup(key) {
    const own = messages[lang][key];
    return own !== undefined ? own : messages.ko[key];
  }

  /** The text of {@code key} in the current language, {placeholders} filled from args. */
  function t(key, args, fallback) {
    const message = lookup(key);
    if (message === undefined) {
      if (fallback !== undefined && fallback !== null && fallback !== '') {
        return fallback;
      }
      console.error('Orderly: no text for "' + key + '"');
      return key;
    }
    // A function picks the wording (plurals); its answer may still hold {placeholders}.
    const template = typeof message === 'function' ? message(args || {}, formatValue) : message;
    if (!args) {
      return template;
    }
    return template.replace(/\{(\w+)\}/g, (whole, name) => (name in args ? formatValue(args[name]) : whole));
  }

  /**
   * One argument as text. Numbers are grouped for the language; objects say what they are:
   * {date: "YYYY-MM-DD", style}, {instant: ISO-8601, style}, {duration: seconds}, {text: key, args}.
   */
  function formatValue(v) {
    if (v === null || v === undefined) {
      return '';
    }
    if (typeof v === 'number') {
      return new Intl.NumberFormat(locale()).format(v);
    }
    if (typeof v !== 'object') {
      return String(v);
    }
    if ('date' in v) {
      return formatDay(v.date, v.style);
    }
    if ('instant' in v) {
      return v.style === 'deadline' ? formatDeadline(v.instant) : formatInstant(v.instant, v.style);
    }
    if ('duration' in v) {
      return t('fmt.duration', { seconds: v.duration });
    }
    if ('text' in v) {
      return t(v.text, v.args);
    }
    return '';
  }

  const DAY_STYLES = {
    long: () => ({ year: 'numeric', month: 'long', day: 'numeric', weekday: 'short' }),
    short: () => ({ month: lang === 'ko' ? 'long' : 'short', day: 'numeric', weekday: 'short' }),
    plain: () => ({ year: 'numeric', month: 'long', day: 'numeric' })
  };

  const INSTANT_STYLES = {
    datetime: () => ({ year: 'numeric', month: 'long', day: 'numeric', weekday: 'short', hour: 'numeric', minute: '2-digit' }),
    time: () => ({ hour: 'numeric', minute: '2-digit', second: '2-digit' }),
    stamp: () => ({ month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
  };

  /** A Seoul calendar day ("2021-07-26") in words, e.g. "2021년 7월 26일 (월)". */
  function formatDay(day, style) {
    const instant = new Date(day + 'T12:00:00+09:00');
    if (Number.isNaN(instant.getTime())) {
      return String(day);
    }
    const options = (DAY_STYLES[style] || DAY_STYLES.long)();
    options.timeZone = ZONE;
    if (lang === 'ko') {
      // Written out so that the weekday is always in parentheses, as on Korean forms.
      const p = seoulParts(instant, { year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'short' });
      const weekday = options.weekday ? ' (' + p.weekday + ')' : '';
      return (options.year ? p.year + '년 ' : '') + p.month + '월 ' + p.day + '일' + weekday;
    }
    return new Intl.DateTimeFormat(locale(), options).format(instant);
  }

  function seoulParts(instant, options) {
    const parts = {};
    const format = new Intl.DateTimeFormat(locale(), Object.assign({ timeZone: ZONE }, options));
    for (const part of format.formatToParts(instant)) {
      parts[part.type] = part.value;
    }
    return parts;
  }

  /**
   * An end of a period: a Seoul midnight is shown as the last whole day before it ("until 21 July"
   * rather than "until 22 July, 00:00"); any other instant as date and time.
   */
  function formatDeadline(value) {
    const instant = new Date(value);
    if (Number.isNaN(instant.getTime())) {
      return String(value);
    }
    const p = seoulParts(instant, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    if (Number(p.hour) === 0 && Number(p.minute) === 0 && Number(p.second) === 0) {
      const lastDay = new Date(instant.getTime() - 12 * 3600 * 1000);
      const d = seoulParts(lastDay, { year: 'numeric', month: '2-digit', day: '2-digit' });
      return formatDay(d.year + '-' + d.month + '-' + d.day, 'long');
    }
    return formatInstant(value, 'datetime');
  }

  /** An instant (ISO-8601 text or epoch millis) as seen on a clock in Seoul. */
  function formatInstant(value, style) {
    const instant = new Date(value);
    if (Number.isNaN(instant.getTime())) {
      return String(value);
    }
    const options = (INSTANT_STYLES[style] || INSTANT_STYLES.datetime)();
    options.timeZone = ZONE;
    if (lang === 'ko' && (style || 'datetime') === 'datetime') {
      // "2021년 7월 26일 (월) 오후 8:00": the date as formatDay writes it, then the time.
      const d = seoulParts(instant, { year: 'numeric', month: '2-digit', day: '2-digit' });
      const time = new Intl.DateTimeFormat(locale(), { timeZone: ZONE, hour: 'numeric', minute: '2-digit' }).format(instant);
      return formatDay(d.year + '-' + d.month + '-' + d.day, 'long') + ' ' + time;
    }
    return new Intl.DateTimeFormat(locale(), options).format(instant);
  }

  function isWeekend(day) {
    const d = new Date(day + 'T00:00:00Z').getUTCDay();
    return d === 0 || d === 6;
  }

  function translateElement(el) {
    let args;
    if (el.dataset.i18nArgs) {
      try {
        args = JSON.parse(el.dataset.i18nArgs);
      } catch (e) {
        args = undefined;
      }
    }
    if (el.dataset.i18n) {
      el.textContent = t(el.dataset.i18n, args, el.dataset.i18nFallback);
    }
    for (const attr of I18N_ATTRS) {
      const key = el.getAttribute('data-i18n-' + attr);
      if (key) {
        el.setAttribute(attr, t(key, args));
      }
    }
  }

  /** Gives {@code el} the text of {@code key} (with args), kept in step with the language. */
  function setText(el, key, args) {
    el.dataset.i18n = key;
    if (args) {
      el.dataset.i18nArgs = JSON.stringify(args);
    } else {
      delete el.dataset.i18nArgs;
    }
    translateElement(el);
    return el;
  }

  /** Translates {@code root} and everything in it that carries data-i18n attributes. */
  function translate(root) {
    const scope = root || document;
    const selector = '[data-i18n]' + I18N_ATTRS.map(a => ',[data-i18n-' + a + ']').join('');
    if (scope.nodeType === 1 && scope.matches(selector)) {
      translateElement(scope);
    }
    scope.querySelectorAll(selector).forEach(translateElement);
  }

  function setLanguage(next) {
    if (!LANGS.includes(next)) {
      return;
    }
    lang = next;
    local.set(LANG_KEY, next);
    document.documentElement.lang = next;
    translate(document);
    languageListeners.forEach(fn => fn(next));
  }

  function onLanguage(fn) {
    languageListeners.push(fn);
  }

  // ---------------------------------------------------------------- DOM

  /**
   * Builds an element. props: class, text, i18n (key), args (for the key), fallback (text when
   * the key is unknown), i18n-<attr> (translated attribute), on<Event> (listener), dataset,
   * hidden/disabled/... (true sets them), anything else as an attribute.
   */
  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        if (v === undefined || v === null || v === false) {
          continue;
        }
        if (k === 'class') {
          el.className = v;
        } else if (k === 'text') {
          el.textContent = v;
        } else if (k === 'i18n') {
          el.dataset.i18n = v;
        } else if (k === 'args') {
          el.dataset.i18nArgs = JSON.stringify(v);
        } else if (k === 'fallback') {
          el.dataset.i18nFallback = v;
        } else if (k.startsWith('i18n-')) {
          el.setAttribute('data-' + k, v);
        } else if (k === 'dataset') {
          Object.assign(el.dataset, v);
        } else if (k.startsWith('on') && typeof v === 'function') {
          el.addEventListener(k.slice(2).toLowerCase(), v);
        } else if (v === true) {
          el.setAttribute(k, '');
        } else {
          el.setAttribute(k, String(v));
        }
      }
    }
    appendAll(el, children);
    if (props && (props.i18n || Object.keys(props).some(k => k.startsWith('i18n-')))) {
      translateElement(el);
    }
    return el;
  }

  function appendAll(el, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) {
        continue;
      }
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }

  /** Empties {@code el} and fills it with {@code children}. */
  function fill(el, ...children) {
    el.replaceChildren();
    appendAll(el, children);
    return el;
  }

  function $(selector, root) {
    return (root || document).querySelector(selector);
  }

  /** Shows a button as working (spinner, busy label, disabled) or restores it. */
  function busy(button, on, busyKey) {
    if (on) {
      if (button.dataset.idleKey === undefined) {
        const label = button.dataset.i18n ? button : button.querySelector('[data-i18n]');
        button.dataset.idleKey = label ? label.dataset.i18n : '';
        // The label moves into a child span, so that translating the page cannot wipe the spinner.
        delete button.dataset.i18n;
      }
      button.disabled = true;
      button.setAttribute('aria-busy', 'true');
      fill(button, h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', { i18n: busyKey || 'common.working' }));
    } else if (button.dataset.idleKey !== undefined) {
      const key = button.dataset.idleKey;
      delete button.dataset.idleKey;
      button.disabled = false;
      button.removeAttribute('aria-busy');
      fill(button, key ? h('span', { i18n: key }) : '');
    }
  }

  /** Moves focus to {@code el} (made focusable if need be), e.g. a new heading or an alert. */
  function focus(el) {
    if (!el) {
      return;
    }
    if (!el.hasAttribute('tabindex') && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(el.tagName)) {
      el.setAttribute('tabindex', '-1');
    }
    el.focus({ preventScroll: false });
  }

  // ---------------------------------------------------------------- API

  class NetworkError extends Error {
    constructor(cause) {
      super('network: ' + (cause && cause.message ? cause.message : cause));
      this.name = 'NetworkError';
      this.slug = 'network';
    }
  }

  function slugOf(body, status) {
    if (body && typeof body.type === 'string' && body.type.startsWith('/problems/')) {
      return body.type.slice('/problems/'.length);
    }
    if (status === 429) {
      return 'rate-limited';
    }
    return status >= 500 ? 'server-error' : 'unexpected';
  }

  /**
   * Calls the API. Resolves with {status, ok, data, problem, retryAfterMs}; problem is the RFC 9457
   * body with its slug ("day-full") added. Rejects only with NetworkError (offline, timeout).
   */
  async function api(method, path, options) {
    const opts = options || {};
    const headers = Object.assign({ Accept: 'application/json, application/problem+json' }, opts.headers || {});
    let body;
    if (opts.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.json);
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), opts.timeoutMs || 20000);
    let response;
    let data = null;
    try {
      response = await fetch(path, { method, headers, body, credentials: 'same-origin', cache: 'no-store', signal: controller.signal });
      const type = response.headers.get('Content-Type') || '';
      if (type.includes('json')) {
        try {
          data = await response.json();
        } catch (e) {
          data = null;
        }
      }
    } catch (e) {
      throw new NetworkError(e);
    } finally {
      clearTimeout(timer);
    }
    let problem = null;
    if (!response.ok) {
      problem = data && typeof data === 'object' && !Array.isArray(data) ? data : { status: response.status };
      problem.slug = slugOf(problem, response.status);
    }
    const retryAfter = Number(response.headers.get('Retry-After'));
    return {
      status: response.status,
      ok: response.ok,
      data: response.ok ? data : null,
      problem,
      retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 0
    };
  }

  /** Pauses before each new try of a change whose answer was lost or deferred (503): about half a minute in all. */
  const CHANGE_RETRIES_MS = [1000, 2000, 4000, 8000, 15000];

  /**
   * Sends a change (book, move, cancel) under {@code key} as its Idempotency-Key, and sends it again
   * with the same key when the answer is lost (network) or deferred (503: a service behind Orderly
   * is down for a moment), waiting at least what Retry-After asks, a bounded number of times. The
   * server answers a repeated key with the first request's answer, so the person sees what really
   * happened (e.g. the booking they got) and nothing happens twice. Resolves like api() with the
   * last answer (a 503 when every try was deferred); rejects with NetworkError when every answer
   * was lost. {@code onRetry(tries)} is called before each new try.
   */
  async function sendChange(method, path, options, key, onRetry) {
    const opts = Object.assign({}, options || {});
    opts.headers = Object.assign({}, opts.headers || {}, { 'Idempotency-Key': key });
    for (let tries = 0; ; tries++) {
      let r = null;
      let lost = null;
      try {
        r = await api(method, path, opts);
      } catch (e) {
        lost = e;
      }
      if (r && r.status !== 503) {
        return r;
      }
      if (tries >= CHANGE_RETRIES_MS.length) {
        if (lost) {
          throw lost;
        }
        return r;
      }
      const wait = Math.max(CHANGE_RETRIES_MS[tries], r ? r.retryAfterMs : 0);
      if (onRetry) {
        onRetry(tries + 1);
      }
      await new Promise(resolve => setTimeout(resolve, wait));
    }
  }

  /** A problem (API answer or NetworkError) as a value the pages can render. */
  function problemOf(errorOrProblem) {
    if (errorOrProblem instanceof NetworkError) {
      return { slug: 'network' };
    }
    if (errorOrProblem instanceof Error) {
      return { slug: 'unexpected', detail: String(errorOrProblem.message) };
    }
    return errorOrProblem;
  }

  /**
   * An alert box (role="alert") for a problem: a title and a sentence from the dictionary by the
   * problem's slug, falling back to the server's own title and detail for a slug we do not know.
   */
  function problemBox(problem, options) {
    const p = problemOf(problem);
    const opts = options || {};
    const args = Object.assign({}, p, opts.args || {});
    delete args.slug;
    delete args.type;
    const key = 'problem.' + p.slug;
    return h('div', { class: 'alert ' + (opts.tone || 'error'), role: 'alert' },
      h('p', { class: 'alert-title', i18n: key + '.title', fallback: p.title || t('problem.generic.title') }),
      h('p', { i18n: key, args, fallback: p.detail || t('problem.generic') }),
      opts.actions ? h('div', { class: 'button-row' }, opts.actions) : null);
  }

  /** Puts a problem box into {@code container} (emptied first), shows it and moves focus to it. */
  function showProblem(container, problem, options) {
    const box = problemBox(problem, options);
    fill(container, box);
    container.hidden = false;
    focus(box);
    return box;
  }

  function clear(container) {
    fill(container);
    container.hidden = true;
  }

  function randomId() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') {
      return window.crypto.randomUUID();
    }
    const bytes = window.crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
  }

  /** Product code → {code, name, dose2MinDays, dose2MaxDays}, fetched once per page. */
  let productsPromise = null;
  function products() {
    if (!productsPromise) {
      productsPromise = api('GET', '/api/products')
        .then(r => (r.ok && Array.isArray(r.data) ? Object.fromEntries(r.data.map(p => [p.code, p])) : {}))
        .catch(() => ({}));
    }
    return productsPromise;
  }

  /** A name from the API in the page's language: the English one in English when there is one. */
  function named(ko, en) {
    return lang === 'en' && en ? en : ko;
  }

  /** The name part of a product's name, and the part in parentheses if any. */
  function productLabel(catalogue, code) {
    const p = catalogue[code];
    const name = p ? named(p.name, p.nameEn) : code;
    const m = /^(.*?)\s*\((.*)\)\s*$/.exec(name);
    return m ? { main: m[1], sub: m[2], full: name } : { main: name, sub: '', full: name };
  }

  /** A day and product as the facts list of a reservation (book, done and my pages). */
  function reservationFacts(r, catalogue) {
    const value = v => ({ i18n: 'fmt.value', args: { v } });
    return [
      h('dt', { i18n: 'res.reference' }), h('dd', { class: 'reference-inline' }, r.reference),
      h('dt', { i18n: 'res.clinic' }), h('dd', null, r.clinic ? r.clinic.name : ''),
      h('dt', { i18n: 'res.product' }), h('dd', null, productLabel(catalogue, r.product).full),
      h('dt', { i18n: 'res.dose1' }), h('dd', value({ date: r.dose1Day })),
      h('dt', { i18n: 'res.dose2' }), h('dd', value({ date: r.dose2Day })),
      r.bookedAt ? [h('dt', { i18n: 'res.bookedAt' }), h('dd', value({ instant: r.bookedAt }))] : null
    ];
  }

  /** A clinic's names, address and telephone (GET /api/clinics/{id}), or null when they cannot be had. */
  async function clinicDetails(id) {
    try {
      const r = await api('GET', '/api/clinics/' + encodeURIComponent(id));
      return r.ok ? r.data : null;
    } catch (e) {
      return null;
    }
  }

  /**
   * Fills #clinic-address and #clinic-phone (when the page has them) with the clinic's address and
   * a telephone link; the clinic's name in #clinic follows the page's language.
   */
  async function showClinic(clinicId) {
    const details = clinicId ? await clinicDetails(clinicId) : null;
    const address = $('#clinic-address');
    const phone = $('#clinic-phone');
    if (details) {
      const name = $('#clinic');
      if (name) {
        name.textContent = named(details.name, details.nameEn);
        onLanguage(() => { name.textContent = named(details.name, details.nameEn); });
      }
      if (address) {
        address.textContent = details.address;
      }
      if (phone) {
        fill(phone, details.phone ? h('a', { href: 'tel:' + details.phone.replace(/[^0-9+]/g, '') }, details.phone) : '–');
      }
    }
    return details;
  }

  /** Fills the reservation block that done.html and my.html share (#reference, #clinic, ...). */
  function showReservation(r, catalogue) {
    $('#reference').textContent = r.reference;
    $('#clinic').textContent = r.clinic ? r.clinic.name : '';
    if (r.clinic) {
      showClinic(r.clinic.id);
    }
    $('#product').textContent = productLabel(catalogue, r.product).full;
    setText($('#dose1'), 'fmt.value', { v: { date: r.dose1Day } });
    setText($('#dose2'), 'fmt.value', { v: { date: r.dose2Day } });
    const bookedAt = $('#booked-at');
    if (r.bookedAt) {
      setText(bookedAt, 'res.bookedAtText', { at: { instant: r.bookedAt } });
    }
    bookedAt.hidden = !r.bookedAt;
  }

  // ---------------------------------------------------------------- cohorts, refusals, places

  /** A cohort as an argument: by name (birth years) in Korean, by birth dates in English, with its ages today. */
  function cohortArg(cohort) {
    if (!cohort) {
      return '';
    }
    const ages = cohort.ages || {};
    return {
      text: 'book.cohort',
      args: {
        name: cohort.name, bornFrom: cohort.bornFrom || '', bornTo: cohort.bornTo || '',
        youngest: ages.youngest === undefined ? '' : ages.youngest, oldest: ages.oldest === undefined ? '' : ages.oldest
      }
    };
  }

  /** What a rotation's digit is, in words ("the last digit of the birth date"). */
  function digitName(rotation) {
    const index = Number(rotation.digitIndex);
    return index === 7 || index === 3 ? { text: 'rotation.digit.' + index } : { text: 'rotation.digit.other', args: { pos: index + 1 } };
  }

  /** The rotation as a table: for each last digit of the day of the month, whose digit books that day. */
  function rotationTable(rotation, today) {
    const todayDigit = today ? Number(today.slice(-1)) : -1;
    const cells = [];
    for (let d = 0; d < 10; d++) {
      const c = rotation.mapping.charAt(d);
      const cls = d === todayDigit ? 'today' : null;
      cells.push([h('th', { scope: 'col', class: cls }, String(d)),
        c === '-' ? h('td', { class: cls, i18n: 'rotation.nobody' }) : h('td', { class: cls }, c)]);
    }
    return h('table', { class: 'rotation-table' },
      h('caption', { i18n: 'rotation.caption' }),
      h('tbody', null,
        h('tr', null, h('th', { scope: 'row', i18n: 'rotation.dayDigit' }), cells.map(c => c[0])),
        h('tr', null, h('th', { scope: 'row', i18n: 'rotation.who', args: { digitName: digitName(rotation) } }), cells.map(c => c[1]))));
  }

  /** Why someone may not book, in words, with the rotation table when a rotation is the reason, and the schedule's link. */
  function refusalBox(e, titleKey) {
    const reason = String(e.reason || 'UNKNOWN');
    const args = { cohort: cohortArg(e.cohort) };
    if (e.opensAt) {
      args.opensAt = { instant: e.opensAt };
    }
    if (e.closedAt) {
      args.closedAt = { instant: e.closedAt, style: 'deadline' };
    }
    const rotation = e.cohort && e.cohort.rotation;
    let table = null;
    if (reason === 'WRONG_ROTATION_DAY' && rotation) {
      const digit = e.yourDigit;
      const dayDigits = [];
      for (let d = 0; d < 10; d++) {
        if (rotation.mapping.charAt(d) === String(digit)) {
          dayDigits.push(d);
        }
      }
      Object.assign(args, { digit, dayDigits: dayDigits.join(', '), digitName: digitName(rotation), yourDay: { date: e.yourDay } });
      table = rotationTable(rotation, e.cohort.ages ? e.cohort.ages.on : null);
    }
    return h('div', { class: 'alert warning' },
      h('p', { class: 'alert-title', i18n: titleKey }),
      h('p', { i18n: 'book.reason.' + reason, args, fallback: t('book.reason.other') }),
      table,
      reason === 'ALREADY_BOOKED' ? null : h('p', null, h('a', { href: '/schedule.html', i18n: 'book.scheduleLink' })));
  }

  /** When a 401 says why the session ended (another device, expiry), says it, with the time for a replaced session. */
  function showSessionEnd(container, problem) {
    if (!problem || !['session-replaced', 'session-expired', 'session-ended'].includes(problem.slug)) {
      return;
    }
    const more = problem.replacedAt ? h('p', { i18n: 'verify.replacedAt', args: { at: { instant: problem.replacedAt, style: 'datetime' } } }) : null;
    showProblem(container, problem, { tone: 'warning', args: {}, actions: more });
  }

  /** An option for a place: its value the Korean name the API knows it by, its text in the page's language. */
  function placeOption(ko, en) {
    return h('option', { value: ko, i18n: 'fmt.place', args: { ko, en: en || '' } });
  }

  // ---------------------------------------------------------------- the identity gate

  /**
   * What this tab knows of its place in the identity gate's line. The place itself is held by the
   * server (signed ticket, HttpOnly cookie); the tab keeps the ticket for the Orderly-Ticket header,
   * the last answer (to show at once after a reload) and the earliest time it may ask again.
   */
  function gateFor(name) {
    // The identity gate keeps the unsuffixed keys it always had; other gates suffix theirs.
    const k = key => (name === 'identity' ? key : key + '.' + name);
    return {
      name,
      remember(answer) {
        if (answer.ticket) {
          session.set(k('orderly.ticket'), answer.ticket);
        }
        session.set(k('orderly.gate'), { answer, at: Date.now() });
        if (answer.state === 'waiting') {
          session.set(k('orderly.nextPollAt'), Date.now() + Math.max(0, Number(answer.pollAfterMs) || 0));
        }
        if (answer.state === 'admitted' && answer.expiresAt) {
          session.set(k('orderly.passExpiresAt'), answer.expiresAt);
        }
      },
      ticket: () => session.get(k('orderly.ticket')),
      last: () => session.get(k('orderly.gate')),
      nextPollAt: () => Number(session.get(k('orderly.nextPollAt'))) || 0,
      holdUntil: at => session.set(k('orderly.nextPollAt'), at),
      /** Whether this tab holds a pass of this gate that has not expired (the server has the last word). */
      hasPass() {
        const until = session.get(k('orderly.passExpiresAt'));
        return !!until && Date.parse(until) > Date.now();
      },
      forget() {
        ['orderly.ticket', 'orderly.gate', 'orderly.nextPollAt', 'orderly.passExpiresAt', 'orderly.firstAhead']
          .map(k).forEach(session.remove);
      }
    };
  }
  const gate = gateFor('identity');

  /** Problems that mean "this step needs a (new) pass from the waiting room". */
  const PASS_PROBLEMS = new Set(['no-pass', 'invalid-pass', 'pass-expired', 'pass-spent', 'pass-other-browser', 'pass-other-gate']);
  function needsPass(problem) {
    return !!problem && PASS_PROBLEMS.has(problem.slug);
  }

  // ---------------------------------------------------------------- page chrome

  const LARGE_TEXT_KEY = 'orderly.largeText';

  /** The text-size control: a toggle in the header; large text is remembered on this device. */
  function initTextSize() {
    const root = document.documentElement;
    root.classList.toggle('large-text', local.get(LARGE_TEXT_KEY) === true);
    const actions = document.querySelector('.site-header .header-actions');
    if (!actions) {
      return;
    }
    const button = h('button', { type: 'button', class: 'lang-toggle text-size', 'data-text-size': true, i18n: 'common.largeText' });
    const sync = () => button.setAttribute('aria-pressed', root.classList.contains('large-text') ? 'true' : 'false');
    button.addEventListener('click', () => {
      const on = !root.classList.contains('large-text');
      root.classList.toggle('large-text', on);
      local.set(LARGE_TEXT_KEY, on);
      sync();
    });
    sync();
    actions.prepend(button);
  }

  function initChrome() {
    document.documentElement.lang = lang;
    initTextSize();
    // A page restored from the back-forward cache (Back after booking) shows what it showed when
    // left: a busy button, old counts. Load it again so it shows the state as it is now.
    window.addEventListener('pageshow', event => {
      if (event.persisted) {
        window.location.reload();
      }
    });
    document.querySelectorAll('[data-lang-toggle]').forEach(button => {
      button.addEventListener('click', () => setLanguage(lang === 'ko' ? 'en' : 'ko'));
    });
    document.querySelectorAll('[data-logout]').forEach(button => {
      button.addEventListener('click', async () => {
        busy(button, true, 'common.loggingOut');
        try {
          await api('POST', '/api/identity/logout');
        } catch (e) {
          // The session cookie expires on its own; leaving is what the person asked for.
        }
        ['orderly.reservation', 'orderly.person', 'orderly.challenge'].forEach(session.remove);
        window.location.assign('/');
      });
    });
    translate(document);
    // The toggle names the other language, in that language.
    onLanguage(() => syncToggle());
    syncToggle();
  }

  function syncToggle() {
    document.querySelectorAll('[data-lang-toggle]').forEach(button => {
      button.setAttribute('lang', lang === 'ko' ? 'en' : 'ko');
    });
  }

  window.Orderly = {
    ZONE,
    t,
    translate,
    setText,
    onLanguage,
    language: () => lang,
    setLanguage,
    fmt: { day: formatDay, instant: formatInstant, value: formatValue, isWeekend },
    h,
    fill,
    $,
    busy,
    focus,
    api,
    sendChange,
    NetworkError,
    problemOf,
    problemBox,
    showProblem,
    clear,
    randomId,
    products,
    productLabel,
    reservationFacts,
    showReservation,
    showClinic,
    clinicDetails,
    named,
    cohortArg,
    digitName,
    rotationTable,
    refusalBox,
    showSessionEnd,
    placeOption,
    gate,
    gateFor,
    needsPass,
    session,
    local
  };

  initChrome();
})();
