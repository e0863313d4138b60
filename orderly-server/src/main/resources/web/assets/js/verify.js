/*
 * Identity verification in two steps on one page: name, birth date and phone ask for a one-time
 * code by SMS; the code proves the phone and opens a session (HttpOnly cookie). Both steps need
 * the waiting room's pass, which the browser sends as a cookie.
 *
 * The open challenge (id, masked phone, expiry) is kept in sessionStorage so a reload stays on the
 * code step. In demo runs the dev page can hand over a sample resident (sessionStorage in the same
 * tab, or localStorage + a storage event from another tab) to fill the form.
 */
(function () {
  'use strict';
  const O = window.Orderly;
  const h = O.h;
  const el = {
    problem: O.$('#problem'),
    prefilled: O.$('#prefilled'),
    passNote: O.$('#pass-note'),
    demoHint: O.$('#demo-hint'),
    stepIdentity: O.$('#step-identity'),
    stepCode: O.$('#step-code'),
    identityForm: O.$('#identity-form'),
    identityProblem: O.$('#identity-problem'),
    name: O.$('#name'),
    birth: O.$('#birth'),
    phone: O.$('#phone'),
    send: O.$('#send'),
    sentTo: O.$('#sent-to'),
    expires: O.$('#expires'),
    codeForm: O.$('#code-form'),
    codeProblem: O.$('#code-problem'),
    code: O.$('#code'),
    check: O.$('#check'),
    resend: O.$('#resend'),
    edit: O.$('#edit')
  };
  const CHALLENGE_KEY = 'orderly.challenge';
  const DEMO_KEY = 'orderly.demoResident';
  const HANDOFF_KEY = 'orderly.demoHandoff';
  let countdownTimer = null;

  // ---------------------------------------------------------------- input rules

  /** "19640315", "1964.3.15", "1964-03-15" → "1964-03-15"; null if not a real past date. */
  function normaliseBirthDate(raw) {
    const m = /^\s*(\d{4})[\s./-]?(\d{1,2})[\s./-]?(\d{1,2})\s*$/.exec(raw || '');
    if (!m) {
      return null;
    }
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const date = new Date(Date.UTC(y, mo - 1, d));
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || y < 1900 || date.getTime() > Date.now()) {
      return null;
    }
    return m[1] + '-' + String(mo).padStart(2, '0') + '-' + String(d).padStart(2, '0');
  }

  /** Korean mobile numbers: 010-1234-5678, 01012345678, 011-123-4567 → dashed form; null otherwise. */
  function normalisePhone(raw) {
    const digits = (raw || '').replace(/[\s-]/g, '');
    const m = /^(01[016789])(\d{3,4})(\d{4})$/.exec(digits);
    return m ? m[1] + '-' + m[2] + '-' + m[3] : null;
  }

  function fieldError(input, key) {
    const error = O.$('#' + input.id + '-error');
    if (key) {
      O.setText(error, key);
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
    } else {
      O.fill(error);
      error.hidden = true;
      input.removeAttribute('aria-invalid');
    }
    return !key;
  }

  function readIdentity() {
    const name = el.name.value.trim();
    const birthDate = normaliseBirthDate(el.birth.value);
    const phone = normalisePhone(el.phone.value);
    const ok = [
      fieldError(el.name, name ? null : 'verify.err.name'),
      fieldError(el.birth, birthDate ? null : 'verify.err.birth'),
      fieldError(el.phone, phone ? null : 'verify.err.phone')
    ];
    if (ok.includes(false)) {
      O.focus([el.name, el.birth, el.phone][ok.indexOf(false)]);
      return null;
    }
    el.birth.value = birthDate;
    el.phone.value = phone;
    return { name, birthDate, phone };
  }

  el.birth.addEventListener('blur', () => {
    const v = normaliseBirthDate(el.birth.value);
    if (v) {
      el.birth.value = v;
      fieldError(el.birth, null);
    }
  });
  el.phone.addEventListener('blur', () => {
    const v = normalisePhone(el.phone.value);
    if (v) {
      el.phone.value = v;
      fieldError(el.phone, null);
    }
  });
  el.code.addEventListener('input', () => {
    const digits = el.code.value.replace(/\D/g, '').slice(0, 6);
    if (digits !== el.code.value) {
      el.code.value = digits;
    }
  });

  // ---------------------------------------------------------------- step 1: ask for a code

  function noPassActions() {
    return h('a', { class: 'button block', href: '/index.html', i18n: 'verify.toLine' });
  }

  async function requestCode(body) {
    O.clear(el.problem);
    O.clear(el.identityProblem);
    O.clear(el.codeProblem);
    O.busy(el.send, true, 'verify.sending');
    O.busy(el.resend, true, 'verify.sending');
    try {
      const r = await O.api('POST', '/api/identity/challenges', { json: body });
      if (r.status === 201 && r.data) {
        const challenge = { challengeId: r.data.challengeId, maskedPhone: r.data.maskedPhone, expiresAt: r.data.expiresAt, receivedAt: Date.now() };
        O.session.set(CHALLENGE_KEY, challenge);
        showCodeStep(challenge, true);
      } else if (r.problem.slug === 'no-pass') {
        O.showProblem(el.problem, r.problem, { actions: noPassActions() });
      } else {
        O.showProblem(el.stepCode.hidden ? el.identityProblem : el.codeProblem, r.problem);
      }
    } catch (e) {
      O.showProblem(el.stepCode.hidden ? el.identityProblem : el.codeProblem, e);
    } finally {
      O.busy(el.send, false);
      O.busy(el.resend, false);
    }
  }

  el.identityForm.addEventListener('submit', event => {
    event.preventDefault();
    const body = readIdentity();
    if (body) {
      requestCode(body);
    }
  });

  // ---------------------------------------------------------------- step 2: check the code

  function showCodeStep(challenge, moveFocus) {
    unlock();
    el.stepIdentity.hidden = true;
    el.stepCode.hidden = false;
    el.code.value = '';
    fieldError(el.code, null);
    O.setText(el.sentTo, 'verify.sentTo', { phone: challenge.maskedPhone });
    startCountdown(challenge);
    if (moveFocus) {
      O.focus(el.code);
    }
  }

  function showIdentityStep() {
    stopCountdown();
    O.session.remove(CHALLENGE_KEY);
    O.clear(el.codeProblem);
    el.stepCode.hidden = true;
    el.stepIdentity.hidden = false;
    O.focus(el.name);
  }

  function stopCountdown() {
    clearInterval(countdownTimer);
    countdownTimer = null;
  }

  /**
   * Shows until when the code is good, by the server's clock. The seconds left are counted on this
   * device's clock; when that clock is clearly off, only the time is shown.
   */
  function startCountdown(challenge) {
    stopCountdown();
    const expiresAt = new Date(challenge.expiresAt).getTime();
    const trustworthy = expiresAt - (challenge.receivedAt || Date.now()) > 0 && expiresAt - (challenge.receivedAt || Date.now()) < 3600000;
    const tick = () => {
      const left = Math.ceil((expiresAt - Date.now()) / 1000);
      if (!trustworthy) {
        O.setText(el.expires, 'verify.expiresAt', { at: { instant: challenge.expiresAt, style: 'time' } });
      } else if (left > 0) {
        const clock = Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0');
        O.setText(el.expires, 'verify.expiresIn', { at: { instant: challenge.expiresAt, style: 'time' }, left: clock });
      } else {
        stopCountdown();
        locked({ slug: 'code-expired' });
      }
    };
    tick();
    countdownTimer = setInterval(tick, 1000);
  }

  el.codeForm.addEventListener('submit', async event => {
    event.preventDefault();
    const challenge = O.session.get(CHALLENGE_KEY);
    const code = el.code.value.trim();
    if (!fieldError(el.code, /^\d{6}$/.test(code) ? null : 'verify.err.code')) {
      O.focus(el.code);
      return;
    }
    if (!challenge) {
      showIdentityStep();
      return;
    }
    O.clear(el.codeProblem);
    O.busy(el.check, true, 'verify.checking');
    let done = false;
    try {
      const r = await O.api('POST', '/api/identity/challenges/' + encodeURIComponent(challenge.challengeId) + '/verify', { json: { code } });
      if (r.ok) {
        done = true;
        O.session.remove(CHALLENGE_KEY);
        O.session.remove(DEMO_KEY);
        stopCountdown();
        // A page that sent the person to verify (a leftover-dose offer, the standby list) gets them back.
        const back = O.session.get('orderly.returnTo');
        O.session.remove('orderly.returnTo');
        window.location.assign(typeof back === 'string' && /^\/(claim|standby)\.html(\?offer=[A-Za-z0-9_-]{32})?$/.test(back) ? back : '/book.html');
        return;
      }
      const p = r.problem;
      if (p.slug === 'no-pass') {
        O.showProblem(el.problem, p, { actions: noPassActions() });
      } else if (p.slug === 'wrong-code') {
        O.showProblem(el.codeProblem, p);
        el.code.value = '';
        el.code.setAttribute('aria-invalid', 'true');
        O.focus(el.code);
      } else if (['code-expired', 'too-many-tries', 'unknown-challenge'].includes(p.slug)) {
        locked(p);
      } else {
        O.showProblem(el.codeProblem, p);
      }
    } catch (e) {
      O.showProblem(el.codeProblem, e);
    } finally {
      if (!done) {
        O.busy(el.check, false);
        if (el.codeForm.dataset.locked) {
          el.check.disabled = true;
        }
      }
    }
  });

  /**
   * This code can no longer be used (too many wrong tries, expired, unknown): the countdown stops,
   * the code cannot be sent, and the one way on is the single "new code" button in the message.
   */
  function locked(problem) {
    stopCountdown();
    el.codeForm.dataset.locked = 'true';
    el.code.disabled = true;
    el.check.disabled = true;
    el.resend.hidden = true;
    O.setText(el.expires, 'verify.expired');
    O.showProblem(el.codeProblem, problem, { actions: resendButton() });
  }

  function unlock() {
    delete el.codeForm.dataset.locked;
    el.code.disabled = false;
    el.check.disabled = false;
    el.resend.hidden = false;
  }

  function resendButton() {
    const b = h('button', { type: 'button', class: 'button block' }, h('span', { i18n: 'verify.resend' }));
    b.addEventListener('click', resend);
    return b;
  }

  function resend() {
    const body = readIdentityQuietly();
    if (body) {
      requestCode(body);
    } else {
      showIdentityStep();
    }
  }

  /** The identity typed earlier on this page, if still complete (a reload forgets it). */
  function readIdentityQuietly() {
    const name = el.name.value.trim();
    const birthDate = normaliseBirthDate(el.birth.value);
    const phone = normalisePhone(el.phone.value);
    return name && birthDate && phone ? { name, birthDate, phone } : null;
  }

  el.resend.addEventListener('click', resend);
  el.edit.addEventListener('click', showIdentityStep);

  // ---------------------------------------------------------------- demo hand-over

  function prefill(resident) {
    if (!resident || !resident.name) {
      return;
    }
    if (!el.stepCode.hidden) {
      showIdentityStep();
    }
    el.name.value = resident.name;
    el.birth.value = normaliseBirthDate(resident.birthDate) || resident.birthDate || '';
    el.phone.value = normalisePhone(resident.phone) || resident.phone || '';
    [el.name, el.birth, el.phone].forEach(input => fieldError(input, null));
    O.setText(el.prefilled, 'verify.prefilled', { name: resident.name });
    el.prefilled.hidden = false;
  }

  function takeHandoff() {
    const handoff = O.local.get(HANDOFF_KEY);
    if (handoff) {
      O.local.remove(HANDOFF_KEY);
      if (Date.now() - (handoff.at || 0) < 10 * 60 * 1000) {
        O.session.set(DEMO_KEY, handoff.resident);
        prefill(handoff.resident);
      }
    }
  }

  window.addEventListener('storage', event => {
    if (event.key === HANDOFF_KEY && event.newValue) {
      takeHandoff();
    }
  });

  async function detectDemo() {
    try {
      const r = await O.api('GET', '/api/dev/sms');
      el.demoHint.hidden = !r.ok;
    } catch (e) {
      el.demoHint.hidden = true;
    }
  }

  // ---------------------------------------------------------------- start

  (function start() {
    const passExpiresAt = O.session.get('orderly.passExpiresAt');
    if (passExpiresAt && new Date(passExpiresAt).getTime() > Date.now()) {
      O.setText(el.passNote, 'verify.passNote', { at: { instant: passExpiresAt, style: 'time' } });
      el.passNote.hidden = false;
    }
    const challenge = O.session.get(CHALLENGE_KEY);
    if (challenge && new Date(challenge.expiresAt).getTime() > Date.now()) {
      showCodeStep(challenge, false);
    } else {
      O.session.remove(CHALLENGE_KEY);
    }
    const demo = O.session.get(DEMO_KEY);
    if (demo && el.stepCode.hidden) {
      prefill(demo);
    }
    takeHandoff();
    detectDemo();
  })();
})();
