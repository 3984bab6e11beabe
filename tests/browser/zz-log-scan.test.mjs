// Runs last (alphabetical, --test-concurrency=1): no secret or PHI-like value that a test
// of this run recorded with recordSensitive() may appear in any log of the run (server
// logs and browser console/network logs in tests/.logs/*--run<ID>--*.log).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LOG_DIR, RUN_ID, scanRunLogs } from '../lib/harness.mjs';

test('no recorded sensitive value appears in any log of the run', () => {
  const { files, values, bytes, hits } = scanRunLogs();
  assert.ok(files.length > 0, `no log files of run ${RUN_ID} in ${LOG_DIR}: did the other tests run?`);
  assert.ok(values.length > 0, `no sensitive values recorded in run ${RUN_ID}: did the other tests run?`);
  assert.ok(bytes > 0, 'all log files are empty: the server logged nothing at all');
  assert.deepEqual(hits, [], `sensitive values found in logs:\n${hits.join('\n')}`);
});
