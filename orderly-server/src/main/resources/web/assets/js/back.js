/*
 * Back to the line from the link in the text (issue #16): the token rides in the URL's fragment,
 * which no server sees; it is taken out of the address bar at once, traded for a ticket of this
 * browser holding the same place, and the waiting page carries on from there.
 */
(function () {
  'use strict';
  const O = window.Orderly;
  const params = new URLSearchParams(window.location.search);
  const gateName = params.get('gate') === 'identity' ? 'identity' : 'booking';
  const token = decodeURIComponent(window.location.hash.replace(/^#/, ''));
  const waitPage = '/wait.html?gate=' + gateName;
  const el = { status: O.$('#status'), result: O.$('#result'), problem: O.$('#problem') };
  O.translate(document);
  if (token) {
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }

  (async function start() {
    if (!token) {
      el.status.hidden = true;
      O.fill(el.problem, O.h('div', { class: 'alert error', role: 'alert' }, O.h('p', {}, O.t('back.noToken'))));
      el.problem.hidden = false;
      return;
    }
    let r;
    try {
      r = await O.api('POST', '/api/gates/' + gateName + '/back', { json: { token } });
    } catch (e) {
      el.status.hidden = true;
      O.showProblem(el.problem, e);
      el.problem.hidden = false;
      return;
    }
    el.status.hidden = true;
    if (!r.ok) {
      O.showProblem(el.problem, r.problem);
      el.problem.hidden = false;
      return;
    }
    const gate = O.gateFor(gateName);
    gate.forget();
    gate.remember(r.data);
    const text = O.$('#restored-text');
    text.dataset.i18n = 'back.restored';
    text.dataset.i18nArgs = JSON.stringify({ rank: r.data.rank });
    O.translate(el.result);
    O.$('#continue').href = waitPage;
    el.result.hidden = false;
    O.focus(O.$('#restored-title'));
    window.setTimeout(() => window.location.assign(waitPage), 1500);
  })();
})();
