import { QueryClient } from '@tanstack/react-query';
import { isRetryable } from '../lib/api-client.ts';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx will not change by asking again; a network blip or a 5xx might.
        retry: (failures, error) => isRetryable(error) && failures < 2,
        staleTime: 10_000,
      },
      mutations: { retry: false },
    },
  });
}
