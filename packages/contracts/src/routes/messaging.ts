import type { RouteSpec } from './route-spec.ts';
import * as messages from '../messages.ts';
import * as conversationStatus from '../conversation-status.ts';
import * as optouts from '../optouts.ts';

export const messagingRoutes: RouteSpec[] = [
  // ---- messaging rules (window, opt-outs) ----
  {
    method: 'get',
    path: '/api/conversations/status',
    summary: 'Customer-service window, open conversations and opt-out of one customer on one number',
    auth: 'member',
    query: conversationStatus.ConversationStatusQuerySchema,
    response: conversationStatus.ConversationStatusSchema,
  },
  {
    method: 'get',
    path: '/api/opt-outs',
    summary: 'The suppression list (F.4): search and page through opted-out customers',
    auth: 'manager',
    query: optouts.OptOutsQuerySchema,
    response: optouts.OptOutsResponseSchema,
  },
  {
    method: 'post',
    path: '/api/opt-outs',
    summary: 'Add a customer to the suppression list, with a reason',
    auth: 'manager',
    body: optouts.AddOptOutRequestSchema,
    response: optouts.AddOptOutResponseSchema,
    status: 201,
  },
  {
    method: 'delete',
    path: '/api/opt-outs/{recipient}',
    summary: 'Remove a customer from the suppression list',
    auth: 'manager',
    params: optouts.OptOutParamsSchema,
    response: optouts.RemoveOptOutResponseSchema,
  },
  {
    method: 'post',
    path: '/api/opt-outs/import',
    summary: 'Import a CSV of phone numbers (and reasons); invalid rows are reported by line',
    auth: 'manager',
    body: optouts.ImportOptOutsRequestSchema,
    response: optouts.ImportOptOutsResponseSchema,
  },
  {
    method: 'get',
    path: '/api/opt-outs/export',
    summary: 'The whole suppression list as CSV',
    auth: 'manager',
    response: optouts.ExportOptOutsResponseSchema,
  },
  {
    method: 'get',
    path: '/api/opt-outs.csv',
    summary: 'The whole suppression list as a streamed CSV download',
    auth: 'manager',
    responseContentType: 'text/csv',
  },
  {
    method: 'get',
    path: '/api/numbers/{numberId}/opt-out-instruction',
    summary: "A number's opt-out instruction for marketing templates and how each marketing template carries it",
    auth: 'member',
    params: optouts.OptOutInstructionParamsSchema,
    response: optouts.OptOutInstructionSchema,
  },
  {
    method: 'put',
    path: '/api/numbers/{numberId}/opt-out-instruction',
    summary: 'Turn the opt-out instruction of marketing templates on or off for a number',
    auth: 'manager',
    params: optouts.OptOutInstructionParamsSchema,
    body: optouts.UpdateOptOutInstructionRequestSchema,
    response: optouts.OptOutInstructionSchema,
  },
  {
    method: 'post',
    path: '/api/messages',
    summary: 'Send a template (or free text inside the customer window) to one recipient',
    auth: 'member',
    body: messages.SendMessageRequestSchema,
    response: messages.SendMessageResponseSchema,
    status: 201,
  },
  {
    method: 'get',
    path: '/api/messages',
    summary: 'Recent message metadata for one recipient (no bodies are stored)',
    auth: 'member',
    query: messages.MessagesQuerySchema,
    response: messages.MessagesResponseSchema,
  },
];
