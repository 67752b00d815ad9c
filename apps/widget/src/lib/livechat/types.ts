import type { ICustomerProfile, IDetailsWidget, IFullscreenWidget, Theme } from '@livechat/agent-app-sdk';

export type { Theme };
export type CustomerProfile = ICustomerProfile;
export type DetailsWidget = IDetailsWidget;
export type FullscreenWidget = IFullscreenWidget;
export type LiveChatWidget = IDetailsWidget | IFullscreenWidget;

/** The SDK's toast kinds (widget-core-sdk 1.5 knows only these two). */
export type ToastKind = 'success' | 'error';
export interface Toast {
  kind: ToastKind;
  content: string;
}
