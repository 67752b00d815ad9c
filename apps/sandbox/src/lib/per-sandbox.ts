import type { SandboxState } from '../state.ts';

/**
 * What a part of the sandbox keeps beside `SandboxState`: one value per sandbox, made on first use, living as long
 * as that sandbox's state object.
 */
export function perSandbox<T>(create: () => T): (state: SandboxState) => T {
  const values = new WeakMap<SandboxState, T>();
  return (state) => {
    let value = values.get(state);
    if (value === undefined) {
      value = create();
      values.set(state, value);
    }
    return value;
  };
}
