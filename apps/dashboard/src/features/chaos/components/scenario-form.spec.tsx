import { fireEvent, screen } from '@testing-library/react';
import type { ChaosTarget, ScenarioInfo } from '@rrl/contracts';
import { renderWithApp } from '../../../testing/render';
import { ScenarioForm } from './scenario-form';

// The shapes GET /api/chaos/scenarios publishes (zod's JSON Schema of each scenario's parameters).
const SCENARIOS: ScenarioInfo[] = [
  {
    name: 'restart',
    summary: 'Enhanced restart: every reconnect attempt lands in the timeline',
    parameters: {
      type: 'object',
      properties: {
        target: { type: 'string', minLength: 1 },
        downtimeMs: { type: 'integer', minimum: 0, maximum: 600000, default: 45000 },
      },
      required: ['target'],
    },
  },
  {
    name: 'mysql-outage',
    summary: 'Kills the MySQL target, starts it again',
    parameters: {
      type: 'object',
      properties: { target: { type: 'string' }, durationMs: { type: 'integer', minimum: 1, maximum: 600000, default: 10000 } },
      required: ['target'],
    },
  },
];
const TARGETS: ChaosTarget[] = [
  { id: 'process:redis-6390', name: 'redis-6390', kind: 'redis', driver: 'process', state: 'running' },
  { id: 'process:mariadb-3310', name: 'mariadb-3310', kind: 'mysql', driver: 'process', state: 'running' },
];

describe('ScenarioForm', () => {
  it('renders the parameters from the JSON Schema with their defaults and bounds, and a target list of the right kind', () => {
    renderWithApp(<ScenarioForm scenarios={SCENARIOS} targets={TARGETS} disabled={false} />);
    const downtime = screen.getByLabelText('downtime (ms)');
    expect(downtime).toHaveProperty('value', '45000');
    expect(downtime.getAttribute('max')).toBe('600000');
    expect(screen.getByLabelText('target')).toHaveProperty('value', 'process:redis-6390');
    expect(screen.getByRole('button', { name: 'Start restart' })).toHaveProperty('disabled', false);

    fireEvent.change(screen.getByLabelText('scenario'), { target: { value: 'mysql-outage' } });
    expect(screen.getByLabelText('duration (ms)')).toHaveProperty('value', '10000');
    expect(screen.queryByLabelText('downtime (ms)')).toBeNull();
    expect(screen.getByLabelText('target')).toHaveProperty('value', 'process:mariadb-3310');
  });

  it('cannot start a second scenario while one runs, and says why', () => {
    renderWithApp(<ScenarioForm scenarios={SCENARIOS} targets={TARGETS} disabled />);
    expect(screen.getByRole('button', { name: 'Start restart' })).toHaveProperty('disabled', true);
    screen.getByText(/One scenario at a time/);
  });
});
