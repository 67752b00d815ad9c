import { useQueryClient, type QueryKey } from '@tanstack/react-query';

/** Marks what sits under these keys as stale (the shown queries fetch again), without waiting for it. */
export function useInvalidate(...keys: QueryKey[]) {
  const queryClient = useQueryClient();
  return () => {
    for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey });
  };
}
