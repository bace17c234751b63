import { type RefObject, useLayoutEffect, useRef } from 'react';

/**
 * Puts the caret of a controlled input where a completion ended, in the same commit that writes the
 * completed text. A frame later (requestAnimationFrame) is too late: keys typed in between land at
 * the end, and the late move then sends the caret back behind them, so the next keys split the word.
 * The move waits for the commit whose value is the completed text (a commit of other state may come
 * first), and is dropped if the text has changed since.
 */
export function useCaretAfterRender(el: RefObject<HTMLInputElement | HTMLTextAreaElement | null>): (text: string, caret: number) => void {
  const pending = useRef<{ text: string; caret: number } | null>(null);
  useLayoutEffect(() => {
    const want = pending.current;
    if (!want || !el.current || el.current.value !== want.text) return;
    el.current.setSelectionRange(want.caret, want.caret);
    pending.current = null;
  });
  return (text, caret) => {
    pending.current = { text, caret };
  };
}
