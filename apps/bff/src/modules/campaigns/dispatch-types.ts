import type { Catalog, ConversationCategory } from '@wa/contracts';
import type { Db } from '../../db/client.ts';
import type { NumberRow, OrganizationRow } from '../../db/rows.ts';
import type { Logger } from '../../lib/logger.ts';
import type { KaleyraPort } from '../../providers/kaleyra/kaleyra.port.ts';
import type { LedgerService } from '../ledger/ledger.service.ts';
import type { MessagingService } from '../messaging/messaging.service.ts';
import type { SendPolicy } from '../sending/send-policy.ts';
import type { CampaignRow } from './campaigns.repo.ts';
import type { QuietHours } from './quiet-hours.ts';

/** The shapes the campaign dispatcher's parts share (see campaign-dispatcher.ts for how they fit together). */

export interface DispatchConfig {
  numberRatePerSecond: number;
  /** Plans and their limits (F.1): a plan's messagesPerSecond lowers its numbers' pace. */
  catalog: Catalog;
  accountRatePerSecond: number;
  paceSafety: number;
  pairIntervalMs: number;
  claimTimeoutMs: number;
  /** How long a send whose outcome is unknown waits for Kaleyra's callbacks before it is sent again (v2). */
  confirmWindowMs: number;
  lanes: number;
  chargedCategories: readonly ConversationCategory[];
  windowHours: number;
  /** v1 status callback URL of an organization (Basic credentials as userinfo). */
  statusCallbackUrl: (org: OrganizationRow) => string;
}

export interface DispatchDeps {
  db: Db;
  ledger: LedgerService;
  messaging: MessagingService;
  /** The one send policy, asked at every claim inside its transaction. */
  sendPolicy: SendPolicy;
  kaleyra: KaleyraPort;
  quietHours: QuietHours;
  config: DispatchConfig;
  log: Logger;
  now: () => Date;
}

/** Offers dispatch jobs for a campaign's lanes (all of them unless `lanes` says which). */
export type Kick = (campaignId: string, startAfter?: Date, lanes?: number[], bounce?: number, to?: string) => Promise<void>;

export interface SendItem {
  recipientId: string;
  messageId: string;
  to: string;
  params: string[];
  attempts: number;
  /** When this claim was made (epoch ms). */
  claimedAtMs: number;
}

export interface Lane {
  campaign: CampaignRow;
  org: OrganizationRow;
  number: NumberRow;
  /** `components`: Meta's, for templates with a media header or button values (see templates/rich-send.ts). */
  template: { name: string; language: string; components?: Record<string, unknown>[] };
  /** Messages per second for this campaign. */
  pace: number;
  /** The number's limit (configuration and plan), before the safety margin. */
  numberRate: number;
  keys: string[];
}

export type Outcome =
  | { kind: 'accepted'; item: SendItem; providerMessageId: string }
  | { kind: 'failed'; item: SendItem; code: string }
  | { kind: 'retry'; item: SendItem; notBefore: Date }
  | { kind: 'unknown'; item: SendItem }
  | { kind: 'pause'; item: SendItem; code: string }
  /** Not sent: the claim grew too old in memory, or was taken over; the recovery settles it. */
  | { kind: 'dropped'; item: SendItem };
