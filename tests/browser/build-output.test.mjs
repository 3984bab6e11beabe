// The built client must run under the server's CSP (no 'unsafe-inline'): index.html may
// only reference external module scripts and stylesheets, with no inline code or styles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { WEB_ROOT } from '../lib/harness.mjs';

const html = fs.readFileSync(path.join(WEB_ROOT, 'index.html'), 'utf8');

test('index.html has only external module scripts', () => {
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
  assert.ok(scripts.length >= 1, 'no script tag');
  for (const [, attrs, body] of scripts) {
    assert.match(attrs, /\btype="module"/, `script without type=module: ${attrs}`);
    assert.match(attrs, /\bsrc="\/assets\/[^"]+\.js"/, `script without an /assets src: ${attrs}`);
    assert.equal(body.trim(), '', 'inline script code');
  }
});

test('index.html has no inline styles or event handlers, and links its stylesheet', () => {
  assert.doesNotMatch(html, /<style\b/i, 'inline <style> element');
  assert.doesNotMatch(html, /\sstyle\s*=/i, 'inline style attribute');
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'inline event handler attribute');
  assert.match(html, /<link rel="stylesheet"[^>]*href="\/assets\/[^"]+\.css"/);
});

test('the bundle is served from base "/" and does not set inline styles or log to the console', () => {
  const assets = fs.readdirSync(path.join(WEB_ROOT, 'assets'));
  const js = assets.filter((f) => f.endsWith('.js'));
  assert.ok(js.length >= 1);
  for (const f of js) {
    const code = fs.readFileSync(path.join(WEB_ROOT, 'assets', f), 'utf8');
    assert.doesNotMatch(code, /console\.(log|info|debug|warn)\(/, `${f} logs to the console`);
    assert.doesNotMatch(code, /setAttribute\(\s*["']style["']/, `${f} sets a style attribute`);
  }
});
