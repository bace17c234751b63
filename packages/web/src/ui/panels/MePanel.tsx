import { type FormEvent, type ReactNode, useId, useRef, useState } from 'react';
import { isRoomsApiError } from '@rooms/client';
import { LIMITS, type ProfileField, type Visibility } from '@rooms/protocol';
import { logout, logoutEverywhere } from '../../state/actions.ts';
import {
  changeEmail,
  changePassword,
  changeUsername,
  deactivateAccount,
  type ProfileChanges,
  setPresence,
  updateProfile,
} from '../../state/people-actions.ts';
import { store, useStore } from '../../state/store.ts';
import type { Me, Presence } from '../../state/types.ts';
import { ui } from '../../state/ui.ts';
import { askPermission, desktopSupported } from '../desktop-notifications.ts';
import { charsLeft, Field } from '../people/Field.tsx';
import { type FieldErrors, splitErrors } from '../people/errors.ts';
import { FIELD_NAMES, FIELDS, fromInput, mapFields, sameValue, toInput, VISIBILITIES } from '../people/profile-fields.ts';
import { limits } from '../../state/limits.ts';
import { PRESENCE_TEXT } from '../people/presence.ts';
import { ProfileAvatar } from '../people/ProfileAvatar.tsx';
import { AvatarUpload } from './AvatarUpload.tsx';
import { SessionList } from './SessionList.tsx';

/** My account: how I appear, what I share, my sign-in details, notifications, and leaving. */
export default function MePanel() {
  const me = useStore((s) => s.me);
  if (!me) return null;
  return (
    <div className="me-panel">
      <header className="profile-head">
        <ProfileAvatar user={me} size={56} />
        <div className="profile-names">
          <h3 className="profile-name">{me.display_name}</h3>
          {me.username && <p className="muted profile-username">@{me.username}</p>}
        </div>
        <button type="button" className="secondary small" onClick={() => ui.set({ panel: { kind: 'profile', userId: me.id } })}>
          View profile
        </button>
        <button type="button" className="secondary small" onClick={() => ui.set({ panel: { kind: 'reports' } })}>
          Reports
        </button>
      </header>
      <StatusSection me={me} />
      <ProfileSection me={me} />
      <DesktopSection />
      <UsernameSection me={me} />
      <EmailSection me={me} />
      <PasswordSection />
      <SessionsSection />
      <DeactivateSection />
    </div>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section className="me-section" aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {children}
    </section>
  );
}

/** A form's outcome: an error (role alert) or a short confirmation (role status). */
function Outcome({ error, done }: { error: string | null; done: string | null }) {
  if (error)
    return (
      <p className="error" role="alert">
        {error}
      </p>
    );
  return (
    <p className="form-done" role="status">
      {done}
    </p>
  );
}

/**
 * Runs a form's submit: busy while it runs, then its confirmation or its errors. With `fields`,
 * the server's complaints about those fields go under them (`fieldErrors`); a wrong password goes
 * under the `passwordField`.
 */
function useSubmit(opts: { fields?: readonly string[]; passwordField?: string } = {}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  async function submit(e: FormEvent | null, fn: () => Promise<string>, onError?: (err: unknown) => string | null) {
    e?.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    setFieldErrors({});
    try {
      setDone(await fn());
    } catch (err) {
      if (onError) return setError(onError(err));
      if (opts.passwordField && isRoomsApiError(err) && err.code === 'wrong_password')
        return setFieldErrors({ [opts.passwordField]: err.message });
      const split = splitErrors(err, opts.fields ?? []);
      setFieldErrors(split.fields);
      setError(split.form);
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, done, fieldErrors, submit, setError };
}

// ── Presence and status message ─────────────────────────────────────────────────────────────────

const CHOICES: Exclude<Presence, 'offline'>[] = ['online', 'away', 'busy'];

function StatusSection({ me }: { me: Me }) {
  const current = useStore((s) => s.presence[me.id]);
  const [message, setMessage] = useState(me.status_message ?? '');
  const presence = useSubmit();
  const status = useSubmit();
  const shown = current && current !== 'offline' ? current : 'online';
  const save = (text: string | null) =>
    status.submit(null, async () => {
      await updateProfile({ status_message: text });
      setMessage(text ?? '');
      return text ? 'Status message saved.' : 'Status message cleared.';
    });

  return (
    <Section title="Status">
      <fieldset className="presence-choice">
        <legend>Show me as</legend>
        {CHOICES.map((c) => (
          <label key={c} className="radio">
            <input
              type="radio"
              name="presence"
              value={c}
              checked={shown === c}
              disabled={presence.busy}
              onChange={() => void presence.submit(null, async () => (await setPresence(c), ''))}
            />
            <span className={`presence presence-${c}`} aria-hidden="true" /> {PRESENCE_TEXT[c]}
          </label>
        ))}
      </fieldset>
      {presence.error && (
        <p className="error" role="alert">
          {presence.error}
        </p>
      )}
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void save(message.trim() || null);
        }}
      >
        <Field label="Status message" value={message} onChange={setMessage} hint={charsLeft(message, limits().status_message.max)} />
        <div className="row">
          <button type="submit" className="primary" disabled={status.busy}>
            Save status
          </button>
          {me.status_message && (
            <button type="button" className="secondary" disabled={status.busy} onClick={() => void save(null)}>
              Clear
            </button>
          )}
        </div>
        <Outcome error={status.error} done={status.done} />
      </form>
    </Section>
  );
}

