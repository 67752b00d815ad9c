import { SendMessageResponseSchema, type SendMessageRequest } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';

export function sendMessage(body: SendMessageRequest) {
  return apiRequest('/api/messages', SendMessageResponseSchema, { method: 'POST', body });
}
