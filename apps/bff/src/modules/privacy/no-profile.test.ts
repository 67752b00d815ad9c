import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { DB_KINDS, openTestDatabase } from '../../test/test-db.ts';

/**
 * L.8 (children's data): about a business's customers the app holds a phone number and message metadata, nothing
 * that profiles a person (no name, age, birth date, gender, address, e-mail, photo). Every column of the schema is
 * classified here, so a new column fails this test until someone decides, in review, what it holds.
 */

/** Columns about a business's customers (end users): numbers and delivery metadata only. */
const END_USER: Record<string, string> = {
  'messages.recipient': 'phone number',
  'conversations.recipient': 'phone number',
  'customer_windows.recipient': 'phone number',
  'customer_windows.last_inbound_at': 'when they last wrote (the 24-hour window)',
  'campaign_recipients.recipient': 'phone number',
  'campaign_recipients.country': 'country of the phone number (quiet hours)',
  'campaign_recipients.policy_key': 'quiet-hours zone derived from the number or the file',
  'campaign_recipients.variables': "the template's values, only until the recipient is dispatched (G)",
  'campaign_rejections.phone': 'the rejected value of the phone column',
  'opt_outs.recipient': 'phone number',
  'opt_outs.reason': "the owner's note on why not to message them",
  'recipient_restrictions.recipient': 'phone number',
  'recipient_restrictions.reason': 'why processing is restricted',
  'relay_identities.customer': 'phone number (their LiveChat customer identity)',
  'relay_inbound.customer': 'phone number (the order of their messages in the chat)',
};

/** Every other column: about the business, its LiveChat accounts, billing, or message metadata. */
const NOT_END_USER = `
api_rate_limits: expire key points
audit_events: action actor_id actor_type at id idempotency_key metadata organization_id target_id target_type
billing_credentials: account_id expires_at organization_id token_ciphertext updated_at
business_contacts: address company_name contact_name email organization_id phone tax_id updated_at updated_by
business_data_deletions: deleted done_at organization_id requested_at requested_by status
campaign_recipients: attempts called_at campaign_id claimed_at claimed_by dispatched_at id line message_id not_before organization_id reason round seq status updated_at
campaign_rejections: campaign_id kind line reason
campaigns: category created_at created_by finished_at heartbeat_at id language launched_at mapping name number_id organization_id paused_reason quiet_hours rate_per_second report reservation_round reserved_held scheduled_at send_limit status template_name updated_at variable_count wake_at
charges: conversations created_at created_by id item kind months name next_charge_at number_id organization_id price_cents quantity status updated_at
conversations: category cost expires_at id number_id opened_at opening_message_id organization_id status
customer_windows: number_id organization_id
dispatch_rate_slots: key next_at
dispatch_leases: expires_at holder key
ledger_entries: created_at delta id idempotency_key number_id organization_id reason reference
ledger_accounts: organization_id remaining reserved
message_events: at error_code id message_id status
messages: account_id category chat_id client_ref conversation_id created_at direction error_code id kind number_id organization_id provider_message_id status template_name updated_at
number_opt_out_settings: append_instruction instruction number_id organization_id updated_at updated_by
numbers: api_version created_at disconnected_at display_name id number organization_id plan_status sending_revoked templates_synced_at waba_id
opt_outs: created_at created_by organization_id source
organization_lifecycle: access_lost_at installation installation_started_at license_id loss_cause organization_id started_at status_changed_at status_changed_by status_reason time_zone updated_at
organizations: created_at id low_balance_threshold status webhook_secret
plan_cancellations: attempts cause charge_id created_at done_at last_error number_id organization_id status
recipient_restrictions: created_at created_by organization_id
relay_authorizations: account_id bot_id connected_at organization_id sealed_bot_secret sealed_refresh_token status updated_at
relay_chats: active chat_id created_at identity_id organization_id updated_at
relay_identities: created_at entity_id id number_id organization_id
relay_inbound: chat_id error_code event_id number_id organization_id provider_message_id received_at seq settled_at status type
relay_numbers: enabled group_id last_failure_at last_failure_code last_failure_direction number_id organization_id updated_at
relay_outbound: chat_id created_at error_code event_id message_id organization_id settled_at status thread_id
refunds: amount_cents charge_id currency decided_at decided_by decision_reason id number_id organization_id paid_at paid_by plan_cancelled requested_at requested_by status
templates: body body_samples buttons category changed_at components footer header language name number_id quality rejected_reason status synced_at
terms_acceptances: accepted_at account_id account_name id installation organization_id version
`
  .trim()
  .split('\n')
  .flatMap((line) => {
    const [table, cols] = line.split(':');
    return cols!
      .trim()
      .split(/\s+/)
      .map((c) => `${table}.${c}`);
  });

/** Names that would profile a person: none may appear among the end-user columns. */
const PROFILE = /name|birth|age\b|gender|sex|email|address|photo|avatar|profile|school|parent|guardian/i;

describe.each(DB_KINDS)('L.8 on %s', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("L.8: every column is classified, and about a business's customers only numbers and delivery metadata are held", async () => {
    const rows = await db.query<{ table_name: string; column_name: string }>(
      `select table_name, column_name from information_schema.columns where table_schema = 'public' order by 1, 2`,
    );
    const columns = rows.map((r) => `${r.table_name}.${r.column_name}`);
    const classified = new Set([...Object.keys(END_USER), ...NOT_END_USER]);
    expect(
      columns.filter((c) => !classified.has(c)),
      'columns nobody classified (add them above, as end-user data or not)',
    ).toEqual([]);
    expect(
      [...classified].filter((c) => !columns.includes(c)),
      'classified columns that no longer exist',
    ).toEqual([]);
    expect(Object.keys(END_USER).filter((c) => PROFILE.test(c.split('.')[1]!))).toEqual([]);
  });
});
