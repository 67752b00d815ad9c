import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { accountsRouter } from './accounts/accounts.routes.ts';
import { billingApiRouter, billingControlRouter } from './billing/billing.routes.ts';
import { defaultConfig, type SandboxConfig } from './config.ts';
import { controlRouter } from './control/control.routes.ts';
import { hostRouter } from './host/host.routes.ts';
import { kaleyraControlRouter } from './kaleyra/kaleyra-control.routes.ts';
import { kaleyraRouter } from './kaleyra/kaleyra.routes.ts';
import { mediaRouter } from './kaleyra/kaleyra-media.ts';
import { phoneRouter } from './phone/phone.routes.ts';
import { cors, requestLogger, sendProblem } from './lib/http.ts';
import { agentChatRouter } from './livechat/agent-chat.routes.ts';
import { customerChatRouter } from './livechat/customer-chat.routes.ts';
import { livechatControlRouter } from './livechat/livechat-control.routes.ts';
import { Scheduler } from './lib/scheduler.ts';
import { SandboxState, type SandboxContext } from './state.ts';

export interface Sandbox {
  app: Express;
  ctx: SandboxContext;
  /** Starts listening; port 0 picks a free port. Resolves with the base URL (http://127.0.0.1:<port>). */
  listen(port?: number, host?: string): Promise<{ url: string; port: number }>;
  /** Stops background work and the server (open connections included). */
  close(): Promise<void>;
  /** Base URL once listening. */
  url: string | null;
}

/** Vendor routes whose 4xx for an unparsable body must keep the vendor's shape. */
const errorHandler: ErrorRequestHandler = (error: unknown, req, res, _next) => {
  const err = error as { type?: string; status?: number; message?: string };
  if (res.headersSent) return;
  if (err.type === 'entity.parse.failed' || err.type === 'entity.too.large') {
    const status = err.type === 'entity.too.large' ? 413 : 400;
    if (req.path.startsWith('/v2/') && req.path.includes('/whatsapp/')) {
      res.status(status).json({ code: 'WA400', message: 'Invalid payload', errors: { body: 'malformed JSON' } });
      return;
    }
    if (req.path.startsWith('/v1/')) {
      res.status(status).json({ error: { body: 'malformed request body' } });
      return;
    }
    if (req.path.startsWith('/v3/') || req.path.startsWith('/v3.6/')) {
      res.status(status).json({ error: { type: 'validation', message: 'Malformed JSON body' } });
      return;
    }
    return sendProblem(res, status, 'Malformed request body', err.message);
  }
  console.error('[sandbox] unhandled error:', error);
  sendProblem(res, 500, 'Internal sandbox error');
};

export function createSandbox(overrides: Partial<SandboxConfig> = {}): Sandbox {
  const config: SandboxConfig = { ...defaultConfig, ...overrides };
  const state = new SandboxState(config);
  const scheduler = new Scheduler();
  const ctx: SandboxContext = { config, state, scheduler };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(requestLogger(config.log));
  app.use(express.json({ limit: '1mb' }));
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));
  app.use('/sandbox', cors);

  app.use(hostRouter(ctx));
  app.use(accountsRouter(ctx));
  app.use(billingApiRouter(ctx));
  app.use(billingControlRouter(ctx));
  app.use(kaleyraRouter(ctx));
  app.use(kaleyraControlRouter(ctx));
  app.use(controlRouter(ctx));
  app.use(customerChatRouter(ctx));
  app.use(agentChatRouter(ctx));
  app.use(livechatControlRouter(ctx));
  app.use(mediaRouter(ctx.state));
  app.use(phoneRouter(ctx));

  app.use((req, res) => {
    sendProblem(res, 404, 'Not found', `${req.method} ${req.path} is not part of the sandbox.`);
  });
  app.use(errorHandler);

  let server: Server | null = null;
  const sandbox: Sandbox = {
    app,
    ctx,
    url: null,
    listen(port = 0, host?: string) {
      return new Promise((resolve, reject) => {
        const onError = (error: Error) => reject(error);
        const s = host === undefined ? app.listen(port) : app.listen(port, host);
        server = s;
        s.once('error', onError);
        s.once('listening', () => {
          s.off('error', onError);
          const address = s.address() as AddressInfo;
          sandbox.url = `http://127.0.0.1:${address.port}`;
          resolve({ url: sandbox.url, port: address.port });
        });
      });
    },
    close() {
      scheduler.reset();
      const s = server;
      server = null;
      if (!s) return Promise.resolve();
      return new Promise((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },
  };
  return sandbox;
}
