import { useState } from 'react';
import type { ChaosTarget, ScenarioInfo } from '@rrl/contracts';
import { ErrorMessage } from '../../../components/error-message';
import { Field } from '../../../components/field';
import { useStartScenario } from '../api/chaos-api';

interface JsonSchemaProperty {
  type?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  description?: string;
}

interface ParamsSchema {
  properties?: Record<string, JsonSchemaProperty>;
  required?: string[];
}

/** A target id parameter: "target", "mysqlTarget"... rendered as a list of the matching targets. */
const isTargetParam = (name: string) => /target$/i.test(name);

function targetKindFor(scenario: string, param: string): ChaosTarget['kind'] {
  return param === 'mysqlTarget' || scenario === 'mysql-outage' ? 'mysql' : 'redis';
}

function initialValues(info: ScenarioInfo, targets: ChaosTarget[]): Record<string, string> {
  const schema = info.parameters as ParamsSchema;
  const values: Record<string, string> = {};
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    if (isTargetParam(name)) {
      const kind = targetKindFor(info.name, name);
      values[name] = (targets.find((t) => t.kind === kind) ?? targets[0])?.id ?? '';
    } else values[name] = typeof prop.default === 'number' || typeof prop.default === 'string' ? String(prop.default) : '';
  }
  return values;
}

/** "downtimeMs" → "downtime (ms)". */
function labelOf(name: string): string {
  const ms = name.endsWith('Ms');
  const words = (ms ? name.slice(0, -2) : name).replace(/([A-Z])/g, ' $1').toLowerCase();
  return ms ? `${words} (ms)` : words;
}

/** The scenario's parameters as a form, built from the JSON Schema the API publishes (defaults and bounds included). */
export function ScenarioForm({ scenarios, targets, disabled }: { scenarios: ScenarioInfo[]; targets: ChaosTarget[]; disabled: boolean }) {
  const [name, setName] = useState<string>(scenarios[0]?.name ?? '');
  const info = scenarios.find((s) => s.name === name) ?? scenarios[0];
  const [values, setValues] = useState<Record<string, string>>({});
  const defaults = info ? initialValues(info, targets) : {};
  const start = useStartScenario();
  if (!info) return <p>No scenarios.</p>;
  const schema = info.parameters as ParamsSchema;
  const current = { ...defaults, ...values };

  const submit = () => {
    const params: Record<string, unknown> = {};
    for (const [key, prop] of Object.entries(schema.properties ?? {})) {
      const raw = current[key];
      if (raw === '' || raw === undefined) continue;
      params[key] = prop.type === 'integer' || prop.type === 'number' ? Number(raw) : raw;
    }
    start.mutate({ name: info.name, params });
  };

  return (
    <form
      className="grid-form"
      aria-label="Start a scenario"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <Field label="scenario">
        <select
          value={info.name}
          onChange={(e) => {
            setName(e.target.value);
            setValues({});
          }}
        >
          {scenarios.map((s) => (
            <option key={s.name} value={s.name}>
              {s.name}
            </option>
          ))}
        </select>
      </Field>
      <p className="scenario-summary">{info.summary}</p>
      {Object.entries(schema.properties ?? {}).map(([key, prop]) =>
        isTargetParam(key) ? (
          <Field key={key} label={labelOf(key)}>
            <select value={current[key]} onChange={(e) => setValues({ ...values, [key]: e.target.value })} required>
              {targets.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name} ({t.kind}, {t.driver}, {t.state})
                </option>
              ))}
            </select>
          </Field>
        ) : (
          <Field key={key} label={labelOf(key)} help={prop.description}>
            <input
              type={prop.type === 'integer' || prop.type === 'number' ? 'number' : 'text'}
              min={prop.minimum}
              max={prop.maximum}
              step={prop.type === 'integer' ? 1 : 'any'}
              value={current[key]}
              required={schema.required?.includes(key)}
              onChange={(e) => setValues({ ...values, [key]: e.target.value })}
            />
          </Field>
        ),
      )}
      <div className="actions">
        <button type="submit" disabled={disabled || start.isPending}>
          Start {info.name}
        </button>
        {disabled && <span className="help">One scenario at a time: stop the running one first.</span>}
      </div>
      <ErrorMessage error={start.error} context="Start" />
    </form>
  );
}