// ── Profile and personal fields ─────────────────────────────────────────────────────────────────

interface Draft {
  display_name: string;
  bio: string;
  website: string;
  avatar_url: string;
  fields: Record<ProfileField, { text: string; visibility: Visibility }>;
}

function draftOf(me: Me): Draft {
  const fields = mapFields((f) => ({ text: toInput(me.profile[f]), visibility: me.profile_visibility[f] ?? 'private' }));
  return { display_name: me.display_name, bio: me.bio ?? '', website: me.website ?? '', avatar_url: me.avatar_url ?? '', fields };
}

const TOP = ['display_name', 'bio', 'website', 'avatar_url'] as const;
const ERROR_KEYS: readonly string[] = [...TOP, ...FIELD_NAMES.map((f) => `profile.${f}`)];

/** Only what changed is sent: a field's value, its visibility, or both. */
function patchOf(me: Me, d: Draft): { patch: ProfileChanges; errors: FieldErrors } {
  const patch: ProfileChanges = {};
  const errors: FieldErrors = {};
  if (d.display_name.trim() !== me.display_name) patch.display_name = d.display_name.trim();
  const optional = (v: string) => v.trim() || null;
  if (optional(d.bio) !== (me.bio ?? null)) patch.bio = optional(d.bio);
  if (optional(d.website) !== (me.website ?? null)) patch.website = optional(d.website);
  if (optional(d.avatar_url) !== (me.avatar_url ?? null)) patch.avatar_url = optional(d.avatar_url);
  const profile: Record<string, { value?: unknown; visibility?: Visibility }> = {};
  for (const f of FIELD_NAMES) {
    const { text, visibility } = d.fields[f];
    const parsed = fromInput(FIELDS[f].kind, text);
    if ('error' in parsed) {
      errors[`profile.${f}`] = parsed.error;
      continue;
    }
    const change: { value?: unknown; visibility?: Visibility } = {};
    if (!sameValue(parsed.value, me.profile[f])) change.value = parsed.value;
    if (visibility !== (me.profile_visibility[f] ?? 'private')) change.visibility = visibility;
    if (Object.keys(change).length) profile[f] = change;
  }
  if (Object.keys(profile).length) patch.profile = profile;
  return { patch, errors };
}

