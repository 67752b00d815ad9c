/**
 * `pnpm ops …` — the operator's command line, a client of the BFF's /ops API (nothing here touches the database).
 *
 *   OPS_URL         the BFF (default: E2E_BFF_URL, else http://127.0.0.1:3000)
 *   OPS_CREDENTIAL  name:secret, one of the BFF's OPS_CREDENTIALS (never a LiveChat token)
 *
 * Run `pnpm ops help` for the commands.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

const HELP = `Usage: pnpm ops <command> [arguments] [--json]

Businesses
  list [--status active|suspended|terminated|uninstalled]   every business: status, balance, numbers, refunds waiting
  show <business>                                           balance, numbers, charges, refunds, recent audit
  suspend <business> [--reason "…"]                        no sending, no buying (F.2, J)
  restore <business> [--reason "…"]                        lift a suspension
  terminate <business> --yes [--reason "…"]                loss of access: conversations forfeited, plans cancelled, numbers disconnected
  close <business> --cause livechat_account_closed|livechat_account_cancelled --yes [--reason "…"]
                                                            the LiveChat account was closed or cancelled (E.2)
  set-start <business> <ISO date> [--reason "…"]           a migrated customer's real start (earlier terms before 2024-05-09)
  revoke <business> <number> [--reason "…"]                revoke sending for one number (J); number as id or +E.164
  restore-sending <business> <number> [--reason "…"]       restore it
  credit <business> <conversations> --reason "…" [--key k] discretionary credit (I), recorded in the ledger

Privacy (L.11)
  data-deletion <business>                                  whether the business asked to delete its data, and what is kept
  delete-data <business> --yes                              delete an uninstalled or terminated business's data on its request
                                                            (ledger, bills, refunds, money and lifecycle events are kept)

Refunds (H)
  refunds [--status requested|approved|refused|paid]        oldest first
  refund approve <refund> [--reason "…"]                   cancels the plan's charge, disconnects the number, records the refund
  refund refuse <refund> [--reason "…"]
  refund paid <refund> [--reason "…"]                      the approved refund was paid out

Audit
  audit [--business <business>] [--limit n] [--csv]         the audit log (all businesses unless --business)

WhatsApp chats in LiveChat
  livechat-webhooks list|register|unregister --business <business>
                                                            the application's chat webhooks (once per Client ID), through the
                                                            LiveChat authorization of a business that connected the relay

Ledger
  verify-ledger [business]                                  compare every account row with the sum of its entries;
                                                            prints mismatches and exits 2 when there is any

<business> is an organization id or a unique prefix of one. --json prints the API's answer as it is.`;

class CliError extends Error {}

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: 'boolean', default: false },
    csv: { type: 'boolean', default: false },
    yes: { type: 'boolean', default: false },
    reason: { type: 'string' },
    status: { type: 'string' },
    cause: { type: 'string' },
    key: { type: 'string' },
    business: { type: 'string' },
    limit: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const baseUrl = (process.env.OPS_URL ?? process.env.E2E_BFF_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');

function authorization(): string {
  const credential = process.env.OPS_CREDENTIAL;
  if (!credential || !credential.includes(':')) throw new CliError('Set OPS_CREDENTIAL to name:secret (one of the BFF’s OPS_CREDENTIALS).');
  return `Basic ${Buffer.from(credential).toString('base64')}`;
}

async function call<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const auth = authorization();
  let res: Response;
  try {
    res = await fetch(`${baseUrl}/ops${path}`, {
      method,
      headers: {
        authorization: auth,
        accept: 'application/json, text/csv',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new CliError(`Cannot reach the BFF at ${baseUrl}. Set OPS_URL.`);
  }
  const text = await res.text();
  if (!res.ok) {
    let detail = text;
    try {
      const p = JSON.parse(text) as { title?: string; detail?: string; code?: string; errors?: { path: string; message: string }[] };
      detail = `${p.title ?? 'Error'}${p.detail ? `: ${p.detail}` : ''}${p.errors?.length ? ` (${p.errors.map((e) => `${e.path}: ${e.message}`).join('; ')})` : ''} [${p.code ?? res.status}]`;
    } catch {}
    throw new CliError(`${method} /ops${path} → ${res.status}. ${detail}`);
  }
  return (res.headers.get('content-type') ?? '').includes('json') ? (JSON.parse(text) as T) : (text as T);
}

const reasonBody = () => (flags.reason ? { reason: flags.reason } : {});

function need(value: string | undefined, what: string): string {
  if (!value) throw new CliError(`Missing ${what}. Run \`pnpm ops help\`.`);
  return value;
}

/** An organization id, or a unique prefix of one. */
async function business(arg: string | undefined): Promise<string> {
  const wanted = need(arg, '<business>');
  const { businesses } = await call<{ businesses: { organizationId: string }[] }>('GET', '/businesses');
  const exact = businesses.find((b) => b.organizationId === wanted);
  if (exact) return exact.organizationId;
  const matches = businesses.filter((b) => b.organizationId.startsWith(wanted));
  if (matches.length === 1) return matches[0]!.organizationId;
  throw new CliError(
    matches.length ? `"${wanted}" matches ${matches.length} businesses; give more of the id.` : `No business "${wanted}".`,
  );
}

