import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createSandbox, type Sandbox } from '../app.ts';
import type { SandboxConfig } from '../config.ts';
import { encodeBody } from './deliver.ts';

export interface TestSandbox {
  sandbox: Sandbox;
  url: string;
  /** fetch relative to the sandbox; JSON bodies are serialised, answers parsed when JSON. */
  call(
    method: string,
    path: string,
    options?: { json?: unknown; form?: Record<string, string>; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

/** Starts a sandbox in-process on an ephemeral port with fast timings. */
export async function startTestSandbox(overrides: Partial<SandboxConfig> = {}): Promise<TestSandbox> {
  const sandbox = createSandbox({
    log: false,
    kaleyraCallbackDelayMs: 5,
    billingSettleDelayMs: 20,
    webDir: '/nonexistent',
    ...overrides,
  });
  const { url } = await sandbox.listen(0, '127.0.0.1');
  return {
    sandbox,
    url,
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      const body = encodeBody(options, headers);
      const response = await fetch(url + path, { method, headers, ...(body === undefined ? {} : { body }) });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    close: () => sandbox.close(),
  };
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A tiny HTTP server that records what it receives (callbacks, webhooks) and answers `status`. */
export async function startReceiver(status = 200): Promise<{
  url: string;
  requests: ReceivedRequest[];
  setStatus(code: number): void;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}> {
  const requests: ReceivedRequest[] = [];
  let answer = status;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(answer, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setStatus(code) {
      answer = code;
    },
    async waitFor(count, timeoutMs = 3000) {
      const started = Date.now();
      while (requests.length < count) {
        if (Date.now() - started > timeoutMs) {
          throw new Error(`expected ${count} requests, got ${requests.length}`);
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** A test file's sandbox with a receiver for what it sends out (callbacks, webhooks). */
export interface SandboxWithReceiver extends Pick<TestSandbox, 'call' | 'url'> {
  readonly receiver: Receiver;
}

/**
 * Starts a sandbox and a receiver once for the test file; before each test it resets the sandbox, forgets what the
 * receiver recorded and has it answer 200 again. `overrides` may point the sandbox at the receiver. The handle is
 * returned at once, for the file's helpers to close over; it reaches the sandbox once the file's tests run.
 */
export function useSandboxWithReceiver(overrides: (receiverUrl: string) => Partial<SandboxConfig> = () => ({})): SandboxWithReceiver {
  let sandbox: TestSandbox | undefined;
  let receiver: Receiver | undefined;
  const running = () => {
    if (!sandbox || !receiver) throw new Error('the sandbox starts before the first test');
    return { sandbox, receiver };
  };
  beforeAll(async () => {
    receiver = await startReceiver();
    sandbox = await startTestSandbox(overrides(receiver.url));
  });
  afterAll(async () => {
    await sandbox?.close();
    await receiver?.close();
  });
  beforeEach(async () => {
    await running().sandbox.call('POST', '/sandbox/reset');
    running().receiver.requests.length = 0;
    running().receiver.setStatus(200);
  });
  return {
    call: (method, path, options) => running().sandbox.call(method, path, options),
    get url() {
      return running().sandbox.url;
    },
    get receiver() {
      return running().receiver;
    },
  };
}

export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 3000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
