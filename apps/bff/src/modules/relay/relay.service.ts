import type { Db } from '../../db/client.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Queue } from '../../queue/queue.ts';
import type { LiveChatChatPort } from '../../providers/livechat-chat/livechat-chat.port.ts';
import type { TokenVault } from '../billing/token-vault.ts';
import type { MessagingService } from '../messaging/messaging.service.ts';
import { RelayInbound } from './relay-inbound.ts';
import { RelayNotes } from './relay-notes.ts';
import { RelayOutbound } from './relay-outbound.ts';
import { RelayQueue } from './relay-queue.ts';
import { LiveChatSession } from './relay-session.ts';
import { RelaySetup, type RelaySetupConfig } from './relay-setup.ts';

export { RELAY_JOBS } from './relay-queue.ts';
export { OWN_CUSTOM_ID } from './relay-session.ts';

export interface RelayConfig extends RelaySetupConfig {
  /** LiveChat's API base: agents' file links are fetched only from LiveChat's CDN. */
  apiUrl: string;
  /** Whether a customer's message opts them out (the opt-out module's keywords, F.4). */
  optsOut: (text: string | null) => boolean;
}

/**
 * WhatsApp chats in LiveChat: a customer's WhatsApp messages become their LiveChat chat (one customer identity, one
 * chat), and agents' replies in that chat go back through the one send path. Both directions run in pg-boss jobs
 * keyed per customer (or chat) with strict FIFO, deduplicated by provider message id and LiveChat event id.
 */
export class RelayService {
  private readonly jobs: RelayQueue;
  private readonly session: LiveChatSession;
  private readonly setup: RelaySetup;
  private readonly inbound: RelayInbound;
  private readonly outbound: RelayOutbound;
  private readonly notes: RelayNotes;

  constructor(
    db: Db,
    livechat: LiveChatChatPort,
    private readonly vault: TokenVault,
    messaging: MessagingService,
    config: RelayConfig,
    log: Logger,
    now: () => Date = () => new Date(),
  ) {
    this.jobs = new RelayQueue(db, log);
    this.session = new LiveChatSession(db, livechat, vault, log);
    this.setup = new RelaySetup(db, this.session, vault, config, now);
    this.inbound = new RelayInbound(db, this.session, vault, this.jobs, config.optsOut, log, now);
    this.outbound = new RelayOutbound(db, this.session, vault, this.jobs, messaging, config, now);
    this.notes = new RelayNotes(db, this.session, log, now);
  }

  /** `startNow` starts a job this instance just queued without waiting for the queue's poll. */
  attach(queue: Queue, startNow: (queueName: string) => void) {
    this.jobs.attach(queue, startNow);
  }

  // ---- setup -------------------------------------------------------------------------------------

  status: RelaySetup['status'] = (organizationId) => this.setup.status(organizationId);
  connect: RelaySetup['connect'] = (organizationId, input) => this.setup.connect(organizationId, input);
  groups: RelaySetup['groups'] = (organizationId) => this.setup.groups(organizationId);
  setNumber: RelaySetup['setNumber'] = (organizationId, numberId, input) => this.setup.setNumber(organizationId, numberId, input);
  chat: RelaySetup['chat'] = (organizationId, chatId) => this.setup.chat(organizationId, chatId);
  chatWebhooks: RelaySetup['chatWebhooks'] = (organizationId, action) => this.setup.chatWebhooks(organizationId, action);

  // ---- relaying ----------------------------------------------------------------------------------

  /** Kaleyra's incoming webhook handler: claims the message and queues its relay. */
  readonly onIncoming: RelayInbound['onIncoming'] = (org, numberId, m) => this.inbound.onIncoming(org, numberId, m);
  relayInbound: RelayInbound['relayInbound'] = (job, attempt) => this.inbound.relayInbound(job, attempt);
  /** LiveChat's chat webhooks: an agent's event is claimed and its relay queued. */
  onChatWebhook: RelayOutbound['onChatWebhook'] = (body) => this.outbound.onChatWebhook(body);
  relayOutbound: RelayOutbound['relayOutbound'] = (job, attempt) => this.outbound.relayOutbound(job, attempt);

  // ---- what the chat is told besides --------------------------------------------------------------

  readonly onStatus: RelayNotes['onStatus'] = (org, u) => this.notes.onStatus(org, u);
  readonly onTemplateSent: RelayNotes['onTemplateSent'] = (organizationId, sent) => this.notes.onTemplateSent(organizationId, sent);
  noteFailedReplies: RelayNotes['noteFailedReplies'] = () => this.notes.noteFailedReplies();
  note: LiveChatSession['note'] = (organizationId, chatId, text) => this.session.note(organizationId, chatId, text);
}
