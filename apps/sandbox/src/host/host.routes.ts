import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router, type Request, type Response } from 'express';
import { authorizePageHandler, isAuthorizeRequest } from '../accounts/accounts.routes.ts';
import { escapeHtml, scriptJson } from '../lib/http.ts';
import { hostChats } from '../seed.ts';
import type { SandboxContext } from '../state.ts';

/** Runtime configuration handed to the host page script (see web/host.ts). */
export interface HostConfig {
  pluginId: string;
  detailsUrl: string;
  fullscreenUrl: string;
  chats: typeof hostChats;
}

export function hostConfig(ctx: SandboxContext): HostConfig {
  const base = ctx.config.widgetBaseUrl.replace(/\/+$/, '');
  const query = (theme: string) => `?plugin_id=${encodeURIComponent(ctx.config.pluginId)}&theme=${theme}`;
  return {
    pluginId: ctx.config.pluginId,
    detailsUrl: `${base}/widget/details.html${query('light')}`,
    fullscreenUrl: `${base}/widget/fullscreen.html${query('light')}`,
    chats: hostChats,
  };
}

function notBuilt(res: Response, webDir: string): void {
  res
    .status(503)
    .type('html')
    .send(
      `<!doctype html><meta charset="utf-8"><title>Sandbox host page not built</title>
<body style="font-family:system-ui;padding:40px"><h1>The agent-app host page is not built</h1>
<p>Run <code>pnpm --filter @wa/sandbox build</code> (expected output in <code>${escapeHtml(webDir)}</code>), then reload.</p></body>`,
    );
}

/**
 * GET / is two pages, as on LiveChat: with `response_type` it is the Accounts sign-in page (what accounts-sdk opens),
 * without it the agent-app host page (built by Vite into dist/web, served under /_host/).
 */
export function hostRouter(ctx: SandboxContext): Router {
  const router = Router();
  const webDir = ctx.config.webDir;

  router.get('/', (req: Request, res: Response) => {
    if (isAuthorizeRequest(req)) return authorizePageHandler(req, res);
    const indexPath = join(webDir, 'index.html');
    if (!existsSync(indexPath)) return notBuilt(res, webDir);
    // Read per request so a rebuild shows up without restarting the sandbox.
    const html = readFileSync(indexPath, 'utf8').replace(
      '</head>',
      `<script>window.__SANDBOX_HOST_CONFIG__ = ${scriptJson(hostConfig(ctx))};</script>\n</head>`,
    );
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(html);
  });

  // Browsers ask for it on every page; the pages carry an inline icon.
  router.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });

  router.get('/sandbox/host/config', (_req, res) => {
    res.json(hostConfig(ctx));
  });

  router.use('/_host', express.static(webDir, { index: false, fallthrough: true }));

  return router;
}
