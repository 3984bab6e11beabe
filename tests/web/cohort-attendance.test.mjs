// A cohort's weekly attendance in the browser (web/src/cohort-attendance.ts): the week's
// span in the clinician's time zone (a DST week has 169 hours), time in words, and the
// CSV export, whose names can never run as a spreadsheet formula. Pure functions in node.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { loadWebUnit } from './web-unit.mjs';

// A zone with a DST change: node reads TZ when a Date is next converted.
process.env.TZ = 'America/New_York';
const a = await loadWebUnit('attendance');

test('a week starts on Monday at midnight, local time, whatever day it is', () => {
  const wednesday = new Date(2026, 10, 25, 15, 30); // Wed 25 Nov 2026
  const monday = a.weekStart(wednesday);
  assert.deepEqual([monday.getFullYear(), monday.getMonth(), monday.getDate(), monday.getHours(), monday.getDay()], [2026, 10, 23, 0, 1]);
  assert.equal(a.weekStart(new Date(2026, 10, 29, 23, 59)).getDate(), 23, 'Sunday belongs to the week before');
  assert.equal(a.weekStart(monday).getTime(), monday.getTime());
  assert.equal(a.shiftWeek(monday, -1).getDate(), 16);
  assert.equal(a.shiftWeek(monday, 1).getDate(), 30);
});

test('the week of a DST change is 169 hours long; others 168; the server allows up to 8 days', () => {
  const plain = a.weekSpan(new Date(2026, 10, 23));
  assert.equal(plain.to - plain.from, 168 * 3600);
  const dst = a.weekSpan(new Date(2026, 9, 26)); // clocks go back on Sunday 1 Nov 2026
  assert.equal(dst.to - dst.from, 169 * 3600);
  assert.ok(dst.to - dst.from <= 8 * 86400);
  const after = a.shiftWeek(new Date(2026, 9, 26), 1);
  assert.deepEqual([after.getDate(), after.getHours()], [2, 0], 'still midnight after the change');
});

test('time in words counts whole minutes', () => {
  assert.equal(a.hoursText(0), '0 min');
  assert.equal(a.hoursText(59), '0 min');
  assert.equal(a.hoursText(25 * 60), '25 min');
  assert.equal(a.hoursText(3600 + 5 * 60 + 30), '1 h 05 min');
  assert.equal(a.hoursDecimal(5400), '1.50');
});

const report = a.reportOf({
  from: 1, to: 2,
  sessions: [
    { appointment_id: 's1', starts_at: 100, duration_minutes: 60, status: 'held' },
    { appointment_id: 's2', starts_at: 200, duration_minutes: 60, status: 'cancelled' },
  ],
  people: [
    { user_id: 'u1', display_name: 'Ann "AJ" Lee', in_cohort: true, invited: 1, attended: 1, missed: 0, seconds: 3000,
      sessions: [{ status: 'attended', seconds: 3000 }, { status: 'not_held', seconds: 0 }] },
    { user_id: 'u2', display_name: '=HYPERLINK("x")', in_cohort: false, invited: 1, attended: 0, missed: 1, seconds: 0,
      sessions: [{ status: 'missed', seconds: 0 }, { status: 'not_held', seconds: 0 }] },
  ],
});

test('the CSV has a row per person and a column per session; quotes are doubled, formulas defused', () => {
  const csv = a.attendanceCsv(report, (t) => `T${t}`);
  const lines = csv.split('\r\n');
  assert.equal(lines.at(-1), '', 'ends with CRLF');
  assert.equal(lines[0], '"Patient","In the cohort","Sessions invited","Attended","Missed","Hours","T100","T200 (cancelled)"');
  assert.equal(lines[1], '"Ann ""AJ"" Lee","yes","1","1","0","0.83","50 min","not held"');
  assert.equal(lines[2], `"'=HYPERLINK(""x"")","no","1","0","1","0.00","missed","not held"`);
  for (const lead of ['+', '-', '@']) assert.equal(a.csvField(`${lead}1`), `"'${lead}1"`);
  assert.equal(a.csvName(new Date(2026, 10, 23)), 'haven-attendance-2026-11-23.csv');
});

test('an answer with missing or odd fields reads as empty, never throws', () => {
  const odd = a.reportOf({ sessions: [{ status: 'exploded' }], people: [{ sessions: 'x', seconds: 'a lot' }] });
  assert.equal(odd.sessions[0].status, 'not_held');
  assert.deepEqual(odd.people[0].sessions, []);
  assert.equal(odd.people[0].seconds, 0);
  assert.deepEqual(a.reportOf(null).people, []);
  assert.equal(a.chartScale(report), 3600, 'at least an hour');
});
