import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { bearerToken, cors, parseOr400, sendProblem } from '../lib/http.ts';
import { findAccountByEmail, findOrganization, type SandboxContext } from '../state.ts';
import { renderAuthorizePage } from './accounts-page.ts';
import { DEFAULT_EXPIRES_IN, checkToken, issueToken, randomToken, secondsLeft, tokenErrorDescription } from './accounts.service.ts';

function queryString(req: Request, key: string): string {
  const value = req.query[key];
  return typeof value === 'string' ? value : '';
}

function unauthorized(res: Response, reason: 'missing' | 'unknown' | 'expired'): void {
  res.status(401).json({ error: 'invalid_token', error_description: tokenErrorDescription(reason) });
}

/** True when GET / is an OAuth authorize request rather than the agent-app host page. */
export function isAuthorizeRequest(req: Request): boolean {
  return typeof req.query.response_type === 'string';
}

export function authorizePageHandler(req: Request, res: Response): void {
  res.type('html').send(
    renderAuthorizePage({
      client_id: queryString(req, 'client_id'),
      redirect_uri: queryString(req, 'redirect_uri'),
      state: queryString(req, 'state'),
      response_type: queryString(req, 'response_type') || 'token',
      expires_in: queryString(req, 'expires_in'),
      email: queryString(req, 'email'),
    }),
  );
}

const GrantSchema = z.object({
  email: z.string().min(1),
  client_id: z.string().min(1).optional(),
  response_type: z.enum(['token', 'code']).default('token'),
  redirect_uri: z.string().optional(),
  state: z.string().optional(),
  expires_in: z.number().int().optional(),
});

const TokenControlSchema = z.object({
  organization: z.union([z.string().min(1), z.number().int()]),
  role: z.enum(['owner', 'agent']),
  expires_in: z.number().int().optional(),
  client_id: z.string().min(1).optional(),
  /** Narrower scopes than the app's, to test refusals (space- or comma-separated). */
  scope: z.string().optional(),
});

