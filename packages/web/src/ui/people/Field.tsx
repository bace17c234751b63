import { type ReactNode, useId } from 'react';

interface FieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** The server's (or the form's) complaint about this field, shown under it. */
  error?: string | undefined;
  hint?: ReactNode;
  type?: 'text' | 'email' | 'password' | 'url' | 'date' | 'number' | 'tel';
  multiline?: boolean;
  maxLength?: number;
  autoComplete?: string;
  required?: boolean;
  step?: string;
  inputMode?: 'text' | 'numeric' | 'decimal' | 'tel' | 'email' | 'url';
  pattern?: string;
  /** Extra control beside the input (a visibility choice). */
  aside?: ReactNode;
}

/** A labelled input with its hint and error tied to it for screen readers. */
export function Field({
  label,
  value,
  onChange,
  error,
  hint,
  type = 'text',
  multiline,
  maxLength,
  autoComplete,
  required,
  step,
  inputMode,
  pattern,
  aside,
}: FieldProps) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    value,
    maxLength,
    required,
    autoComplete,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="field-row">
        {multiline ? (
          <textarea {...common} rows={3} onChange={(e) => onChange(e.target.value)} />
        ) : (
          <input {...common} type={type} step={step} inputMode={inputMode} pattern={pattern} onChange={(e) => onChange(e.target.value)} />
        )}
        {aside}
      </div>
      {hint && (
        <p id={`${id}-hint`} className="field-hint muted">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field-error error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** How many characters are left, for a limited text (counted as the server counts: code points). */
export function charsLeft(text: string, max: number): string {
  const n = [...text].length;
  return n > max ? `${n - max} characters too many` : `${max - n} characters left`;
}