function ProfileSection({ me }: { me: Me }) {
  const [draft, setDraft] = useState(() => draftOf(me));
  const [errors, setErrors] = useState<FieldErrors>({});
  const form = useSubmit();
  const formRef = useRef<HTMLFormElement>(null);
  // The first field to fix gets the focus, so the errors are found even when they are scrolled away.
  const showErrors = (next: FieldErrors) => {
    setErrors(next);
    requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
  };
  const set =
    <K extends keyof Omit<Draft, 'fields'>>(k: K) =>
    (v: string) =>
      setDraft((d) => ({ ...d, [k]: v }));
  const setField = (f: ProfileField, part: Partial<Draft['fields'][ProfileField]>) =>
    setDraft((d) => ({ ...d, fields: { ...d.fields, [f]: { ...d.fields[f], ...part } } }));

  function onSubmit(e: FormEvent) {
    const { patch, errors: local } = patchOf(me, draft);
    showErrors(local);
    if (Object.keys(local).length) {
      e.preventDefault();
      form.setError('Some fields need a fix (see below).');
      return;
    }
    void form.submit(
      e,
      async () => {
        if (Object.keys(patch).length === 0) return 'Nothing changed.';
        await updateProfile(patch);
        return 'Profile saved.';
      },
      (err) => {
        const split = splitErrors(err, ERROR_KEYS);
        showErrors(split.fields);
        return split.form ?? 'Some fields need a fix (see below).';
      },
    );
  }

  return (
    <Section title="Profile">
      <form ref={formRef} className="form" onSubmit={onSubmit} noValidate>
        <Field
          label="Display name"
          value={draft.display_name}
          onChange={set('display_name')}
          error={errors.display_name}
          hint={charsLeft(draft.display_name, limits().display_name.max)}
          required
          autoComplete="nickname"
        />
        <Field
          label="Bio"
          value={draft.bio}
          onChange={set('bio')}
          error={errors.bio}
          hint={charsLeft(draft.bio, LIMITS.bio.max)}
          multiline
        />
        <Field
          label="Website"
          type="url"
          value={draft.website}
          onChange={set('website')}
          error={errors.website}
          hint="An http:// or https:// address."
          maxLength={LIMITS.website.max}
          autoComplete="url"
          inputMode="url"
        />
        <Field
          label="Picture address"
          type="url"
          value={draft.avatar_url}
          onChange={set('avatar_url')}
          error={errors.avatar_url}
          hint="An http:// or https:// address of an image, or upload one; empty shows your initials."
          maxLength={LIMITS.website.max}
          inputMode="url"
        />
        <AvatarUpload onDone={() => setDraft((d) => ({ ...d, avatar_url: store.get().me?.avatar_url ?? '' }))} />

        <fieldset className="profile-fieldset">
          <legend>About you</legend>
          <p className="muted small-print">
            Each detail has its own audience. Mates are people who share a room with you, and your followers.
          </p>
          {FIELD_NAMES.map((f) => {
            const meta = FIELDS[f];
            const kind = meta.kind;
            return (
              <Field
                key={f}
                label={meta.label}
                value={draft.fields[f].text}
                onChange={(text) => setField(f, { text })}
                error={errors[`profile.${f}`]}
                type={kind === 'list' || kind === 'int' ? 'text' : kind}
                {...(kind === 'list' ? { hint: 'Separate items with commas.' } : {})}
                {...(kind === 'int' ? { inputMode: 'numeric' as const } : {})}
                {...(kind === 'number' ? { step: 'any' } : {})}
                aside={
                  <VisibilitySelect
                    field={meta.label}
                    value={draft.fields[f].visibility}
                    onChange={(visibility) => setField(f, { visibility })}
                  />
                }
              />
            );
          })}
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={form.busy}>
            {form.busy ? 'Saving…' : 'Save profile'}
          </button>
          <Outcome error={form.error} done={form.done} />
        </div>
      </form>
    </Section>
  );
}

function VisibilitySelect({ field, value, onChange }: { field: string; value: Visibility; onChange: (v: Visibility) => void }) {
  return (
    <select
      className="visibility"
      aria-label={`Who sees your ${field.toLowerCase()}`}
      value={value}
      onChange={(e) => onChange(VISIBILITIES.find((v) => v.value === e.target.value)?.value ?? 'private')}
    >
      {VISIBILITIES.map((v) => (
        <option key={v.value} value={v.value}>
          {v.label}
        </option>
      ))}
    </select>
  );
}

// ── Desktop notifications ───────────────────────────────────────────────────────────────────────

function DesktopSection() {
  const [permission, setPermission] = useState<NotificationPermission | 'unsupported'>(() =>
    desktopSupported() ? Notification.permission : 'unsupported',
  );
  const text: Record<typeof permission, string> = {
    granted: 'On: mentions, replies and direct messages show on your desktop when Rooms is in the background.',
    denied: 'Blocked by this browser. To turn them on, allow notifications for this site in the browser’s site settings.',
    default: 'Off. Turn them on to see mentions, replies and direct messages while Rooms is in the background.',
    unsupported: 'This browser cannot show desktop notifications.',
  };
  return (
    <Section title="Desktop notifications">
      <p role="status">{text[permission]}</p>
      {permission === 'default' && (
        // Asked only from this click: browsers ignore (or punish) permission prompts nobody asked for.
        <button type="button" className="primary" onClick={() => void askPermission().then(setPermission)}>
          Enable desktop notifications
        </button>
      )}
    </Section>
  );
}

// ── Sign-in details ─────────────────────────────────────────────────────────────────────────────

function UsernameSection({ me }: { me: Me }) {
  const [username, setUsername] = useState('');
  const form = useSubmit({ fields: ['username'] });
  return (
    <Section title="Username">
      <form
        className="form"
        onSubmit={(e) =>
          void form.submit(e, async () => {
            await changeUsername(username);
            setUsername('');
            return 'Username changed.';
          })
        }
      >
        <p className="muted small-print">
          Yours is <strong className="break">@{me.username}</strong>. People mention you with it; your old one becomes free for others.
        </p>
        <Field
          label="New username"
          value={username}
          onChange={(v) => setUsername(v.toLowerCase())}
          error={form.fieldErrors.username}
          hint={`${LIMITS.username.min}–${LIMITS.username.max} characters: letters a–z, digits and _.`}
          required
          maxLength={LIMITS.username.max}
          pattern="[a-z0-9_]+"
          autoComplete="username"
        />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={form.busy || username.length < LIMITS.username.min}>
            Change username
          </button>
          <Outcome error={form.error} done={form.done} />
        </div>
      </form>
    </Section>
  );
}

