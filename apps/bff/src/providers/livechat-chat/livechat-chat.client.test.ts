import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../../../sandbox/src/app.ts';
import { postOk } from '../../test/process-kit.ts';
import { LiveChatChatClient } from './livechat-chat.client.ts';
import { LiveChatApiError } from './livechat-chat.port.ts';

const CLIENT_ID = 'wa-livechat-app';
const REDIRECT = 'https://app.example/livechat/callback';

describe('LiveChat chat platform client against the sandbox (real wire formats)', () => {
  let sandbox: Sandbox;
  let url: string;
  let client: LiveChatChatClient;
  const control = (path: string, body: unknown) => postOk(`${url}${path}`, body);
  const authorize = async () => {
    const { code } = await control('/sandbox/oauth/grant', { email: 'olivia@acme.test', response_type: 'code', redirect_uri: REDIRECT });
    return client.exchangeCode({ code, redirectUri: REDIRECT });
  };

  beforeAll(async () => {
    sandbox = createSandbox({ log: false });
    ({ url } = await sandbox.listen(0, '127.0.0.1'));
    client = new LiveChatChatClient({
      accountsUrl: url,
      apiUrl: url,
      clientId: CLIENT_ID,
      clientSecret: 'sandbox-client-secret',
      timeoutMs: 2_000,
      backoffBaseMs: 5,
    });
  });
  afterAll(async () => {
    await sandbox?.close();
  });
  beforeEach(async () => {
    await control('/sandbox/reset', {});
  });

  it('exchanges an authorization code with the client secret and renews with the refresh token', async () => {
    const tokens = await authorize();
    expect(tokens.scope.split(/[\s,]+/)).toContain('customers:own');
    const renewed = await client.refresh(tokens.refreshToken);
    expect(renewed.accessToken).not.toBe(tokens.accessToken);

    const wrongSecret = new LiveChatChatClient({ accountsUrl: url, apiUrl: url, clientId: CLIENT_ID, clientSecret: 'nope' });
    const { code } = await control('/sandbox/oauth/grant', { email: 'olivia@acme.test', response_type: 'code', redirect_uri: REDIRECT });
    await expect(wrongSecret.exchangeCode({ code, redirectUri: REDIRECT })).rejects.toMatchObject({
      type: 'invalid_client',
      retryable: false,
    });

    await control('/sandbox/oauth/revoke-refresh-tokens', { organization: 10001 });
    await expect(client.refresh(tokens.refreshToken)).rejects.toMatchObject({ type: 'invalid_grant', retryable: false });
  });

  it('makes a customer identity, starts a chat, uploads a file and posts a bot note', async () => {
    const agent = await authorize();
    const customer = await client.customerToken(agent.accessToken);
    const again = await client.customerToken(agent.accessToken, customer.entityId);
    expect(again.entityId).toBe(customer.entityId);

    await client.customer(customer.accessToken, customer.organizationId, 'update_customer', {
      name: 'Maria',
      session_fields: [{ whatsapp: '+34612345678' }],
    });
    const started = (await client.customer(customer.accessToken, customer.organizationId, 'start_chat', {
      chat: { access: { group_ids: [1] }, thread: { events: [{ type: 'message', text: 'Hola', custom_id: 'wamid.1' }] } },
      continuous: true,
    })) as { chat_id: string };
    const { url: fileUrl } = await client.uploadFile(customer.accessToken, customer.organizationId, {
      name: 'photo.jpg',
      contentType: 'image/jpeg',
      bytes: new Uint8Array([255, 216, 255, 224]),
    });
    await client.customer(customer.accessToken, customer.organizationId, 'send_event', {
      chat_id: started.chat_id,
      event: { type: 'file', url: fileUrl },
    });

    const bot = (await client.configuration(agent.accessToken, 'create_bot', { name: 'WhatsApp', owner_client_id: CLIENT_ID })) as {
      id: string;
      secret: string;
    };
    const botToken = await client.issueBotToken({ botId: bot.id, botSecret: bot.secret, organizationId: agent.organizationId });
    await client.agent(botToken, 'send_event', {
      chat_id: started.chat_id,
      event: { type: 'message', text: 'note', visibility: 'agents' },
    });

    const chat = (await client.agent(agent.accessToken, 'get_chat', { chat_id: started.chat_id })) as {
      thread: { events: { type: string; visibility: string }[] };
    };
    expect(chat.thread.events.map((e) => [e.type, e.visibility])).toEqual([
      ['message', 'all'],
      ['file', 'all'],
      ['message', 'agents'],
    ]);
  });

  it('maps LiveChat errors by type and retries only what may be retried', async () => {
    const agent = await authorize();
    const customer = await client.customerToken(agent.accessToken);
    const { chat_id: chatId } = (await client.customer(customer.accessToken, customer.organizationId, 'start_chat', {})) as {
      chat_id: string;
    };
    await client.agent(agent.accessToken, 'deactivate_chat', { id: chatId });
    const inactive = await client
      .customer(customer.accessToken, customer.organizationId, 'send_event', { chat_id: chatId, event: { type: 'message', text: 'x' } })
      .catch((e: unknown) => e);
    expect(inactive).toBeInstanceOf(LiveChatApiError);
    expect(inactive).toMatchObject({ type: 'chat_inactive', retryable: false });

    // A 503 and a 429, then success: two retries are enough.
    await control('/sandbox/livechat/fail-next', { action: 'customer/list_chats', mode: 'http503' });
    await control('/sandbox/livechat/fail-next', { action: 'customer/list_chats', mode: 'http429' });
    const listed = (await client.customer(customer.accessToken, customer.organizationId, 'list_chats', {}, { retries: 2 })) as {
      total_chats: number;
    };
    expect(listed.total_chats).toBe(1);

    // Without retries (the default for calls that create something) the failure comes back as retryable.
    await control('/sandbox/livechat/fail-next', { action: 'customer/send_event', mode: 'http500' });
    await expect(
      client.customer(customer.accessToken, customer.organizationId, 'send_event', {
        chat_id: chatId,
        event: { type: 'message', text: 'x' },
        attach_to_last_thread: true,
      }),
    ).rejects.toMatchObject({ type: 'internal', retryable: true, status: 500 });
  });
});
