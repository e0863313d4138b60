/*
 * The schedule as the landing and schedule pages show it (GET /api/schedule): who can book now,
 * who next, and (on the schedule page) who has closed; for a cohort in the ten-part rotation,
 * whose digit books today and tomorrow. Always the server's view of now: nothing is worked out
 * from this device's clock.
 */
(function () {
  'use strict';
  const O = window.Orderly;
  const h = O.h;

  function cohortItem(c, today, full) {
    const w = c.window;
    const status = c.status === 'OPEN'
      ? h('span', { i18n: 'schedule.open', args: { until: { instant: w.closesAt, style: 'deadline' } } })
      : c.status === 'UPCOMING'
        ? h('span', { i18n: 'schedule.upcoming', args: { opensAt: { instant: w.opensAt } } })
        : h('span', { i18n: 'schedule.closed', args: { closedAt: { instant: w.closesAt, style: 'deadline' } } });
    const notes = [];
    if (w.unbookedOnly) {
      notes.push(h('p', { class: 'small muted', i18n: 'schedule.unbookedOnly' }));
    }
    if (c.specialGroup) {
      notes.push(h('p', { class: 'small muted', i18n: 'schedule.specialGroup' }));
    }
    const r = c.rotation;
    if (r && c.status === 'OPEN') {
      const name = O.digitName(r);
      notes.push(h('p', { class: 'small' },
        r.digitToday === null || r.digitToday === undefined
          ? h('span', { i18n: 'rotation.todayNobody', args: { day: { date: today, style: 'short' } } })
          : h('span', { i18n: 'rotation.today', args: { day: { date: today, style: 'short' }, digitName: name, digit: r.digitToday } }),
        ' ',
        r.digitTomorrow === null || r.digitTomorrow === undefined ? null
          : h('span', { i18n: 'rotation.tomorrow', args: { digit: r.digitTomorrow } })));
    }
    if (r && full && c.status !== 'CLOSED') {
      notes.push(O.rotationTable(r, today));
    }
    return h('li', null, h('span', { class: 'cohort-name', i18n: 'fmt.value', args: { v: O.cohortArg(c) } }), status, notes);
  }

  function group(titleKey, cohorts, today, full, headingLevel) {
    return [
      h(headingLevel, { class: 'card-title', i18n: titleKey }),
      cohorts.length === 0
        ? h('p', { class: 'muted', i18n: 'schedule.none' })
        : h('ul', { class: 'cohort-list' }, cohorts.map(c => cohortItem(c, today, full)))
    ];
  }

  /**
   * Fills {@code container} with the schedule. options.compact: now and next only, small headings
   * (the landing page); otherwise every cohort with the rotation tables (the schedule page).
   */
  async function show(container, options) {
    const opts = options || {};
    let r;
    try {
      r = await O.api('GET', '/api/schedule');
    } catch (e) {
      O.fill(container, O.problemBox(e));
      return null;
    }
    if (!r.ok) {
      O.fill(container, O.problemBox(r.problem));
      return null;
    }
    const s = r.data;
    const by = status => s.cohorts.filter(c => c.status === status);
    const level = opts.compact ? 'h3' : 'h2';
    O.fill(container,
      group(opts.compact ? 'landing.whoNow' : 'schedule.nowTitle', by('OPEN'), s.today, !opts.compact, level),
      group(opts.compact ? 'landing.whoNext' : 'schedule.nextTitle', by('UPCOMING'), s.today, !opts.compact, level),
      opts.compact ? null : group('schedule.closedTitle', by('CLOSED'), s.today, false, level));
    return s;
  }

  O.schedule = { show };
})();
