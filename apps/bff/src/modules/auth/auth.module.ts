import type { ModuleContext } from '../../lib/module-context.ts';
import type { AccountsPort } from '../../providers/livechat-accounts/accounts.port.ts';
import { AuthService } from './auth.service.ts';

/** LiveChat token checks (with their cache). */
export function createAuthModule(ctx: ModuleContext, deps: { accounts: AccountsPort }) {
  return { auth: new AuthService(deps.accounts, ctx.config.LIVECHAT_CLIENT_ID, () => ctx.now().getTime()) };
}
