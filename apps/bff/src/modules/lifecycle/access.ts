import { ErrorCode } from '@wa/contracts';
import { DomainError } from '../../lib/errors.ts';
import type { OrgStatus } from './lifecycle.repo.ts';

export interface Block {
  code: ErrorCode;
  reason: string;
}

/**
 * Whether the business may send messages or buy plans and packages right now (F.2 and J: suspension; C.5 and E:
 * loss of access; and the terms gate), and if not, why, in words an agent or owner understands. One rule for the
 * API guard and the widget's banner.
 */
export function blockOf(input: { status: OrgStatus; statusReason: string | null; termsRequired: boolean }): Block | null {
  const why = input.statusReason ? ` Reason: ${input.statusReason}` : '';
  switch (input.status) {
    case 'terminated':
      return {
        code: ErrorCode.accountClosed,
        reason: `This WhatsApp Business account was terminated by the service operator: nothing can be sent or bought, and its conversations are lost.${why}`,
      };
    case 'uninstalled':
      return {
        code: ErrorCode.accountClosed,
        reason:
          'The WhatsApp Business app was uninstalled (or the LiveChat account closed): nothing can be sent or bought, and its conversations are lost.',
      };
    case 'suspended':
      return {
        code: ErrorCode.suspended,
        reason: `Your WhatsApp Business account is suspended by the service operator: nothing can be sent or bought until it is restored.${why}`,
      };
    case 'active':
      break;
  }
  if (input.termsRequired) {
    return {
      code: ErrorCode.termsNotAccepted,
      reason: 'The owner of your LiveChat organization has to accept the WhatsApp Business terms before anything can be sent or bought.',
    };
  }
  return null;
}

export function blockError(block: Block): DomainError {
  const title =
    block.code === ErrorCode.termsNotAccepted
      ? 'Terms not accepted'
      : block.code === ErrorCode.suspended
        ? 'Account suspended'
        : 'Account closed';
  return new DomainError(block.code, title, block.reason);
}