function EmailSection({ me }: { me: Me }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const form = useSubmit({ fields: ['email', 'password'], passwordField: 'password' });
  return (
    <Section title="Email">
      <form
        className="form"
        onSubmit={(e) =>
          void form.submit(e, async () => {
            await changeEmail(email, password);
            setEmail('');
            setPassword('');
            return 'Email changed.';
          })
        }
      >
        <p className="muted small-print">
          Now: <span className="break">{me.email}</span>
        </p>
        <Field
          label="New email"
          type="email"
          value={email}
          onChange={setEmail}
          error={form.fieldErrors.email}
          required
          maxLength={LIMITS.email.max}
          autoComplete="email"
        />
        <Field
          label="Your password"
          type="password"
          value={password}
          onChange={setPassword}
          error={form.fieldErrors.password}
          required
          autoComplete="current-password"
          hint="Needed to change your email."
        />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={form.busy || !email || !password}>
            Change email
          </button>
          <Outcome error={form.error} done={form.done} />
        </div>
      </form>
    </Section>
  );
}

function PasswordSection() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const form = useSubmit({ fields: ['current_password', 'new_password'], passwordField: 'current_password' });
  const mismatch = again !== '' && again !== next ? 'The two new passwords differ.' : undefined;
  const tooShort = next !== '' && [...next].length < LIMITS.password.min ? `At least ${LIMITS.password.min} characters.` : undefined;
  return (
    <Section title="Password">
      <form
        className="form"
        onSubmit={(e) =>
          void form.submit(e, async () => {
            await changePassword(current, next);
            setCurrent('');
            setNext('');
            setAgain('');
            return 'Password changed. Every other session of your account was signed out; this one stays signed in.';
          })
        }
      >
        <Field
          label="Current password"
          type="password"
          value={current}
          onChange={setCurrent}
          error={form.fieldErrors.current_password}
          required
          autoComplete="current-password"
        />
        <Field
          label="New password"
          type="password"
          value={next}
          onChange={setNext}
          required
          autoComplete="new-password"
          error={tooShort ?? form.fieldErrors.new_password}
          hint={`${LIMITS.password.min}–${LIMITS.password.max} characters.`}
        />
        <Field
          label="New password again"
          type="password"
          value={again}
          onChange={setAgain}
          required
          autoComplete="new-password"
          error={mismatch}
        />
        <p className="muted small-print">Changing it signs you out on every other device and browser.</p>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={form.busy || !current || !next || next !== again || !!tooShort}>
            Change password
          </button>
          <Outcome error={form.error} done={form.done} />
        </div>
      </form>
    </Section>
  );
}

function SessionsSection() {
  const form = useSubmit();
  return (
    <Section title="Sessions">
      <SessionList />
      <div className="row wrap">
        <button type="button" className="secondary" onClick={logout}>
          Log out
        </button>
        <button
          type="button"
          className="secondary"
          disabled={form.busy}
          onClick={() => void form.submit(null, async () => (await logoutEverywhere(), ''))}
        >
          Log out everywhere
        </button>
      </div>
      {form.error && (
        <p className="error" role="alert">
          {form.error}
        </p>
      )}
    </Section>
  );
}

function DeactivateSection() {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [understood, setUnderstood] = useState(false);
  const form = useSubmit({ passwordField: 'password' });
  if (!open)
    return (
      <Section title="Deactivate account">
        <p className="muted small-print">Hides your account at once and deletes it after 30 days.</p>
        <button type="button" className="secondary danger-text" onClick={() => setOpen(true)}>
          Deactivate account…
        </button>
      </Section>
    );
  return (
    <Section title="Deactivate account">
      <form className="form danger-zone" onSubmit={(e) => void form.submit(e, async () => (await deactivateAccount(password), ''))}>
        <p>
          Your account is hidden at once: nobody can find you, message you or add you to rooms, and you are signed out everywhere. After 30
          days your personal data is deleted, your username becomes free and your messages show as from “Deleted user”. Logging in again
          before then cancels the deletion.
        </p>
        <Field
          label="Your password"
          type="password"
          value={password}
          onChange={setPassword}
          error={form.fieldErrors.password}
          required
          autoComplete="current-password"
        />
        <label className="checkbox">
          <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} /> I understand, deactivate my
          account
        </label>
        <div className="row wrap">
          <button type="submit" className="danger" disabled={form.busy || !password || !understood}>
            Deactivate my account
          </button>
          <button type="button" className="secondary" onClick={() => (setOpen(false), setPassword(''), setUnderstood(false))}>
            Cancel
          </button>
        </div>
        <Outcome error={form.error} done={null} />
      </form>
    </Section>
  );
}
