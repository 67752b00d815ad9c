// @livechat/accounts-sdk ships no type declarations; this covers the part we use.
declare module '@livechat/accounts-sdk' {
  export interface AccountsAuthorizeData {
    access_token: string;
    expires_in?: number;
    token_type?: string;
    scope?: string | string[];
    state?: string;
    [key: string]: unknown;
  }

  export interface AccountsError {
    oauth_exception?: string;
    identity_exception?: string;
    description?: string;
    [key: string]: unknown;
  }

  export interface AccountsSDKOptions {
    client_id: string;
    server_url?: string;
    response_type?: 'token' | 'code';
    redirect_uri?: string;
    state?: string;
    scope?: string | null;
    prompt?: string;
    popup_flow?: 'auto' | 'manual';
    email_hint?: string | null;
    organization_id?: string;
  }

  export interface AccountsFlow {
    authorize(): Promise<AccountsAuthorizeData>;
  }

  export default class AccountsSDK {
    constructor(options: AccountsSDKOptions);
    popup(options?: Partial<AccountsSDKOptions>): AccountsFlow;
    redirect(options?: Partial<AccountsSDKOptions>): AccountsFlow;
    authorizeURL(options?: Partial<AccountsSDKOptions>, flow?: string): string;
  }
}
