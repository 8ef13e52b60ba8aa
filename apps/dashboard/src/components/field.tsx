import { cloneElement, useId, type ReactElement } from 'react';

/**
 * A label and its control tied by id (not wrapped): the control's accessible name is exactly the
 * label, not the label plus the control's current value.
 */
export function Field({
  label,
  children,
  help,
}: {
  label: string;
  children: ReactElement<{ id?: string; 'aria-describedby'?: string }>;
  help?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, { id, 'aria-describedby': help ? `${id}-help` : undefined })}
      {help && (
        <small id={`${id}-help`} className="help">
          {help}
        </small>
      )}
    </div>
  );
}
