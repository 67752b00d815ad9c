import { randomUUID } from 'node:crypto';
import yauzl from 'yauzl';
import type { Database } from '../db/client.ts';

/** Every file of a ZIP archive, as text. */
export async function unzip(buf: Buffer): Promise<Map<string, string>> {
  const zip = await new Promise<yauzl.ZipFile>((res, rej) => yauzl.fromBuffer(buf, { lazyEntries: true }, (e, z) => (e ? rej(e) : res(z))));
  const files = new Map<string, string>();
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          files.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
          zip.readEntry();
        });
        stream.on('error', reject);
      });
    });
    zip.readEntry();
  });
  return files;
}

/**
 * One row in every organization-scoped table (and the linked ones) for `orgId`, with ids and phone numbers
 * tagged by `tag`, so a leak of one organization's rows into another's export is visible.
 */
export async function fillOrg(db: Database, orgId: string, tag: string, phone: string) {
  const numberId = randomUUID();
  const messageId = randomUUID();
  const campaignId = randomUUID();
  const q = (sql: string, params: unknown[]) => db.query(sql, params);
  await q(
    `insert into numbers (id, organization_id, number, display_name, api_version, waba_id, plan_status) values ($1,$2,$3,$4,'v2',$5,'active')`,
    [numberId, orgId, `+1555${tag}`, `Shop ${tag}`, `waba-${tag}`],
  );
  await q(
    `insert into templates (number_id, name, language, category, status, body, synced_at) values ($1,$2,'en','utility','approved','Hello {{1}}',now())`,
    [numberId, `tpl_${tag}`],
  );
  await q(`insert into ledger_entries (organization_id, delta, reason, idempotency_key, reference) values ($1, 100, 'purchase', $2, $3)`, [
    orgId,
    `key-${tag}`,
    `ref-${tag}`,
  ]);
  await q(
    `insert into conversations (organization_id, number_id, recipient, category, opened_at, expires_at, cost) values ($1,$2,$3,'utility',now(),now() + interval '1 day',1)`,
    [orgId, numberId, phone],
  );
  await q(
    `insert into messages (id, organization_id, number_id, recipient, kind, template_name, category, status, client_ref) values ($1,$2,$3,$4,'template',$5,'utility','sent',$6)`,
    [messageId, orgId, numberId, phone, `tpl_${tag}`, `cref-${tag}`],
  );
  await q(`insert into message_events (message_id, status, at) values ($1,'sent',now())`, [messageId]);
  await q(`insert into customer_windows (organization_id, number_id, recipient, last_inbound_at) values ($1,$2,$3,now())`, [
    orgId,
    numberId,
    phone,
  ]);
  await q(
    `insert into charges (id, organization_id, kind, item, name, price_cents, status) values ($1,$2,'direct','package:500',$3,1000,'success')`,
    [`charge-${tag}`, orgId, `Package ${tag}`],
  );
  await q(`insert into opt_outs (organization_id, recipient, source) values ($1,$2,'manual') on conflict do nothing`, [orgId, phone]);
  await q(`insert into number_opt_out_settings (number_id, organization_id, instruction) values ($1,$2,$3)`, [
    numberId,
    orgId,
    `Reply STOP ${tag}`,
  ]);
  await q(
    `insert into billing_credentials (organization_id, account_id, token_ciphertext, expires_at) values ($1,$2,$3,now() + interval '1 day')
     on conflict (organization_id) do update set token_ciphertext = excluded.token_ciphertext`,
    [orgId, `acct-${tag}`, `SEALED-${tag}`],
  );
  await q(
    `insert into campaigns (id, organization_id, number_id, name, template_name, language, category, variable_count, mapping, report, quiet_hours)
     values ($1,$2,$3,$4,$5,'en','marketing',0,'{"phoneColumn":"phone","variableColumns":[],"timeZoneColumn":null,"defaultCountry":null}','{}',false)`,
    [campaignId, orgId, numberId, `Campaign ${tag}`, `tpl_${tag}`],
  );
  await q(`insert into campaign_recipients (campaign_id, organization_id, seq, line, recipient, status) values ($1,$2,1,2,$3,'sent')`, [
    campaignId,
    orgId,
    phone,
  ]);
  await q(`insert into campaign_rejections (campaign_id, line, phone, kind, reason) values ($1,3,$2,'invalid','not a number')`, [
    campaignId,
    `bad-${tag}`,
  ]);
  await q(`insert into organization_lifecycle (organization_id, license_id) values ($1,$2) on conflict (organization_id) do nothing`, [
    orgId,
    `lic-${tag}`,
  ]);
  await q(`insert into terms_acceptances (organization_id, installation, version, account_id) values ($1,1,$2,$3)`, [
    orgId,
    `v-${tag}`,
    `acct-${tag}`,
  ]);
  await q(
    `insert into refunds (organization_id, charge_id, amount_cents, currency, requested_by) values ($1,$2,1000,'USD',$3) on conflict do nothing`,
    [orgId, `charge-${tag}`, `acct-${tag}`],
  );
  await q(`insert into plan_cancellations (charge_id, organization_id, cause) values ($1,$2,'refund')`, [`plan-${tag}`, orgId]);
  await q(`insert into audit_events (organization_id, actor_type, actor_id, action) values ($1,'account',$2,'test.filled')`, [
    orgId,
    `acct-${tag}`,
  ]);
  await q(`insert into recipient_restrictions (organization_id, recipient, reason) values ($1,$2,$3) on conflict do nothing`, [
    orgId,
    `+1555900${tag}`,
    `Restricted ${tag}`,
  ]);
  await q(
    `insert into business_contacts (organization_id, company_name, contact_name, email, updated_by) values ($1,$2,$3,$4,'test')
     on conflict (organization_id) do update set company_name = excluded.company_name`,
    [orgId, `Company ${tag}`, `Contact ${tag}`, `contact-${tag}@example.com`],
  );
  return { numberId, messageId, campaignId };
}

/** Tables fillOrg writes; each must come out non-empty. */
export const FILLED_TABLES = [
  'organizations',
  'numbers',
  'templates',
  'ledger_entries',
  'conversations',
  'messages',
  'message_events',
  'customer_windows',
  'charges',
  'opt_outs',
  'number_opt_out_settings',
  'billing_credentials',
  'campaigns',
  'campaign_recipients',
  'campaign_rejections',
  'organization_lifecycle',
  'terms_acceptances',
  'refunds',
  'plan_cancellations',
  'audit_events',
  'recipient_restrictions',
  'business_contacts',
];
