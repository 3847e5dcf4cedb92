import { beforeEach, describe, expect, it } from 'vitest';
import { useStore } from '../../src/state/store';

describe('app error list', () => {
  beforeEach(() => useStore.setState({ errors: [] }));

  it('drops the errors of one action when it runs again, and keeps the others', () => {
    const s = useStore.getState();
    s.pushError('Training failed.', '--cutoff needs a positive number', 'train');
    s.pushError('Could not load the model a.json.');
    s.pushError('The experiment failed.', 'bad sizes', 'evaluate');
    useStore.getState().dismissErrorsFrom('train');
    expect(useStore.getState().errors.map((e) => e.message)).toEqual([
      'Could not load the model a.json.',
      'The experiment failed.',
    ]);
    const before = useStore.getState().errors;
    useStore.getState().dismissErrorsFrom('train');
    expect(useStore.getState().errors).toBe(before); // nothing to drop: no new state
  });
});
