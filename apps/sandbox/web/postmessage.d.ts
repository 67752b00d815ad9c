// @livechat/postmessage 0.3.2 ships no type declarations; this covers the parent side the host page uses.
declare module '@livechat/postmessage' {
  export interface PostmessageApi {
    /** Calls a method of the other side's model; resolves with its return value. */
    call<T = unknown>(method: string, ...args: unknown[]): Promise<T>;
    emit(event: string, arg?: unknown): void;
    on(event: string, handler: (arg: unknown) => void): void;
    off(event: string, handler: (arg: unknown) => void): void;
    data: unknown;
    destroy(): void;
    frame: HTMLIFrameElement;
  }

  export interface CreateIframeOptions {
    container: HTMLElement;
    url: string;
    targetOrigin?: string;
    handshakeRetry?: { count?: number; interval?: number };
  }

  export function createIframe(
    options: CreateIframeOptions,
    model?: Record<string, unknown>,
  ): { destroy(): void; frame: HTMLIFrameElement; promise: Promise<PostmessageApi> };

  export function setDebug(enabled: boolean): void;
}
