import { useCallback, useState } from 'react';
import { errorText } from '../../state/actions.ts';

/**
 * One button's request: busy while it runs (so it cannot be sent twice), and the server's refusal
 * as text for a role="alert" next to it. Returns whether it succeeded.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async (fn: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      return true;
    } catch (err) {
      setError(errorText(err));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, setError };
}
