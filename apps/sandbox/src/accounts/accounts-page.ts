import { escapeHtml, scriptJson } from '../lib/http.ts';
import { organizations } from '../seed.ts';

export interface AuthorizeParams {
  client_id: string;
  redirect_uri: string;
  state: string;
  response_type: string;
  expires_in: string;
  email: string;
}

const avatarColors = ['#ff5100', '#4384f5', '#16a34a', '#9333ea'];

function initials(name: string): string {
  return name
    .split(/\s+/)
    .map((part) => part[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
}

/**
 * The "Sign in with LiveChat" page that @livechat/accounts-sdk opens in a popup. Picking an account asks the sandbox
 * for a grant and hands it to the opener exactly as accounts.livechat.com does:
 * `window.opener.postMessage({data: {...}} | {error: {...}}, '*')`, then closes itself. Without an opener (redirect
 * flow) it redirects to redirect_uri with the token in the fragment (or the code in the query).
 */
export function renderAuthorizePage(params: AuthorizeParams): string {
  let index = 0;
  const rows = organizations
    .flatMap((org) =>
      org.accounts.map((account) => {
        const color = avatarColors[index++ % avatarColors.length] ?? '#ff5100';
        const hinted = params.email && params.email.toLowerCase() === account.email ? ' hinted' : '';
        return `
        <button type="button" class="account${hinted}" data-account="${escapeHtml(account.email)}">
          <span class="avatar" style="background:${color}">${escapeHtml(initials(account.name))}</span>
          <span class="who">
            <span class="name">${escapeHtml(account.name)}</span>
            <span class="email">${escapeHtml(account.email)}</span>
          </span>
          <span class="meta">
            <span class="org">${escapeHtml(org.name)}</span>
            <span class="role role-${account.role}">${account.role === 'owner' ? 'Owner' : 'Agent'}</span>
          </span>
        </button>`;
      }),
    )
    .join('');

  const clientLabel = params.client_id || 'an application';

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in to LiveChat</title>
<style>
  :root { color-scheme: light; }
  * { box-sizing: border-box; }
  body {
    margin: 0; min-height: 100vh; display: flex; align-items: flex-start; justify-content: center;
    font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
    background: #f3f4f6; color: #1b1b20; padding: 40px 16px;
  }
  .card { width: 100%; max-width: 440px; background: #fff; border-radius: 16px; padding: 32px 28px 24px;
    box-shadow: 0 1px 2px rgba(0,0,0,.06), 0 8px 24px rgba(0,0,0,.08); }
  .brand { display: flex; align-items: center; gap: 10px; font-weight: 700; font-size: 20px; letter-spacing: -.2px; }
  .brand svg { width: 32px; height: 32px; }
  h1 { font-size: 22px; margin: 24px 0 6px; letter-spacing: -.3px; }
  .sub { margin: 0 0 20px; color: #62646b; font-size: 14px; line-height: 1.45; }
  .sub b { color: #1b1b20; }
  .accounts { display: flex; flex-direction: column; gap: 8px; }
  .account { display: flex; align-items: center; gap: 12px; width: 100%; padding: 10px 12px; border: 1px solid #e2e3e8;
    border-radius: 10px; background: #fff; cursor: pointer; text-align: left; font: inherit; color: inherit;
    transition: border-color .12s, box-shadow .12s, background .12s; }
  .account:hover, .account:focus-visible { border-color: #ff5100; box-shadow: 0 0 0 3px rgba(255,81,0,.12); outline: none; }
  .account.hinted { border-color: #ff9a6b; }
  .account[disabled] { opacity: .6; cursor: progress; }
  .avatar { flex: none; width: 36px; height: 36px; border-radius: 50%; color: #fff; display: grid; place-items: center;
    font-weight: 600; font-size: 13px; }
  .who { display: flex; flex-direction: column; min-width: 0; flex: 1; }
  .name { font-weight: 600; font-size: 14px; }
  .email { color: #62646b; font-size: 13px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .meta { display: flex; flex-direction: column; align-items: flex-end; gap: 4px; }
  .org { font-size: 12px; color: #62646b; white-space: nowrap; }
  .role { font-size: 11px; font-weight: 600; border-radius: 999px; padding: 2px 8px; }
  .role-owner { background: #fff1ea; color: #c2410c; }
  .role-agent { background: #eef2ff; color: #3b5bdb; }
  .actions { display: flex; justify-content: space-between; align-items: center; margin-top: 20px; }
  .cancel { border: 1px solid #d5d6dc; background: #fff; border-radius: 8px; padding: 8px 16px; font: inherit;
    font-size: 14px; cursor: pointer; color: #1b1b20; }
  .cancel:hover { background: #f6f6f8; }
  .note { font-size: 12px; color: #8d8f96; }
  .status { margin-top: 14px; font-size: 13px; color: #62646b; min-height: 18px; }
  .status.error { color: #d0021b; }
</style>
</head>
<body>
  <main class="card">
    <div class="brand">
      <svg viewBox="0 0 32 32" aria-hidden="true"><rect width="32" height="32" rx="8" fill="#ff5100"/>
        <path d="M9 10.5A2.5 2.5 0 0 1 11.5 8h9A2.5 2.5 0 0 1 23 10.5v7a2.5 2.5 0 0 1-2.5 2.5H15l-4.2 3.4c-.5.4-1.3 0-1.3-.6V20.1A2.5 2.5 0 0 1 9 17.5z" fill="#fff"/></svg>
      <span>LiveChat</span>
    </div>
    <h1>Sign in to LiveChat</h1>
    <p class="sub"><b>${escapeHtml(clientLabel)}</b> wants to access your LiveChat account. Choose an account to continue.</p>
    <div class="accounts">${rows}
    </div>
    <div class="status" role="status" data-testid="signin-status"></div>
    <div class="actions">
      <span class="note">Sandbox accounts &middot; no password needed</span>
      <button type="button" class="cancel" data-testid="signin-cancel">Cancel</button>
    </div>
  </main>
<script>
(function () {
  var params = ${scriptJson(params)};
  var statusEl = document.querySelector('.status');

  function finish(message, fallbackRedirect) {
    if (window.opener && !window.opener.closed) {
      window.opener.postMessage(message, '*');
      window.close();
      return;
    }
    if (fallbackRedirect) {
      window.location.replace(fallbackRedirect);
      return;
    }
    statusEl.textContent = message.error ? 'Sign-in cancelled. You can close this window.' : 'Signed in. You can close this window.';
  }

  function redirectFor(grant) {
    if (!params.redirect_uri) return null;
    var url = new URL(params.redirect_uri);
    if (grant.code) {
      url.searchParams.set('code', grant.code);
      if (grant.state) url.searchParams.set('state', grant.state);
      return url.toString();
    }
    var hash = new URLSearchParams({ access_token: grant.access_token, expires_in: String(grant.expires_in),
      token_type: grant.token_type, scope: grant.scope, state: grant.state || '' });
    url.hash = hash.toString();
    return url.toString();
  }

  document.querySelectorAll('[data-account]').forEach(function (button) {
    button.addEventListener('click', function () {
      document.querySelectorAll('[data-account]').forEach(function (b) { b.disabled = true; });
      statusEl.className = 'status';
      statusEl.textContent = 'Signing in\\u2026';
      fetch('/sandbox/oauth/grant', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: button.getAttribute('data-account'),
          client_id: params.client_id || undefined,
          response_type: params.response_type,
          redirect_uri: params.redirect_uri || undefined,
          state: params.state,
          expires_in: params.expires_in ? Number(params.expires_in) : undefined
        })
      }).then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) throw new Error(body.detail || body.title || 'Sign-in failed');
          return body;
        });
      }).then(function (grant) {
        var data = grant.code
          ? { code: grant.code, state: grant.state }
          : { access_token: grant.access_token, expires_in: grant.expires_in, token_type: 'Bearer', scope: grant.scope, state: grant.state };
        finish({ data: data }, redirectFor(grant));
      }).catch(function (error) {
        statusEl.className = 'status error';
        statusEl.textContent = error.message;
        document.querySelectorAll('[data-account]').forEach(function (b) { b.disabled = false; });
      });
    });
  });

  document.querySelector('.cancel').addEventListener('click', function () {
    var error = { error: 'access_denied', error_description: 'The user cancelled sign-in' };
    var redirect = null;
    if (params.redirect_uri) {
      var url = new URL(params.redirect_uri);
      url.hash = new URLSearchParams({ error: error.error, error_description: error.error_description, state: params.state }).toString();
      redirect = url.toString();
    }
    finish({ error: error }, redirect);
  });
})();
</script>
</body>
</html>`;
}
