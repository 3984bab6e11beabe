// Passkeys in browser tests: Chromium's CDP virtual authenticator. Pages that use it need a
// browser from launchTrustingBrowser(srv) and a context with { ignoreHTTPSErrors: false }
// (WebAuthn refuses pages with certificate errors).
import { attachPageLog, launchTrustingBrowser, logPath, newContext } from './harness.mjs';

/**
 * Adds a virtual platform authenticator (CTAP2, internal) to `page`: it keeps discoverable
 * credentials (resident keys), verifies the user and answers without a touch.
 * Answers { cdp, authenticatorId } (e.g. for WebAuthn.getCredentials).
 */
export async function addVirtualAuthenticator(ctx, page) {
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

/**
 * A Chromium that trusts the test server's certificate, with one 375 px page that logs
 * (scanned by zz-log-scan) and has a virtual authenticator.
 * Answers { browser, ctx, page, record, cdp, authenticatorId, close() }.
 */
export async function openPasskeyPage(srv) {
  const browser = await launchTrustingBrowser(srv);
  const ctx = await newContext(browser, { ignoreHTTPSErrors: false, viewport: { width: 375, height: 812 } });
  const page = await ctx.newPage();
  const record = attachPageLog(page, logPath('browser'));
  const close = async () => {
    await ctx.close().catch(() => {});
    await browser.close();
  };
  return { browser, ctx, page, record, close, ...(await addVirtualAuthenticator(ctx, page)) };
}