export function accountsRouter(ctx: SandboxContext): Router {
  const router = Router();
  router.use(['/v2/info', '/v2/accounts/me', '/v2/token', '/signin', '/sandbox/oauth', '/sandbox/tokens'], cors);

  // popup_flow 'manual' makes accounts-sdk open `${server_url}/signin`.
  router.get('/signin', authorizePageHandler);

  router.get('/v2/info', (req, res) => {
    const check = checkToken(ctx, bearerToken(req));
    if (!check.ok) return unauthorized(res, check.reason);
    const { token } = check;
    res.json({
      account_id: token.account_id,
      organization_id: token.organization_id,
      client_id: token.client_id,
      scope: token.scope,
      expires_in: secondsLeft(token),
      token_type: 'Bearer',
      entity_id: token.account_id,
    });
  });

  router.get('/v2/accounts/me', (req, res) => {
    const check = checkToken(ctx, bearerToken(req));
    if (!check.ok) return unauthorized(res, check.reason);
    const { account, organization } = check;
    res.json({
      account_id: account.account_id,
      email: account.email,
      name: account.name,
      organization_id: organization.id,
      avatar_url: '',
      time_zone: organization.timezone,
      roles: [{ product: 'livechat', role: account.livechat_role, type: 'product' }],
    });
  });

  // Authorization-code exchange (accounts-sdk `response_type: 'code'`); PKCE is deliberately not checked because
  // the SDK's code_challenge is not standard.
  router.post('/v2/token', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const grantType = String(body.grant_type ?? '');
    // Both grants authenticate the app with its client secret.
    if (
      (grantType === 'authorization_code' || grantType === 'refresh_token') &&
      (body.client_id !== ctx.config.livechatClientId || body.client_secret !== ctx.config.livechatClientSecret)
    ) {
      res.status(401).json({ error: 'invalid_client', error_description: 'Unknown client_id or wrong client_secret' });
      return;
    }
    let issued;
    if (grantType === 'authorization_code') {
      const code = ctx.state.authCodes.get(String(body.code ?? ''));
      ctx.state.authCodes.delete(String(body.code ?? ''));
      if (!code || code.expires_at <= Date.now()) {
        res.status(400).json({ error: 'invalid_grant', error_description: 'Unknown or expired authorization code' });
        return;
      }
      if (code.redirect_uri && body.redirect_uri !== code.redirect_uri) {
        res.status(400).json({ error: 'invalid_grant', error_description: 'redirect_uri does not match the authorization request' });
        return;
      }
      issued = issueToken(ctx, {
        account_id: code.account_id,
        organization_id: code.organization_id,
        client_id: code.client_id,
        expires_in: code.expires_in,
      });
    } else if (grantType === 'refresh_token') {
      const previous = ctx.state.tokens.get(ctx.state.refreshTokens.get(String(body.refresh_token ?? '')) ?? '');
      if (!previous) {
        res.status(400).json({ error: 'invalid_grant', error_description: 'Unknown refresh token' });
        return;
      }
      issued = issueToken(ctx, {
        account_id: previous.account_id,
        organization_id: previous.organization_id,
        client_id: previous.client_id,
      });
    } else {
      res.status(400).json({ error: 'unsupported_grant_type', error_description: 'Use authorization_code or refresh_token' });
      return;
    }
    res.json({
      access_token: issued.access_token,
      account_id: issued.account_id,
      expires_in: secondsLeft(issued),
      organization_id: issued.organization_id,
      refresh_token: issued.refresh_token,
      scope: issued.scope,
      token_type: 'Bearer',
    });
  });

  // Called by the sign-in page when an account is picked.
  router.post('/sandbox/oauth/grant', (req, res) => {
    const input = parseOr400(GrantSchema, req.body, res);
    if (!input) return;
    const found = findAccountByEmail(input.email);
    if (!found) return sendProblem(res, 404, 'Unknown account', `No seeded account has the email ${input.email}.`);
    const expiresIn = input.expires_in ?? DEFAULT_EXPIRES_IN;
    const clientId = input.client_id ?? ctx.config.livechatClientId;
    if (input.response_type === 'code') {
      const code = randomToken('dal:c_', 18);
      ctx.state.authCodes.set(code, {
        code,
        account_id: found.account.account_id,
        organization_id: found.organization.id,
        client_id: clientId,
        redirect_uri: input.redirect_uri ?? '',
        expires_in: expiresIn,
        expires_at: Date.now() + 10 * 60_000,
      });
      res.json({ code, state: input.state ?? '' });
      return;
    }
    const token = issueToken(ctx, {
      account_id: found.account.account_id,
      organization_id: found.organization.id,
      client_id: clientId,
      expires_in: expiresIn,
    });
    res.json({
      access_token: token.access_token,
      expires_in: expiresIn,
      token_type: 'Bearer',
      scope: token.scope,
      state: input.state ?? '',
      account_id: token.account_id,
      organization_id: token.organization_id,
    });
  });

  // LiveChat refusing the app's refresh tokens (the owner revoked access): every kept refresh token stops working.
  router.post('/sandbox/oauth/revoke-refresh-tokens', (req, res) => {
    const key = (req.body as { organization?: string | number } | undefined)?.organization;
    const organization = key === undefined ? undefined : findOrganization(key);
    if (key !== undefined && !organization) return sendProblem(res, 404, 'Unknown organization', `No seeded organization ${String(key)}.`);
    let revoked = 0;
    for (const [refresh, access] of ctx.state.refreshTokens) {
      const token = ctx.state.tokens.get(access);
      if (organization && token?.organization_id !== organization.id) continue;
      ctx.state.refreshTokens.delete(refresh);
      revoked += 1;
    }
    res.json({ revoked });
  });

  router.post('/sandbox/tokens', (req, res) => {
    const input = parseOr400(TokenControlSchema, req.body, res);
    if (!input) return;
    const organization = findOrganization(input.organization);
    if (!organization) {
      return sendProblem(res, 404, 'Unknown organization', `No seeded organization ${String(input.organization)}.`);
    }
    const account = organization.accounts.find((a) => a.role === input.role);
    if (!account) return sendProblem(res, 404, 'Unknown account', `${organization.name} has no ${input.role}.`);
    const expiresIn = input.expires_in ?? DEFAULT_EXPIRES_IN;
    const token = issueToken(ctx, {
      account_id: account.account_id,
      organization_id: organization.id,
      client_id: input.client_id,
      expires_in: expiresIn,
      scope: input.scope,
    });
    res.json({
      access_token: token.access_token,
      account_id: account.account_id,
      organization_id: organization.id,
      client_id: token.client_id,
      expires_in: expiresIn,
    });
  });

  return router;
}
