import { useEffect, useState } from 'react';

/**
 * Milliseconds left until `until` (ISO), ticking every second, or null without a deadline. The agent's
 * clock may be off: `serverTime` (when the server computed the answer) and `receivedAt` (the agent's clock
 * when it arrived) correct it.
 */
export function useCountdown(until: string | null | undefined, serverTime: string | null | undefined, receivedAt: number): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!until) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [until]);
  if (!until) return null;
  const skew = serverTime && receivedAt ? Date.parse(serverTime) - receivedAt : 0;
  return Math.max(0, Date.parse(until) - (now + skew));
}
