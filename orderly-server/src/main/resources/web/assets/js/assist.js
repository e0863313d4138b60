/*
 * Acting for another resident, shared by the call centre's page (agent.js) and booking for a
 * family member (family.js), as window.OrderlyAssist: find the resident, send them a consent
 * code, confirm with it, then show where they stand and book, change or cancel for them. The
 * server decides everything (same rules as a citizen's own booking); this only asks and shows.
 *
 * assist.start(options): options.base is the API prefix ('/api/operator/agent' or '/api/proxy'),
 * options.challenges where codes are sent, options.pass() resolves when a pass of the right line
 * is held (joining and waiting if need be), options.headers extra headers for changes.
 */
(function () {
  'use strict';
  const O = window.Orderly;
  const h = O.h;
  const $ = id => document.getElementById(id);

  function problem(p) {
    O.showProblem($('problem'), p);
  }

  function clearProblem() {
    O.clear($('problem'));
  }

  function note(key, args) {
    const box = $('note');
    O.fill(box, h('p', { i18n: key, args }));
    box.hidden = false;
  }

  /** Joins a line ({@code joinPath}) and polls {@code gate}'s status until admitted; {@code waiting(answer)} on each wait. */
  async function waitForPass(joinPath, gate, waiting) {
    let r = await O.api('POST', joinPath);
    if (!r.ok) {
      return r;
    }
    let status = r.data;
    while (status.state !== 'admitted') {
      waiting(status);
      await new Promise(resolve => setTimeout(resolve, Math.min(2000, Math.max(200, Number(status.pollAfterMs) || 1000))));
      r = await O.api('GET', '/api/gates/' + gate + '/status');
      if (!r.ok) {
        return r;
      }
      status = r.data;
    }
    return r;
  }

  function start(options) {
    const base = options.base;
    let challengeId = null;
    let chosen = null;
    let catalogue = {};

    function claim() {
      return { name: $('a-name').value.trim(), birthDate: $('a-birth').value, phone: $('a-phone').value.trim() };
    }

    function maskedLine(r) {
      return { name: r.maskedName, birth: { date: r.birthDate }, phone: r.maskedPhone };
    }

    async function call(method, path, json, button, key) {
      clearProblem();
      if (button) {
        O.busy(button, true);
      }
      try {
        const opts = json === undefined ? {} : { json };
        opts.headers = options.headers ? options.headers() : {};
        return key ? await O.sendChange(method, path, opts, key) : await O.api(method, path, opts);
      } catch (e) {
        problem(e);
        return null;
      } finally {
        if (button) {
          O.busy(button, false);
        }
      }
    }

    $('find-form').addEventListener('submit', async e => {
      e.preventDefault();
      if (!options.lookup) {
        return sendCode(e.submitter || $('send-code'));
      }
      const r = await call('POST', options.lookup, claim(), e.submitter);
      if (r && r.ok) {
        O.fill($('found'), h('p', { i18n: 'assist.found', args: maskedLine(r.data.resident) }));
        $('found').hidden = false;
        $('send-code').hidden = false;
      } else if (r) {
        problem(r.problem);
      }
    });

    async function sendCode(button) {
      const r = await call('POST', options.challenges, claim(), button);
      if (r && r.ok) {
        challengeId = r.data.challengeId;
        O.fill($('code-sent'), h('p', { i18n: 'assist.codeSent', args: { phone: r.data.resident.maskedPhone } }));
        $('code-form').hidden = false;
        $('a-code').value = '';
        $('a-code').focus();
      } else if (r) {
        problem(r.problem);
      }
    }
    if ($('send-code')) {
      $('send-code').addEventListener('click', e => sendCode(e.currentTarget));
    }

    $('code-form').addEventListener('submit', async e => {
      e.preventDefault();
      const r = await call('POST', options.challenges + '/' + encodeURIComponent(challengeId) + '/verify',
        { code: $('a-code').value.trim() }, e.submitter);
      if (r && r.ok) {
        $('code-form').hidden = true;
        await showStatus();
      } else if (r) {
        problem(r.problem);
      }
    });

    async function showStatus() {
      const r = await call('GET', base === '/api/proxy' ? base : base + '/session');
      if (!r) {
        return;
      }
      if (!r.ok) {
        $('acting').hidden = true;
        $('find').hidden = false;
        if (r.status !== 409) {
          problem(r.problem);
        }
        return;
      }
      catalogue = await O.products();
      const s = r.data;
      $('find').hidden = true;
      $('acting').hidden = false;
      const e = s.eligibility;
      O.fill($('who-line'),
        h('p', { class: 'strong', i18n: 'assist.found', args: maskedLine(s.resident) }),
        h('p', { class: 'small muted', i18n: 'assist.until', args: { at: { instant: s.expiresAt } } }),
        h('p', e.eligible ? { i18n: 'assist.eligible' } : { i18n: 'assist.notEligible', args: { reason: { text: 'assist.reason.' + e.reason } } }));
      if (s.reservation) {
        O.fill($('reservation'), h('dl', { class: 'facts' }, O.reservationFacts(s.reservation, catalogue)));
        $('d2-day').value = s.reservation.dose2Day;
      } else {
        O.fill($('reservation'), h('p', { class: 'muted', i18n: 'assist.noReservation' }));
      }
      $('changes').hidden = !s.reservation;
      $('book').hidden = !!s.reservation;
      $('move').hidden = !s.reservation;
      O.fill($('on-behalf'), (s.onBehalf || []).map(x => h('li', {
        i18n: 'assist.onBehalfLine',
        args: {
          at: { instant: x.at }, reference: x.reference, action: { text: 'assist.action.' + x.action },
          who: x.by === 'family' ? { text: 'assist.byFamily', args: { name: x.maskedName || '' } } : { text: 'assist.byCallCentre' }
        }
      })));
      $('chosen').hidden = !chosen;
      if (!$('province').options.length) {
        const regions = await O.api('GET', '/api/regions');
        if (regions.ok) {
          O.fill($('province'), regions.data.map(x => h('option', { value: x.province }, x.province)));
        }
      }
    }

    $('search-form').addEventListener('submit', async e => {
      e.preventDefault();
      const q = new URLSearchParams({ province: $('province').value, days: '14' });
      if ($('district').value.trim()) {
        q.set('district', $('district').value.trim());
      }
      const r = await call('GET', base + '/clinics?' + q, undefined, e.submitter);
      if (!r) {
        return;
      }
      if (!r.ok) {
        problem(r.problem);
        return;
      }
      const rows = r.data.clinics.map(c => {
        const days = c.days.filter(d => d.remaining > 0).slice(0, 6);
        return days.length ? h('li', { class: 'clinic' }, h('p', { class: 'strong' }, c.name), h('p', { class: 'small muted' }, c.address),
          h('div', { class: 'button-row wrap' }, days.map(d => h('button', {
            type: 'button', class: 'button secondary small day-choice', dataset: { clinic: String(c.id), day: d.day, product: d.product },
            i18n: 'assist.remaining', args: { day: { date: d.day }, product: O.productLabel(catalogue, d.product).main, n: d.remaining },
            onclick: () => choose(c, d)
          })))) : null;
      }).filter(Boolean);
      O.fill($('clinics'), rows.length ? rows : h('li', { class: 'muted', i18n: 'assist.noClinics' }));
    });

    function choose(clinic, d) {
      chosen = { clinicId: clinic.id, day: d.day, product: d.product };
      O.fill($('chosen-text'), h('p', { i18n: 'assist.chosen',
        args: { clinic: clinic.name, day: { date: d.day }, product: O.productLabel(catalogue, d.product).main } }));
      $('chosen').hidden = false;
      $('book').focus();
    }

    /** A change that needs a pass of the line: asked once, and again after getting a pass if the server says so. */
    async function throughTheLine(method, path, json, button, doneKey) {
      const key = O.randomId();
      let r = await call(method, path, json, button, key);
      if (r && !r.ok && O.needsPass(r.problem)) {
        const passed = await options.pass(status => note('assist.waiting', { ahead: status.ahead || 0 }));
        if (!passed.ok) {
          problem(passed.problem);
          return;
        }
        $('note').hidden = true;
        r = await call(method, path, json, button, key);
      }
      if (!r) {
        return;
      }
      if (!r.ok) {
        problem(r.problem);
        return;
      }
      chosen = null;
      note(doneKey, { reference: r.data.reference });
      await showStatus();
    }

    $('book').addEventListener('click', e => throughTheLine('POST', base + '/reservations', chosen, e.currentTarget, 'assist.booked'));
    $('move').addEventListener('click', e => throughTheLine('PUT', base + '/reservations', chosen, e.currentTarget, 'assist.changed'));
    $('dose2-form').addEventListener('submit', e => {
      e.preventDefault();
      throughTheLine('PUT', base + '/reservations/dose2', { day: $('d2-day').value }, e.submitter, 'assist.changed');
    });
    $('cancel').addEventListener('click', async e => {
      if (!window.confirm(O.t('assist.cancelConfirm'))) {
        return;
      }
      const r = await call('DELETE', base + '/reservations', undefined, e.currentTarget, O.randomId());
      if (r && r.ok) {
        note('assist.cancelled', { reference: r.data.reference });
        await showStatus();
      } else if (r) {
        problem(r.problem);
      }
    });
    $('end').addEventListener('click', async e => {
      await call('DELETE', base === '/api/proxy' ? base : base + '/session', undefined, e.currentTarget);
      challengeId = null;
      chosen = null;
      $('acting').hidden = true;
      $('note').hidden = true;
      $('find').hidden = false;
      $('found').hidden = true;
      $('code-form').hidden = true;
      if (options.lookup) {
        $('send-code').hidden = true;
      }
      $('find-form').reset();
    });

    O.onLanguage(() => {
      if (!$('acting').hidden) {
        showStatus();
      }
    });
    return { showStatus };
  }

  window.OrderlyAssist = { start, waitForPass };
})();
