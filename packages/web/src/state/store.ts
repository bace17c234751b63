import { useSyncExternalStore } from 'react';
import { initialState, type State } from './types.ts';

type Listener = () => void;

/**
 * The app's one store: a plain immutable State, replaced by `update` and read by components with
 * `useStore(selector)`. Live events reach it through the reducers in events.ts; REST results
 * through the actions. Small on purpose: no library, no middleware.
 */
class Store {
  private state: State = initialState;
  private readonly listeners = new Set<Listener>();

  get = (): State => this.state;

  update = (fn: (s: State) => State): void => {
    const next = fn(this.state);
    if (next === this.state) return;
    this.state = next;
    for (const l of this.listeners) l();
  };

  reset = (patch: Partial<State> = {}): void => this.update(() => ({ ...initialState, ...patch }));

  subscribe = (l: Listener): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
}

export const store = new Store();

export function useStore<T>(select: (s: State) => T): T {
  return useSyncExternalStore(store.subscribe, () => select(store.get()));
}