async function numberId(org: string, arg: string | undefined): Promise<string> {
  const wanted = need(arg, '<number>');
  const shown = await call<{ numbers: { id: string; number: string; disconnectedAt: string | null }[] }>(
    'GET',
    `/businesses/${encodeURIComponent(org)}`,
  );
  const n = shown.numbers.find(
    (x) => !x.disconnectedAt && (x.id === wanted || x.number === wanted || x.number === `+${wanted.replace(/\D/g, '')}`),
  );
  if (!n) throw new CliError(`No connected number "${wanted}" in ${org}.`);
  return n.id;
}

function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? '—' : String(r[c]))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

const money = (cents: number, currency = 'USD') => `${(cents / 100).toFixed(2)} ${currency}`;

function print(out: unknown, human: () => string) {
  console.log(flags.json ? JSON.stringify(out, null, 2) : human());
}

function describeAction(out: any): string {
  const b = out.business;
  const head = `${b.organizationId}: ${b.status}${b.statusReason ? ` (${b.statusReason})` : ''}${out.changed ? '' : ' — nothing changed, it already was'}`;
  if (!out.lossOfAccess) return head;
  const l = out.lossOfAccess;
  return `${head}\n  forfeited ${l.forfeited} conversations, disconnected ${l.numbersDisconnected} number(s), cancelled ${l.plansCancelled} plan(s)${
    l.plansPending
      ? `, ${l.plansPending} plan cancellation(s) owed to LiveChat (retried until an owner's or admin's session is available)`
      : ''
  }`;
}

function describeDeletion(org: string, d: any): string {
  const head = `${org}: data deletion ${d.status}${d.requestedAt ? `, asked ${d.requestedAt} by ${d.requestedBy}` : ''}${d.doneAt ? `, done ${d.doneAt}` : ''}`;
  const rows = d.deleted
    ? Object.entries(d.deleted as Record<string, number>)
        .filter(([, n]) => n > 0)
        .map(([t, n]) => `  ${t}: ${n} deleted`)
    : [];
  return [
    head,
    ...rows,
    ...d.kept.map((k: any) => `  kept: ${k.data} (${k.why}${k.keptForYears ? `, ${k.keptForYears} years` : ''})`),
  ].join('\n');
}

function describeRefund(r: any): string {
  return `${r.id}  ${r.status}  ${money(r.amountCents, r.currency)}  ${r.description}${r.number ? ` (${r.number})` : ''}  business ${r.organizationId}`;
}

async function main() {
  const [command, ...args] = positionals;
  if (!command || command === 'help' || flags.help) {
    console.log(HELP);
    return;
  }
  switch (command) {
    case 'list': {
      const out = await call('GET', `/businesses${flags.status ? `?status=${encodeURIComponent(flags.status)}` : ''}`);
      return print(out, () =>
        table(out.businesses, ['organizationId', 'status', 'balance', 'numbers', 'pendingRefunds', 'termsVersion', 'startedAt']),
      );
    }
    case 'show': {
      const out = await call('GET', `/businesses/${encodeURIComponent(await business(args[0]))}`);
      return print(out, () => {
        const b = out.business;
        return [
          `${b.organizationId} — ${b.status}${b.statusReason ? ` (${b.statusReason})` : ''}`,
          `  balance ${b.balance} conversations · terms ${b.termsVersion ?? 'not accepted'} · started ${b.startedAt} · time zone ${b.timeZone} · installation ${b.installation}`,
          ...(b.lossCause ? [`  access lost ${b.accessLostAt} (${b.lossCause})`] : []),
          '',
          'Numbers',
          table(out.numbers, ['id', 'number', 'displayName', 'planStatus', 'sendingRevoked', 'disconnectedAt']),
          '',
          'Charges',
          table(
            out.charges.map((c: any) => ({ ...c, price: money(c.priceCents), owed: c.cancellationPending ? 'cancellation owed' : '' })),
            ['id', 'kind', 'description', 'price', 'status', 'createdAt', 'owed'],
          ),
          '',
          'Refunds',
          table(
            out.refunds.map((r: any) => ({ ...r, amount: money(r.amountCents, r.currency) })),
            ['id', 'status', 'amount', 'description', 'requestedAt'],
          ),
          '',
          'Recent audit',
          table(
            out.recentAudit.map((e: any) => ({ ...e, actor: `${e.actorType}:${e.actorId ?? ''}` })),
            ['at', 'actor', 'action', 'targetId'],
          ),
        ].join('\n');
      });
    }
    case 'suspend':
    case 'restore': {
      const out = await call('POST', `/businesses/${encodeURIComponent(await business(args[0]))}/${command}`, reasonBody());
      return print(out, () => describeAction(out));
    }
    case 'terminate':
    case 'close': {
      const org = await business(args[0]);
      if (!flags.yes)
        throw new CliError(`${command} ends the business's access for good: its conversations are forfeited. Add --yes to go ahead.`);
      const body = command === 'close' ? { cause: need(flags.cause, '--cause'), ...reasonBody() } : reasonBody();
      const out = await call('POST', `/businesses/${encodeURIComponent(org)}/${command}`, body);
      return print(out, () => describeAction(out));
    }
    case 'set-start': {
      const org = await business(args[0]);
      const at = new Date(need(args[1], '<ISO date>'));
      if (Number.isNaN(at.getTime())) throw new CliError(`"${args[1]}" is not a date.`);
      const out = await call('PUT', `/businesses/${encodeURIComponent(org)}/started-at`, { startedAt: at.toISOString(), ...reasonBody() });
      return print(
        out,
        () => `${describeAction(out)}\n  started ${out.business.startedAt} · terms ${out.business.termsVersion ?? 'not accepted'}`,
      );
    }
    case 'revoke':
    case 'restore-sending': {
      const org = await business(args[0]);
      const id = await numberId(org, args[1]);
      const out = await call(
        'POST',
        `/businesses/${encodeURIComponent(org)}/numbers/${id}/${command === 'revoke' ? 'revoke-sending' : 'restore-sending'}`,
        reasonBody(),
      );
      return print(
        out,
        () => `${command === 'revoke' ? 'Sending revoked' : 'Sending restored'} for ${id}${out.changed ? '' : ' (it already was)'}.`,
      );
    }
    case 'credit': {
      const org = await business(args[0]);
      const conversations = Number(need(args[1], '<conversations>'));
      if (!Number.isInteger(conversations) || conversations <= 0) throw new CliError('<conversations> is a positive whole number.');
      const out = await call('POST', `/businesses/${encodeURIComponent(org)}/credits`, {
        conversations,
        reason: need(flags.reason, '--reason (Part I: every credit is recorded with its reason)'),
        key: flags.key ?? randomUUID(),
      });
      return print(
        out,
        () => `${out.created ? `Credited ${conversations} conversations` : 'Already credited with this key'}; balance ${out.balance}.`,
      );
    }
    case 'data-deletion': {
      const org = await business(args[0]);
      const out = await call('GET', `/businesses/${encodeURIComponent(org)}/data-deletion`);
      return print(out, () => describeDeletion(org, out));
    }
    case 'delete-data': {
      const org = await business(args[0]);
      if (!flags.yes) throw new CliError('Deleting a business’s data cannot be undone: add --yes.');
      const out = await call('POST', `/businesses/${encodeURIComponent(org)}/data-deletion`);
      return print(out, () => describeDeletion(org, out));
    }
    case 'refunds': {
      const out = await call('GET', `/refunds${flags.status ? `?status=${encodeURIComponent(flags.status)}` : ''}`);
      return print(out, () => (out.refunds.length ? out.refunds.map(describeRefund).join('\n') : '(none)'));
    }
    case 'refund': {
      const [action, id] = args;
      if (action !== 'approve' && action !== 'refuse' && action !== 'paid') throw new CliError('Use: refund approve|refuse|paid <refund>.');
      const out = await call('POST', `/refunds/${encodeURIComponent(need(id, '<refund>'))}/${action}`, reasonBody());
      return print(out, () => describeRefund(out.refund));
    }
    case 'audit': {
      const params = new URLSearchParams();
      if (flags.business) params.set('organizationId', await business(flags.business));
      if (flags.limit) params.set('limit', flags.limit);
      const qs = params.toString() ? `?${params}` : '';
      if (flags.csv) {
        process.stdout.write(await call<string>('GET', `/audit.csv${qs}`));
        return;
      }
      const out = await call('GET', `/audit${qs}`);
      return print(out, () =>
        table(
          out.events.map((e: any) => ({ ...e, actor: `${e.actorType}:${e.actorId ?? ''}`, details: JSON.stringify(e.metadata) })),
          ['at', 'organizationId', 'actor', 'action', 'targetId', 'details'],
        ),
      );
    }
    case 'livechat-webhooks': {
      const action = args[0];
      if (action !== 'list' && action !== 'register' && action !== 'unregister')
        throw new CliError('Use: livechat-webhooks list|register|unregister --business <business>.');
      const organizationId = await business(need(flags.business, '--business (a business that connected LiveChat for WhatsApp chats)'));
      const out =
        action === 'list'
          ? await call('GET', `/livechat-webhooks?organizationId=${encodeURIComponent(organizationId)}`)
          : await call('POST', `/livechat-webhooks/${action}`, { organizationId });
      return print(out, () =>
        [
          `Chat webhooks of this application (delivered to ${out.url}):`,
          out.webhooks.length ? table(out.webhooks, ['id', 'action', 'url']) : '(none)',
          ...(action === 'register' ? [`Registered ${out.registered.length} new.`] : []),
          ...(action === 'unregister' ? [`Removed ${out.removed.length}.`] : []),
        ].join('\n'),
      );
    }
    case 'verify-ledger': {
      const org = args[0] ? await business(args[0]) : null;
      const out = await call('GET', `/ledger/verify${org ? `?organizationId=${encodeURIComponent(org)}` : ''}`);
      print(out, () => {
        const head = `Checked ${out.checked} account${out.checked === 1 ? '' : 's'}: ${out.mismatches.length ? `${out.mismatches.length} MISMATCH${out.mismatches.length === 1 ? '' : 'ES'}` : 'every account row equals the sum of its entries.'}`;
        if (!out.mismatches.length) return head;
        const rows = out.mismatches.map((m: any) => ({
          organizationId: m.organizationId,
          'row remaining': m.account.remaining,
          'entries remaining': m.entries.remaining,
          'row reserved': m.account.reserved,
          'entries reserved': m.entries.reserved,
        }));
        return `${head}\n${table(rows, ['organizationId', 'row remaining', 'entries remaining', 'row reserved', 'entries reserved'])}`;
      });
      // Non-zero on any mismatch, so a cron or CI step fails loudly.
      if (out.mismatches.length) process.exitCode = 2;
      return;
    }
    default:
      throw new CliError(`Unknown command "${command}". Run \`pnpm ops help\`.`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof CliError ? err.message : err);
  process.exit(1);
});
